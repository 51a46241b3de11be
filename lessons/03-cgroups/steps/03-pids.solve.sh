gbprobe forkbomb 500
