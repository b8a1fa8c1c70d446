#!/bin/sh
# record-trace.sh - record a Linux syscall trace for the replay benchmarks.
#
# Usage (from anywhere):
#     tools/record-trace.sh CMD [ARGS...]
#     TRACE_NAME=ls-usr-bin tools/record-trace.sh ls -l /usr/bin
#
# Runs `strace -f -ttt -T -o bench/traces/NAME.log CMD ARGS...`, where NAME
# is $TRACE_NAME or, by default, the command's base name. The command runs in
# the current directory with its output discarded (TRACE_SHOW=1 keeps it),
# and in a clean environment so that the committed log is reproducible and
# holds nothing personal: `env -i` with a standard PATH, LC_ALL=C and an
# empty temporary HOME (no ~/.gitconfig, no pyenv/cargo shims), and
# GIT_CONFIG_NOSYSTEM=1 (the machine's /etc/gitconfig stays out of the log).
# TRACE_ENV=keep runs it in the caller's environment instead.
# A log of 2 MB or more is refused (deleted, exit 1): traces are committed,
# so record a smaller run (TRACE_KEEP=1 keeps the file anyway, for a look).
# If build/tools/strace2trace exists (`make -C tools`), the log is also
# converted to build/traces/NAME.trace and the summary printed. The next plain
# `make bench` replays the new log with the others in bench/traces/ (any
# number of traces fits: tools/bench.sh packs them into boots).
#
# The exit status is 1 if strace could not run or the log is too large; the
# traced command's own exit status is reported but not fatal (a failing
# command is a valid trace).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIMIT=2000000   # bytes: "< 2 MB"

if [ $# -eq 0 ]; then
    echo "usage: [TRACE_NAME=name] $0 CMD [ARGS...]" >&2
    exit 2
fi
if ! command -v strace >/dev/null 2>&1; then
    echo "record-trace: strace not found (apt-get install -y strace)" >&2
    exit 1
fi

name=${TRACE_NAME:-$(basename -- "$1")}
case $name in
    ''|*/*|.*|*[!A-Za-z0-9._-]*)
        echo "record-trace: bad trace name '$name' (use TRACE_NAME=[A-Za-z0-9._-]+)" >&2
        exit 2 ;;
esac

mkdir -p "$ROOT/bench/traces"
log=$ROOT/bench/traces/$name.log

STRACE=$(command -v strace)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
if [ "${TRACE_ENV:-clean}" = keep ]; then
    run() { "$STRACE" "$@"; }
else
    # strace runs inside `env -i`, so the log starts with CMD's own execve
    run() {
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME="$home" LC_ALL=C GIT_CONFIG_NOSYSTEM=1 "$STRACE" "$@"
    }
fi

status=0
if [ "${TRACE_SHOW:-0}" = 1 ]; then
    run -f -ttt -T -o "$log" "$@" || status=$?
else
    run -f -ttt -T -o "$log" "$@" >/dev/null 2>&1 </dev/null || status=$?
fi
if [ ! -s "$log" ]; then
    echo "record-trace: strace wrote no log (exit status $status)" >&2
    exit 1
fi

size=$(wc -c < "$log" | tr -d ' ')
lines=$(wc -l < "$log" | tr -d ' ')
if [ "$size" -ge "$LIMIT" ]; then
    echo "record-trace: $log is $size bytes ($lines lines): not below 2 MB" >&2
    if [ "${TRACE_KEEP:-0}" != 1 ]; then
        rm -f "$log"
        echo "record-trace: deleted; trace a smaller run, or TRACE_KEEP=1 to keep it" >&2
    fi
    exit 1
fi
echo "record-trace: $log: $size bytes, $lines lines (command exit status $status)"

tool=$ROOT/build/tools/strace2trace
if [ -x "$tool" ]; then
    mkdir -p "$ROOT/build/traces"
    "$tool" "$log" "$ROOT/build/traces/$name.trace"
fi
