#!/usr/bin/env bash
# check-docs.sh [BUILD] - fail when README.md or docs/*.md quotes something
# the tree no longer matches. Run by `make test` (test/run.sh, after the
# boots, so the test logs are this run's). Three kinds of quote, and
# README's table of system calls (4., tools/syscall-table.py --check):
#
#   1. FILE:LINE (e.g. `src/trampoline/entry.asm:145`, or `segv.c:24` when
#      the name is unique in the tree): the file exists and has that line.
#      When the quote names its symbol the way GDB prints it, `SYM (...) at
#      FILE:LINE` or `in SYM (FILE:LINE)`, the line lies inside SYM: after
#      the line that defines it and before the next top-level label (NASM)
#      or the next line starting with `}` (C), or inside the body of the
#      NASM macro that makes SYM (`SYSCALL getpid, ...`).
#   2. "N constants agree between A and B": the same line is in
#      BUILD/layout-*.ok (tools/check-layout.sh wrote it this build).
#   3. Transcripts: a fenced block right after a line
#      `<!-- transcript: PATH -->` (PATH relative to BUILD, e.g.
#      test-logs/qemu-demo.log; several, comma-separated, are read one after
#      the other) must appear in that file, line by line and
#      in order (other lines may come between), with every number treated as
#      equal to every other (addresses and counts move with each build) and
#      runs of blanks as one. A line "..." in the block is skipped.
#      tools/refresh-transcripts.py rewrites the numbers of every such
#      block from the last run's logs.
#
# Prints one line per problem, "DOC:LINE: what"; exit status 1 if any.
# MISSING_OK=1 (test/run.sh with fewer VARIANTS or MODES than make test):
# a transcript whose log this run did not make is noted on stderr, not a
# problem.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
DOCS=${DOCS:-README.md docs/*.md}
problems=0
problem() { echo "$1: $2"; problems=$((problems + 1)); }

# resolve NAME: the path of NAME in the tree (itself, or the one tracked
# file ending in /NAME); empty if none or ambiguous.
resolve() {
    if [ -f "$1" ]; then echo "$1"; return; fi
    local hits
    hits=$(git ls-files 2>/dev/null | grep -E "(^|/)${1//./\\.}$")
    [ "$(printf '%s\n' "$hits" | grep -c .)" -eq 1 ] && echo "$hits"
}

# inside SYM FILE LINE: is LINE of FILE inside the definition of SYM? In
# NASM, also when LINE is in the body of a macro that SYM's code invokes
# (from its label to the next one), directly or through other macros:
# GDB's line numbers for macro-made code point into the %macro body.
inside() {
    awk -v sym="$1" -v want="$3" -v asm="$([[ $2 == *.asm || $2 == *.inc ]] && echo 1 || echo 0)" '
        function defines(s) {
            if (asm) return $0 ~ ("^" s ":")
            return $0 ~ ("^[A-Za-z_].*[ *]" s "\\(") || $0 ~ ("^" s "\\(")
        }
        function word(w) { return w ~ /^[A-Za-z_][A-Za-z0-9_]*$/ }
        FNR == NR {                                  # pass 1: the macros
            if (!asm) next
            if ($1 == "%macro") { cur = $2; mstart[cur] = FNR; next }
            if ($1 == "%endmacro" && cur != "") { mend[cur] = FNR; cur = ""; next }
            if (cur != "" && word($1)) uses[cur] = uses[cur] " " $1
            next
        }
        !start && defines(sym) { start = FNR; next }
        start && FNR <= want {
            if (asm && $0 ~ /^[A-Za-z_][A-Za-z0-9_]*:/) ended = FNR
            if (!asm && $0 ~ /^}/) ended = FNR
        }
        asm && start && !own_end {
            if ($0 ~ /^[A-Za-z_][A-Za-z0-9_]*:/) own_end = FNR
            else if (word($1)) todo[$1] = 1
        }
        END {
            if (start && start <= want && !ended) exit 0
            do {                                     # the macros it invokes, transitively
                more = 0
                for (m in todo) if (!(m in seen)) {
                    seen[m] = 1; more = 1
                    if (m in mend && mstart[m] < want && want < mend[m]) exit 0
                    n = split(uses[m], u, " ")
                    for (i = 1; i <= n; i++) todo[u[i]] = 1
                }
            } while (more)
            exit 1
        }' "$2" "$2"
}

# inside_macro SYM FILE LINE: SYM is made by a NASM macro (`SYSCALL getpid,
# ...`), whose body GDB's line numbers point into: is LINE inside it? The
# macro's use may be in a file FILE %includes from BUILD/gen (the stubs
# generated from uapi/syscalls.def).
inside_macro() {
    local m uses
    uses=$(sed -nE 's/^[[:space:]]*%include[[:space:]]+"([^"]+)".*/\1/p' "$2" |
        while read -r i; do [ -f "$BUILD/gen/$i" ] && echo "$BUILD/gen/$i"; done)
    m=$(sed -nE "s/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+$1([[:space:],]|\$).*/\1/p" "$2" $uses | head -n 1)
    [ -n "$m" ] || return 1
    awk -v m="$m" -v want="$3" '$1 == "%macro" && $2 == m { s = NR }
        s && !e && $1 == "%endmacro" { e = NR }
        END { exit !(s && s < want && want < e) }' "$2"
}

