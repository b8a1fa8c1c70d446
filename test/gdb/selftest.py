# selftest.py - a scripted GDB session against `make debug`-style QEMU
# (the gdbtest ISO: `hello` alone, the `low` kernel). Run after build/gdbinit:
#   gdb -batch -x build/gdbinit -x test/gdb/selftest.py
# Prints one PASS/FAIL line per check (test/run.sh counts them: 17).
import os
import socket
import subprocess
import tempfile

import gdb

# kernel_cr3, ptdump_lines, KERNEL_ELF, KERNEL_VIRT_BASE and _LAYOUT (the
# #defines of memlayout.h and uapi/layout.h, their one source) come from
# tools/gdb/split.py (sourced by the gdbinit; sourced files share __main__).

TRAMPOLINE_BASE = _LAYOUT["TRAMPOLINE_BASE"]
USER_BASE = _LAYOUT["USER_BASE"]
LOW_LOAD_BASE = _LAYOUT["KERNEL_LINK_PHYS"]  # the low variant: GRUB loads it at KERNEL_LINK_PHYS


def check(name, ok, detail=""):
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))


def value(expr):
    return int(gdb.parse_and_eval(expr)) & 0xFFFFFFFF


def gdb_error(command):
    """Run command; return its error message ('' if it succeeded)."""
    try:
        gdb.execute(command, to_string=True)
    except gdb.error as e:
        return str(e)
    return ""


def source_line(pc):
    sal = gdb.find_pc_line(pc)
    return (sal.symtab.filename if sal.symtab else None), sal.line


# 0. `make gdb` with nothing listening: a message naming `make debug`, at once
# (not GDB's connect retries and a bare prompt).
sock = socket.socket()
sock.bind(("localhost", 0))
free_port = sock.getsockname()[1]
sock.close()
with open("tools/gdb/gdbinit.in") as f:
    text = f.read().replace("@GDBPORT@", str(free_port)).replace("@BUILD@", os.path.dirname(KERNEL_ELF))
with tempfile.NamedTemporaryFile("w", suffix=".gdbinit", delete=False) as f:
    f.write(text.replace("@MODDIR@", MODULE_DIR))
