#!/usr/bin/env python3
"""report.py - turn a path trace into the per-segment table (`make pathtrace`).

Usage: report.py --trace TRACE.txt --log SERIAL.log --kernel KERNEL.elf
                 --user MODULE.elf [--listing OUT.txt] [--brief]

TRACE.txt is what tools/pathtrace/plugin.c wrote (W/I/M/E lines), SERIAL.log
the guest's COM1 output with the "pathtrace:" lines of src/user/pathtrace.c.
Prints the segment table and the pages touched per CR3 epoch (--brief: a
count per epoch only); --listing gets the instruction-by-instruction trace
of the call.

The window is the benchmark's bracket, exactly: every instruction executed
after the first `rdtsc` up to and including the second one (under QEMU
-icount shift=0 the rdtsc delta counts these, a `rep` string instruction
once per iteration plus once with ECX = 0). The timer overhead (the fewest
ticks of an empty bracket, measured by the guest and traced as window 1) is
taken off, as src/user/replay/report.c does, so the total is the call's ticks
in the benchmark's sense. Checks, each a non-zero exit when it fails:
  - the empty bracket traced holds as many instructions as the guest read;
  - the traced call holds as many instructions as the guest read;
  - that call minus the overhead equals the guest's p50 of 1001 calls;
  - with two CR3 writes, the kernel-side TLB fills that afill() counted for
    the same call (the guest's "fillpage" lines: kernel 4 KiB, kernel 4 MiB,
    trampoline through the kernel PD) are exactly the pages traced between
    the writes, a direct-map page counted as its 4 MiB page.
Python 3 standard library and binutils' objdump only.
"""
import argparse
import bisect
import os
import re
import struct
import subprocess
import sys

PAGE = 4096                    # the i386 page size (Intel SDM Vol. 3A §4.3); memlayout() checks it against PAGE_SIZE
MEMLAYOUT = "src/kernel/memlayout.h"
USER_STUBS = {"syscall_raw", "sysenter_call"}   # src/user/lib/syscall.asm, sysenter.asm
PREFIXES = {0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67}
STRING_OPS = {0x6C, 0x6D, 0x6E, 0x6F, 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF}

SEGMENTS = [
    ("harness", "the measuring code: bracket, call into os_NAME, os_NAME, return"),
    ("user stub", "syscall_raw / sysenter_call (src/user/lib)"),
    ("trampoline entry", "vector stub or sysenter entry, CR3 write, general path up to the table call (slow: tramp_common)"),
    ("fast path", "trampoline fast path: the answer, between the two CR3 writes (no C)"),
    ("frame copy in", "COPY_FRAME_TO_KERNEL_STACK: rep movsd, per iteration"),
    ("entry scrub", "DEBUG=1 only: SCRUB_ENTRY_STACK, rep stosd, per iteration"),
    ("C entry", "trap_from_user (slow path); DEBUG=1: syscall_check_entry"),
    ("dispatch", "syscall_dispatch (slow path), syscall_sysenter_args45 (sysenter args 4, 5 copy-in)"),
    ("handler", "syscall_table[nr] (sc_NAME, syscall.c) and whatever it calls"),
    ("exit", "trap_return, syscall_finish_slow; DEBUG=1: syscall_check_exit"),
    ("frame copy out", "COPY_FRAME_TO_ENTRY_STACK: rep movsd, per iteration"),
    ("trampoline exit", "general path's return / tramp_iret_to_user, CR3 write, iret/sysexit"),
]


def memlayout_defines(path):
    """#define NAME 0xVALUE / decimal lines of one header."""
    vals = {}
    for line in open(path):
        m = re.match(r"#define\s+(\w+)\s+(0x[0-9A-Fa-f]+|\d+)\b", line)
        if m:
            vals[m.group(1)] = int(m.group(2), 0)
    return vals


