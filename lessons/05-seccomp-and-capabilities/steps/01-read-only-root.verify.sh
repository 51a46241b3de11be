#!/bin/bash
# Done when /tmp/note is a file on the container's /tmp tmpfs, while its root stays mounted read-only.
set -u
# Field 5 of mountinfo is the mount point, the options follow; the fields after " - " give the fs type.
root_opts=$($GB_EXEC awk '$5 == "/" { print $6 }' /proc/1/mountinfo) || { echo "could not read the container's mounts"; exit 1; }
tmp_type=$($GB_EXEC awk '$5 == "/tmp" { sub(/.* - /, ""); print $1 }' /proc/1/mountinfo)
echo "/ mounted ${root_opts:-?}; /tmp is ${tmp_type:-not a mount}"
case ",$root_opts," in *,ro,*) ;; *) echo "the container's root is not mounted read-only"; exit 1 ;; esac
[ "$tmp_type" = tmpfs ] || { echo "the container's /tmp is not a tmpfs"; exit 1; }
kind=$($GB_EXEC stat -c %F /tmp/note 2>/dev/null)
if [ "$kind" != "regular file" ]; then
  echo "there is no file /tmp/note in the container yet: write one with echo hello > /tmp/note"
  exit 1
fi
echo "/tmp/note: $kind on the tmpfs"
