#!/bin/sh
# bench.sh - the trace-driven syscall benchmark behind `make bench`.
#
# Usage: tools/bench.sh [-a tcg|kvm] [-p PASSES] [-o OUTDIR] [-j JOBS] [-l]
#                         [-m MODES] [-e ENTRIES] TRACE.log...
#   -a  accelerator (default tcg: QEMU TCG with -icount shift=0, figures are
#       guest instructions; kvm: hardware virtualization, figures are cycles)
#   -p  measured passes per trace and entry path, after one warm-up (default 10)
#   -o  where NAME.csv, NAME.json, NAME.svg and run.txt go (default
#       $BUILD/bench/results: the build tree; `make bench-publish` copies a
#       run into bench/results/)
#   -j  boots at a time (default 2)
#   -l  add the Linux peer (tools/linux-peer.sh): modes linux-pti, linux-nopti
#   -m  address-space modes, space-separated (default "split split-global shared")
#   -e  entry paths, space-separated (default "int80 sysenter")
#   -n  dry run: convert and pack the traces, print one line per batch
#       ("bench: batch B: N traces, W words, C bytes: ARGS"), boot nothing
# Each TRACE.log is unmodified strace output; NAME is its file name without
# the extension (characters other than A-Za-z0-9_.+- become _). A directory
# stands for the files in it; a glob is expanded here if the shell did not;
# a word that is no path is joined to the next with a space (make passes
# TRACE="my traces/a.log" as two words). Files named PREFIX.PID (the per-pid
# files of strace -ff -o PREFIX) with one PREFIX are one trace, NAME from
# PREFIX, converted together in pid order. Any number of traces: they are packed into batches that fit
# one module command line (MAX_ARGS words, CMDLINE_MAX bytes: the kernel's
# limits), and every mode is booted once per batch with the batch's traces
# as boot modules; inside each boot the replay runs every entry path asked for.
# run.txt in OUTDIR describes the run (commit, traces, modes, ...): it is what
# tools/bench-publish.sh reads.
#
# Needs: make all and make -C tools done (the Makefile's bench target does
# both). Environment: BUILD (default build), QEMU (qemu-system-i386),
# BENCH_WORK (scratch directory, default $BUILD/bench), BENCH_BOOT_TIMEOUT (seconds
# per boot; default: it scales with the work, printed before the boots).
# Exit status: 0, or 1 with the reason on stderr.
set -eu
BUILD=${BUILD:-build}
# QEMU_EXIT_PASS: a boot's pass status, derived from x86/platform.h (Makefile)
[ -r "$BUILD/gen/qemu_exit.sh" ] || { echo "bench: $BUILD/gen/qemu_exit.sh missing (make all makes it)" >&2; exit 1; }
. "$BUILD/gen/qemu_exit.sh"
accel=tcg passes=10 outdir=$BUILD/bench/results peer='' jobs=2
MODES="split split-global shared"
ENTRIES="int80 sysenter"
dry=
usage="usage: $0 [-a tcg|kvm] [-p PASSES] [-o OUTDIR] [-j JOBS] [-l] [-m MODES] [-e ENTRIES] [-n] TRACE.log..."
while getopts a:p:o:j:lm:e:n opt; do
    case $opt in
    a) accel=$OPTARG ;;
    p) passes=$OPTARG ;;
    o) outdir=$OPTARG ;;
    j) jobs=$OPTARG ;;
    l) peer=linux ;;
    m) MODES=$OPTARG ;;
    e) ENTRIES=$OPTARG ;;
    n) dry=1 ;;
    *) echo "$usage" >&2; exit 1 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "bench: no trace given" >&2; exit 1; }
case $accel in tcg|kvm) ;; *) echo "bench: ACCEL must be tcg or kvm, not '$accel'" >&2; exit 1 ;; esac
case $passes in ''|*[!0-9]*) echo "bench: PASSES must be a number" >&2; exit 1 ;; esac
case $jobs in ''|0|*[!0-9]*) echo "bench: -j must be a number >= 1" >&2; exit 1 ;; esac
for m in $MODES; do
    case $m in split|split-global|shared) ;; *) echo "bench: unknown mode '$m' (split, split-global, shared)" >&2; exit 1 ;; esac
done
for e in $ENTRIES; do
    case $e in int80|sysenter) ;; *) echo "bench: unknown entry path '$e' (int80, sysenter)" >&2; exit 1 ;; esac
done
[ -n "$MODES" ] && [ -n "$ENTRIES" ] || { echo "bench: no mode or no entry path given" >&2; exit 1; }

