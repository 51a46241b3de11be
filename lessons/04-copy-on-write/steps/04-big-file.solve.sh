time sh -c 'printf x >> /usr/local/bin/gbprobe'
