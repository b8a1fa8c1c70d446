# split.py - GDB commands for the split kernel under QEMU's gdbstub.
#
# Loaded by the generated build/gdbinit (make gdb). The kernel and each user
# process have separate page directories, so most of the kernel is not
# mapped while a user CR3 is loaded. These commands therefore read memory in
# QEMU's physical mode (maintenance packet Qqemu.PhyMemMode:1) and walk page
# tables themselves, starting from the kernel CR3 stored in the trampoline
# (tramp_kernel_cr3, mapped in every PD).
#
#   ptdump [-f] [CR3]     mappings of a page directory (default: current CR3);
#                         refuses a value that is no known PD unless -f
#   procs                 the kernel's process table
#   switch-symbols NAME   user symbols of modules/NAME.elf at 0x1000 (one at a time)
#   boot-symbols [BASE|off]  symbols of the pre-paging boot code at the physical
#                         load base (default: EBP, which boot.asm holds the load
#                         base in from .found_load_base to boot_high; checked
#                         against the multiboot2 header there); `off` removes them
#   kcr3                  print the kernel CR3 and the current CR3
#
# Errors are gdb.GdbError: GDB prints the message alone, no Python trace.

import os
import re
import struct

import gdb


KERNEL_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "kernel")


def _defines(path):
    """NAME -> value of the "#define NAME 0xVALUE" / decimal lines of a kernel
    header and of the local headers it includes: the constants have one
    source, the kernel headers under src/kernel/, and this file reads them there."""
    vals = {}
    for line in open(path):
        inc = re.match(r'#include\s+"([^"]+)"', line)
        if inc and os.path.exists(os.path.join(os.path.dirname(path), inc.group(1))):
            vals.update(_defines(os.path.join(os.path.dirname(path), inc.group(1))))
        m = re.match(r"#define\s+(\w+)\s+(0x[0-9A-Fa-f]+|\d+)\b", line)
        if m:
            vals[m.group(1)] = int(m.group(2), 0)
    return vals


_LAYOUT = _defines(os.path.join(KERNEL_SRC, "memlayout.h"))   # with uapi/layout.h
PAGE = _LAYOUT["PAGE_SIZE"]
PAGE_SHIFT, PDE_SHIFT = _LAYOUT["PAGE_SHIFT"], _LAYOUT["PDE_SHIFT"]
LARGE_PAGE, ENTRIES = _LAYOUT["LARGE_PAGE_SIZE"], _LAYOUT["TABLE_ENTRIES"]   # one PDE's span, entries per PD/PT
PTE_P, PTE_W, PTE_U, PDE_PS, PTE_G = (_LAYOUT[n] for n in ("PTE_P", "PTE_W", "PTE_U", "PDE_PS", "PTE_G"))
KERNEL_VIRT_BASE = _LAYOUT["KERNEL_VIRT_BASE"]
# Absolute: GDB names an objfile by its absolute path, and remove-symbol-file
# FILE matches only that name.
MODULE_DIR = os.path.abspath(os.environ.get("SPLIT_MODULES", "modules"))
KERNEL_ELF = os.path.abspath(os.environ.get("SPLIT_KERNEL", "build/kernel.elf"))
MB2_HEADER_MAGIC = _defines(os.path.join(KERNEL_SRC, "boot", "multiboot2.h"))["MB2_HEADER_MAGIC"]  # link/kernel.ld puts the header first in .boot
CR0_PG = _LAYOUT["CR0_PG"]      # Intel SDM Vol. 3A §2.5
CR3_FLAGS = 0x18                # PWT, PCD: the only low CR3 bits that are not address (SDM Vol. 3A §4.3)
STATES = ["UNUSED", "EMBRYO", "RUNNABLE", "RUNNING", "SLEEPING", "ZOMBIE"]


def _packet(text):
    gdb.execute("maintenance packet " + text, to_string=True)


def phys_read(addr, size):
    """Read size bytes at physical address addr (QEMU physical-memory mode)."""
    _packet("Qqemu.PhyMemMode:1")
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    finally:
        _packet("Qqemu.PhyMemMode:0")


