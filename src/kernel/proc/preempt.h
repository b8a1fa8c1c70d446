/*
 * preempt.h - safe points in long kernel work. The kernel runs with IF = 0
 * (interrupt gates, sched.c), so a loop that runs for milliseconds would hold
 * off the timer and every other process. Each long loop calls one of these
 * after a bounded piece of work (the PREEMPT_* sizes below, which are the
 * worst case between two interrupt windows; docs/security.md "Interrupt
 * latency" has the measured figures).
 *
 * The kernel's versions are in preempt.c; the host unit tests, which link
 * pgtable.c alone, define their own (test/unit/test_pgtable.c).
 */
#ifndef PREEMPT_H
#define PREEMPT_H

#include "types.h"

#define PREEMPT_PAGES          1   /* pages mapped, zeroed, copied or freed per window */
#define PREEMPT_PTES         128   /* page-table entries (or user pages) checked per window */
#define PREEMPT_COPY_BYTES  4096   /* bytes of a user copy (one page piece) per window */
#define PREEMPT_CONSOLE_BYTES 16   /* console bytes per window: one 16550 FIFO's worth */
#define PREEMPT_CONSOLE_LINE 4096  /* console: a switch only at a newline, or after this many bytes without one */
#define PREEMPT_CR3_ROUNDS    16   /* cr3_pair rounds (4 CR3 writes each) per window */

/*
 * preempt_point - a safe point in a long system call of the current process:
 * opens an interrupt window (pending IRQs are served), and if the timer has
 * ended the process's time slice meanwhile, gives the CPU to the other
 * runnable processes before it returns (unless preempt_disable() is in
 * effect). The caller must hold no state that another process could change
 * while it waits. Returns 0 to go on, or -EINTR if the process has been
 * killed: the caller stops early and returns -EINTR or the short count it
 * has done (it is ended on its way back to user mode). Outside a process
 * (boot), it does nothing and returns 0.
 */
long preempt_point(void);

/*
 * preempt_window - open an interrupt window only: never switches processes
 * and never stops the caller. For work that must run to its end (freeing an
 * address space) or whose caller holds shared state (spawn). A no-op
 * outside a process.
 */
void preempt_window(void);

/*
 * preempt_disable, preempt_enable - bracket kernel work during which
 * preempt_point() must not switch processes (it still opens interrupt
 * windows): work that keeps shared state in a static buffer (spawn's argv).
 * They nest; one CPU, so the count is global. preempt_enable panics
 * without a matching preempt_disable.
 */
void preempt_disable(void);
void preempt_enable(void);

struct proc;
/* preempt_tick - a timer tick that reached ring 0 through an interrupt
 * window while @p ran in the kernel: one tick off its slice (the switch, if
 * the slice is over, happens at the preempt point). */
void preempt_tick(struct proc *p);

/* The window's resume address: a pending IRQ taken in ring 0 must return
 * exactly here (trap.c checks it in debug builds). */
extern char irq_window_resume[];

#endif /* PREEMPT_H */