def memlayout(path=MEMLAYOUT):
    """The #define NAME 0xVALUE / decimal constants of memlayout.h (the one
    source) and of the local headers it includes (uapi/layout.h)."""
    vals = {}
    for line in open(path):
        inc = re.match(r'#include\s+"([^"]+)"', line)
        if inc and os.path.exists(os.path.join(os.path.dirname(path), inc.group(1))):
            vals.update(memlayout_defines(os.path.join(os.path.dirname(path), inc.group(1))))
    vals.update(memlayout_defines(path))
    for need in ("PAGE_SIZE", "LARGE_PAGE_SIZE", "TRAMPOLINE_BASE", "DIRECT_MAP_BASE", "DIRECT_MAP_SIZE",
                 "USER_STACK_TOP", "USER_STACK_PAGES"):
        if need not in vals:
            sys.exit(f"pathtrace: {path} does not define {need}")
    if vals["PAGE_SIZE"] != PAGE:
        sys.exit(f"pathtrace: PAGE_SIZE is {vals['PAGE_SIZE']:#x} in {path}, {PAGE:#x} in {__file__}")
    return vals


class Elf:
    """Sections and symbols of one ELF32 file (read with struct, no tools)."""

    def __init__(self, path):
        data = open(path, "rb").read()
        if data[:4] != b"\x7fELF" or data[4] != 1:
            sys.exit(f"pathtrace: {path}: not an ELF32 file")
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
        hdrs = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
        names = hdrs[shstrndx]

        def cstr(off):
            return data[off:data.index(b"\0", off)].decode()

        self.sections = []          # (start, end, name), allocated ones only
        symtab = strtab = None
        for h in hdrs:
            name = cstr(names[4] + h[0])
            if h[2] & 2 and h[5]:   # SHF_ALLOC
                self.sections.append((h[3], h[3] + h[5], name))
            if h[1] == 2:           # SHT_SYMTAB
                symtab, strtab = h, hdrs[h[6]]
        syms = {}

        def rank(name, size):
            return (name.startswith("__"), name.endswith("_end"), not size)

        if symtab:
            for off in range(symtab[4], symtab[4] + symtab[5], 16):
                st_name, value, size, info, _other, shndx = struct.unpack_from("<IIIBBH", data, off)
                if st_name and shndx and (info & 0xF) in (0, 1, 2) and value:
                    name = cstr(strtab[4] + st_name)
                    if not name.startswith("."):
                        old = syms.get(value)    # at one address: a sized name that is no end marker wins
                        if old is None or rank(*old) > rank(name, size):
                            syms[value] = (name, size)
        self.addrs = sorted(syms)
        self.names = [syms[a][0] for a in self.addrs]
        self.sizes = [syms[a][1] for a in self.addrs]

    def section(self, va):
        for lo, hi, name in self.sections:
            if lo <= va < hi:
                return name
        return None

    def symbol(self, va):
        """(name, offset) of the symbol holding va (a sized symbol must cover
        it; an unsized one, an asm label, holds up to the next), or (None, 0)."""
        i = bisect.bisect_right(self.addrs, va) - 1
        if i < 0 or (self.sizes[i] and va - self.addrs[i] >= self.sizes[i]):
            return None, 0
        return self.names[i], va - self.addrs[i]


def mnemonics(path):
    """Address -> Intel-syntax text, from objdump."""
    out = subprocess.run(["objdump", "-d", "-M", "intel", "--no-show-raw-insn", path],
                         capture_output=True, text=True, check=True).stdout
    text = {}
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)$", line)
        if m:
            text[int(m.group(1), 16)] = re.sub(r"\s+", " ", m.group(2)).strip()
    return text


def read_trace(path):
    """Windows: list of lists of [vaddr, size, bytes, [(va, pa, size, rw)]]."""
    windows, cur = [], None
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "W":
            cur = []
        elif f[0] == "E":
            windows.append(cur)
            cur = None
        elif f[0] == "I" and cur is not None:
            cur.append([int(f[1], 16), int(f[2]), bytes.fromhex(f[3]), []])
        elif f[0] == "M" and cur:
            cur[-1][3].append((int(f[1], 16), None if f[2] == "-" else int(f[2], 16), int(f[3]), f[4]))
    return windows


