# selftest.py - a scripted GDB session against `make debug`-style QEMU
# (the gdbtest ISO: `hello` alone). Run after build/gdbinit:
#   gdb -batch -x build/gdbinit -x test/gdb/selftest.py
# Prints one PASS/FAIL line per check.
import gdb

# kernel_cr3 and ptdump_lines come from tools/gdb/split.py (sourced by the gdbinit).

TRAMPOLINE_BASE = 0xFFF00000


def check(name, ok, detail=""):
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))


def value(expr):
    return int(gdb.parse_and_eval(expr)) & 0xFFFFFFFF


# 1. A user module's main, by name, with a source line.
gdb.execute("switch-symbols hello")
gdb.execute("break main")
gdb.execute("continue")
frame = gdb.selected_frame()
sal = frame.find_sal()
check("break main in hello stops in main", frame.name() == "main", "stopped in %s" % frame.name())
check("the stop has a source line in hello.c",
      sal.symtab is not None and sal.symtab.filename.endswith("hello.c") and sal.line > 0,
      "%s:%s" % (sal.symtab.filename if sal.symtab else "?", sal.line))
gdb.execute("delete")

# 2. The trampoline's syscall entry, with a user CR3 still loaded.
gdb.execute("hbreak trampoline_syscall_entry")
gdb.execute("continue")
entry = value("(unsigned)&trampoline_syscall_entry")
user_cr3 = value("$cr3")
kcr3 = kernel_cr3()  # from tools/gdb/split.py: sourced files share __main__
check("stop at trampoline_syscall_entry", value("$pc") == entry, "pc 0x%x" % value("$pc"))
check("CR3 at the entry is a user page directory", user_cr3 != kcr3, "cr3 0x%x kernel 0x%x" % (user_cr3, kcr3))
gdb.execute("delete")

# 3. Step until the CR3 switch: then the kernel PD is loaded.
for _ in range(64):
    if value("$cr3") == kcr3:
        break
    gdb.execute("stepi", to_string=True)
check("stepping reaches the CR3 switch; CR3 is then the kernel PD", value("$cr3") == kcr3,
      "cr3 0x%x" % value("$cr3"))
check("the switch happened in the trampoline", value("$pc") >= TRAMPOLINE_BASE, "pc 0x%x" % value("$pc"))

# 4. The user PD maps only user pages and the supervisor-only trampoline.
lines = ptdump_lines(user_cr3)
print("ptdump 0x%08x:" % user_cr3)
for line in lines:
    print("  " + line)
bad = []
for line in lines:
    start = int(line.split("-")[0], 16)
    flags = line.split("->")[1].split()[1:3]
    if start < 0x1000:
        bad.append(line)
    elif start < TRAMPOLINE_BASE and flags[0] != "U":
        bad.append(line)
    elif start >= TRAMPOLINE_BASE and flags[0] != "S":
        bad.append(line)
    if "4M" in line:
        bad.append(line)
check("ptdump of the user PD: only user pages in [0x1000, 0xFFF00000) and the S-only trampoline",
      lines and not bad, "; ".join(bad))
check("ptdump of the user PD: the trampoline is there",
      any(int(l.split("-")[0], 16) >= TRAMPOLINE_BASE for l in lines))
gdb.execute("kill")
