#!/bin/sh
# bench.sh - the trace-driven syscall benchmark behind `make bench`.
#
# Usage: scripts/bench.sh [-a tcg|kvm] [-p PASSES] [-o OUTDIR] [-j JOBS] [-l] TRACE.log...
#   -a  accelerator (default tcg: QEMU TCG with -icount shift=0, figures are
#       guest instructions; kvm: hardware virtualization, figures are cycles)
#   -p  measured passes per trace and entry path, after one warm-up (default 10)
#   -o  where NAME.csv, NAME.json and NAME.svg go (default bench/results)
#   -j  boots at a time (default 2)
#   -l  add the Linux peer (scripts/linux-peer.sh): modes linux-pti, linux-nopti
# Each TRACE.log is unmodified strace output; NAME is its file name without
# the extension. Every address-space mode (split, split-global, shared) is
# booted once with every trace as a boot module; inside each boot the replay
# runs both entry paths (int80, sysenter).
#
# Needs: make all and make -C tools done (the Makefile's bench target does
# both). Environment: BUILD (default build), QEMU (qemu-system-i386),
# BENCH_WORK (scratch directory, default $BUILD/bench).
# Exit status: 0, or 1 with the reason on stderr.
set -eu
accel=tcg passes=10 outdir=bench/results peer= jobs=2
while getopts a:p:o:j:l opt; do
    case $opt in
    a) accel=$OPTARG ;;
    p) passes=$OPTARG ;;
    o) outdir=$OPTARG ;;
    j) jobs=$OPTARG ;;
    l) peer=linux ;;
    *) echo "usage: $0 [-a tcg|kvm] [-p PASSES] [-o OUTDIR] [-j JOBS] [-l] TRACE.log..." >&2; exit 1 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "bench: no trace given" >&2; exit 1; }
case $accel in tcg|kvm) ;; *) echo "bench: ACCEL must be tcg or kvm, not '$accel'" >&2; exit 1 ;; esac
case $passes in ''|*[!0-9]*) echo "bench: PASSES must be a number" >&2; exit 1 ;; esac

BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
MODES="split split-global shared"
MAX_TRACES=6                    # module command line: 256 bytes, 16 words
work=${BENCH_WORK:-$BUILD/bench}   # ISOs, traces and serial logs
rm -rf "$work/traces" "$work/linux-traces" && mkdir -p "$work/traces" "$work/linux-traces" "$outdir"
rm -f "$work"/*.rc

# 1. strace text -> SPLITTRC, one boot module per trace. Module names are at
# most 15 characters; a longer NAME is reported through the replay's as=.
[ $# -le $MAX_TRACES ] || { echo "bench: at most $MAX_TRACES traces per run ($# given)" >&2; exit 1; }
names='' args="passes=$passes" i=0
for log in "$@"; do
    [ -r "$log" ] || { echo "bench: cannot read $log" >&2; exit 1; }
    name=$(basename "$log"); name=${name%.*}
    case " $names " in *" $name "*) echo "bench: two traces are named $name" >&2; exit 1 ;; esac
    mod=$name
    if ! printf '%s' "$mod" | grep -Eq '^[A-Za-z0-9_-]{1,15}$'; then
        mod=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_-' '_' | cut -c1-12)_$i
    fi
    "$BUILD/tools/strace2trace" "$log" "$work/traces/$mod.trc" 2> "$work/traces/$mod.summary" || {
        cat "$work/traces/$mod.summary" >&2; echo "bench: strace2trace failed on $log" >&2; exit 1; }
    echo "bench: $name: $(sed -n 's/^strace2trace: \([0-9]* records written\).*/\1/p' "$work/traces/$mod.summary")," \
         "$(sed -n 's/^  skipped: \([0-9]* records\).*/\1 skipped/p' "$work/traces/$mod.summary")," \
         "$(sed -n 's/^  malformed: \([0-9]*\).*/\1 malformed lines/p' "$work/traces/$mod.summary")"
    [ "$mod" = "$name" ] && args="$args $mod" || args="$args as=$name $mod"
    cp "$work/traces/$mod.trc" "$work/linux-traces/$name.trc"   # the peer names files as reported
    names="$names $name"
    i=$((i + 1))
done

# 2. One ISO per mode, booting the replay entry (9) of scripts/mkiso.sh.
for m in $MODES; do
    TRACE_DIR=$work/traces REPLAY_ARGS=$args KERNEL_ARGS="aspace=$m" \
        scripts/mkiso.sh "$work/$m.iso" "$BUILD/kernel.elf" "$BUILD/kernel.sym" modules 9
done

qemu_accel() {
    if [ "$1" = kvm ]; then echo "-accel kvm -cpu host"; else echo "-accel tcg -icount shift=0"; fi
}

