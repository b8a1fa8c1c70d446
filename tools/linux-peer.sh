#!/bin/sh
# linux-peer.sh - replay syscall traces on Debian's Linux 6.1 686-pae kernel,
# the Linux peer of the benchmark (modes linux-pti and linux-nopti).
#
# Usage (from anywhere):
#     tools/linux-peer.sh OUTDIR PASSES TRACEFILE.trc...
#
# The replay core (src/user/replay/*.c) runs as /init of an initramfs,
# built with the Linux backend (tools/linux-peer/replay_linux.c): the same
# code around each system call as on split. Each TRACEFILE goes into the
# initramfs as /traces/NAME.trc, NAME being its base name without .trc.
# Linux boots twice, in parallel, under QEMU TCG with `-icount shift=0`
# (rdtsc counts guest instructions, as for split's own runs):
#     OUTDIR/linux-pti.log     pti=on   (the meltdown file must say "Mitigation: PTI")
#     OUTDIR/linux-nopti.log   pti=off
# Each log is the guest's serial console; the result lines (row,... and
# floor,...) are documented in docs/benchmarking.md. /init reports through
# isa-debug-exit: QEMU exit status QEMU_EXIT_PASS (33) is success, anything else a failure.
#
# The kernel is fetched once into build/linux-peer/ (needs root and the
# network the first time): `dpkg --add-architecture i386`, `apt-get update`,
# `apt-get download` of the package that linux-image-686-pae:i386 depends on,
# and `dpkg-deb -x`. LINUX_PEER_VMLINUZ=/path/to/vmlinuz skips the fetch.
#
# Needs: qemu-system-x86 (qemu-system-i386), gcc-multilib (gcc -m32 -static,
# libc6-dev-i386), cpio, gzip. As root, a missing cpio is installed with
# apt-get.
#
# Environment: LINUX_PEER_TIMEOUT (seconds per boot; default: it scales with
# the work, BASE_S + REPLAY_US per replayed record, printed before the boots),
# LINUX_PEER_ICOUNT (QEMU -icount, default shift=0),
# LINUX_PEER_CPU (QEMU -cpu, default qemu32,+nx: PAE, SEP and NX for the
# 686-pae kernel, GenuineIntel so that __kernel_vsyscall uses sysenter and
# Linux considers the CPU affected by Meltdown, hence enables PTI).
#
# Exit status: 0 success; 1 a boot failed; 2 usage; 3 the kernel or a tool is
# missing and cannot be fetched here (one line says what to run).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$ROOT/build/linux-peer
QEMU=${QEMU:-qemu-system-i386}
CPU=${LINUX_PEER_CPU:-qemu32,+nx}
TIMEOUT=${LINUX_PEER_TIMEOUT:-}
# The default per-boot limit: every record is replayed (PASSES + 2: fills, warm-up) x 2
# entry paths (int80, sysenter) times. BASE_S covers the boot and the floors;
# REPLAY_US is a generous allowance per replayed record (docs/benchmarking.md,
# "Time limits": about 4x the slowest of the bundled traces' boots).
BASE_S=300 REPLAY_US=2500 ENTRIES=2
ICOUNT=${LINUX_PEER_ICOUNT:-shift=0}