def read_log(path):
    head, wins, text = None, {}, open(path, errors="replace").read().replace("\r", "")
    for line in text.splitlines():
        m = re.match(r"pathtrace: syscall=(\S+) entry=(\S+) mode=(\S+) overhead=(\d+) p50=(\d+) rounds=(\d+)", line)
        if m:
            head = dict(syscall=m.group(1), entry=m.group(2), mode=m.group(3), overhead=int(m.group(4)),
                        p50=int(m.group(5)), rounds=int(m.group(6)))
        m = re.match(r"pathtrace: window=(\d+) kind=(\w+) raw=(\d+)", line)
        if m:
            wins[int(m.group(1))] = (m.group(2), int(m.group(3)))
        m = re.match(r"pathtrace: fills ((?:\w+=\d+ ?)+)$", line)
        if m:
            head["fills"] = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
            head["fillpages"] = []
        m = re.match(r"pathtrace: fillpage=0x([0-9a-f]+) kind=(\d+)", line)
        if m and head and "fillpages" in head:
            head["fillpages"].append((int(m.group(1), 16), int(m.group(2))))
    if head is None:
        sys.exit(f"pathtrace: {path}: no 'pathtrace: syscall=' line (did the guest run?)")
    return head, wins


# AFILL_* kinds (src/kernel/uapi/syscall.h): the kernel side of a call.
FILL_KERNEL_SIDE = {0: "kernel 4 KiB", 1: "kernel 4 MiB", 2: "trampoline, kernel PD"}


def compare_fills(head, kernel_epoch, namer):
    """The kernel-side fills afill() measured for the same call (the guest's
    'fillpage' lines of kinds AFILL_KERNEL_4K, _4M, _TRAMP_K) against the
    pages traced between the two CR3 writes, a direct-map page as its 4 MiB
    page. Prints one line; returns a failure message or None."""
    if "fills" not in head:
        return "the guest printed no 'pathtrace: fills' line (afill() failed?)"
    f = head["fills"]
    measured = {va for va, k in head["fillpages"] if k in FILL_KERNEL_SIDE}
    counted = f["kernel_4k"] + f["kernel_4m"] + f["tramp_kernel"]
    if kernel_epoch is None:
        print(f"  fills (afill, Accessed bits): kernel side {counted} ({f['kernel_4k']} x 4 KiB + "
              f"{f['kernel_4m']} x 4 MiB + {f['tramp_kernel']} trampoline); aspace={head['mode']} writes no CR3, "
              f"so nothing is flushed: these are QEMU's own TLB misses, not compared")
        return None
    traced = {p & ~(namer.l["LARGE_PAGE_SIZE"] - 1) if namer.in_direct_map(p) else p for _, p in kernel_epoch}
    ok = measured == traced and counted == len(traced)
    print(f"  fills (afill, Accessed bits): kernel side {counted} ({f['kernel_4k']} x 4 KiB + {f['kernel_4m']} "
          f"x 4 MiB + {f['tramp_kernel']} trampoline) {'=' if ok else '!='} the {len(traced)} translations "
          f"traced between the CR3 writes: {'ok' if ok else 'MISMATCH'}; instrument {f['instrument']} (not charged)")
    if ok:
        return None
    extra = " ".join(f"{p:08x}" for p in sorted(measured - traced))
    missing = " ".join(f"{p:08x}" for p in sorted(traced - measured))
    return (f"the kernel-side fills ({counted}) differ from the traced kernel epoch ({len(traced)}): "
            f"measured only: [{extra}], traced only: [{missing}]")


def opcode(b):
    """(rep prefix present, first opcode byte) of an instruction's bytes."""
    i, rep = 0, False
    while i < len(b) and b[i] in PREFIXES:
        rep |= b[i] in (0xF2, 0xF3)
        i += 1
    return rep, (b[i] if i < len(b) else None), b[i + 1:]


def is_rep_string(b):
    rep, op, _ = opcode(b)
    return rep and op in STRING_OPS


def is_rep_stos(b):
    """rep stosb/stosd (F3 AA/AB): the DEBUG build's entry-stack scrub."""
    rep, op, _ = opcode(b)
    return rep and op in (0xAA, 0xAB)


def is_cr3_write(b):
    """mov cr3, r32: 0F 22 /r with ModRM.reg = 3, mod = 11 (Intel SDM Vol. 2B, MOV Control Registers)."""
    _, op, rest = opcode(b)
    return op == 0x0F and len(rest) >= 2 and rest[0] == 0x22 and rest[1] & 0xF8 == 0xD8


