#!/bin/bash
# Done when /root/image is an OCI image layout that glassbox's importer reads, with every layer's digest, size and diff_id right.
set -u
node "$(dirname "$0")/oci-check.mjs" layout /root/image 2>&1
