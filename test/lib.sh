# lib.sh - shared by the test scripts: result counting, KTAP parsing, and
# background jobs with their wall times. Each check calls pass/fail once.
# Every failure is remembered with the log it came from (LOG, set by the
# stage that reads it) so that list_failures can repeat them at the end.

PASSED=${PASSED:-0}
FAILED=${FAILED:-0}
LOG=''             # the log the current stage's checks read
FAIL_LINES=()      # every FAIL line, with its log, for list_failures

# record_fail TEXT: count one failure and remember TEXT with the current LOG.
record_fail() {
    FAILED=$((FAILED + 1))
    if [ -n "$LOG" ] && [[ "$*" != *"$LOG"* ]]; then
        FAIL_LINES+=("FAIL $*  (log: $LOG)")
    else
        FAIL_LINES+=("FAIL $*")
    fi
}
pass() { PASSED=$((PASSED + 1)); echo "  PASS $*"; }
fail() { echo "  FAIL $*"; record_fail "$*"; }
check() { # check DESCRIPTION COMMAND...: pass if the command succeeds
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# count_results FILE PREFIX: a results file of "PASS ..." / "FAIL ..." lines
# (the GDB, Bochs debugger and shell sessions): print them under PREFIX and
# count them; sets RESULTS_COUNTED to the number of PASS and FAIL lines.
count_results() {
    local file=$1 prefix=$2 line n=0
    while IFS= read -r line; do
        case $line in
        PASS*) echo "  $prefix: $line"; PASSED=$((PASSED + 1)); n=$((n + 1)) ;;
        FAIL*) echo "  $prefix: $line"; record_fail "$prefix: ${line#FAIL }"; n=$((n + 1)) ;;
        esac
    done < "$file"
    RESULTS_COUNTED=$n
}

# ktap_count LOG PREFIX: count the top-level KTAP results in LOG (a serial
# log, CRs allowed) as passes and failures; a result missing from the plan
# counts as a failure.
ktap_count() {
    local log=$1 prefix=$2 plan ok notok line
    plan=$(tr -d '\r' < "$log" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
    ok=$(tr -d '\r' < "$log" | grep -cE '^ok [0-9]+ ')
    notok=$(tr -d '\r' < "$log" | grep -cE '^not ok [0-9]+ ')
    PASSED=$((PASSED + ok))
    while IFS= read -r line; do
        echo "  FAIL $prefix: $line"
        record_fail "$prefix: $line"
    done < <(tr -d '\r' < "$log" | grep -E '^not ok [0-9]+ ')
    echo "  $prefix: KTAP plan ${plan:-missing}, $ok ok, $notok not ok"
    if [ -z "$plan" ] || [ $((ok + notok)) -ne "$plan" ]; then
        fail "$prefix: KTAP results do not match the plan (the kernel stopped early?)"
    fi
}

# timed_out RC SECONDS WHAT: explain exit status 124 (timeout(1) killed WHAT
# after SECONDS s) as a failure naming LOG; returns 0 if RC was 124.
timed_out() {
    [ "$1" -eq 124 ] || return 1
    fail "$3 timed out after $2 s (killed by timeout(1), exit 124): see ${LOG:-its log}"
}

# ---------------------------------------------------------------- jobs
# job NAME COMMAND...: run COMMAND in the background, at most $JOBS at a time
# (waits for a free slot first). Its stdout and stderr go to
# $JOBDIR/NAME.out, its exit status to $JOBDIR/NAME.rc, and its start and
# end times (seconds since the epoch, with fractions) to $JOBDIR/NAME.time.
JOBS=${JOBS:-2}
JOB_NAMES=()
declare -A JOB_PID
job() {
    local name=$1; shift
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n 2>/dev/null
    done
    (
        start=$(date +%s.%N)
        "$@" > "$JOBDIR/$name.out" 2>&1
        rc=$?
        echo "$start $(date +%s.%N)" > "$JOBDIR/$name.time"
        echo "$rc" > "$JOBDIR/$name.rc"
    ) &
    JOB_PID[$name]=$!
    JOB_NAMES+=("$name")
}

# collect NAME: wait until job NAME has finished; sets RC to its exit status
# (255 if it left none). Not in a $(...) subshell: only this shell can wait.
collect() {
    wait "${JOB_PID[$1]}" 2>/dev/null
    RC=$(cat "$JOBDIR/$1.rc" 2>/dev/null) || RC=255
}

# job_wall NAME: the job's wall time in seconds, one decimal.
job_wall() {
    awk '{ printf "%.1f", $2 - $1 }' "$JOBDIR/$1.time" 2>/dev/null || echo '?'
}

# job_table T0: every job's wall time and start (seconds after T0), longest first.
job_table() {
    local name
    for name in "${JOB_NAMES[@]}"; do
        awk -v n="$name" -v t0="$1" '{ printf "  %6.1f s  %-16s (started at +%.1f s)\n", $2 - $1, n, $1 - t0 }' \
            "$JOBDIR/$name.time" 2>/dev/null
    done | sort -rn
}

# list_failures: every FAIL line again, with the log it came from.
list_failures() {
    [ "${#FAIL_LINES[@]}" -eq 0 ] && return 0
    echo
    echo "== ${#FAIL_LINES[@]} failure(s), each with the log it came from"
    printf '  %s\n' "${FAIL_LINES[@]}"
}
