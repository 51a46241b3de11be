cd /root/image
blob() { d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" blobs/sha256/$d; echo "$d $(wc -c < "$1")"; }
set -- $(blob /root/layer.tar.gz); layer=$1; layer_size=$2
diff_id=$(sha256sum /root/layer.tar | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff_id" > /root/config.json
set -- $(blob /root/config.json); config=$1; config_size=$2
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$config" "$config_size" "$layer" "$layer_size" > /root/manifest.json
set -- $(blob /root/manifest.json); manifest=$1; manifest_size=$2
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"mine"}}]}' "$manifest" "$manifest_size" > index.json
printf '{"imageLayoutVersion":"1.0.0"}' > oci-layout