QEMU=${QEMU:-qemu-system-i386}
work=${BENCH_WORK:-$BUILD/bench}   # ISOs, traces and serial logs
rm -rf "$work"/traces* "$work/linux-traces" && mkdir -p "$work/linux-traces"
rm -f "$work"/*.rc "$work"/*.secs "$work"/batch*

# 1. strace text -> SPLITTRC, one boot module per trace. Module names are at
# most 15 characters; a longer NAME is reported through the replay's as=.
# The traces are packed into batches, each one boot per mode: a batch's
# module command line ("replay passes=N entry=E... [as=NAME] MOD...") must fit
# the kernel's limits on words and bytes (src/kernel/uapi/syscall.h
# MAX_ARGS, src/kernel/proc/loader.c CMDLINE_MAX), read here from those files.
max_words=$(sed -n 's/^#define MAX_ARGS *\([0-9][0-9]*\).*/\1/p' src/kernel/uapi/syscall.h)
max_bytes=$(sed -n 's/^#define CMDLINE_MAX *\([0-9][0-9]*\).*/\1/p' src/kernel/proc/loader.c)
[ -n "$max_words" ] && [ -n "$max_bytes" ] || { echo "bench: cannot read MAX_ARGS / CMDLINE_MAX from the kernel sources" >&2; exit 1; }
fixed="replay passes=$passes"
for e in $ENTRIES; do fixed="$fixed entry=$e"; done
# Input words -> $work/inputs: one line per file, "NAME<TAB>PATH", the files
# of one trace together and in replay order.
inputs=$work/inputs
input_files() {   # input_files PATH: the path, or a directory's files
    if [ -d "$1" ]; then find "$1" -mindepth 1 -maxdepth 1 -type f | LC_ALL=C sort; else printf '%s\n' "$1"; fi
}
glob_paths() (    # glob_paths PATTERN: its matches, one a line; status 1 if none
    IFS=''
    # shellcheck disable=SC2086
    set -- $1     # pathname expansion only: IFS is empty, so no splitting
    [ $# -gt 1 ] || [ -e "$1" ] || exit 1
    printf '%s\n' "$@"
)
expand_inputs() {
    cur=''
    for w in "$@"; do
        cand=${cur:+$cur }$w
        if [ -e "$cand" ]; then
            input_files "$cand"
        elif m=$(glob_paths "$cand"); then
            printf '%s\n' "$m" | while IFS= read -r f; do input_files "$f"; done
        else
            cur=$cand
            continue
        fi
        cur=''
    done
    [ -z "$cur" ] || { echo "bench: cannot read $cur (no such file, directory or glob match)" >&2; return 1; }
}
group_inputs() {  # PATH lines -> NAME<TAB>PATH lines: PREFIX.PID files grouped, pid order
    awk '{
        path = $0; base = path; sub(/.*\//, "", base)
        if (match(base, /\.[0-9]+$/)) { key = substr(path, 1, length(path) - RLENGTH); pid = substr(base, RSTART + 1) + 0 }
        else { key = path; pid = -1 }
        if (!(key in n)) { order[++nk] = key; n[key] = 0 }
        n[key]++; file[key, n[key]] = path; pidof[key, n[key]] = pid
    }
    END {
        for (k = 1; k <= nk; k++) {
            key = order[k]; name = key; sub(/.*\//, "", name)
            sub(/\.[^.]*$/, "", name)                # out/make.log.PID, tiny.log: make, tiny
            gsub(/[^A-Za-z0-9_.+-]/, "_", name)
            for (i = 2; i <= n[key]; i++)          # insertion sort by pid
                for (j = i; j > 1 && pidof[key, j - 1] > pidof[key, j]; j--) {
                    t = file[key, j]; file[key, j] = file[key, j - 1]; file[key, j - 1] = t
                    t = pidof[key, j]; pidof[key, j] = pidof[key, j - 1]; pidof[key, j - 1] = t
                }
            for (i = 1; i <= n[key]; i++) printf "%s\t%s\n", name, file[key, i]
        }
    }'
}
expand_inputs "$@" > "$inputs.paths" || exit 1
[ -s "$inputs.paths" ] || { echo "bench: no trace file in: $*" >&2; exit 1; }
group_inputs < "$inputs.paths" > "$inputs"

names='' i=0 batch=0 args='' words=0 bytes=0 in_batch=0
new_batch() {
    batch=$((batch + 1)) args='' in_batch=0
    words=$(echo "$fixed" | wc -w) bytes=${#fixed}
    mkdir -p "$work/traces$batch"
    echo 0 > "$work/batch$batch.records"
}
new_batch
for name in $(cut -f1 "$inputs" | uniq); do
    set --                                      # this trace's files
    while IFS='	' read -r n f; do [ "$n" != "$name" ] || set -- "$@" "$f"; done < "$inputs"
    log=$1
    [ $# -eq 1 ] || log="$1 (and $(($# - 1)) more -ff files)"
    for f in "$@"; do [ -r "$f" ] && [ -f "$f" ] || { echo "bench: cannot read $f" >&2; exit 1; }; done
    printf '%s' "$name" | grep -Eq '^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$' ||
        { echo "bench: $log: the trace name '$name' must be 1-64 characters of A-Za-z0-9_.+- (rename the log)" >&2; exit 1; }
    case " $names " in *" $name "*) echo "bench: two traces are named $name" >&2; exit 1 ;; esac
    mod=$name word=$name
    if ! printf '%s' "$mod" | grep -Eq '^[A-Za-z0-9_-]{1,15}$'; then
        mod=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_-' '_' | cut -c1-10)_$i
        word="as=$name $mod"
    fi
    nw=$(echo "$word" | wc -w) nb=$((${#word} + 1))
    if [ $in_batch -gt 0 ] && { [ $((words + nw)) -gt "$max_words" ] || [ $((bytes + nb)) -ge "$max_bytes" ]; }; then
        new_batch
    fi
    tdir=$work/traces$batch
    "$BUILD/tools/strace2trace" "$@" "$tdir/$mod.trc" 2> "$tdir/$mod.summary" || {
        cat "$tdir/$mod.summary" >&2; echo "bench: strace2trace failed on $log: no boot" >&2; exit 1; }
    echo "bench: $name: $(sed -n 's/^strace2trace: \([0-9]* records written\).*/\1/p' "$tdir/$mod.summary")," \
         "$(sed -n 's/^  skipped: \([0-9]* records\).*/\1 skipped/p' "$tdir/$mod.summary")," \
         "$(sed -n 's/^  malformed: \([0-9]*\).*/\1 malformed lines/p' "$tdir/$mod.summary")$(
            [ $# -eq 1 ] || echo " ($# -ff files)")"
    nostring=$(sed -n 's/^strace2trace: \([0-9]*\) records with a path of unknown length.*/\1/p' "$tdir/$mod.summary")
    [ -z "$nostring" ] || echo "bench: $name: $nostring records have a path of unknown length" \
        "(-e raw=all or NULL): replayed with 0 path bytes"
    args="$args $word" words=$((words + nw)) bytes=$((bytes + nb)) in_batch=$((in_batch + 1))
    echo "${fixed#replay }$args" > "$work/batch$batch.args"
    echo "$in_batch" > "$work/batch$batch.count"
    nrec=$(sed -n 's/^strace2trace: \([0-9]*\) records written.*/\1/p' "$tdir/$mod.summary")
    echo $(( $(cat "$work/batch$batch.records") + ${nrec:-0} )) > "$work/batch$batch.records"
    echo "${nrec:-0}" > "$work/traces$batch/$mod.records"
    printf '%s ' "$name" >> "$work/batch$batch.names"
    cp "$tdir/$mod.trc" "$work/linux-traces/$name.trc"   # the peer names files as reported
    names="$names $name"
    i=$((i + 1))
done
batches=$batch

# The per-boot time limit scales with the work: every record is replayed
# (passes + 2: the fills and warm-up passes) x entry paths times. BOOT_BASE_S covers booting, the
# floors and the report; REPLAY_US is a generous allowance per replayed record
# (docs/benchmarking.md, "Time limits": calibrated from the bundled traces'
# boots, about 4x the slowest). BENCH_BOOT_TIMEOUT=SECONDS replaces it.
BOOT_BASE_S=120 REPLAY_US=2000
nentries=$(echo $ENTRIES | wc -w)
case ${BENCH_BOOT_TIMEOUT:-1} in ''|0|*[!0-9]*)
    echo "bench: BENCH_BOOT_TIMEOUT must be a number of seconds >= 1, not '$BENCH_BOOT_TIMEOUT'" >&2; exit 1 ;; esac
boot_limit() { # boot_limit RECORDS: seconds one boot may take
    if [ -n "${BENCH_BOOT_TIMEOUT:-}" ]; then echo "$BENCH_BOOT_TIMEOUT"; return; fi
    echo $(( BOOT_BASE_S + ($1 * (passes + 2) * nentries * REPLAY_US + 999999) / 1000000 ))
}
for b in $(seq 1 "$batches"); do
    recs=$(cat "$work/batch$b.records") bnames=$(cat "$work/batch$b.names")
    limit=$(boot_limit "$recs")
    echo "$limit" > "$work/batch$b.limit"
    what="trace ${bnames% }"
    [ "$(cat "$work/batch$b.count")" -eq 1 ] || what="traces ${bnames% } (batch $b)"
    echo "bench: $what: $recs records x $passes passes (+2: fills, warm-up) x $nentries entry paths:" \
         "allowing up to $limit s per boot ($( [ -n "${BENCH_BOOT_TIMEOUT:-}" ] && echo "BENCH_BOOT_TIMEOUT" ||
            echo "$BOOT_BASE_S s + $REPLAY_US us per replayed record; BENCH_BOOT_TIMEOUT=SECONDS overrides"))"
done
if [ -n "$dry" ]; then
    for b in $(seq 1 "$batches"); do
        line="replay $(cat "$work/batch$b.args")"
        echo "bench: batch $b: $(cat "$work/batch$b.count") traces, $(echo "$line" | wc -w) words, ${#line} bytes: $line"
    done
    exit 0
fi
mkdir -p "$outdir"
rm -f "$outdir/run.txt"        # no run.txt until this run is complete

# 2. One ISO per mode and batch ("job" MODE.BATCH), booting the replay entry
# (9) of tools/mkiso.sh.
JOBS=''
for b in $(seq 1 "$batches"); do
    for m in $MODES; do
        TRACE_DIR=$work/traces$b REPLAY_ARGS=$(cat "$work/batch$b.args") KERNEL_ARGS="aspace=$m" \
            tools/mkiso.sh "$work/$m.$b.iso" "$BUILD/kernel.elf" "$BUILD/kernel.sym" "${MODDIR:-modules}" 9
        JOBS="$JOBS $m.$b"
    done
done
[ "$batches" -eq 1 ] || echo "bench: $i traces in $batches batches: $(echo $JOBS | wc -w) boots"

# -icount shift=0: rdtsc counts executed instructions. sleep=off: an idle
# guest does not wait for host time, virtual time jumps to the next timer
# deadline instead, so no host timing enters the run (two runs of one tree
# give the same ticks; test/bench/smoke.sh checks it).
qemu_accel() {
    if [ "$1" = kvm ]; then echo "-accel kvm -cpu host"; else echo "-accel tcg -icount shift=0,sleep=off"; fi
}

# boot JOB ACCEL TIMEOUT: run $work/JOB.iso for at most TIMEOUT seconds (boot_limit);
# its serial output goes to $work/JOB.log. Exit status 124: timed out.
boot() {
    # shellcheck disable=SC2046
    timeout "$3" "$QEMU" $(qemu_accel "$2") -m 256M -no-reboot -display none \
        -cdrom "$work/$1.iso" -serial "file:$work/$1.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04
}

requested=$accel
# 3. ACCEL=kvm: the kernel prints "paging: kernel PD" once paging is on. If
# the first boot never gets there (QEMU refuses `-cpu host`, or the guest
# triple-faults at `mov cr0` as under a paravirtual KVM), fall back to TCG.
if [ "$accel" = kvm ]; then
    probe=${JOBS# }; probe=${probe%% *}
    if [ ! -w /dev/kvm ]; then
        echo "bench: ACCEL=kvm: /dev/kvm is not usable here; falling back to TCG -icount shift=0"
        accel=tcg
    else
        plimit=$(cat "$work/batch${probe##*.}.limit")
        echo "bench: ACCEL=kvm: probing with $probe (up to $plimit s) ..."
        set +e; boot "$probe" kvm "$plimit" 2> "$work/kvm-probe.err"; rc=$?; set -e
        if tr -d '\r' < "$work/$probe.log" | grep -q '^paging: kernel PD'; then
            echo $rc > "$work/$probe.rc"          # that boot was the real run: keep it
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

# 4. Every job (mode x batch), $jobs boots at a time, with progress from the serial logs.
started=$(date +%s)
pids=''
run_job() {
    t0=$(date +%s)
    set +e; boot "$1" "$accel" "$(cat "$work/batch${1##*.}.limit")"; rc=$?
    echo $(( $(date +%s) - t0 )) > "$work/$1.secs"; echo $rc > "$work/$1.rc"
}
queue=''
for j in $JOBS; do
    [ -e "$work/$j.rc" ] && continue             # the KVM probe's run
    rm -f "$work/$j.log"; queue="$queue $j"
done
set -- $queue
while [ $# -gt 0 ] || [ -n "$pids" ]; do
    running=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
    if [ $# -gt 0 ] && [ $running -lt "$jobs" ]; then
        run_job "$1" & pids="$pids $!"
        shift
        continue
    fi
    [ $running -eq 0 ] && [ $# -eq 0 ] && break
    sleep 2
    line=''
    for j in $JOBS; do
        [ -e "$work/$j.rc" ] && { line="$line $j:done"; continue; }
        [ -e "$work/$j.log" ] || { line="$line $j:waiting"; continue; }
        last=$(tr -d '\r' < "$work/$j.log" | sed -n 's/^replay: progress trace=\([^ ]*\) entry=\([^ ]*\) pass=\(.*\)/\1 \2 \3/p' | tail -1)
        line="$line $j:${last:+$(echo "$last" | tr ' ' '/')}"
        [ -n "$last" ] || line="${line}booting"
    done
    printf 'bench: %3ss%s\n' $(( $(date +%s) - started )) "$line"
done
wait

fail=0
for j in $JOBS; do
    rc=$(cat "$work/$j.rc" 2>/dev/null || echo none)
    want=$(cat "$work/batch${j##*.}.count")
    ends=$(tr -d '\r' < "$work/$j.log" 2>/dev/null | grep -c '^replay: end ' || true)
    if [ "$rc" = 124 ]; then
        b=${j##*.} limit=$(cat "$work/batch${j##*.}.limit")
        bn=$(cat "$work/batch$b.names")
        echo "bench: TIMED OUT: aspace=${j%.*} batch $b (traces ${bn% }) was stopped after its limit of $limit s per boot" \
             "($(cat "$work/batch$b.records") records x $passes passes (+2: fills, warm-up) x $nentries entry paths), with $ends of $want" \
             "traces replayed. Allow more with BENCH_BOOT_TIMEOUT=SECONDS (e.g. BENCH_BOOT_TIMEOUT=$((limit * 4)) make bench ...)," \
             "or replay less (PASSES=, fewer traces per run). Last lines of $work/$j.log:" >&2
        tr -d '\r' < "$work/$j.log" 2>/dev/null | tail -5 >&2
        fail=1
    elif [ "$rc" != "$QEMU_EXIT_PASS" ] || [ "$ends" -ne "$want" ]; then
        echo "bench: aspace=${j%.*} batch ${j##*.} failed (QEMU exit $rc, $ends of $want traces replayed); last lines of $work/$j.log:" >&2
        tr -d '\r' < "$work/$j.log" | tail -15 >&2
        fail=1
    fi
done
[ $fail -eq 0 ] || exit 1
logs=''
for j in $JOBS; do logs="$logs $work/$j.log"; done

# 5. The Linux peer, same traces, same replay code.
if [ "$peer" = linux ]; then
    tools/linux-peer.sh "$work/linux" "$passes" "$work"/linux-traces/*.trc
    logs="$logs $work/linux/linux-pti.log $work/linux/linux-nopti.log"
fi

# 6. CSV, JSON, SVG and the side-by-side table, per trace.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
qemu_version=$("$QEMU" --version | head -1)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for name in $names; do
    # shellcheck disable=SC2086
    python3 tools/bench-report.py --trace "$name" --unit "$unit" --outdir "$outdir" \
        --meta accelerator="$accel" --meta accelerator_requested="$requested" --meta unit="$unit" --meta qemu="$qemu_version" \
        --meta kernel_commit="$commit" --meta passes="$passes" \
        --meta modes="$MODES" --meta entries="$ENTRIES" --meta date="$date" \
        --ksym "$BUILD/kernel.sym" $logs
    echo "bench: wrote $outdir/$name.csv, $outdir/$name.json, $outdir/$name.svg"
done
# 7. run.txt: what tools/bench-publish.sh needs to publish this run.
{
    echo "commit=$commit"
    echo "date=$date"
    echo "accelerator=$accel"
    echo "accelerator_requested=$requested"
    echo "unit=$unit"
    echo "passes=$passes"
    echo "peer=${peer:-none}"
    echo "modes=$MODES"
    echo "entries=$ENTRIES"
    echo "traces=${names# }"
    echo "qemu=$qemu_version"
} > "$outdir/run.txt"
echo "bench: $(( $(date +%s) - started )) s of boots and replays; serial logs in $work/"
echo "bench: results in $outdir/ (make bench-publish copies them into bench/results/)"
