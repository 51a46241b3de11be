#!/bin/bash
# Done when the container's hostname is the inode number of its own UTS namespace (as the host sees it).
set -u
box_uts=$(stat -L -c %i "/proc/$GB_PID/ns/uts") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
name=$($GB_EXEC hostname) || { echo "could not ask the container for its hostname"; exit 1; }
if [ "$name" != "$box_uts" ]; then
  echo "the container's hostname is \"$name\", not the number in its uts:[...] namespace link"
  exit 1
fi
echo "hostname $name = uts:[$box_uts]"
