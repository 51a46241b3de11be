#!/bin/bash
# Done when /root/image/blobs/sha256/ holds a gzip'd tar with bin/busybox, named by the sha256 of its own bytes.
set -u
names=$($GB_EXEC ls /root/image/blobs/sha256 2>/dev/null) || { echo "there is no /root/image/blobs/sha256 yet: mkdir -p /root/image/blobs/sha256"; exit 1; }
misnamed=
for name in $names; do
  [[ $name =~ ^[a-f0-9]{64}$ ]] || continue
  # Hashed and listed on the host, from the bytes the container reads.
  sum=$($GB_EXEC cat "/root/image/blobs/sha256/$name" | sha256sum | cut -d' ' -f1)
  if [ "$sum" != "$name" ]; then misnamed=$name; continue; fi
  if $GB_EXEC cat "/root/image/blobs/sha256/$name" | tar -tzf - 2>/dev/null | grep -qx '\(\./\)\?bin/busybox'; then
    echo "blobs/sha256/$name: its own sha256, a tar.gz holding bin/busybox"
    exit 0
  fi
done
if [ -n "$misnamed" ]; then
  echo "blobs/sha256/${misnamed:0:12}... is not named by its sha256: name the file after sha256sum of its content"
else
  echo "no layer blob in /root/image/blobs/sha256 yet: gzip a tar of /root/bundle/rootfs and store it under its sha256"
fi
exit 1
