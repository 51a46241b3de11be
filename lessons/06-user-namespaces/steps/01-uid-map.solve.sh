touch /tmp/f && chown 1000:1000 /tmp/f
