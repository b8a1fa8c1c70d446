#!/bin/sh
# bench-publish.sh RUN_DIR DEST - publish one `make bench` run (`make bench-publish`).
#
# `make bench` writes to the build tree (RUN_DIR, default build/bench/results)
# and never touches tracked files. This script is the one explicit step that
# does: it replaces every result in DEST (bench/results) with the run in
# RUN_DIR, so DEST always holds exactly one run, copies the run's run.txt
# (kernel commit, date, passes, accelerator, modes, traces) as the stamp, and
# regenerates the bench tables of README.md and docs/benchmarking.md from DEST
# (tools/bench-readme.py). Commit the result.
#
# Refused, with the reason (exit 1):
#   - RUN_DIR has no run.txt (no run, or the last run failed);
#   - the run left out a mode or an entry path (tools/bench.sh -m / -e);
#   - the run's tree had uncommitted changes (commit "...-dirty"): its figures
#     would belong to no commit. BENCH_PUBLISH_DIRTY=1 publishes it anyway.
# A run from a commit other than HEAD is published with a note.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR DEST" >&2; exit 2; }
run=$1 dest=$2
die() { echo "bench-publish: $*" >&2; exit 1; }

[ -r "$run/run.txt" ] || die "no complete run in $run/ (no run.txt): run make bench first"
val() { sed -n "s/^$1=//p" "$run/run.txt"; }
commit=$(val commit) traces=$(val traces) modes=$(val modes) entries=$(val entries)
[ -n "$traces" ] || die "$run/run.txt names no trace"
[ "$modes" = "split split-global shared" ] && [ "$entries" = "int80 sysenter" ] ||
    die "the run in $run/ covers modes '$modes' and entries '$entries'; publish a run of every mode and entry path"
case $commit in
*-dirty|unknown|'')
    [ "${BENCH_PUBLISH_DIRTY:-0}" = 1 ] ||
        die "the run in $run/ is from a tree with uncommitted changes ($commit); commit, make bench, then publish (BENCH_PUBLISH_DIRTY=1 publishes it anyway)" ;;
esac
head=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ "${commit%-dirty}" = "$head" ] || echo "bench-publish: note: the run is from commit $commit; HEAD is $head"
for t in $traces; do
    for ext in csv json svg dat gp; do
        [ -r "$run/$t.$ext" ] || die "$run/$t.$ext is missing: the run is incomplete"
    done
done

mkdir -p "$dest"
rm -f "$dest"/*.csv "$dest"/*.json "$dest"/*.svg "$dest"/*.dat "$dest"/*.gp "$dest/run.txt"
for t in $traces; do
    cp "$run/$t.csv" "$run/$t.json" "$run/$t.svg" "$run/$t.dat" "$run/$t.gp" "$dest/"
done
{ cat "$run/run.txt"; echo "published=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; } > "$dest/run.txt"
python3 tools/bench-readme.py --results "$dest" --write README.md docs/benchmarking.md
echo "bench-publish: $dest/ now holds the run of commit $commit ($traces);" \
     "commit $dest/, README.md and docs/benchmarking.md"
