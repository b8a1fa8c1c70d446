#!/usr/bin/env python3
"""check-comments.py [SRC_DIR] - every public kernel function has a header comment.

A public function is one that is not static: defined in a .c file under
SRC_DIR (default src/kernel, searched recursively), or declared by a
prototype in a .h or .c file there (which covers the assembly functions C
calls: the trampoline's, swtch.asm's). Each one needs a comment block
 - immediately above a prototype of it in a header, or on the prototype's
   last line ("void f(void);  /* ... */"), or
 - immediately above its definition in the .c file.
A comment may serve a group of prototypes written one after another with no
blank line between them; then every name in the group after the first must
appear in the comment ("/* ksnprintf, kvsnprintf - ... */"), so that one
comment cannot quietly cover an unrelated function below it.

Prints one line: what was checked, or the functions that lack a comment
(with FILE:LINE of their prototype or definition). Exit status 0 if none.
What the comment holds (the project's standard, not checked here):
arguments and their units, return values, errors (-EFAULT, -EINVAL, ...),
panics, and the Intel SDM or multiboot2 section a rule comes from.
The lines it recognises: a declaration starts at column 0 with its type
(no K&R or GNU style with the name on a line of its own).
"""
import os
import re
import sys

# Files whose functions are not checked (none: every file is).
SKIP_FILES = set()

IDENT = r"[A-Za-z_]\w*"
# A declaration or definition at column 0: one or more type words (and
# stars), then the function's name and "(". Excludes "(*fp)(" members.
DECL_RE = re.compile(r"^(?:extern\s+)?((?:" + IDENT + r"[\s\*]+)+)(" + IDENT + r")\s*\(")
NOT_A_TYPE = {"return", "if", "else", "while", "for", "switch", "case", "do", "goto",
              "sizeof", "typedef", "define", "static"}


def strip_comments_keep_lines(text):
    """The text with /* */ and // comments blanked (newlines kept), so that
    braces and parentheses in comments do not count; string and character
    literals are kept as they are."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text[i] in "\"'":
            q = text[i]
            j = i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def comment_above(raw, idx):
    """The comment block that ends on line idx - 1 (raw lines, 0-based), or None."""
    j = idx - 1
    if j < 0:
        return None
    line = raw[j].strip()
    if line.startswith("//"):
        k = j
        while k - 1 >= 0 and raw[k - 1].strip().startswith("//"):
            k -= 1
        return "\n".join(raw[k:j + 1])
    if not line.endswith("*/"):
        return None
    k = j
    while k >= 0 and "/*" not in raw[k]:
        k -= 1
    return "\n".join(raw[max(k, 0):j + 1])


def scan(path):
    """(definitions, prototypes) of non-static functions in one file:
    lists of (name, first line index, last line index)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    raw = text.split("\n")
    code = strip_comments_keep_lines(text).split("\n")
    defs, protos = [], []
    depth = 0           # brace depth: only column-0 declarations at depth 0 count
    i = 0
    while i < len(code):
        line = code[i]
        m = DECL_RE.match(line) if depth == 0 and not line.startswith("#") else None
        words = m.group(1).split() if m else []
        if m and words and not NOT_A_TYPE & set(w.strip("*") for w in words) and \
                not line.startswith("static") and not line.startswith("typedef"):
            # Read on until the declaration ends: ';' (prototype) or '{' (definition).
            j = i
            tail = line[m.end():]
            while ";" not in tail and "{" not in tail and j + 1 < len(code):
                j += 1
                tail += code[j]
            semi, brace = tail.find(";"), tail.find("{")
            is_def = brace >= 0 and (semi < 0 or brace < semi)
            (defs if is_def else protos).append((m.group(2), i, j))
            if not is_def:
                i = j + 1
                continue
            for k in range(i, j):
                depth += code[k].count("{") - code[k].count("}")
            i = j
            line = code[j]
        depth += line.count("{") - line.count("}")
        i += 1
    return raw, defs, protos


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src/kernel"
    files = []
    for root, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith((".c", ".h")):
                files.append(os.path.join(root, name))
    files.sort()

    defined_in = {}     # name -> (path, line index, covered)
    declared = {}       # name -> list of (path, line index, covered)
    for path in files:
        raw, defs, protos = scan(path)
        for name, first, _ in defs:
            defined_in[name] = (path, first, comment_above(raw, first) is not None)
        # Prototypes (in a header, or in a .c file for an assembly function):
        # a group of consecutive declarations shares the comment above the
        # first one.
        prev_last = None
        group_comment = None
        for name, first, last in protos:
            same_line = "/*" in raw[last][raw[last].rfind(";"):] or "//" in raw[last]
            if prev_last is not None and first == prev_last + 1:
                covered = group_comment is not None and re.search(r"\b%s\b" % re.escape(name), group_comment)
            else:
                group_comment = comment_above(raw, first)
                covered = group_comment is not None
            declared.setdefault(name, []).append((path, first, bool(covered or same_line)))
            prev_last = last

    missing, checked = [], 0
    for name in sorted(set(defined_in) | set(declared)):
        d = defined_in.get(name)
        if d and os.path.basename(d[0]) in SKIP_FILES:
            continue
        checked += 1
        if d and d[2]:
            continue
        if any(c for _, _, c in declared.get(name, [])):
            continue
        where = declared[name][0] if name in declared else d
        missing.append("%s (%s:%d)" % (name, where[0], where[1] + 1))

    skipped = " ".join(sorted(SKIP_FILES))
    if checked == 0:
        print("comments: no public functions found in %s (wrong directory?)" % src)
        return 1
    if missing:
        print("comments: %d of %d public functions in %s have no header comment at their prototype "
              "or definition: %s" % (len(missing), checked, src, ", ".join(missing)))
        return 1
    print("comments: all %d public functions in %s have a header comment (tools/check-comments.py%s)"
          % (checked, src, "; skipped: " + skipped if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
