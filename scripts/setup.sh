#!/bin/bash
# setup.sh - everything Glassbox needs on a fresh Debian 12 / Ubuntu 22.04+ machine, as root: apt packages,
# npm packages, the native build and the default image. Idempotent; `--test` adds what the test suite needs.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: Glassbox builds real containers (sudo $0 $*)"
TEST=0
[ "${1:-}" = "--test" ] && TEST=1

# Node 20+ (the distribution's nodejs may be older: say so rather than fail later)
command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org or NodeSource's apt repository)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || die "Node.js $(node -v) is too old: 20 or newer is required"

pkgs=(libseccomp-dev busybox-static attr iproute2 util-linux make gcc g++ python3 libc6-dev musl-tools runc crun)
# the tests add: a pure cgroup-v2 VM (../shared/tools/v2vm.sh) and Debian's Chromium for Playwright
[ $TEST = 1 ] && pkgs+=(qemu-system-x86 cpio xz-utils linux-image-amd64 kmod chromium fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "npm packages"
if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json .setup-lock 2>/dev/null; then
  echo "up to date"
else
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json .setup-lock
fi

say "native module and helpers"
npx node-gyp rebuild --directory native --loglevel=warn >/dev/null
make -s -C native

say "the web app (a static export, served by glassbox serve)"
if [ -d app ] && node -e 'process.exit(require("./package.json").scripts?.["build:app"] ? 0 : 1)'; then
  npm run -s build:app
else
  echo "no app to build yet"
fi

say "default image"
bin/glassbox image build

say "checking the host"
bin/glassbox doctor
