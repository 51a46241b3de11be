gbprobe memhog 300 2>&1 | tail -n 3
true
