cat > /root/bundle/config.json <<'EOF'
{
  "ociVersion": "1.2.0",
  "process": {
    "user": { "uid": 0, "gid": 0 },
    "args": ["/bin/sh"],
    "env": ["PATH=/bin", "TERM=xterm"],
    "cwd": "/"
  },
  "root": { "path": "rootfs" },
  "hostname": "bundle",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"] }
  ],
  "linux": {
    "namespaces": [
      { "type": "pid" }, { "type": "mount" }, { "type": "uts" }, { "type": "ipc" }, { "type": "network" }
    ]
  }
}
EOF