def is_rdtsc(b):
    return b[:2] == b"\x0f\x31"


def bracket(win):
    """The instructions the rdtsc delta counts: after the first rdtsc, through the second."""
    idx = [i for i, ins in enumerate(win) if is_rdtsc(ins[2])]
    if len(idx) < 2:
        sys.exit("pathtrace: a traced window does not hold two rdtsc instructions")
    return win[idx[0] + 1:idx[1] + 1]


class Namer:
    """Names for addresses. A VA below the trampoline means a user page to
    user code and a kernel page to kernel code (split address spaces), so
    every question says which side asks: kernel = the accessing instruction
    is kernel or trampoline code."""

    def __init__(self, kernel, user, layout):
        self.k, self.u, self.l = kernel, user, layout

    def in_direct_map(self, va):
        """The direct map is mapped with 4 MiB pages (src/kernel/mm/paging.c)."""
        return self.l["DIRECT_MAP_BASE"] <= va < self.l["DIRECT_MAP_BASE"] + self.l["DIRECT_MAP_SIZE"]

    def is_kernel_code(self, va):
        return self.k.section(va) is not None

    def symbol(self, va, kernel):
        elf = self.k if kernel or va >= self.l["TRAMPOLINE_BASE"] else self.u
        name, off = elf.symbol(va)
        if name is None or elf.section(va) is None:
            return f"{self.region(va, kernel)}@{va:08x}"
        return f"{name}+0x{off:x}" if off else name

    def region(self, va, kernel):
        l = self.l
        if kernel or va >= l["TRAMPOLINE_BASE"]:
            sec = self.k.section(va)
            if sec:
                return sec
            if self.in_direct_map(va):
                return "direct map (4 MiB pages)"
            return "kernel (no section)"
        sec = self.u.section(va)
        if sec:
            return sec
        if l["USER_STACK_TOP"] - l["USER_STACK_PAGES"] * PAGE <= va < l["USER_STACK_TOP"]:
            return "user stack"
        return "user (heap or mapping)"

    def page_name(self, page, kernel, touched, note=""):
        """A page's region (plus note) and the symbols its accesses fell on
        (data) or ran in (code); addresses with no symbol as one range."""
        region = self.region(page, kernel) + note
        names, bare = [], []
        for va in sorted(touched):
            base = self.symbol(va, kernel).split("+")[0]
            if "@" in base:
                bare.append(va)
            elif base not in names:
                names.append(base)
        more = f" +{len(names) - 4} more" if len(names) > 4 else ""
        what = names[:4]
        if bare:
            what.append(f"{bare[0]:08x}" + (f"-{bare[-1]:08x}" if len(bare) > 1 else ""))
        return region + (": " + ", ".join(what) + more if what else "")


FAST_CHECK = "tramp_fast_check"   # DEBUG builds: the fast path's checks in C


def segments(win, namer, kernel):
    """Label each executed instruction of the bracket with its segment. A
    call that runs no kernel C (the trampoline fast path; DEBUG builds call
    only FAST_CHECK) splits the trampoline at its CR3 writes: entry up to
    the first, "fast path" from it to the second, exit from the second on
    (aspace=shared writes none: all of it is the fast path)."""
    tramp = namer.l["TRAMPOLINE_BASE"]
    fast = not any(va < tramp and namer.is_kernel_code(va) and kernel.symbol(va)[0] != FAST_CHECK
                   for va, _, _, _ in win)
    writes = 0 if any(is_cr3_write(b) for _, _, b, _ in win) else 1
    labels, seen_c, cur = [], False, "C entry"
    for va, size, b, _ in win:
        if fast and (va >= namer.l["TRAMPOLINE_BASE"] or namer.is_kernel_code(va)):
            if is_cr3_write(b):
                writes += 1
                seg = "fast path" if writes == 1 else "trampoline exit"
            else:
                seg = ("trampoline entry", "fast path", "trampoline exit")[min(writes, 2)]
        elif va >= namer.l["TRAMPOLINE_BASE"]:
            if is_rep_stos(b) and not seen_c:
                seg = "entry scrub"
            elif is_rep_string(b):
                seg = "frame copy out" if seen_c else "frame copy in"
            else:
                seg = "trampoline exit" if seen_c else "trampoline entry"
        elif namer.is_kernel_code(va):
            seen_c = True
            fn, _ = kernel.symbol(va)
            if fn in ("trap_from_user", "syscall_check_entry"):
                cur = "C entry"
            elif fn in ("trap_return", "syscall_finish_slow", "syscall_check_exit"):
                cur = "exit"
            elif fn in ("syscall_dispatch", "syscall_sysenter_args45"):
                cur = "dispatch"
            elif fn and fn.startswith("sc_"):                 # syscall_table[nr]: the handler
                cur = "handler"
            seg = cur
        else:
            fn = namer.u.symbol(va)[0]
            seg = "user stub" if fn and fn.split(".")[0] in USER_STUBS else "harness"
        labels.append(seg)
    return labels