say() { echo "linux-peer: $*"; }
die() { echo "linux-peer: $1" >&2; exit "${2:-1}"; }
# QEMU_EXIT_PASS, QEMU_EXIT_FAIL: /init's verdicts (replay_linux.c writes
# EXIT_PASS or EXIT_FAIL of src/kernel/x86/platform.h), as the Makefile derives them.
case ${BUILD:-build} in /*) qemu_exit=$BUILD ;; *) qemu_exit=$ROOT/${BUILD:-build} ;; esac
qemu_exit=$qemu_exit/gen/qemu_exit.sh
[ -r "$qemu_exit" ] || die "$qemu_exit missing (make all makes it)" 3
. "$qemu_exit"

if [ $# -lt 3 ]; then
    echo "usage: $0 OUTDIR PASSES TRACEFILE.trc..." >&2
    exit 2
fi
OUT=$1 PASSES=$2
shift 2
case $PASSES in ''|*[!0-9]*|0) die "PASSES must be a number >= 1, not '$PASSES'" 2 ;; esac
case ${TIMEOUT:-1} in *[!0-9]*|0) die "LINUX_PEER_TIMEOUT must be a number of seconds >= 1, not '$TIMEOUT'" 2 ;; esac

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- tools
command -v "$QEMU" >/dev/null 2>&1 ||
    die "$QEMU not found: run (as root) apt-get install -y qemu-system-x86" 3
if ! command -v cpio >/dev/null 2>&1; then
    if is_root; then
        say "installing cpio"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cpio >/dev/null ||
            die "apt-get install cpio failed" 3
    else
        die "cpio not found: run (as root) apt-get install -y cpio" 3
    fi
fi

# ---------------------------------------------------------------- the kernel
# build/linux-peer/vmlinuz and build/linux-peer/package (its package name).
fetch_kernel() {
    if ! is_root; then
        die "no kernel in $CACHE yet and not root: run once as root: sudo $0 $OUT $PASSES $* (it runs dpkg --add-architecture i386; apt-get update; apt-get download linux-image-6.1.0-*-686-pae:i386)" 3
    fi
    mkdir -p "$CACHE/dl"
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        say "dpkg --add-architecture i386"
        dpkg --add-architecture i386
    fi
    say "apt-get update"
    apt-get update -qq >/dev/null 2>&1 || true   # a failed mirror is not fatal; the download is the test
    pkg=$(apt-cache depends linux-image-686-pae:i386 2>/dev/null |
          sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-686-pae\)\(:i386\)\{0,1\}$/\1/p' | head -n 1)
    [ -n "$pkg" ] ||
        die "cannot resolve linux-image-686-pae:i386 (network? run: dpkg --add-architecture i386 && apt-get update && apt-cache depends linux-image-686-pae:i386)" 3
    say "apt-get download $pkg:i386"
    rm -f "$CACHE"/dl/*.deb
    # _apt cannot write into a root-owned build tree; let it, or apt
    # downloads unsandboxed with a warning.
    chmod 0777 "$CACHE/dl"
    (cd "$CACHE/dl" && apt-get download "$pkg:i386" >/dev/null 2>&1) ||
        die "apt-get download $pkg:i386 failed (network? run: apt-get update && apt-get download $pkg:i386)" 3
    rm -rf "$CACHE/pkg"
    dpkg-deb -x "$CACHE"/dl/*.deb "$CACHE/pkg"
    vmlinuz=$(find "$CACHE/pkg/boot" -name 'vmlinuz-*' 2>/dev/null | head -n 1)
    [ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $(ls "$CACHE"/dl/*.deb)" 3
    cp "$vmlinuz" "$CACHE/vmlinuz.tmp" && mv "$CACHE/vmlinuz.tmp" "$CACHE/vmlinuz"
    deb=$(basename "$(ls "$CACHE"/dl/*.deb)")
    echo "$deb" >"$CACHE/package"
    rm -rf "$CACHE/pkg" "$CACHE"/dl/*.deb
}

if [ -n "${LINUX_PEER_VMLINUZ:-}" ]; then
    VMLINUZ=$LINUX_PEER_VMLINUZ
    [ -f "$VMLINUZ" ] || die "LINUX_PEER_VMLINUZ=$VMLINUZ: no such file" 3
    PACKAGE=$(basename "$VMLINUZ")
else
    [ -f "$CACHE/vmlinuz" ] || fetch_kernel "$@"
    VMLINUZ=$CACHE/vmlinuz
    PACKAGE=$(cat "$CACHE/package" 2>/dev/null || echo unknown)
fi

# ---------------------------------------------------------------- /init and the initramfs
mkdir -p "$OUT" "$CACHE"
OUT=$(cd "$OUT" && pwd)
INIT=$CACHE/init
gcc -m32 -static -fno-pie -no-pie -O2 -Wall -Wextra -Werror -DREPLAY_LINUX \
    -I"$ROOT/src/user/replay" -I"$ROOT/src/kernel" \
    -o "$INIT" "$ROOT/tools/linux-peer/replay_linux.c" "$ROOT"/src/user/replay/*.c ||
    die "building /init failed (gcc -m32 -static needs gcc-multilib: apt-get install -y gcc-multilib)" 3
# /exit0: the program the replay's OP_EXEC runs (tools/linux-peer/exit0.c).
gcc -m32 -static -nostdlib -fno-pie -no-pie -O2 -Wall -Wextra -Werror \
    -o "$CACHE/exit0" "$ROOT/tools/linux-peer/exit0.c" || die "building /exit0 failed" 3

STAGE=$OUT/initramfs.d
rm -rf "$STAGE"
mkdir -p "$STAGE/traces" "$STAGE/dev" "$STAGE/proc" "$STAGE/sys"
cp "$INIT" "$STAGE/init"
cp "$CACHE/exit0" "$STAGE/exit0"
NAMES=
RECORDS=0
for f in "$@"; do
    [ -f "$f" ] || die "$f: no such trace file" 2
    name=$(basename -- "$f" .trc)
    case $name in
        ''|*[!A-Za-z0-9._-]*) die "$f: trace name '$name' must be [A-Za-z0-9._-]+ (it goes on the kernel command line)" 2 ;;
    esac
    [ ! -e "$STAGE/traces/$name.trc" ] || die "two traces named $name" 2
    cp "$f" "$STAGE/traces/$name.trc"
    NAMES="$NAMES $name"
    # its records: the header's nrecords (uapi/trace.h: offset 12, u32 little-endian)
    r=$(od -An -tu4 -j12 -N4 "$f" 2>/dev/null | tr -d ' ')
    RECORDS=$((RECORDS + ${r:-0}))
done
INITRD=$OUT/initramfs.cpio.gz
(cd "$STAGE" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$INITRD"
rm -rf "$STAGE"

# ---------------------------------------------------------------- two boots
# norandmaps: no stack/mmap randomization, so buffer addresses (and the
# pages they span) are the same in every run.
boot() { # MODE PTI
    log=$OUT/$1.log
    rm -f "$log"
    start=$(date +%s)
    set +e
    timeout "$TIMEOUT" "$QEMU" -accel tcg -icount "$ICOUNT" -cpu "$CPU" -m 512M -smp 1 \
        -no-reboot -display none -monitor none -nic none \
        -kernel "$VMLINUZ" -initrd "$INITRD" \
        -append "console=ttyS0 quiet loglevel=0 norandmaps pti=$2 -- passes=$PASSES$NAMES" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial "file:$log" </dev/null >"$OUT/$1.qemu.txt" 2>&1
    rc=$?
    set -e
    echo "$rc $(( $(date +%s) - start ))" >"$OUT/$1.status"
}

if [ -n "$TIMEOUT" ]; then
    why_limit="LINUX_PEER_TIMEOUT"
else
    TIMEOUT=$(( BASE_S + (RECORDS * (PASSES + 2) * ENTRIES * REPLAY_US + 999999) / 1000000 ))
    why_limit="$BASE_S s + $REPLAY_US us per replayed record; LINUX_PEER_TIMEOUT=SECONDS overrides"
fi
say "traces:$NAMES: $RECORDS records x $PASSES passes (+2: fills, warm-up) x $ENTRIES entry paths: allowing up to $TIMEOUT s per boot ($why_limit)"
say "kernel $PACKAGE, -cpu $CPU, traces:$NAMES, $PASSES pass(es); booting linux-pti and linux-nopti in parallel"
boot linux-pti on &
pid_pti=$!
boot linux-nopti off &
pid_nopti=$!
wait "$pid_pti" || true
wait "$pid_nopti" || true

failed=0
for mode in linux-pti linux-nopti; do
    log=$OUT/$mode.log
    read -r rc secs <"$OUT/$mode.status" || { rc=none; secs='?'; }
    rm -f "$OUT/$mode.status"
    rows=$(grep -c '^row,' "$log" 2>/dev/null || true)
    wrong=$(grep '^row,' "$log" 2>/dev/null | cut -d, -f3 | grep -vcx "$mode" || true)
    why=
    if [ "$rc" != "$QEMU_EXIT_PASS" ]; then
        case $rc in
            124) why="TIMED OUT: stopped after its limit of ${TIMEOUT} s per boot ($RECORDS records x $PASSES passes (+2: fills, warm-up) x $ENTRIES entry paths, traces:$NAMES); allow more with LINUX_PEER_TIMEOUT=SECONDS (e.g. LINUX_PEER_TIMEOUT=$((TIMEOUT * 4))), or replay less (PASSES=, fewer traces)" ;;
            "$QEMU_EXIT_FAIL") why="/init reported a failure (exit $rc)" ;;
            *) why="QEMU exit status $rc, not $QEMU_EXIT_PASS" ;;
        esac
    elif [ "${rows:-0}" -eq 0 ]; then
        why="no row lines in the log"
    elif [ "${wrong:-0}" -ne 0 ]; then
        why="the rows say mode $(grep '^row,' "$log" | cut -d, -f3 | sort -u | tr '\n' ' ')instead of $mode (check the meltdown line)"
    fi
    if [ -n "$why" ]; then
        failed=1
        echo "linux-peer: $mode FAILED: $why (${secs}s); last lines of $log:" >&2
        tail -n 20 "$log" 2>/dev/null | sed 's/^/    /' >&2 || true
        [ -s "$OUT/$mode.qemu.txt" ] && sed 's/^/    qemu: /' "$OUT/$mode.qemu.txt" >&2
    else
        say "$mode ok in ${secs}s: $rows rows -> $log"
        rm -f "$OUT/$mode.qemu.txt"
    fi
done
exit "$failed"
