#!/bin/sh
# bench-table.sh DIR PREFIX MODE... - side-by-side table of the "bench: NAME N
# ticks/op" lines in DIR/PREFIXMODE.log, one column per mode, and split/shared
# per row (make microbench).
# Under QEMU TCG -icount shift=0 a tick is one guest instruction.
set -eu
dir=$1 prefix=$2; shift 2
echo "# split kernel, QEMU TCG -icount shift=0: ticks/op = guest instructions per operation"
echo "# (a rep movs counts once; CR3 writes and TLB refills cost nothing here: see docs/benchmarking.md)"
for m in "$@"; do
    tr -d '\r' < "$dir/$prefix$m.log" | awk -v m="$m" '$1 == "bench:" && $4 == "ticks/op" { print m, $2, $3 }'
done | awk -v modes="$*" '
    BEGIN { n = split(modes, mode, " ") }
    { v[$2, $1] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++rows] = $2 } }
    END {
        printf "%-26s", "operation"
        for (i = 1; i <= n; i++) printf " %13s", mode[i]
        printf " %13s\n", "split/shared"
        for (r = 1; r <= rows; r++) {
            op = order[r]; printf "%-26s", op
            for (i = 1; i <= n; i++) printf " %13s", ((op, mode[i]) in v) ? v[op, mode[i]] : "-"
            if (((op, "split") in v) && ((op, "shared") in v) && v[op, "shared"] > 0)
                printf " %13.2f\n", v[op, "split"] / v[op, "shared"]
            else
                printf " %13s\n", "-"
        }
    }'
