/*
 * bochs.h - the Bochs magic breakpoints of the kernel command line word
 * bochsbreak=paging,cr3,user (docs/debugging.md §6), in bochs.c and, for
 * `paging`, boot_bochs.inc (it runs before C). The core reaches them
 * through three named hooks:
 *
 *   bochs_init(cmdline)         main.c (kmain): read the word
 *   bochs_at_kernel_cr3()       trap.c (slow work at a general entry): the
 *                               first time the trampoline has switched to
 *                               the kernel CR3 from ring 3
 *   bochs_first_user_entry(tf)  loader.c: the first process's entry frame
 *
 * `xchg bx, bx` (BOCHS_BREAK() below) stops Bochs when its bochsrc says
 * magic_break: enabled=1; everywhere else it is a no-op.
 */
#ifndef BOCHS_H
#define BOCHS_H

#include "types.h"

struct trapframe;

/* BOCHS_BREAK - the Bochs magic breakpoint, for a stop placed in code
 * (magic_break: enabled=1 in the bochsrc; unprivileged, a no-op elsewhere). */
#define BOCHS_BREAK() __asm__ volatile("xchg %bx, %bx")

#define BOCHSBREAK_PAGING 0x1   /* before paging goes on (boot_bochs.inc reads the word itself) */
#define BOCHSBREAK_CR3    0x2   /* after the first switch to the kernel CR3 from ring 3 */
#define BOCHSBREAK_USER   0x4   /* at the first user instruction (crt0) */

/* The places still to stop at (BOCHSBREAK_*); each is cleared once taken.
 * fastpath.c reads BOCHSBREAK_CR3: while it is pending every entry takes
 * the general path. */
extern uint32_t bochsbreak_places;

/* bochs_init - set bochsbreak_places from the word bochsbreak=a,b,c of the
 * kernel command line @cmdline (NUL-terminated; unknown places ignored,
 * no word: none). */
void bochs_init(const char *cmdline);

/* bochs_at_kernel_cr3 - at an entry from ring 3 with slow work pending,
 * the kernel CR3 just loaded: with BOCHSBREAK_CR3 pending, clear it and
 * stop in Bochs. Otherwise nothing. */
void bochs_at_kernel_cr3(void);

/* bochs_first_user_entry - @tf is a new process's entry frame: with
 * BOCHSBREAK_USER pending, clear it and set EAX = BOCHSBREAK_USER_MAGIC,
 * on which crt0.asm stops in Bochs before anything else runs. */
void bochs_first_user_entry(struct trapframe *tf);

#endif /* BOCHS_H */
