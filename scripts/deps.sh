#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need; quiet when nothing is missing.
# Usage: scripts/deps.sh [build|test]   (test adds what the test suite runs: prometheus, promtool, curl, chromium, ...)
set -euo pipefail

build_pkgs=(g++ cmake make ccache git pkg-config
            prometheus-cpp-dev libcxxopts-dev libyaml-cpp-dev nlohmann-json3-dev
            libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libcrypt-dev libcurl4-openssl-dev libpci-dev pci.ids zlib1g-dev
            libprotobuf-dev protobuf-compiler)
test_pkgs=(prometheus openssl curl clang-format clang-tidy qemu-system-x86 busybox-static cpio
           podman buildah runc uidmap slirp4netns fuse-overlayfs debootstrap podman-compose python3 python3-jsonschema chromium victoria-metrics
           containernetworking-plugins golang-github-containernetworking-plugin-dnsname)

want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")
# node and npm validate deploy/kubernetes (tests/kubernetes); Debian's packages only where the
# machine has no node of its own.
[ "${1:-build}" = test ] && ! command -v node >/dev/null && want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/deps.sh: missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "scripts/deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
