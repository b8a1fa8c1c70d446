/*
 * debug_checks.c - DEBUG=1 builds (-DDEBUG_CHECKS=1): the invariants of
 * the trampoline, checked at every entry from ring 3 and every exit to it
 * (debug_checks.h). The core calls them behind `if (DEBUG_CHECKS)`, so a
 * normal build compiles the calls away; the trampoline calls the general
 * path's pair (syscall_check_entry, syscall_check_exit) under %if
 * DEBUG_CHECKS (src/trampoline/entry.asm). Linux keeps its entry checks
 * behind one config switch the same way (CONFIG_DEBUG_ENTRY).
 */
#include "debug/debug_checks.h"
#include "defs.h"
#include "entry/fastpath.h"
#include "memlayout.h"
#include "proc/proc.h"
#include "x86/x86.h"

static uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

/* The CR3 the kernel runs on for @p: its own PD under aspace=shared. */
static uint32_t kernel_side_cr3(const struct proc *p)
{
    return aspace_mode == ASPACE_SHARED ? p->pd : kernel_cr3;
}

void debug_check_entry(const struct proc *p, const struct trapframe *tf, uint32_t cr3_at_entry)
{
    if (cr3_at_entry != p->pd)
        panic("trampoline entry: CR3 %p at entry, expected pid %d's PD %p", (void *)cr3_at_entry, p->pid, (void *)p->pd);
    if (read_cr3() != kernel_side_cr3(p))
        panic("trampoline entry: CR3 %p after the switch, expected the kernel PD %p", (void *)read_cr3(), (void *)kernel_cr3);
    if (tf != TRAMP_ENTRY_FRAME || p->tf != tf || tramp_kstack_top != p->kstack_top)
        panic("trampoline entry: frame at %p, expected %p (pid %d's saved frame at %p)", (void *)tf,
              (void *)TRAMP_ENTRY_FRAME, p->pid, (void *)p->tf);
    if (read_eflags() & EFLAGS_IF)
        panic("trampoline entry: interrupts on in the kernel");
}

void debug_check_exit(const struct proc *p)
{
    if (read_cr3() != kernel_side_cr3(p))
        panic("trampoline exit: CR3 %p, expected the kernel PD", (void *)read_cr3());
    if (p != current || tramp_kstack_top != p->kstack_top || !p->pd)
        panic("trampoline exit: pid %d is not the current process with an address space", p->pid);
    if (read_eflags() & EFLAGS_IF)
        panic("trampoline exit: interrupts on before the switch to the user CR3");
    if (p->tf != TRAMP_ENTRY_FRAME && p->tf != proc_kframe(p))
        panic("trampoline exit: pid %d's frame at %p is neither on the entry stack nor saved", p->pid, (void *)p->tf);
    if (p->tf == proc_kframe(p))    /* it gave up the CPU: its frame was moved, the entry stack scrubbed */
        for (const uint32_t *w = (const uint32_t *)TRAMP_ENTRY_FRAME; w < (const uint32_t *)tramp_entry_stack_top; w++)
            if (*w)
                panic("trampoline exit: the entry stack was not scrubbed");
}

void syscall_check_entry(uint32_t cr3_at_entry)
{
    const struct proc *p = current;
    debug_check_entry(p, TRAMP_ENTRY_FRAME, cr3_at_entry);
    if (!tramp_fast_limit)
        panic("general path entry: pid %d has slow work pending", p->pid);
}

void syscall_check_exit(void)
{
    const struct proc *p = current;
    const struct trapframe *tf = TRAMP_ENTRY_FRAME;
    debug_check_exit(p);
    if (p->tf != tf)
        panic("general path exit: pid %d's frame is not on the entry stack", p->pid);
    if (fast_user_pd != p->pd)
        panic("general path exit: fast_user_pd %p is not pid %d's PD %p", (void *)fast_user_pd, p->pid,
              (void *)p->pd);
    /* The frame goes out unsanitised: it must be the one the entry built. */
    if ((tf->vector != SYSCALL_VECTOR && tf->vector != SYSENTER_VECTOR) || tf->cs != USER_CS ||
        tf->user_ss != USER_DS || (tf->eflags & EFLAGS_FORCED_CLEAR))
        panic("general path exit: pid %d's frame was changed (vector %u cs %x ss %x eflags %x)", p->pid,
              tf->vector, tf->cs, tf->user_ss, tf->eflags);
    if (tf->vector == SYSCALL_VECTOR && !(tf->eflags & EFLAGS_IF))
        panic("general path exit: pid %d's int 0x80 frame has IF off", p->pid);
    if (tf->vector == SYSENTER_VECTOR && (tf->ecx != tf->user_esp || tf->edx != tf->eip || (tf->eflags & (EFLAGS_IF | EFLAGS_TF))))
        panic("general path exit: pid %d's sysenter frame was changed", p->pid);
    /* The exit pops neither FS nor GS (entry.asm SWITCH_TO_USER_CR3_AFTER_SYSCALL). */
    uint16_t fs, gs;
    __asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
    if (fs != tf->fs || gs != tf->gs)
        panic("general path exit: FS %x GS %x are not pid %d's (%x %x)", fs, gs, p->pid, tf->fs, tf->gs);
    /* The sysenter exit has no popfd: the flags it runs with are the user's. */
    const uint32_t kept = EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID;
    if (tf->vector == SYSENTER_VECTOR && ((read_eflags() ^ tf->eflags) & kept))
        panic("general path exit: EFLAGS %x, pid %d's are %x", read_eflags(), p->pid, tf->eflags);
}
