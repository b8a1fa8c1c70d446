/*
 * trap.c - where the trampoline hands over: C dispatch for every IDT vector.
 *
 * From ring 3 (trap_from_user): the frame is on the current process's
 * kernel stack and the kernel CR3 is loaded. Syscalls are dispatched; CPU
 * exceptions kill the process; the way back is always trap_return().
 * From ring 0 (trap_from_kernel): an IRQ in the idle loop or in an
 * interrupt window of a long system call (preempt.c) is served; an
 * exception in the kernel is a bug and panics, unless it hit the last
 * instructions of the exit path (a bad user segment or frame), which kills
 * the process instead.
 */
#include "debug/bochs.h"
#include "debug/debug_checks.h"
#include "defs.h"
#include "entry/fastpath.h"
#include "memlayout.h"
#include "x86/platform.h"     /* IRQ_TIMER, IRQ_COM1 */
#include "proc/preempt.h"
#include "proc/proc.h"

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection",
};

const char *trap_name(uint32_t vector)
{
    if (vector < 32)
        return exception_names[vector] ? exception_names[vector] : "reserved exception";
    if (vector == SYSCALL_VECTOR)
        return "syscall";
    if (vector >= IRQ_BASE && vector < IRQ_BASE + 16)
        return "IRQ";
    return "software interrupt";
}

KERNEL_HOT_TEXT void trap_return(struct proc *p)
{
    struct trapframe *tf = p->tf;
    if (DEBUG_CHECKS)
        debug_check_exit(p);
    tf->cs = USER_CS;
    tf->user_ss = USER_DS;
    tf->eflags = (tf->eflags & ~EFLAGS_FORCED_CLEAR) | EFLAGS_IF | EFLAGS_RSVD1;
    /* A frame from sysenter leaves by sysexit, unless the user's TF is set
     * (the popfd before sysexit would single-step the kernel): iret then.
     * sysexit takes the return ESP and EIP in ECX and EDX, and its popfd
     * must leave IF off until `sti; sysexit` (entry.asm). */
    bool sysexit = tf->vector == SYSENTER_VECTOR && !(tf->eflags & EFLAGS_TF);
    if (sysexit) {
        tf->ecx = tf->user_esp;
        tf->edx = tf->eip;
        tf->eflags &= ~EFLAGS_IF;
    }
    p->tf = TRAMP_ENTRY_FRAME; /* where the trampoline's exit puts it; the next entry finds it there */
    if (!tramp_fast_limit)
        fastpath_recheck(p); /* its slow work is done: fast calls again */
    if (sysexit)
        tramp_sysexit_to_user(tf, p->pd);
    tramp_iret_to_user(tf, p->pd);
}

KERNEL_HOT_TEXT void syscall_finish_slow(long result)
{
    struct proc *p = current;
    p->tf->eax = (uint32_t)result;
    if (p->killed)
        proc_exit(STATUS_KILLED);
    trap_return(p);
}

/* The PIC lines (IRQ_TIMER, IRQ_COM1): platform.h. */

static bool in_range(uint32_t eip, const char *start, const char *end)
{
    return eip >= (uint32_t)(uintptr_t)start && eip < (uint32_t)(uintptr_t)end;
}

static bool is_irq(uint32_t vector)
{
    return vector >= IRQ_BASE && vector < IRQ_BASE + 16;
}

/* Device interrupts, from either ring. Lines 7 and 15 may be spurious
 * (8259A datasheet); anything not unmasked is ignored. */
static void handle_irq(uint32_t irq)
{
    if (irq == IRQ_TIMER)
        timer_tick();
    else if (irq == IRQ_COM1)
        console_irq();
    pic_eoi(irq);
}

/* The work only some entries have (tramp_fast_limit == 0 flags it, one
 * test on the common path): a sysenter's EFLAGS.TF to put back, the first
 * Bochs break. A pending kill is taken after the call (trap_from_user). */
