echo hello > /tmp/note
