/*
 * hostile.h - what test_hostile's scenarios share: the scratch page and the
 * addresses they aim at, the assembly helpers (src/user/hostile_asm.asm),
 * the per-scenario state of expect.h, the helpers of common.c, and one
 * prototype per scenario, grouped by the file that holds it:
 *
 *   pointers.c   bad pointer arguments of every syscall: copy-in/out
 *   memory.c     map/unmap/brk/shm on ranges a process may not own
 *   registers.c  unknown syscall numbers, EFLAGS, ESP and data selectors
 *   privilege.c  poweroff and setfg permissions
 *   faults.c     faults, privileged instructions, `int N`, the LDT, x87 state
 *
 * test_hostile.c (the program's main) runs them in a fixed order, one KTAP
 * result each.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */
#include "expect.h"
#include "regs.h"
#include "entry/trapframe.h"      /* USER_DS, KERNEL_CS, EFLAGS_* */

#define SCRATCH         0x5A000000u     /* one mapped page (main maps it), the next one unmapped */
#define SCRATCH_END     (SCRATCH + PAGE_SIZE)
#define SHM_VA          0x5B000000u     /* a child's page, granted to us */
#define FREE_VA         0x60000000u     /* free in every mode */
#define RW              (PROT_READ | PROT_WRITE)

#define FLAGS_ARITH     0x00000CD5u     /* CF PF AF ZF SF DF OF */
#define USER_DS_RPL0    (USER_DS & ~3)  /* the user data selector asking for ring 0 */

/* Read-only memory of ours: the start of the text segment. */
#define TEXT ((uint32_t)USER_LINK_BASE)

/* ------------------------------------------------------------ asm helpers */

void hx_regs_syscall(const struct regs *in, struct regs *out);
void hx_regs_sysenter(const struct regs *in, struct regs *out);
long hx_syscall_esp(long nr, uint32_t esp, uint32_t *esp_after);
void hx_tf_syscall(long nr, long a1, long a2, long a3);
uint32_t hx_tf_ring_trip(void);
void hx_fpu_load(int32_t v);
int32_t hx_fpu_store(void);
extern const uint32_t hx_int_table[256];

/* Every one of these takes (and ignores, unless it is an address) one
 * argument, so that a child can run any of them through one pointer type. */
#define HX(name) void hx_##name(uint32_t arg);
HX(read) HX(write) HX(exec)
HX(ud2) HX(hlt) HX(cli) HX(sti) HX(in) HX(out) HX(lgdt) HX(lidt) HX(mov_cr3) HX(read_cr0)
HX(mov_dr7) HX(rdmsr) HX(wrmsr) HX(invlpg) HX(clts) HX(ltr) HX(lldt) HX(wbinvd)
HX(load_kernel_ds) HX(load_ldt_selector) HX(load_kernel_ss) HX(far_jmp_kernel_cs)
HX(iret_to_kernel_cs) HX(int3_cc) HX(into) HX(bound) HX(sysenter) HX(tf_sysenter) HX(syscall) HX(lcall)
HX(ring0_probe)
#undef HX

/* ------------------------------------------------------------ reporting (common.c) */

extern int ok;                  /* the current scenario passes so far (expect.h) */
extern const char *scenario;    /* its name, for the diagnostics (expect.h) */

/* aspace=shared maps the kernel (direct map and image) into our PD,
 * supervisor-only: there those addresses are taken. Set by main. */
extern int shared_mode;