# 1. FILE:LINE quotes
for doc in $DOCS; do
    grep -noE '([A-Za-z_][A-Za-z0-9_]* \([^)]*\) at |in [A-Za-z_][A-Za-z0-9_]* \()?[A-Za-z0-9_./-]+\.(c|h|asm|inc|py|sh|ld):[0-9]+' "$doc" |
    while IFS= read -r hit; do
        n=${hit%%:*} q=${hit#*:}
        ref=$(printf '%s' "$q" | grep -oE '[A-Za-z0-9_./-]+\.(c|h|asm|inc|py|sh|ld):[0-9]+$')
        file=${ref%:*} line=${ref##*:}
        path=$(resolve "$file")
        if [ -z "$path" ]; then
            echo "$doc:$n: $ref: no such file (or the name is not unique) in the tree"
            continue
        fi
        if [ "$line" -gt "$(wc -l < "$path")" ]; then
            echo "$doc:$n: $ref: $path has only $(wc -l < "$path") lines"
            continue
        fi
        sym=$(printf '%s' "$q" | sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*) \(.*\) at .*/\1/p; s/^in ([A-Za-z_][A-Za-z0-9_]*) \(.*/\1/p')
        if [ -n "$sym" ] && ! inside "$sym" "$path" "$line" && ! inside_macro "$sym" "$path" "$line"; then
            echo "$doc:$n: $ref is not inside $sym any more ($(grep -nE "^$sym:|[ *]$sym\(" "$path" | head -1 | cut -d: -f1 | sed 's/^/it starts at line /'))"
        fi
    done
done > "${TMPDIR:-/tmp}/check-docs.$$"
while IFS= read -r line; do problem "${line%%: *}" "${line#*: }"; done < "${TMPDIR:-/tmp}/check-docs.$$"
rm -f "${TMPDIR:-/tmp}/check-docs.$$"

# 2. counted constants
for doc in $DOCS; do
    while IFS= read -r hit; do
        n=${hit%%:*} q=${hit#*:}
        if ! grep -qxF "layout: $q" "$BUILD"/layout-*.ok 2>/dev/null; then
            problem "$doc:$n" "\"$q\" is not what tools/check-layout.sh reports: $(cat "$BUILD"/layout-*.ok 2>/dev/null | sed 's/^layout: //' | grep -F "${q#* constants agree }" || echo 'no such check')"
        fi
    done < <(grep -noE '[0-9]+ constants agree between [A-Za-z0-9_.]+ and [A-Za-z0-9_.]+' "$doc")
done

# 3. transcripts
normalize() { sed -E 's/\r//g; s/0x[0-9a-fA-F]+/#/g; s/[0-9a-fA-F]*[0-9][0-9a-fA-F]*/#/g; s/[[:space:]]+/ /g; s/^ //; s/ $//'; }
for doc in $DOCS; do
    grep -nE '^<!-- transcript: [^ ]+ -->$' "$doc" | while IFS=: read -r n rest; do
        src=$(printf '%s' "$rest" | sed -E 's/^<!-- transcript: ([^ ]+) -->$/\1/')
        files=() missing_src=''
        for f in ${src//,/ }; do
            [ -r "$BUILD/$f" ] || missing_src="$missing_src $BUILD/$f"
            files+=("$BUILD/$f")
        done
        if [ -n "$missing_src" ]; then
            if [ -n "${MISSING_OK:-}" ]; then
                echo "note: $doc:$n: transcript not checked, this run made no$missing_src" >&2
            else
                echo "$doc:$n: transcript source$missing_src does not exist (run make test)"
            fi
            continue
        fi
        # the fenced block after the marker
        awk -v from="$n" 'NR == from + 1 && !/^```/ { exit } NR > from + 1 { if (/^```/) exit; print }' "$doc" |
            grep -vxF '...' | normalize > "${TMPDIR:-/tmp}/check-docs-block.$$"
        if [ ! -s "${TMPDIR:-/tmp}/check-docs-block.$$" ]; then
            echo "$doc:$n: no fenced block right after the transcript marker"
            continue
        fi
        missing=$(cat "${files[@]}" | normalize | awk '
            NR == FNR { want[++n] = $0; next }
            i < n && $0 == want[i + 1] { i++ }
            END { if (i < n) print want[i + 1] }' "${TMPDIR:-/tmp}/check-docs-block.$$" -)
        [ -z "$missing" ] || echo "$doc:$n: transcript line not in ${files[*]} (in this order, numbers aside): $missing"
    done
done > "${TMPDIR:-/tmp}/check-docs.$$"
while IFS= read -r line; do problem "${line%%: *}" "${line#*: }"; done < "${TMPDIR:-/tmp}/check-docs.$$"
rm -f "${TMPDIR:-/tmp}/check-docs.$$" "${TMPDIR:-/tmp}/check-docs-block.$$"

# 4. README's table of system calls equals src/kernel/uapi/syscalls.def
if ! out=$(tools/syscall-table.py --check README.md 2>&1); then
    problem README.md "${out:-tools/syscall-table.py --check failed}"
fi

if [ "$problems" -eq 0 ]; then
    echo "docs: every FILE:LINE, constant count and transcript in $(echo $DOCS | wc -w) files matches the tree"
fi
[ "$problems" -eq 0 ]