def arch_count(win):
    """Architectural instructions: a `rep` string instruction's executions at one address count once."""
    n, prev = 0, None
    for va, _, b, _ in win:
        if not (is_rep_string(b) and prev == va):
            n += 1
        prev = va
    return n


def epochs(win):
    """Split the bracket at each CR3 write: the write belongs to the epoch it ends."""
    out, cur = [], []
    for ins in win:
        cur.append(ins)
        if is_cr3_write(ins[2]):
            out.append(cur)
            cur = []
    out.append(cur)
    return out


def epoch_title(k, n):
    if n == 1:
        return "one CR3 throughout (no CR3 write in the window)"
    if n == 3:
        return ["user CR3, up to the entry write", "kernel CR3, between the entry and exit writes",
                "user CR3, after the exit write"][k]
    return f"epoch {k}" + (" (after CR3 write %d)" % k if k else "")


def pages(ep, namer):
    """{(kernel side?, page): {'kinds', 'touched' (va), 'pa'}} for one epoch:
    instruction fetches (both pages of a straddling instruction) and data
    accesses, keyed by the side that made them."""
    pg = {}

    def add(kernel, va, size, kind, pa=None):
        for p in {va & ~(PAGE - 1), (va + size - 1) & ~(PAGE - 1)}:
            e = pg.setdefault((kernel, p), {"kinds": set(), "touched": set(), "pa": set()})
            e["kinds"].add(kind)
            e["touched"].add(max(va, p))
            if pa is not None:
                e["pa"].add((pa - (va - p)) & ~(PAGE - 1))

    for va, size, b, mem in ep:
        kernel = namer.is_kernel_code(va)
        add(kernel, va, size, "x")
        for mva, mpa, msize, rw in mem:
            add(kernel, mva, msize, rw.lower(), mpa)
            if kernel and va >= namer.l["TRAMPOLINE_BASE"] and is_rep_string(b) and mva < namer.l["TRAMPOLINE_BASE"]:
                pg[(kernel, mva & ~(PAGE - 1))]["note"] = " (kernel stack: the frame copy's other end)"
    return pg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trace", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--listing")
    ap.add_argument("--brief", action="store_true", help="the table and one line per epoch, no page list")
    a = ap.parse_args()

    head, wins = read_log(a.log)
    windows = read_trace(a.trace)
    if len(windows) < 2 or len(windows) != len(wins):
        sys.exit(f"pathtrace: {len(windows)} traced windows, the guest reports {len(wins)}")
    kernel, user = Elf(a.kernel), Elf(a.user)
    namer = Namer(kernel, user, memlayout())
    failed = []

    empty = bracket(windows[0])
    if len(empty) != wins[1][1]:
        failed.append(f"the empty bracket traced holds {len(empty)} instructions, the guest read {wins[1][1]}")
    last = len(windows)
    win = bracket(windows[-1])
    raw = wins[last][1]
    if len(win) != raw:
        failed.append(f"the traced call holds {len(win)} instructions, the guest's bracket read {raw}")
    total = len(win) - head["overhead"]
    if total != head["p50"]:
        failed.append(f"the traced call is {total} ticks net, the p50 of {head['rounds']} calls is {head['p50']}")

    labels = segments(win, namer, kernel)
    ticks = {s: 0 for s, _ in SEGMENTS}
    arch = {s: 0 for s, _ in SEGMENTS}
    for s in labels:
        ticks[s] += 1
    for s, _ in SEGMENTS:
        arch[s] = arch_count([w for w, l in zip(win, labels) if l == s]) if ticks[s] else 0

    print(f"pathtrace: {head['syscall']} via {head['entry']}, aspace={head['mode']}: "
          f"{total} ticks (= the p50 of {head['rounds']} calls: {head['p50']})")
    print(f"  window: after the first rdtsc through the second (the benchmark's lfence; rdtsc; lfence "
          f"bracket), {len(win)} ticks, less the timer overhead {head['overhead']} (the empty bracket, "
          f"traced: {len(empty)} instructions)")
    print(f"  {'segment':<17} {'ticks':>6} {'insns':>6}  what")
    for s, what in SEGMENTS:
        if ticks[s]:
            print(f"  {s:<17} {ticks[s]:>6} {arch[s]:>6}  {what}")
    print(f"  {'timer overhead':<17} {-head['overhead']:>6} {-head['overhead']:>6}  "
          f"taken off, as the benchmark does")
    print(f"  {'total':<17} {total:>6} {arch_count(win) - head['overhead']:>6}  "
          f"ticks = executed instructions (-icount shift=0; rep: per iteration + 1)")

    eps = epochs(win)
    writes = len(eps) - 1
    print(f"  CR3 writes: {writes}; distinct 4 KiB pages per CR3 epoch "
          f"(virtual page, x = fetch, r/w = data; not seen: the IDT/TSS/GDT reads and pushes of event delivery, page walks):")
    for k, ep in enumerate(eps):
        pg = pages(ep, namer)
        big = {p & ~(namer.l["LARGE_PAGE_SIZE"] - 1) for side, p in pg if side and namer.in_direct_map(p)}
        small = [p for side, p in pg if not (side and namer.in_direct_map(p))]
        glob = [p for p in small if head["mode"] == "split-global" and p >= namer.l["TRAMPOLINE_BASE"]]
        print(f"  epoch {k}: {epoch_title(k, len(eps))}: {len(pg)} pages, {len(ep)} ticks; "
              f"translations: {len(small)} x 4 KiB + {len(big)} x 4 MiB"
              + (f", {len(glob)} of them Global (trampoline, aspace=split-global)" if glob else ""))
        for side, p in ([] if a.brief else sorted(pg, key=lambda sp: (sp[1], sp[0]))):
            e = pg[(side, p)]
            kinds = "".join(c for c in "xrw" if c in e["kinds"])
            pa = f" (pa {','.join(f'{x:08x}' for x in sorted(e['pa']))})" if e["pa"] else ""
            print(f"    {p:08x} {kinds:<3} {namer.page_name(p, side, e['touched'], e.get('note', ''))}{pa}")

    kernel_epoch = pages(eps[1], namer) if writes == 2 else None
    msg = compare_fills(head, kernel_epoch, namer)
    if msg:
        failed.append(msg)

    if a.listing:
        text = {}
        text.update(mnemonics(a.kernel))
        text.update(mnemonics(a.user))
        with open(a.listing, "w") as f:
            f.write(f"# {head['syscall']} via {head['entry']}, aspace={head['mode']}: one call, "
                    f"instruction by instruction (tick, address, symbol, segment, instruction, data accesses)\n")
            epoch = 0
            for n, ((va, size, b, mem), seg) in enumerate(zip(win, labels), 1):
                acc = " ".join(f"{rw}:{mva:08x}" for mva, _, _, rw in mem)
                f.write(f"{n:5} {va:08x} {namer.symbol(va, namer.is_kernel_code(va)):<40} {seg:<17} {text.get(va, b.hex()):<40} {acc}\n")
                if is_cr3_write(b):
                    epoch += 1
                    f.write(f"      --- CR3 write: epoch {epoch} begins ---\n")
        print(f"  listing: {a.listing}")
    for msg in failed:
        print(f"pathtrace: FAIL: {msg}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
