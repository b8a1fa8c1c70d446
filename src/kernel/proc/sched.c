/*
 * sched.c - the round-robin scheduler, the run queue, and sleep/wakeup.
 *
 * One CPU, and the kernel runs with interrupts off (interrupt gates clear
 * IF; only the idle loop, ring 3 and preempt.c's windows run with IF = 1),
 * so no locks: a process gives the CPU up only by sleeping, yielding or
 * exiting, when the timer preempts it in user mode, or at a preempt point
 * of a long system call (preempt.h) once its slice is over.
 *
 * The scheduler runs on the boot stack. It pops the front of the run queue,
 * switches to that process's kernel stack with swtch(), and gets control
 * back when the process yields, sleeps or exits (proc_switch_to_scheduler).
 * The process table itself is proc.c's.
 */
#include "defs.h"
#include "entry/fastpath.h"
#include "bench/kevents.h"       /* write_cr3: counted */
#include "lib/kstring.h"
#include "memlayout.h"
#include "proc/proc.h"

/* In the hot data line (fastpath.c): every system call reads it. */
__attribute__((section(".data.hot"))) struct proc *current;
static struct runq runq = { { &runq.head, &runq.head }, 0 };
static struct context *scheduler_context;

/* proc_make_runnable - mark @p RUNNABLE and queue it at the back of the
 * run queue. @p must not be queued already. */
void proc_make_runnable(struct proc *p)
{
    p->state = P_RUNNABLE;
    runq_push_back(&runq, &p->rq);
}

/*
 * proc_switch_to_scheduler - the one way off the CPU, for the current
 * process (its state already set: RUNNABLE and queued, SLEEPING or ZOMBIE).
 * The trampoline left its frame on the entry stack, which the next
 * process's entry will overwrite: move it to the process's own kernel
 * stack first (docs/trampoline.md §3). Returns when the process is
 * scheduled again (never for a ZOMBIE).
 */
void proc_switch_to_scheduler(void)
{
    struct proc *p = current;
    if (p->tf != proc_kframe(p)) {
        memcpy(proc_kframe(p), p->tf, TRAPFRAME_SIZE);
        p->tf = proc_kframe(p);
        if (DEBUG_CHECKS)
            memset(TRAMP_ENTRY_FRAME, 0, TRAPFRAME_SIZE); /* checked by debug_check_exit (debug_checks.c) */
    }
    swtch(&p->context, scheduler_context);
}

/*
 * proc_sleep - block the current process until proc_wakeup(@chan) (any
 * address the sleeper and the waker agree on) or a kill. Returns at once,
 * without sleeping, if the process is already killed. The caller re-checks
 * its condition and current->killed afterwards.
 */
void proc_sleep(const void *chan)
{
    if (current->killed)
        return; /* killed while runnable: its kill() found nobody to wake */
    current->chan = chan;
    current->state = P_SLEEPING;
    proc_switch_to_scheduler();
    current->chan = NULL;
}

/* proc_wakeup - make every process sleeping on @chan runnable (in table
 * order). None sleeping: nothing happens. */
void proc_wakeup(const void *chan)
{
    for (uint32_t i = 0; i < NPROC; i++)
        if (procs[i].state == P_SLEEPING && procs[i].chan == chan)
            proc_make_runnable(&procs[i]);
}

/* proc_yield - put the current process at the back of the run queue and
 * run the scheduler; returns when it is picked again. */
void proc_yield(void)
{
    proc_make_runnable(current);
    proc_switch_to_scheduler();
}

/* proc_tick - one timer tick (1/TIMER_HZ s) charged to @p, the current
 * process: at the end of its slice (SLICE_TICKS ticks) it yields. */
void proc_tick(struct proc *p)
{
    if (p->slice > 0)
        p->slice--;
    if (p->slice == 0)
        proc_yield();
}

/* Nothing can run again: every process left is init, asleep with no child.
 * (Without init: no process left.) Then the boot is over. */
static bool run_is_over(void)
{
    for (uint32_t i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_UNUSED || p == initproc)
            continue;
        if (p->state != P_ZOMBIE || p->parent != initproc)
            return false;
    }
    return !initproc || initproc->state == P_SLEEPING;
}

/*
 * scheduler_run - the scheduler loop, on the boot stack: run the front of
 * the run queue for a slice (loading its kernel stack top into the
 * trampoline, its fast-path data and, in aspace=shared, its PD), reap
 * zombies nobody waits for, idle with IF = 1 while the queue is empty.
 * Returns (through harness_run_over()) once nothing can run again.
 */
void scheduler_run(void)
{
    for (;;) {
        struct list_node *n = runq_pop_front(&runq);
        if (!n) {
            if (run_is_over())
                break;
            __asm__ volatile("sti; hlt; cli"); /* wait for the timer or the UART */
            continue;
        }
        struct proc *p = (struct proc *)((uintptr_t)n - __builtin_offsetof(struct proc, rq));
        p->state = P_RUNNING;
        p->slice = SLICE_TICKS;
        current = p;
        tramp_kstack_top = (uint32_t)p->kstack_top;
        fastpath_switch(p);
        if (aspace_mode == ASPACE_SHARED)
            write_cr3(p->pd); /* no switch on entry/exit: the PD changes here, per process */
        swtch(&scheduler_context, p->context);
        current = NULL;
        if (p->state == P_ZOMBIE && !p->parent)
            proc_free(p); /* a zombie with no parent to wait() for it */
    }
    harness_run_over();
}
