rm -rf /usr/local && mkdir /usr/local
