echo 'app:x:1000:1000:app:/home/app:/bin/sh' >> /etc/passwd
