#!/bin/sh
# check-layout.sh [--one-way] HEADER.h INCLUDE.inc STAMP
#
# Checks a C header and its NASM twin against each other, both ways:
#  - every "%define NAME VALUE" in the NASM include must have a C #define of
#    the same name and value (HEADER.h or anything it includes);
#  - every object-like "#define NAME VALUE" in HEADER.h, and in the headers it
#    includes with #include "...", must have a %define of that name in the
#    include.
# A constant that belongs to one side only says so on its own line: "[C only]"
# in the comment of the #define, "[NASM only]" in that of the %define. Where
# the C header is not the place for the marker (a generated or shared uapi
# header), the include may list C-only names instead, on comment lines
# "; [C only list] NAME NAME ..."; a name listed there that C does not #define
# stops the build too, so the list cannot go stale.
# An #include "..." line marked "[own pair]" names a header checked by a pair
# of its own (uapi/syscall.h in trapframe.h): the second direction skips it.
# --one-way skips the second direction (for pairs still being reworked).
#
# It writes a C file with one _Static_assert per %define and compiles it, so a
# different value stops the build with the compiler's message naming it; a
# name missing on either side stops it with a "layout:" line naming it.
set -eu
both=1
if [ "${1-}" = --one-way ]; then both=0; shift; fi
h=$1 inc=$2 stamp=$3
tmp=${stamp}.c
hdir=$(dirname "$h")
# #include "..." names a file next to the header or under src/kernel (the -I)
kroot=$(cd "$(dirname "$0")/../src/kernel" && pwd)

# NAME VALUE of every %define not marked [NASM only]
nasm_defs() {
    awk '$1 == "%define" && NF >= 3 && $0 !~ /\[NASM only\]/ {
        name = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/[ \t]*;.*$/, "");
        print name, $0
    }' "$inc"
}
# the header and the local headers it includes (one level)
headers() {
    echo "$h"
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$h" |
        while read -r f; do
            if [ -f "$hdir/$f" ]; then echo "$hdir/$f"; elif [ -f "$kroot/$f" ]; then echo "$kroot/$f"; fi
        done
}
# the headers the second direction covers: those, less any marked [own pair]
own_headers() {
    headers | while read -r f; do
        rel=${f#"$hdir"/}; rel=${rel#"$kroot"/}
        [ "$f" != "$h" ] && grep -q "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$rel\".*\[own pair\]" "$h" && continue
        echo "$f"
    done
}
# names the include lists as C only ("; [C only list] NAME ...")
inc_c_only() {
    awk '/^;[ \t]*\[C only list\]/ { sub(/^;[ \t]*\[C only list\]/, ""); for (i = 1; i <= NF; i++) print $i }' "$inc"
}

{
    printf '#include "%s"\n' "$(realpath "$h")"
    nasm_defs | while read -r name value; do
        printf '_Static_assert((%s) == (%s), "%s: C header and NASM include disagree");\n' \
            "$name" "$value" "$name"
    done
} > "$tmp"
n=$(grep -c _Static_assert "$tmp" || true)
gcc -m32 -fsyntax-only -I"$kroot" -x c "$tmp"

one_sided=$(grep -c '\[NASM only\]' "$inc" || true)
if [ "$both" = 1 ]; then
    missing=0
    # object-like macros with a value; include guards (no value) and
    # function-like macros (NAME( ...) are not constants
    for f in $(own_headers); do
        awk '/^[ \t]*#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+[^ \t]/ && !/\[C only\]/ {
            sub(/^[ \t]*#[ \t]*define[ \t]+/, ""); split($0, a, /[ \t]/); print a[1]
        }' "$f"
    done > "$tmp.names"
    inc_c_only > "$tmp.conly"
    for name in $(cat "$tmp.conly"); do
        if ! grep -qx "$name" "$tmp.names"; then
            echo "layout: $name is listed [C only] in $(basename "$inc") but no header of the pair #defines it (unmarked); drop it from the list" >&2
            missing=$((missing + 1))
        fi
    done
    for name in $(grep -vxF -f "$tmp.conly" "$tmp.names" || true); do
        if ! awk -v n="$name" '$1 == "%define" && $2 == n { found = 1 } END { exit !found }' "$inc"; then
            echo "layout: $name is #defined in $(basename "$h") (or a header it includes) but has no %define in $(basename "$inc"); add it there or mark it [C only]" >&2
            missing=$((missing + 1))
        fi
    done
    c_only=$({ for f in $(own_headers); do grep -c '^[[:space:]]*#[[:space:]]*define.*\[C only\]' "$f" || true; done
               wc -l < "$tmp.conly"; } | awk '{ s += $1 } END { print s + 0 }')
    rm -f "$tmp.names" "$tmp.conly"
    [ "$missing" -eq 0 ] || exit 1
    { echo "layout: $n constants agree between $(basename "$h") and $(basename "$inc")"
      echo "layout: both ways, $c_only marked C only, $one_sided marked NASM only"; } > "$stamp"
else
    echo "layout: $n constants agree between $(basename "$h") and $(basename "$inc")" > "$stamp"
fi
cat "$stamp"