/* EXPECT_EQ inside a loop over addresses: names the address too. */
#define EXPECT_AT(addr, got, want)                                             \
    do {                                                                       \
        long got_ = (long)(got), want_ = (long)(want);                         \
        if (got_ != want_) {                                                   \
            DIAG("line %d: address %p: %s = %d, expected %d", __LINE__,        \
                 (void *)(uintptr_t)(addr), #got, (int)got_, (int)want_);      \
            ok = 0;                                                            \
        }                                                                      \
    } while (0)

/*
 * run_scenario - run fn as the scenario @name: ok set, fn called, then its
 * KTAP result printed. @name must stay valid during the call.
 */
void run_scenario(const char *name, void (*fn)(void));

/* ------------------------------------------------------------ helpers (common.c) */

/* The five addresses no pointer argument may reach: page 0 (NULL and its
 * last byte), the trampoline window, the kernel's link address and the
 * direct map (the last two are simply unmapped in a user address space). */
#define NBAD 5
extern const uint32_t bad_ptrs[NBAD];

/* P - the address as a pointer the compiler cannot see through. */
static inline void *P(uint32_t addr)
{
    __asm__("" : "+r"(addr));
    return (void *)(uintptr_t)addr;
}

/* wait_asleep - yield until @pid is asleep (blocked in the kernel), at most
 * 3 s. Returns 1 if it is asleep, 0 if not by then. */
int wait_asleep(long pid);

/* child_status - run fn(arg) in a forked child; its wait() status. A child
 * whose fn returns exits 250 (no fault: a failure). NO_STATUS, with a
 * diagnostic and ok cleared, if fork fails. */
int child_status(void (*fn)(uint32_t), uint32_t arg);

/* fork_run - fork a child that runs body() and exits with what it returns.
 * Returns the child's pid; if fork fails, its negative result, with a
 * diagnostic and ok cleared (the caller then skips what needs the child). */
long fork_run(int (*body)(void));

/* msg_status - a child's exit code for a message exchange: 0 if the call
 * returned strlen(want) and the buffer got holds want, 100 + errno if the
 * call failed (n < 0), else 1. */
int msg_status(long n, const void *got, const char *want);

/* fork_idle_partner - a forked child that blocks in ipc_recv from us until
 * we send it anything, then exits 0: a live process that is not us, for
 * calls that check the peer before the pointer. Its pid (<= 0 if fork
 * failed, ok cleared). */
long fork_idle_partner(void);

/* release_partner - send the partner its message and reap it (exit 0). */
void release_partner(long c);

/* state_of - proc_state(pid) (expect.h: the PROC_STATE_* of @pid, 0 if it
 * is not in the process table). The scenario files call this one copy:
 * each file that calls the inline proc_state gets its own 8 KiB static
 * ps() table, and test_hostile's image must end below 0xF000, the page
 * ldt_call_gate_unusable maps (faults.c). */
int state_of(long pid);

/* ------------------------------------------------------------ scenarios */

/* pointers.c */
void write_bad_buffers(void);
void write_wrapping_ranges(void);
void read_bad_buffers(void);
void sysinfo_bad_buffers(void);
void spawn_bad_names(void);
void spawn_bad_argv(void);
void wait_bad_status(void);
void ps_modules_bad_buffers(void);
void ipc_send_bad_message(void);
void ipc_recv_bad_buffers(void);
void ipc_call_bad_buffers(void);
void ipc_reply_bad_buffers(void);
/* memory.c */
void map_unmap_hostile_ranges(void);
void brk_hostile_values(void);
void last_user_page_boundary(void);
void shm_grant_hostile_ranges(void);
void shm_map_hostile_ranges(void);
/* registers.c */
void unknown_numbers_preserve_registers(void);
void eflags_nt_ac_preserved(void);
void sysenter_eflags_kept(void);
void eflags_iopl_stays_0(void);
void eflags_tf_across_syscall(void);
void sysenter_tf_ring_trip_stays_in_its_process(void);
void syscall_with_hostile_esp(void);
void syscall_with_odd_selectors(void);
/* privilege.c */
void poweroff_refused_to_ordinary_processes(void);
void setfg_permissions(void);
/* faults.c */
void ldt_call_gate_unusable(void);
void x87_state_not_shared(void);

/* fault_results - how many KTAP results run_faults() reports. */
int fault_results(void);

/* run_faults - each fault case (fault_NAME_vector_N) and each `int N`
 * (int_0xNN_gp) in a forked child, one KTAP result each: the child must
 * die by exactly that vector, and no frame may leak. */
void run_faults(void);

#endif /* HOSTILE_H */