def phys_u32(addr):
    return struct.unpack("<I", phys_read(addr, 4))[0]


def current_cr3():
    return int(gdb.parse_and_eval("$cr3")) & 0xFFFFFFFF


def kernel_cr3():
    """The kernel PD's physical address, from the trampoline (mapped in every PD)."""
    addr = int(gdb.parse_and_eval("(unsigned)&tramp_kernel_cr3"))
    try:
        value = struct.unpack("<I", bytes(gdb.selected_inferior().read_memory(addr, 4)))[0]
    except gdb.MemoryError:
        raise gdb.GdbError("the trampoline is not mapped yet (paging is off or not set up): "
                           "nothing to walk before paging_init")
    if value == 0:
        raise gdb.GdbError("tramp_kernel_cr3 is 0: the kernel has not set up its tables yet")
    return value


def translate(cr3, va):
    """Physical address of va in the page directory at cr3, or None."""
    pde = phys_u32((cr3 & ~(PAGE - 1)) + (va >> PDE_SHIFT) * 4)
    if not pde & PTE_P:
        return None
    if pde & PDE_PS:
        return (pde & ~(LARGE_PAGE - 1)) | (va & (LARGE_PAGE - 1))
    pte = phys_u32((pde & ~(PAGE - 1)) + ((va >> PAGE_SHIFT) & (ENTRIES - 1)) * 4)
    if not pte & PTE_P:
        return None
    return (pte & ~(PAGE - 1)) | (va & (PAGE - 1))


def kernel_read(va, size):
    """Read kernel virtual memory whatever CR3 is loaded."""
    cr3, out = kernel_cr3(), b""
    while size > 0:
        pa = translate(cr3, va)
        if pa is None:
            raise gdb.GdbError("kernel VA 0x%08x is not mapped" % va)
        n = min(size, PAGE - (va & (PAGE - 1)))
        out += phys_read(pa, n)
        va, size = va + n, size - n
    return out


def mappings(cr3):
    """Yield (va, pa, flags) for every present page of a PD (4 MiB pages as one)."""
    pd = phys_read(cr3 & ~(PAGE - 1), PAGE)
    for i in range(ENTRIES):
        pde = struct.unpack_from("<I", pd, i * 4)[0]
        if not pde & PTE_P:
            continue
        if pde & PDE_PS:
            yield i << PDE_SHIFT, pde & ~(LARGE_PAGE - 1), (pde & 0x1FF) | PDE_PS, ENTRIES
            continue
        pt = phys_read(pde & ~(PAGE - 1), PAGE)
        for j in range(ENTRIES):
            pte = struct.unpack_from("<I", pt, j * 4)[0]
            if pte & PTE_P:
                # effective U and W need both levels (Intel SDM Vol. 3A §4.6.1)
                flags = (pte & 0x1FF) & ~((PTE_U | PTE_W) & ~pde)
                yield (i << PDE_SHIFT) | (j << PAGE_SHIFT), pte & ~(PAGE - 1), flags, 1


def flag_text(flags):
    return "%s %s %s%s" % ("U" if flags & PTE_U else "S", "W" if flags & PTE_W else "R",
                           "G" if flags & PTE_G else "-", " 4M" if flags & PDE_PS else "")


