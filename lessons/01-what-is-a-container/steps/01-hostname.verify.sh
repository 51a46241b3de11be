#!/bin/bash
# Done when the container's UTS namespace answers "glass": the kernel is asked from inside the container.
set -u
# This script runs on the host side, in the server's namespaces: its own UTS namespace is the host's.
host_uts=$(stat -L -c %i "/proc/$$/ns/uts") || { echo "cannot read the host's UTS namespace"; exit 1; }
box_uts=$(stat -L -c %i "/proc/$GB_PID/ns/uts") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
if [ "$host_uts" = "$box_uts" ]; then
  echo "the container shares the host's UTS namespace: its hostname is the host's"
  exit 1
fi
name=$($GB_EXEC hostname) || { echo "could not ask the container for its hostname"; exit 1; }
echo "uts:[$box_uts] (the host's is uts:[$host_uts]): hostname $name"
if [ "$name" != glass ]; then
  echo "the container's hostname is \"$name\", not \"glass\": run hostname glass"
  exit 1
fi
