/*
 * debug_checks.h - the trampoline's invariants, checked by DEBUG=1 builds
 * (debug_checks.c). Two named hooks for the C core, each called as
 * `if (DEBUG_CHECKS) ...` so that a normal build has no trace of them:
 *
 *   debug_check_entry(p, tf, cr3)  trap.c (trap_from_user): every general
 *                                  entry from ring 3
 *   debug_check_exit(p)            trap.c (trap_return): every exit to ring 3
 *                                  that C makes
 *
 * and the general syscall path's pair, which the trampoline calls itself
 * (syscall_check_entry, syscall_check_exit: declared in defs.h with the
 * other functions entry.asm calls). Every check that fails is a kernel bug
 * and panics with what it saw.
 */
#ifndef DEBUG_CHECKS_H
#define DEBUG_CHECKS_H

#include "types.h"

struct proc;
struct trapframe;

/* debug_check_entry - at an entry from ring 3 into C: the CPU came in on
 * @p's own PD (@cr3_at_entry, physical), the trampoline loaded the CR3 the
 * kernel runs on (the kernel PD; @p's PD under aspace=shared), @tf is on
 * the entry stack (TRAMP_ENTRY_FRAME) as @p's frame, and the interrupt
 * gate turned IF off. Panics otherwise. */
void debug_check_entry(const struct proc *p, const struct trapframe *tf, uint32_t cr3_at_entry);

/* debug_check_exit - before the trampoline's exit loads @p's PD: the
 * kernel's CR3 is loaded, @p is current with an address space, IF is off,
 * and @p's frame is on the entry stack or saved on its kernel stack (then
 * the entry stack was scrubbed). Panics otherwise. */
void debug_check_exit(const struct proc *p);

#endif /* DEBUG_CHECKS_H */
