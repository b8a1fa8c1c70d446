/*
 * afill.h - counting the translations the CPU loads (TLB fills) with the
 * Accessed bits of the paging entries (Intel SDM Vol. 3A §4.8: the processor
 * sets A in a paging-structure entry the first time it uses that entry to
 * translate; it does not set it again while the translation is cached).
 * docs/benchmarking.md explains how the trace replay uses SYS_afill.
 *
 * The walk is pure logic over the page tables it is given (the kernel maps
 * each one through the instrument's window, AFILL_WINDOW_BASE; the host
 * tests through phys_to_virt()), so test/unit/test_afill.c runs it over
 * simulated page tables.
 */
#ifndef AFILL_H
#define AFILL_H

#include "types.h"
#include "uapi/syscall.h"

#define AFILL_INSTR_RANGES 4   /* the gate, its stack and data, this code, the window */

/* One scan: what is excluded, and what was found. */
struct afill_scan {
    uint32_t instr_lo[AFILL_INSTR_RANGES];  /* in: [lo, hi) linear ranges of the instrument's own */
    uint32_t instr_hi[AFILL_INSTR_RANGES];  /* pages; leaves there count as AFILL_INSTR (a 4 MiB */
    uint32_t ninstr;                        /* leaf if it holds any part of a range) */
    uint32_t *list;                /* in: optional page list (VA | AFILL_* kind), or NULL */
    uint32_t list_max;             /* in: words list holds */
    uint32_t n[AFILL_KINDS];       /* out: leaves with A set, per AFILL_* kind */
    uint32_t listed;               /* out: words written to list */
};

/* afill_scan_init - zero @s's counts and exclusions; no list. */
void afill_scan_init(struct afill_scan *s);

/* afill_scan_exclude - leaves mapping [@lo, @hi) (linear addresses, page
 * aligned) count as AFILL_INSTR in @s. At most AFILL_INSTR_RANGES ranges;
 * more are ignored. */
void afill_scan_exclude(struct afill_scan *s, uint32_t lo, uint32_t hi);

/*
 * afill_walk - count the leaf entries (4 KiB PTEs, 4 MiB PDEs) with P and A
 * set in the page directory at @pd (physical), classified by the linear
 * address they map and their U bit: trampoline window (AFILL_TRAMP_U if
 * @user_pd, else AFILL_TRAMP_K), user (U=1: AFILL_USER), kernel (U=0:
 * AFILL_KERNEL_4M for a PS PDE, else AFILL_KERNEL_4K), or the excluded
 * instrument (AFILL_INSTR). All PDE-level leaves are read before any page
 * table, so the walk's own reads through the direct map cannot count.
 * Page tables that @other (a PD already walked, or 0) maps at the same index
 * are skipped: they were counted there (aspace=shared shares the kernel's).
 * So are user page tables (U=1 PDE) whose PDE has no A bit: not walked
 * through since the last afill_clear(), so no PTE of theirs has A (afill.c).
 * Supervisor tables are walked whole (see afill_walk_part).
 */
void afill_walk(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd);

/* The two parts of a PD the readout walks apart (afill.c part_of): what an
 * interrupt taken in the kernel may set A in (4 MiB leaves, supervisor
 * tables, the table holding the trampoline), and the other user tables. */
#define AFILL_PART_KERNEL 1u
#define AFILL_PART_USER   2u
#define AFILL_PART_ALL    3u
/* With the parts: the kernel PD's tables are its own (the split modes), so
 * one whose PDE has no A bit is skipped like a user table (afill.c). */
#define AFILL_PRIVATE_KERNEL 4u
typedef void (*afill_between_fn)(void);

/*
 * afill_walk_part, afill_clear_part - afill_walk and afill_clear restricted
 * to @parts (AFILL_PART_*); @between (or NULL) is called after each user
 * table: the readout opens an interrupt window there, once the kernel part
 * is counted and before it is cleared (an interrupt sets no A bit in a
 * user table), so its interrupts-off time does not grow with the user
 * tables it walks.
 */
void afill_walk_part(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd,
                     unsigned parts, afill_between_fn between);
void afill_clear_part(paddr_t pd, unsigned parts, afill_between_fn between);

/*
 * afill_clear - clear A in every present PDE and PTE of the PD at @pd (page
 * tables shared with another PD are cleared through either). Clears no TLB
 * entry: translations still cached keep serving without setting A again.
 * A user page table whose PDE has no A bit is not read: it has none to clear
 * (afill_walk). So the time taken grows with the tables used since the last
 * clear, not with the address space.
 */
void afill_clear(paddr_t pd);

/* afill_init - map the window's own page table into its slot 0 and keep a
 * copy of kernel_cr3 for the gate; once, from paging_init(). Panics if the
 * kernel PD maps a PDE outside the direct map, the kernel window and the
 * trampoline: the readout looks for the kernel's entries there alone. */
void afill_init(void);

/*
 * afill_entry(user_cr3, out, pages) - sys_afill for the instrument's gate
 * (trampoline/afill.asm, `int AFILL_VECTOR`): called on the gate's stack
 * with interrupts off and the kernel CR3 loaded (aspace=shared: the user's);
 * it opens interrupt windows only between the user page tables it walks
 * (an IRQ there runs on the gate's stack, preempt.c), never a switch.
 * @user_cr3 is the CR3 the CPU came in with. Counts the call and the gate's
 * two CR3 writes in kevents, after the count. Same result as sys_afill.
 */
long afill_entry(uint32_t user_cr3, uaddr_t out, uaddr_t pages);

/*
 * sys_afill(out, pages): count the Accessed bits set since the previous
 * afill() in the kernel PD and the caller's PD, copy struct afill to user
 * @out and up to AFILL_LIST_MAX page words to user @pages (either may be 0:
 * not copied), then clear every A bit again. Returns the number of leaves
 * found (all kinds), or -EFAULT if a copy-out failed (the bits are cleared
 * all the same). Reached from syscall_dispatch, the general path up to the
 * count is in the count; through the gate (afill_entry) nothing but the
 * instrument's own pages is.
 */
long sys_afill(uaddr_t out, uaddr_t pages);

#endif /* AFILL_H */
