chmod 600 /tmp/note
