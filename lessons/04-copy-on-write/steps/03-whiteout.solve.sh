rm /etc/os-release
