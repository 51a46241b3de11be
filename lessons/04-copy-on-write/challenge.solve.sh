touch /etc/hostname
