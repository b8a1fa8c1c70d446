#!/bin/sh
# check-layout.sh HEADER.h INCLUDE.inc STAMP
#
# Asserts that every "%define NAME VALUE" in the NASM include has a C #define
# of the same name in the header with the same value. It writes a C file with
# one _Static_assert per constant and compiles it; a missing name or a
# different value stops the build with the compiler's message naming it.
set -eu
h=$1 inc=$2 stamp=$3
tmp=${stamp}.c
{
    printf '#include "%s"\n' "$(realpath "$h")"
    awk '$1 == "%define" && NF >= 3 {
        name = $2; $1 = ""; $2 = ""; sub(/^ +/, "");
        printf "_Static_assert((%s) == (%s), \"%s: C header and NASM include disagree\");\n", name, $0, name
    }' "$inc"
} > "$tmp"
n=$(grep -c _Static_assert "$tmp" || true)
gcc -m32 -fsyntax-only -x c "$tmp"
echo "layout: $n constants agree between $(basename "$h") and $(basename "$inc")" > "$stamp"
cat "$stamp"