def ptdump_lines(cr3):
    """Runs of pages contiguous in VA and PA with the same flags."""
    lines, run = [], None
    for va, pa, flags, npages in mappings(cr3):
        size = npages * PAGE
        key = flags & (PTE_U | PTE_W | PTE_G | PDE_PS)
        if run and run[0] + run[2] == va and run[1] + run[2] == pa and run[3] == key:
            run[2] += size
            continue
        if run:
            lines.append(run)
        run = [va, pa, size, key]
    if run:
        lines.append(run)
    return ["0x%08x-0x%08x -> 0x%08x  %-7s %6d KiB" % (va, va + size - 1, pa, flag_text(key), size // 1024)
            for va, pa, size, key in lines]


def proc_table():
    """Yield (address, gdb.Value) for every used slot of the process table, read
    through the kernel PD at `procs`, the table's direct-map alias (proc.c;
    NULL before proc_table_init: no slot)."""
    ptype = gdb.parse_and_eval("procs").type.target()
    count = int(gdb.parse_and_eval("sizeof(proc_slots) / sizeof(proc_slots[0])"))
    base = struct.unpack("<I", kernel_read(int(gdb.parse_and_eval("(unsigned)&procs")), 4))[0]
    if base == 0:
        return
    for i in range(count):
        p = gdb.Value(kernel_read(base + i * ptype.sizeof, ptype.sizeof), ptype)
        if int(p["state"]) != 0:
            yield base + i * ptype.sizeof, p


def known_pds():
    """{physical PD address: label}: the kernel PD, the CR3 loaded now and every process's PD."""
    pds = {kernel_cr3(): "kernel PD"}
    for _, p in proc_table():
        pds.setdefault(int(p["pd"]), "user PD, pid %d %s" % (int(p["pid"]), p["name"].string()))
    pds.setdefault(current_cr3() & ~(PAGE - 1), "the CR3 loaded now")
    return pds


class PtDump(gdb.Command):
    """ptdump [-f] [CR3]: list the mappings of a page directory (default: the current CR3).
CR3 must be the kernel PD or the PD of a process (see `procs`); -f walks any
page-aligned physical address as a PD anyway.
Flags: U/S user or supervisor, W/R writable or read-only, G global, 4M large page."""

    def __init__(self):
        super().__init__("ptdump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        words = arg.split()
        force = "-f" in words
        expr = " ".join(w for w in words if w != "-f")
        cr3 = int(gdb.parse_and_eval(expr)) & 0xFFFFFFFF if expr else current_cr3()
        if cr3 & (PAGE - 1) & ~CR3_FLAGS:
            raise gdb.GdbError("ptdump: 0x%x is not a page directory: a PD is a page-aligned physical "
                               "address (a CR3 value; `procs` lists each process's PD)" % cr3)
        cr3 &= ~(PAGE - 1)
        pds = known_pds()
        if cr3 not in pds and not force:
            raise gdb.GdbError("ptdump: 0x%08x is not a page directory the kernel uses (kernel PD 0x%08x; "
                               "`procs` lists each process's PD). `ptdump -f 0x%x` walks it anyway."
                               % (cr3, kernel_cr3(), cr3))
        print("page directory 0x%08x (%s)" % (cr3, pds.get(cr3, "not a known PD: forced")))
        for line in ptdump_lines(cr3):
            print("  " + line)


class Procs(gdb.Command):
    """procs: the process table (pid, state, name, page directory, kernel stack)."""

    def __init__(self):
        super().__init__("procs", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        ptype = gdb.parse_and_eval("procs").type.target()
        cur = struct.unpack("<I", kernel_read(int(gdb.parse_and_eval("(unsigned)&current")), 4))[0]
        print("  PID STATE     NAME             PD         KSTACK_TOP PARENT")
        for addr, p in proc_table():
            parent = int(p["parent"])
            ppid = "-"
            if parent:
                ppid = str(int(gdb.Value(kernel_read(parent, ptype.sizeof), ptype)["pid"]))
            mark = "*" if addr == cur else " "
            print("%s%4d %-9s %-16s 0x%08x 0x%08x %s" % (mark, int(p["pid"]), STATES[int(p["state"])],
                  p["name"].string(), int(p["pd"]), int(p["kstack_top"]), ppid))


def module_names():
    """The user programs in MODULE_DIR: NAME.elf with a NAME.sym (`make all` makes
    one per program; the loader's hostile test ELFs have none)."""
    files = set(os.listdir(MODULE_DIR)) if os.path.isdir(MODULE_DIR) else set()
    return sorted(f[:-4] for f in files if f.endswith(".elf") and f[:-4] + ".sym" in files)


def drop_objfile(path):
    """remove-symbol-file PATH if GDB still has it (the user may have removed it by hand)."""
    if any(o.filename == path for o in gdb.objfiles()):
        gdb.execute("remove-symbol-file " + path, to_string=True)


class SwitchSymbols(gdb.Command):
    """switch-symbols NAME: load modules/NAME.elf's symbols (linked at 0x1000),
replacing the user module loaded before. Every user program uses the same
addresses, so only one set is loaded at a time."""

    loaded = None

    def __init__(self):
        super().__init__("switch-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name or " " in name:
            raise gdb.GdbError("usage: switch-symbols NAME, one of: " + " ".join(module_names()))
        path = os.path.join(MODULE_DIR, name + ".elf")
        if not os.path.exists(path):
            raise gdb.GdbError("switch-symbols: no module %s (%s); modules: %s"
                               % (name, path, " ".join(module_names())))
        if SwitchSymbols.loaded:
            drop_objfile(SwitchSymbols.loaded)
            SwitchSymbols.loaded = None
        gdb.execute("add-symbol-file %s -readnow" % path, to_string=True)
        SwitchSymbols.loaded = path
        print("user symbols: %s (at its link addresses, from 0x1000)" % os.path.relpath(path))


def load_base_ok(base, paging):
    """True if the multiboot2 header (the image's first bytes) is at physical base."""
    try:
        if paging:
            raw = phys_read(base, 4)
        else:
            raw = bytes(gdb.selected_inferior().read_memory(base, 4))
    except gdb.MemoryError:
        return False
    return struct.unpack("<I", raw)[0] == MB2_HEADER_MAGIC


class BootSymbols(gdb.Command):
    """boot-symbols [LOAD_BASE | off]: symbols for boot.asm, which runs before paging
at the physical load base GRUB chose. Default LOAD_BASE: $ebp, which boot.asm
loads from the multiboot2 load base tag at .found_load_base and keeps until
boot_high; so at _start, and once paging is on, give LOAD_BASE (the kernel
prints `boot: load base 0x...`; GRUB picks the same base on every boot).
The base is checked: the multiboot2 header must be there. `off` removes them."""

    loaded = None

    def __init__(self):
        super().__init__("boot-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        arg = arg.strip()
        if BootSymbols.loaded is not None:
            gdb.execute("remove-symbol-file -a 0x%x" % BootSymbols.loaded, to_string=True)
            BootSymbols.loaded = None
            if arg == "off":
                print(".boot symbols removed")
                return
        if arg == "off":
            return
        paging = bool(int(gdb.parse_and_eval("$cr0")) & CR0_PG)
        base = int(gdb.parse_and_eval(arg if arg else "$ebp")) & 0xFFFFFFFF
        if base & (PAGE - 1) or not load_base_ok(base, paging):
            if not arg and paging:
                raise gdb.GdbError("boot-symbols: paging is on (CR0.PG = 1) and EBP (0x%08x) is not the load "
                                   "base any more: boot.asm is done and the kernel runs at its link addresses "
                                   "(symbols already loaded). For the physical copy anyway: boot-symbols BASE "
                                   "(BASE: p/x kernel_load_base)" % base)
            raise gdb.GdbError("boot-symbols: %s 0x%08x is not the load base (no multiboot2 header there). "
                               "EBP holds it only from .found_load_base to boot_high: give it, "
                               "boot-symbols BASE (the kernel prints `boot: load base 0x...`, and GRUB "
                               "picks the same base on every boot)" % ("LOAD_BASE" if arg else "EBP", base))
        # GDB relocates line tables by the .text offset: move .text too, by
        # the same distance, so the boot code gets source lines as well.
        text = int(gdb.parse_and_eval("(unsigned)&__text_start")) - KERNEL_VIRT_BASE + base
        gdb.execute("add-symbol-file %s -s .boot 0x%x -s .text 0x%x" % (KERNEL_ELF, base, text),
                    to_string=True)
        BootSymbols.loaded = base
        print(".boot symbols at 0x%08x (link address 0x%08x); `boot-symbols off` removes them"
              % (base, KERNEL_VIRT_BASE))


class KCr3(gdb.Command):
    """kcr3: the kernel page directory and the CR3 loaded now."""

    def __init__(self):
        super().__init__("kcr3", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        k, c = kernel_cr3(), current_cr3()
        print("kernel PD 0x%08x, CR3 now 0x%08x (%s)" % (k, c, "kernel" if k == c else "user"))


PtDump()
Procs()
SwitchSymbols()
BootSymbols()
KCr3()
