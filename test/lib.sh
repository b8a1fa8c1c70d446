# lib.sh - shared by the test scripts: result counting and KTAP parsing.
# Each check calls pass/fail once; summary prints the closing line.

PASSED=${PASSED:-0}
FAILED=${FAILED:-0}

pass() { PASSED=$((PASSED + 1)); echo "  PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }
check() { # check DESCRIPTION COMMAND...: pass if the command succeeds
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# ktap_count LOG PREFIX: count the top-level KTAP results in LOG (a serial
# log, CRs allowed) as passes and failures; a result missing from the plan
# counts as a failure.
ktap_count() {
    local log=$1 prefix=$2 plan ok notok
    plan=$(tr -d '\r' < "$log" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
    ok=$(tr -d '\r' < "$log" | grep -cE '^ok [0-9]+ ')
    notok=$(tr -d '\r' < "$log" | grep -cE '^not ok [0-9]+ ')
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + notok))
    tr -d '\r' < "$log" | grep -E '^not ok [0-9]+ ' | sed "s/^/  FAIL $prefix: /"
    echo "  $prefix: KTAP plan ${plan:-missing}, $ok ok, $notok not ok"
    if [ -z "$plan" ] || [ $((ok + notok)) -ne "$plan" ]; then
        fail "$prefix: KTAP results do not match the plan (the kernel stopped early?)"
    fi
}
