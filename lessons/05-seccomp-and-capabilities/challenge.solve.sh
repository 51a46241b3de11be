port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start); httpd -p "$port"
# Wait (at most 5 s) until the server listens, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! netstat -ltn | grep -q ":$port "; do sleep 0.1; i=$((i + 1)); done
