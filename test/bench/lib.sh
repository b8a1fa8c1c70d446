# lib.sh - what the benchmark test scripts share (sourced; it sources tap.sh
# for ok, not_ok, check, skip and the counters). One function per concern:
#
#   bench_test_init NAME   $root = the worktree, the working directory from
#                          now on; $tmp = a fresh directory NAME.XXXXXX under
#                          $TMPDIR, removed when the script exits
#   need_s2t               $s2t = $BUILD/tools/strace2trace, or "Bail out!"
#                          (exit 1) if it is not built (make -C tools)
#   bench_ok WHAT BENCH-ARGS...
#                          tools/bench.sh BENCH-ARGS with its scratch in
#                          $tmp/work and its output in $tmp/bench.out; the
#                          TAP check WHAT is its exit status 0 (else the
#                          last lines of its output as TAP comments)
#   replay_clean MODE [WHAT]
#                          the TAP check that $tmp/work/MODE.1.log's
#                          "replay: mismatches" line ends in n=0 window=0: no
#                          record's result class differed from the trace's,
#                          every event window held its calls
#   csv_field CSV N MODE SYSCALL
#                          field N of CSV's MODE/int80 row of SYSCALL (5 =
#                          count, 8 = p50, 12 = max, 14 = calls measured,
#                          15 = CR3 writes per call); empty if none
#
# The recorded strace logs and the fake serial log the scripts replay are in
# test/bench/fixtures/ (README.md there says where each comes from).
. "$(dirname "$0")/tap.sh"

bench_test_init() {
    root=$(cd "$(dirname "$0")/../.." && pwd)
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    cd "$root" || exit 1
}

need_s2t() {
    s2t=${BUILD:-$root/build}/tools/strace2trace
    [ -x "$s2t" ] || { echo "Bail out! $s2t missing (make -C tools)"; exit 1; }
}

bench_ok() {
    _what=$1
    shift
    if BENCH_WORK=$tmp/work tools/bench.sh "$@" > "$tmp/bench.out" 2>&1; then
        ok "$_what"
    else
        not_ok "$_what"
        sed 's/^/# /' "$tmp/bench.out" | tail -15
    fi
}

replay_clean() {
    _line=$(tr -d '\r' < "$tmp/work/$1.1.log" 2>/dev/null | grep '^replay: mismatches ')
    check "${2:-$1: no result class differs, every window holds its calls} ($_line)" \
        eval 'echo "$_line" | grep -q " n=0 window=0$"'
}

csv_field() {
    grep "^$3,int80,$4," "$1" 2>/dev/null | cut -d, -f"$2"
}
