hostname "$(readlink /proc/1/ns/uts | sed 's/[^0-9]//g')"
