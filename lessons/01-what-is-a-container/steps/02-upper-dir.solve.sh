touch /etc/x
