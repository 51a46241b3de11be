#!/bin/bash
# Done when a socket in the container's network namespace listens on TCP port 8080, and the container lacks CAP_NET_BIND_SERVICE.
set -u
bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$GB_PID/status") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
if [ "$(( 0x$bnd >> 10 & 1 ))" = 1 ]; then echo "the container holds CAP_NET_BIND_SERVICE: this lesson's container should not"; exit 1; fi
# Columns of /proc/net/tcp{,6}: local_address is ADDR:PORT in hex, st 0A is LISTEN.
listening=$(for hex in $(awk 'FNR > 1 && $4 == "0A" { sub(/.*:/, "", $2); print $2 }' \
  "/proc/$GB_PID/net/tcp" "/proc/$GB_PID/net/tcp6" 2>/dev/null); do echo $((16#$hex)); done | sort -nu | tr '\n' ' ')
echo "listening TCP ports in the container: ${listening:-none}"
case " $listening " in
  *" 8080 "*) ;;
  *) echo "nothing in the container listens on port 8080: start a server with httpd -p 8080"; exit 1 ;;
esac
