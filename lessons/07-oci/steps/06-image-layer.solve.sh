mkdir -p /root/image/blobs/sha256 && cd /root/bundle/rootfs && tar -cf /root/layer.tar . && cd /root
gzip -c /root/layer.tar > /root/layer.tar.gz && d=$(sha256sum /root/layer.tar.gz | cut -d' ' -f1) && cp /root/layer.tar.gz /root/image/blobs/sha256/$d && echo sha256:$d
