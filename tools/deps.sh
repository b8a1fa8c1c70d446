#!/bin/sh
# deps.sh [--list] - make sure the Debian packages the build and tests use
# are installed. As root it installs what is missing with apt-get; otherwise
# it prints the exact apt-get line and fails. --list prints the package list
# (the one source: .ci/run installs what it prints).
set -eu
PACKAGES="make gcc gcc-multilib nasm binutils qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
bochs bochsbios vgabios bochs-term gdb libcmocka-dev gnuplot-nox strace python3 iproute2"
if [ "${1:-}" = "--list" ]; then
    echo "$PACKAGES"
    exit 0
fi

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:$missing" >&2
    echo "install them with:  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