static void slow_work_at_entry(struct proc *p, struct trapframe *tf)
{
    if (p->sysenter_tf) {
        /* Consumed at this process's next entry, whatever it is: it is
         * the sysenter whose #DB trap_from_kernel took (interrupts stay
         * off from that #DB to here). */
        p->sysenter_tf = false;
        if (tf->vector == SYSENTER_VECTOR)
            tf->eflags |= EFLAGS_TF;
    }
    bochs_at_kernel_cr3(); /* bochsbreak=cr3: the trampoline has just loaded the kernel CR3 */
}

/* cr3_at_entry: the CR3 the CPU came in with; set by DEBUG builds only. */
KERNEL_HOT_TEXT void trap_from_user(struct trapframe *tf, uint32_t cr3_at_entry)
{
    struct proc *p = current;
    if (DEBUG_CHECKS)
        debug_check_entry(p, tf, cr3_at_entry);
    p->tf = tf; /* the frame stays where the CPU put it until p gives up the CPU */
    if (!tramp_fast_limit)
        slow_work_at_entry(p, tf);
    if (tf->vector == SYSCALL_VECTOR || tf->vector == SYSENTER_VECTOR) {
        syscall_dispatch(tf);
    } else if (is_irq(tf->vector)) {
        handle_irq(tf->vector - IRQ_BASE);
        if (tf->vector - IRQ_BASE == IRQ_TIMER)
            proc_tick(p);
    } else if (!vm_user_fault(tf)) { /* demand paging: true = retry the instruction */
        proc_kill_by_trap(tf); /* CPU exceptions, and int N for any N but the syscall vector */
    }
    if (p->killed)
        proc_exit(STATUS_KILLED);
    trap_return(p);
}

void trap_from_kernel(struct trapframe *tf, uint32_t cr3_at_trap)
{
    if (is_irq(tf->vector)) {
        /* IF = 1 in ring 0 only in the idle loop (no current process) and
         * in a preempt.c window, which this IRQ must return into. */
        if (DEBUG_CHECKS && current && tf->eip != (uint32_t)(uintptr_t)irq_window_resume)
            panic_trap(tf, cr3_at_trap, "IRQ in kernel mode outside an interrupt window");
        handle_irq(tf->vector - IRQ_BASE);
        if (current && tf->vector - IRQ_BASE == IRQ_TIMER)
            preempt_tick(current); /* a long syscall: it yields at its preempt point */
        return;
    }
    if (tf->vector == VEC_DB && in_range(tf->eip, tramp_sysenter_entry, tramp_sysenter_end)) {
        /* The user's EFLAGS.TF survives sysenter (SDM Vol. 2B "SYSENTER":
         * only VM, IF and RF are cleared), so the CPU raises #DB after
         * SYSENTER itself, before the first entry instruction runs (SDM
         * Vol. 3B §17.3.1.4: the single-step trap follows the instruction
         * that began with TF set); the entry relies on it, as its first
         * instruction reads tramp_fast_limit (DEBUG builds check it).
         * Resume with TF clear, and remember it in the process that made
         * the call: its trap_from_user puts it back into its frame, so
         * single-stepping goes on in ring 3 after the call. The
         * calibration ring trip (EAX = SYSENTER_RING_TRIP, still the
         * user's EAX here) never reaches C: it sysexits with the kernel's
         * EFLAGS, so TF is simply dropped (docs/security.md) and nothing
         * is remembered. */
        if (DEBUG_CHECKS && tf->eip != (uint32_t)(uintptr_t)tramp_sysenter_entry)
            panic_trap(tf, cr3_at_trap, "sysenter #DB not at the first entry instruction");
        tf->eflags &= ~EFLAGS_TF;
        if (current && tf->eax != SYSENTER_RING_TRIP) {
            current->sysenter_tf = true;
            fastpath_slow_work(); /* this call must take the slow path */
        }
        return;
    }
    if (current && (in_range(tf->eip, tramp_syscall_return, tramp_restore_iret_end) ||
                    in_range(tf->eip, tramp_sysenter_return, tramp_sysexit_end))) {
        /* The pops or the iret of the exit path faulted: the user state is
         * bad, the kernel is fine. Report against the process. */
        kprintf("fault returning to user mode\n");
        proc_kill_by_trap(tf);
    }
    panic_trap(tf, cr3_at_trap, "exception in kernel mode");
}
