/*
 * faults.c - what must kill the process that does it: faults,
 * privileged instructions and `int N` in forked children (each must die by
 * the exact vector), an LDT call gate built in user memory; and x87 state
 * that must not leak into the next process.
 * (hostile.h: what the scenarios share; test_hostile.c runs them.)
 */
#include "hostile.h"

/* ------------------------------------------------------------ faults in children */

static const struct fault_case {
    const char *name;
    void (*fn)(uint32_t);
    uint32_t arg;
    int vector;
} faults[] = {
    { "read_0x0", hx_read, 0, 14 },
    { "write_0x0", hx_write, 0, 14 },
    { "exec_0x0", hx_exec, 0, 14 },
    { "read_0xf123456c", hx_read, 0xF123456Cu, 14 },
    { "write_0xf123456c", hx_write, 0xF123456Cu, 14 },
    { "exec_0xf123456c", hx_exec, 0xF123456Cu, 14 },
    { "read_trampoline", hx_read, TRAMPOLINE_BASE, 14 },
    { "write_trampoline", hx_write, TRAMPOLINE_BASE, 14 },
    { "exec_trampoline", hx_exec, TRAMPOLINE_BASE, 14 },
    { "read_kernel_link_address", hx_read, KERNEL_VIRT_BASE, 14 },
    { "read_direct_map", hx_read, DIRECT_MAP_BASE, 14 },
    { "read_top_of_memory", hx_read, 0xFFFFFFFCu, 14 },
    { "write_own_text", hx_write, TEXT, 14 },
    { "write_stack_guard", hx_write, USER_STACK_TOP, 14 },
    { "ud2", hx_ud2, 0, 6 },
    { "syscall_insn", hx_syscall, 0, 6 },
    { "bound", hx_bound, 0, 5 },
    { "hlt", hx_hlt, 0, 13 },
    { "cli", hx_cli, 0, 13 },
    { "sti", hx_sti, 0, 13 },
    { "in", hx_in, 0, 13 },
    { "out", hx_out, 0, 13 },
    { "lgdt", hx_lgdt, 0, 13 },
    { "lidt", hx_lidt, 0, 13 },
    { "mov_cr3", hx_mov_cr3, 0, 13 },
    { "read_cr0", hx_read_cr0, 0, 13 },
    { "mov_dr7", hx_mov_dr7, 0, 13 },
    { "rdmsr", hx_rdmsr, 0, 13 },
    { "wrmsr", hx_wrmsr, 0, 13 },
    { "invlpg", hx_invlpg, 0, 13 },
    { "clts", hx_clts, 0, 13 },
    { "ltr", hx_ltr, 0, 13 },
    { "lldt", hx_lldt, 0, 13 },
    { "wbinvd", hx_wbinvd, 0, 13 },
    { "sysenter_returning_to_0", hx_sysenter, 0, 14 },
    { "tf_across_sysenter", hx_tf_sysenter, 0, 1 },
    { "load_kernel_ds", hx_load_kernel_ds, 0, 13 },
    { "load_ldt_selector", hx_load_ldt_selector, 0, 13 },
    { "load_kernel_ss", hx_load_kernel_ss, 0, 13 },
    { "far_jmp_kernel_cs", hx_far_jmp_kernel_cs, 0, 13 },
    { "iret_to_kernel_cs", hx_iret_to_kernel_cs, 0, 13 },
    { "int3_cc", hx_int3_cc, 0, 13 },
    { "into", hx_into, 0, 13 },
};
#define NFAULTS ((int)(sizeof(faults) / sizeof(faults[0])))

/* `int n` from ring 3 for n != 0x80 meets a DPL-0 gate: #GP (vector 13),
 * error code n * 8 + 2, whatever vector n is. */
static const uint8_t int_vectors[] = { 0, 1, 2, 3, 4, 5, 6, 8, 13, 14, 0x1F, 0x20, 0x21, 0x24,
                                       0x2F, 0x30, 0x7F, 0x82, 0xFF };
#define NINTS ((int)sizeof(int_vectors))

static const struct fault_case *current_fault;

static void run_fault(void)
{
    unsigned f0 = frames_free();
    int st = child_status(current_fault->fn, current_fault->arg);
    EXPECT(st == STATUS_FAULT(current_fault->vector), "status %d, expected %d (STATUS_FAULT(%d))", st,
           STATUS_FAULT(current_fault->vector), current_fault->vector);
    EXPECT_FRAMES(f0);
}

int fault_results(void)
{
    return NFAULTS + NINTS;
}

