# tap.sh - TAP output for the benchmark test scripts (sourced by smoke.sh,
# pathtrace.sh and test_report.sh): one counter, one line per check.
#   ok WHAT / not_ok WHAT      print "ok N - WHAT" / "not ok N - WHAT"
#   check WHAT COMMAND...      ok if COMMAND succeeds, else not_ok
#   skip WHAT WHY              "ok N - WHAT # SKIP WHY"
# $failed counts the not-ok lines; the caller ends with "1..$n".
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { _what=$1; shift; if "$@"; then ok "$_what"; else not_ok "$_what"; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
