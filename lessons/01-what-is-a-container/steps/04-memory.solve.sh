dd if=/dev/zero of=/dev/shm/fill bs=1M count=40