void run_faults(void)
{
    for (int i = 0; i < NFAULTS; i++) {
        char name[48];
        snprintf(name, sizeof(name), "fault_%s_vector_%d", faults[i].name, faults[i].vector);
        current_fault = &faults[i];
        run_scenario(name, run_fault);
    }
    for (int i = 0; i < NINTS; i++) {
        char name[48];
        snprintf(name, sizeof(name), "int_0x%02x_gp", int_vectors[i]);
        struct fault_case fc = { name, (void (*)(uint32_t))hx_int_table[int_vectors[i]], 0, 13 };
        current_fault = &fc;
        run_scenario(name, run_fault);
    }
}

/* ------------------------------------------------------------ LDT */

/* The LDT must be unusable from ring 3. A kernel that never loads LDTR
 * leaves the value it had at reset: base 0, limit 0xFFFF. Then bytes at
 * [0x1000, 0x10000) of the user's own address space are LDT entries, and a
 * DPL-3 call gate there to KERNEL_CS runs user code at CPL 0. With a null
 * LDTR (lldt 0) the far call meets #GP (vector 13). The child maps 0xF000
 * (LDT index 0x1E00), writes the gate, and calls through it; if the probe
 * ever runs at CPL 0 it comes back and the child exits 0xC0. */
#define LDT_GATE_VA 0xF000u
#define LDT_GATE_SEL ((LDT_GATE_VA / 8) << 3 | 4 | 3)  /* TI = 1, RPL 3 */

static void ldt_call_gate_child(uint32_t arg)
{
    (void)arg;
    if (map(P(LDT_GATE_VA), 1, RW) != 0)
        exit(0xE0);
    uint32_t off = (uint32_t)(uintptr_t)hx_ring0_probe;
    volatile uint32_t *gate = P(LDT_GATE_VA);
    gate[0] = (uint32_t)KERNEL_CS << 16 | (off & 0xFFFF);               /* KERNEL_CS : offset 15..0 */
    gate[1] = (off & 0xFFFF0000u) | 0xEC00;                           /* P, DPL 3, 32-bit call gate */
    hx_lcall(LDT_GATE_SEL);
    exit(0xC0);
}

void ldt_call_gate_unusable(void)
{
    unsigned f0 = frames_free();
    int st = child_status(ldt_call_gate_child, 0);
    EXPECT(st != 0xC0, "user code ran at CPL 0 through an LDT call gate at %p (LDTR never loaded: base 0)",
           (void *)LDT_GATE_VA);
    EXPECT(st != 0xE0, "could not map %p", (void *)LDT_GATE_VA);
    EXPECT_EQ(st, STATUS_FAULT(13));
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ x87 state */

/* Process A leaves a value in ST(0) and blocks; process B then reads ST(0)
 * without loading anything. B must not see A's value, and A must find its
 * own value again. (Passes too if the kernel forbids x87 altogether: both
 * then die by #NM, vector 7.) */
void x87_state_not_shared(void)
{
    unsigned f0 = frames_free();
    const int32_t secret = 0x5EC2E7;
    long b = fork();
    if (b == 0) {
        char go[4];
        int s;
        ipc_recv((int)getppid(), go, sizeof(go), &s);
        exit(hx_fpu_store() == secret ? 1 : 0);
    }
    long a = fork();
    if (a == 0) {
        hx_fpu_load(secret);
        char r[4];
        ipc_call((int)getppid(), "ready", 5, r, sizeof(r));             /* blocks with ST(0) loaded */
        exit(hx_fpu_store() == secret ? 0 : 2);
    }
    EXPECT(a > 0 && b > 0, "fork() = %d, %d", (int)a, (int)b);
    if (a <= 0 || b <= 0)
        return;
    char m[8];
    int s;
    long n = ipc_recv((int)a, m, sizeof(m), &s);                         /* -ESRCH if A died by #NM */
    EXPECT_EQ(ipc_send((int)b, "go", 2), 0);
    int sb = wait_status(b);
    if (n == 5)
        EXPECT_EQ(ipc_reply((int)a, "ok", 2), 0);
    int sa = wait_status(a);
    if (sa == STATUS_FAULT(7) && sb == STATUS_FAULT(7)) {
        DIAG("x87 is disabled (#NM)");
    } else {
        EXPECT(sb == 0, "process B read process A's x87 register (status %d)", sb);
        EXPECT(sa == 0, "process A lost its x87 register (status %d)", sa);
    }
    EXPECT_FRAMES(f0);
}