# boot MODE ACCEL [TIMEOUT]: run one ISO; its serial output goes to $work/MODE.log.
boot() {
    # shellcheck disable=SC2046
    timeout "${3:-900}" "$QEMU" $(qemu_accel "$2") -m 256M -no-reboot -display none \
        -cdrom "$work/$1.iso" -serial "file:$work/$1.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04
}

requested=$accel
# 3. ACCEL=kvm: the kernel prints "paging: kernel PD" once paging is on. If
# the first boot never gets there (QEMU refuses `-cpu host`, or the guest
# triple-faults at `mov cr0` as under a paravirtual KVM), fall back to TCG.
if [ "$accel" = kvm ]; then
    if [ ! -w /dev/kvm ]; then
        echo "bench: ACCEL=kvm: /dev/kvm is not usable here; falling back to TCG -icount shift=0"
        accel=tcg
    else
        echo "bench: ACCEL=kvm: probing with aspace=split (up to 180 s) ..."
        set +e; boot split kvm 180 2> "$work/kvm-probe.err"; rc=$?; set -e
        if tr -d '\r' < "$work/split.log" | grep -q '^paging: kernel PD'; then
            echo $rc > "$work/split.rc"          # that boot was the real run: keep it
        else
            why=$(grep -v '^Aborted' "$work/kvm-probe.err" | tail -1)
            echo "bench: ACCEL=kvm: the guest never reached its paging-on marker (QEMU exit $rc${why:+: $why});" \
                 "falling back to TCG -icount shift=0"
            accel=tcg
        fi
    fi
fi
unit=instructions
[ "$accel" = kvm ] && unit=cycles

# 4. Every mode, $jobs boots at a time, with progress from the serial logs.
started=$(date +%s)
pids=''
run_mode() {
    set +e; boot "$1" "$accel"; echo $? > "$work/$1.rc"
}
queue=''
for m in $MODES; do
    [ -e "$work/$m.rc" ] && continue             # the KVM probe's split run
    rm -f "$work/$m.log"; queue="$queue $m"
done
set -- $queue
while [ $# -gt 0 ] || [ -n "$pids" ]; do
    running=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
    if [ $# -gt 0 ] && [ $running -lt "$jobs" ]; then
        run_mode "$1" & pids="$pids $!"
        shift
        continue
    fi
    [ $running -eq 0 ] && [ $# -eq 0 ] && break
    sleep 2
    line=''
    for m in $MODES; do
        [ -e "$work/$m.rc" ] && { line="$line $m:done"; continue; }
        [ -e "$work/$m.log" ] || { line="$line $m:waiting"; continue; }
        last=$(tr -d '\r' < "$work/$m.log" | sed -n 's/^replay: progress trace=\([^ ]*\) entry=\([^ ]*\) pass=\(.*\)/\1 \2 \3/p' | tail -1)
        line="$line $m:${last:+$(echo "$last" | tr ' ' '/')}"
        [ -n "$last" ] || line="${line}booting"
    done
    printf 'bench: %3ss%s\n' $(( $(date +%s) - started )) "$line"
done
wait

fail=0
for m in $MODES; do
    rc=$(cat "$work/$m.rc" 2>/dev/null || echo none)
    ends=$(tr -d '\r' < "$work/$m.log" | grep -c '^replay: end ' || true)
    if [ "$rc" != 33 ] || [ "$ends" -ne "$i" ]; then
        echo "bench: aspace=$m failed (QEMU exit $rc, $ends of $i traces replayed); last lines of $work/$m.log:" >&2
        tr -d '\r' < "$work/$m.log" | tail -15 >&2
        fail=1
    fi
done
[ $fail -eq 0 ] || exit 1
logs=''
for m in $MODES; do logs="$logs $work/$m.log"; done

# 5. The Linux peer, same traces, same replay code.
if [ "$peer" = linux ]; then
    scripts/linux-peer.sh "$work/linux" "$passes" "$work"/linux-traces/*.trc
    logs="$logs $work/linux/linux-pti.log $work/linux/linux-nopti.log"
fi

# 6. CSV, JSON, SVG and the side-by-side table, per trace.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
qemu_version=$("$QEMU" --version | head -1)
for name in $names; do
    # shellcheck disable=SC2086
    python3 tools/bench-report.py --trace "$name" --unit "$unit" --outdir "$outdir" \
        --meta accelerator="$accel" --meta accelerator_requested="$requested" --meta unit="$unit" --meta qemu="$qemu_version" \
        --meta kernel_commit="$commit" --meta passes="$passes" \
        --meta date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" $logs
    echo "bench: wrote $outdir/$name.csv, $outdir/$name.json, $outdir/$name.svg"
done
echo "bench: $(( $(date +%s) - started )) s of boots and replays; serial logs in $work/"