try:
    r = subprocess.run(["gdb", "-q", "-nx", "-batch", "-x", f.name], capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    check("gdbinit without a gdbstub: fails (exit %d) with a message naming `make debug`" % r.returncode,
          r.returncode != 0 and "make debug" in out and "Remote" not in out, out.strip()[-300:])
except subprocess.TimeoutExpired:
    check("gdbinit without a gdbstub: fails with a message naming `make debug`", False, "still waiting after 60 s")
os.unlink(f.name)

# 1. The first instruction, before paging: boot-symbols refuses EBP (not the
# load base yet) and takes the base given.
start = LOW_LOAD_BASE + value("(unsigned)&_start") - KERNEL_VIRT_BASE
gdb.execute("hbreak *0x%x" % start)
gdb.execute("continue")
err = gdb_error("boot-symbols")
check("boot-symbols at _start: EBP refused, not the load base yet", "is not the load base" in err, err or "accepted")
err = gdb_error("boot-symbols 0x%x" % LOW_LOAD_BASE)
sym = gdb.execute("info symbol $pc", to_string=True)
check("boot-symbols BASE at _start: the pc is _start", not err and sym.startswith("_start in section .boot"),
      err or sym)
if gdb_error("boot-symbols off"):
    gdb_error("remove-symbol-file -a 0x%x" % LOW_LOAD_BASE)
gdb.execute("delete")

# 2. boot_high, at its link address: boot.asm's line info, not GDB's
# "pc ... in read in CU, but not in symtab" for every lookup.
gdb.execute("hbreak boot_high")
gdb.execute("continue")
name, line = source_line(value("$pc"))
check("stop at boot_high has a line of boot.asm", value("$pc") == value("(unsigned)&boot_high")
      and name is not None and name.endswith("boot.asm") and line > 0, "%s:%s" % (name, line))
gdb.execute("delete")

# 3. switch-symbols: again and again, and a clear error without a name.
errs = [gdb_error("switch-symbols " + n) for n in ("hello", "init", "hello")]
user = [o.filename for o in gdb.objfiles() if o.filename.endswith(".elf") and "/modules/" in o.filename]
check("switch-symbols hello, init, hello: each works, one module loaded",
      not any(errs) and len(user) == 1 and user[0].endswith("/hello.elf"), "; ".join(errs) + " loaded: %s" % user)
err = gdb_error("switch-symbols")
check("switch-symbols without NAME: usage and the module list", "usage: switch-symbols NAME" in err and "hello" in err,
      err or "accepted")

# 4. A user module's main, by name, with a source line.
gdb.execute("switch-symbols hello")
gdb.execute("break main")
gdb.execute("continue")
frame = gdb.selected_frame()
sal = frame.find_sal()
check("break main in hello stops in main", frame.name() == "main", "stopped in %s" % frame.name())
check("the stop has a source line in hello.c",
      sal.symtab is not None and sal.symtab.filename.endswith("hello.c") and sal.line > 0,
      "%s:%s" % (sal.symtab.filename if sal.symtab else "?", sal.line))
try:
    args = (int(gdb.parse_and_eval("argc")), gdb.parse_and_eval("argv[0]").string())
except (gdb.error, gdb.MemoryError) as e:
    args = str(e)
check("at main, argc and argv are readable (argc 1, argv[0] \"hello\")", args == (1, "hello"), str(args))

# 5. Clear errors after paging: boot-symbols with EBP, ptdump of a non-PD.
err = gdb_error("boot-symbols")
check("boot-symbols after paging: refused, paging is on", "paging is on" in err, err or "accepted")
errs = [gdb_error("ptdump " + v) for v in ("5", "0x1000")]
check("ptdump 5 and ptdump 0x1000: not a page directory", all("is not a page directory" in e for e in errs),
      "; ".join(e or "walked" for e in errs))
gdb.execute("delete")

# 6. The trampoline's syscall entry, with a user CR3 still loaded.
gdb.execute("hbreak tramp_syscall_entry")
gdb.execute("continue")
entry = value("(unsigned)&tramp_syscall_entry")
user_cr3 = value("$cr3")
kcr3 = kernel_cr3()  # from tools/gdb/split.py: sourced files share __main__
check("stop at tramp_syscall_entry", value("$pc") == entry, "pc 0x%x" % value("$pc"))
check("CR3 at the entry is a user page directory", user_cr3 != kcr3, "cr3 0x%x kernel 0x%x" % (user_cr3, kcr3))
gdb.execute("delete")

# 7. Step until the CR3 switch: then the kernel PD is loaded.
for _ in range(64):
    if value("$cr3") == kcr3:
        break
    gdb.execute("stepi", to_string=True)
check("stepping reaches the CR3 switch; CR3 is then the kernel PD", value("$cr3") == kcr3,
      "cr3 0x%x" % value("$cr3"))
check("the switch happened in the trampoline", value("$pc") >= TRAMPOLINE_BASE, "pc 0x%x" % value("$pc"))

# 8. The user PD maps only user pages and the supervisor-only trampoline.
lines = ptdump_lines(user_cr3)
print("ptdump 0x%08x:" % user_cr3)
for line in lines:
    print("  " + line)
bad = []
for line in lines:
    start = int(line.split("-")[0], 16)
    flags = line.split("->")[1].split()[1:3]
    if start < USER_BASE:
        bad.append(line)
    elif start < TRAMPOLINE_BASE and flags[0] != "U":
        bad.append(line)
    elif start >= TRAMPOLINE_BASE and flags[0] != "S":
        bad.append(line)
    if "4M" in line:
        bad.append(line)
check("ptdump of the user PD: only user pages in [0x%X, 0x%X) and the S-only trampoline" % (USER_BASE, TRAMPOLINE_BASE),
      lines and not bad, "; ".join(bad))
check("ptdump of the user PD: the trampoline is there",
      any(int(l.split("-")[0], 16) >= TRAMPOLINE_BASE for l in lines))
gdb.execute("kill")
