/*
 * fastpath.c - the kernel's side of the trampoline fast path (fastpath.h):
 * the answer table, the hot data line and the slow-work flag.
 */
#include "debug/bochs.h"
#include "defs.h"
#include "entry/fastpath.h"
#include "bench/kevents.h"
#include "proc/proc.h"
#include "x86/x86.h"

/* One cache line with kev_cr3_writes and kev_syscalls (kevents.c) and the
 * timer's tick count (timer.c): the only kernel data the fast path reads.
 * The copy counters (kev_pages_walked, kev_bytes_copied) share it. */
#define HOT __attribute__((section(".data.hot")))
HOT uint32_t fast_user_pd, fast_pid, fast_ppid;
HOT static uint32_t fast_zero; /* nop's answer */

/* trampoline/tables.asm */
extern uint32_t tramp_fast_answer[NR_SYSCALLS];
extern uint32_t tramp_int80_route[NR_SYSCALLS], tramp_sysenter_route[NR_SYSCALLS];
/* trampoline/entry.asm: the targets of the routes */
extern char tramp_syscall_general[], tramp_syscall_general_shared[];
extern char tramp_fast_int80[], tramp_fast_int80_shared[];
extern char tramp_sysenter_general[], tramp_sysenter_general_shared[];
extern char tramp_fast_sysenter[], tramp_fast_sysenter_shared[];

/* Slow work: a kill to take, a sysenter's TF to put back, the first Bochs
 * break, or a frame that is not on the entry stack (the process gave up
 * the CPU, or has not run yet): trap_return must copy it back, so neither
 * the fast path nor the general path's own exit may be taken. */
static bool has_slow_work(const struct proc *p)
{
    return p->killed || p->sysenter_tf || (bochsbreak_places & BOCHSBREAK_CR3) || p->tf != TRAMP_ENTRY_FRAME;
}

/* The answer word of each call uapi/syscalls.def marks SC_FAST: a row
 * marked SC_FAST without one here stops the build ("FAST_ANSWER_name
 * undeclared"); the other classes get no entry (0: the slow path). */
#define FAST_ANSWER_getpid  (&fast_pid)
#define FAST_ANSWER_getppid (&fast_ppid)
#define FAST_ANSWER_nop     (&fast_zero)
#define FAST_ANSWER_ticks   timer_tick_word()
#define FAST_ENTRY_SC_FAST(name) tramp_fast_answer[SYS_##name] = (uint32_t)(uintptr_t)FAST_ANSWER_##name;
#define FAST_ENTRY_SC_NONBLOCK(name)
#define FAST_ENTRY_SC_BLOCKS(name)

void fastpath_init(void)
{
#define SYSCALL(nr, name, nargs, class, desc) FAST_ENTRY_##class(name)
#include "uapi/syscalls.def"
#undef SYSCALL
    /* Each entry's route per number: the fast path of this boot's
     * address-space kind for a call with an answer word, its general path
     * for every other (one copy of each that writes CR3, one that does not:
     * no path tests the mode). */
    bool shared = aspace_mode == ASPACE_SHARED;
    const char *int80_fast = shared ? tramp_fast_int80_shared : tramp_fast_int80;
    const char *int80_general = shared ? tramp_syscall_general_shared : tramp_syscall_general;
    const char *sysenter_fast = shared ? tramp_fast_sysenter_shared : tramp_fast_sysenter;
    const char *sysenter_general = shared ? tramp_sysenter_general_shared : tramp_sysenter_general;
    for (uint32_t nr = 0; nr < NR_SYSCALLS; nr++) {
        bool fast = tramp_fast_answer[nr] != 0;
        tramp_int80_route[nr] = (uint32_t)(uintptr_t)(fast ? int80_fast : int80_general);
        tramp_sysenter_route[nr] = (uint32_t)(uintptr_t)(fast ? sysenter_fast : sysenter_general);
    }
    tramp_fast_limit = 0; /* until the first process is switched to */
}

void fastpath_switch(const struct proc *p)
{
    fast_user_pd = p->pd;
    fast_pid = (uint32_t)p->pid;
    fast_ppid = p->parent ? (uint32_t)p->parent->pid : 0;
    tramp_fast_limit = has_slow_work(p) ? 0 : NR_SYSCALLS;
}

void fastpath_slow_work(void)
{
    tramp_fast_limit = 0;
}

void fastpath_recheck(const struct proc *p)
{
    tramp_fast_limit = has_slow_work(p) ? 0 : NR_SYSCALLS;
}

void tramp_fast_check(uint32_t cr3_at_entry)
{
    const struct proc *p = current;
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    if (!p || !p->pd)
        panic("fast path: no current process with an address space");
    if (cr3_at_entry != p->pd)
        panic("fast path entry: CR3 %p at entry, expected pid %d's PD %p", (void *)cr3_at_entry, p->pid, (void *)p->pd);
    uint32_t want = aspace_mode == ASPACE_SHARED ? p->pd : kernel_cr3;
    if (read_cr3() != want)
        panic("fast path: CR3 %p after the switch, expected %p", (void *)read_cr3(), (void *)want);
    if (f & EFLAGS_IF)
        panic("fast path: interrupts on in the kernel");
    if (tramp_kstack_top != p->kstack_top)
        panic("fast path: tramp_kstack_top is not pid %d's kernel stack", p->pid);
    if (fast_user_pd != p->pd || fast_pid != (uint32_t)p->pid ||
        fast_ppid != (p->parent ? (uint32_t)p->parent->pid : 0))
        panic("fast path: stale copy of pid %d's PD/pid/ppid", p->pid);
    if (has_slow_work(p))
        panic("fast path taken by pid %d with slow work pending", p->pid);
}
