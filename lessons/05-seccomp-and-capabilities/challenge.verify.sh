#!/bin/bash
# Done when a socket in the container listens on the lowest port it may bind without CAP_NET_BIND_SERVICE.
set -u
bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$GB_PID/status") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
if [ "$(( 0x$bnd >> 10 & 1 ))" = 1 ]; then lowest=1; else
  # The threshold belongs to the container's network namespace: ask from inside.
  lowest=$($GB_EXEC cat /proc/sys/net/ipv4/ip_unprivileged_port_start) || { echo "could not read the container's ip_unprivileged_port_start"; exit 1; }
fi
listening=$(for hex in $(awk 'FNR > 1 && $4 == "0A" { sub(/.*:/, "", $2); print $2 }' \
  "/proc/$GB_PID/net/tcp" "/proc/$GB_PID/net/tcp6" 2>/dev/null); do echo $((16#$hex)); done | sort -nu | tr '\n' ' ')
echo "listening TCP ports in the container: ${listening:-none}"
case " $listening " in
  *" $lowest "*) echo "port $lowest is the lowest this container may bind" ;;
  *) echo "nothing listens on the lowest port this container may bind: which ports does it need a capability for?"; exit 1 ;;
esac
