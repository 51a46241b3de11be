cat /root/bundle/exec.fifo
