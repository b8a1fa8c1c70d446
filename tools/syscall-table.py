#!/usr/bin/env python3
"""syscall-table.py - README's table of system calls, from the one
description of them (src/kernel/uapi/syscalls.def).

    tools/syscall-table.py --write FILE...   rewrite the block in each FILE
    tools/syscall-table.py --check FILE...   exit 1 if a block differs

The block is the text between two marker lines, which this tool keeps:

    <!-- syscalls begin: generated from src/kernel/uapi/syscalls.def by tools/syscall-table.py; do not edit -->
    ...
    <!-- syscalls end -->

One row per call: number, the call as its description spells it, the
argument count, whether it may block, whether the trampoline's fast path
answers it, and the rest of the description. Before it writes or compares
anything it checks the table itself: rows numbered 1, 2, ... with no gap,
one class of SC_FAST / SC_NONBLOCK / SC_BLOCKS each, a description
"name(parameters) ..." whose parameter count is nargs, and a prototype
in src/user/lib/ulib.h with that many parameters.

Exit status: 0 done (or every block equal); 1 a block differs (--check), a
file has no block, or the table is inconsistent; 2 usage. The Makefile runs
--write (make all); tools/check-docs.sh runs --check (make test).
Standard library only.
"""

import argparse
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DEF = "src/kernel/uapi/syscalls.def"
ULIB_H = "src/user/lib/ulib.h"
BEGIN = "<!-- syscalls begin: generated from %s by tools/syscall-table.py; do not edit -->" % DEF
END = "<!-- syscalls end -->"
ROW_RE = re.compile(r'^SYSCALL\(\s*(\d+),\s*(\w+),\s*(\d+),\s*(\w+),\s*"(.*)"\)\s*$')
CLASSES = {"SC_FAST": ("", "yes"), "SC_NONBLOCK": ("", ""), "SC_BLOCKS": ("yes", "")}


def fail(msg):
    """Print an error on standard error and exit with status 1."""
    print("syscall-table: " + msg, file=sys.stderr)
    sys.exit(1)


def split_call(desc):
    """("name(parameters)", [parameters], rest) of a description."""
    depth = 0
    for i, ch in enumerate(desc):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                sig = desc[:i + 1]
                inner = sig[sig.index("(") + 1:-1].strip()
                params = [p for p in inner.split(",")] if inner and inner != "void" else []
                return sig, params, desc[i + 1:].strip()
    return None, [], desc


def read_rows():
    """[(nr, name, nargs, class, signature, rest)] of the .def; exits 1 on an
    inconsistent row."""
    rows = []
    with open(os.path.join(ROOT, DEF)) as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("SYSCALL("):
                continue
            m = ROW_RE.match(line)
            if not m:
                fail("%s:%d: not SYSCALL(nr, name, nargs, class, \"description\")" % (DEF, n))
            nr, name, nargs, cls, desc = int(m[1]), m[2], int(m[3]), m[4], m[5]
            where = "%s:%d: %s" % (DEF, n, name)
            if nr != len(rows) + 1:
                fail("%s: number %d, expected %d (rows count up from 1 with no gap)" % (where, nr, len(rows) + 1))
            if cls not in CLASSES:
                fail("%s: class %s is not one of %s" % (where, cls, ", ".join(CLASSES)))
            sig, params, rest = split_call(desc)
            if not sig or not sig.startswith(name + "("):
                fail("%s: the description does not start with %s(...)" % (where, name))
            if len(params) != nargs:
                fail("%s: nargs %d, but the description lists %d parameters" % (where, nargs, len(params)))
            rows.append((nr, name, nargs, cls, sig, rest))
    if not rows:
        fail("%s: no SYSCALL rows" % DEF)
    return rows


def check_prototypes(rows):
    """Each call has a prototype in ulib.h with nargs parameters."""
    with open(os.path.join(ROOT, ULIB_H)) as f:
        text = f.read()
    for nr, name, nargs, _, _, _ in rows:
        m = re.search(r"^\w[\w\s\*]*\b%s\(([^)]*)\)" % re.escape(name), text, re.M)
        if not m:
            fail("%s: no prototype of %s (call %d)" % (ULIB_H, name, nr))
        inner = m[1].strip()
        count = 0 if inner in ("", "void") else inner.count(",") + 1
        if count != nargs:
            fail("%s: %s has %d parameters, %s says %d" % (ULIB_H, name, count, DEF, nargs))


def cell(text):
    """Markdown table cell text: pipes escaped."""
    return text.replace("|", "\\|")


def block(rows):
    """The generated lines between the markers."""
    out = ["| # | call | args | may block | fast path | result; notes |", "|---|---|---|---|---|---|"]
    for nr, _, nargs, cls, sig, rest in rows:
        blocks, fast = CLASSES[cls]
        rest = re.sub(r"^(->|:)\s*", "", rest)
        out.append("| %d | `%s` | %d | %s | %s | %s |" % (nr, cell(sig), nargs, blocks, fast, cell(rest)))
    return out


def splice(path, lines):
    """(old text, new text) of FILE with its block replaced by lines."""
    with open(path) as f:
        old = f.read()
    src = old.split("\n")
    try:
        b = src.index(BEGIN)
        e = src.index(END, b)
    except ValueError:
        fail("%s: no block between the lines %r and %r" % (path, BEGIN, END))
    return old, "\n".join(src[:b + 1] + lines + src[e:])


def main():
    ap = argparse.ArgumentParser(description="README's system call table from uapi/syscalls.def")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the block")
    mode.add_argument("--check", action="store_true", help="exit 1 if a block differs")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    rows = read_rows()
    check_prototypes(rows)
    lines = block(rows)
    status = 0
    for path in args.files:
        old, new = splice(path, lines)
        if old == new:
            continue
        if args.check:
            print("%s: the syscalls block differs from %s: run tools/syscall-table.py --write %s"
                  % (path, DEF, path))
            status = 1
        else:
            with open(path, "w") as f:
                f.write(new)
            print("syscall-table: %s: syscalls block rewritten from %s" % (path, DEF))
    return status


if __name__ == "__main__":
    sys.exit(main())
