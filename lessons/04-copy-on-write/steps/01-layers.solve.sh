grep ' / / ' /proc/self/mountinfo | grep -o 'lowerdir=[^,]*' > /root/lowerdir
