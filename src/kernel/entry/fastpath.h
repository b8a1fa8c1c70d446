/*
 * fastpath.h - the trampoline's fast system call path (entry.asm,
 * docs/trampoline.md "The fast path").
 *
 * Calls that never block, touch no user memory and only read one word of
 * kernel state (getpid, getppid, nop, ticks: the rows of uapi/syscalls.def
 * marked SC_FAST; fastpath.c names each one's answer word) are answered by the trampoline
 * itself: it loads the kernel CR3, counts that write and the exit's (one
 * add of 2) and the call, reads the answer word, loads the user CR3 again
 * and returns, with no trap frame, no C and no kernel stack. The path touches four kernel-side pages:
 * trampoline text, trampoline data, the entry stack, and the hot data line
 * below (.data.hot, link/kernel.ld); between its two CR3 writes only the
 * text and the hot line (2 TLB fills, as afill() measures them).
 *
 * What the kernel keeps for it:
 *   tramp_fast_answer[nr]  (trampoline data) kernel VA of the answer word of
 *                          call nr, 0 for a call that takes the slow path.
 *   tramp_int80_route[nr], tramp_sysenter_route[nr]  (trampoline data)
 *                          where each entry jumps for a number below the
 *                          limit: its general path, or for a fast call the
 *                          fast path of this boot's aspace (split modes or
 *                          shared: no mode test on the path). fastpath_init.
 *   tramp_fast_limit       (trampoline data) NR_SYSCALLS; 0 while the current
 *                          process may have work that only the slow path does
 *                          (kill pending, EFLAGS.TF to restore after
 *                          sysenter, a Bochs break to take): every call then
 *                          goes slow. One compare tests the number and this.
 *   fast_user_pd, fast_pid, fast_ppid   (.data.hot) the current process's
 *                          PD, pid and parent's pid, set by fastpath_switch().
 */
#ifndef FASTPATH_H
#define FASTPATH_H

#include "types.h"

struct proc;

/* .data.hot: the words the fast path reads or counts, in one cache line. */
extern uint32_t fast_user_pd, fast_pid, fast_ppid;

/* trampoline/tables.asm: NR_SYSCALLS, or 0 while the current process may
 * have slow work pending. The slow path tests it once (trap.c). */
extern uint32_t tramp_fast_limit;

/* fastpath_init - fill tramp_fast_answer[] and the two entries' route
 * tables for aspace_mode; once, after paging_init() and desc_init(). */
void fastpath_init(void);

/* fastpath_switch - @p becomes the current process (scheduler_run): record
 * its PD, pid and parent's pid and recompute the slow-work flag. */
void fastpath_switch(const struct proc *p);

/* fastpath_slow_work - some process may now have slow work pending (a kill,
 * a sysenter TF to restore): send the current one down the slow path until
 * fastpath_recheck() or fastpath_switch() finds it has none. Conservative:
 * it is set for any process, cleared only for the current one. */
void fastpath_slow_work(void);

/* fastpath_recheck - recompute the slow-work flag for @p, the current
 * process, on its way back to user mode (trap_return). */
void fastpath_recheck(const struct proc *p);

/* tramp_fast_check - DEBUG builds: called by the fast path on the entry
 * stack, kernel CR3 loaded, with the CR3 the CPU came in with. Checks the
 * same invariants as the slow path's entry and exit checks (trap.c), and
 * that the fast path's copies of the current process's state are fresh.
 * Panics on a failure; returns otherwise. */
void tramp_fast_check(uint32_t cr3_at_entry);

#endif /* FASTPATH_H */
