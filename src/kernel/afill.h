/*
 * afill.h - counting the translations the CPU loads (TLB fills) with the
 * Accessed bits of the paging entries (Intel SDM Vol. 3A §4.8: the processor
 * sets A in a paging-structure entry the first time it uses that entry to
 * translate; it does not set it again while the translation is cached).
 * docs/benchmarking.md explains how the trace replay uses SYS_afill.
 *
 * The walk is pure logic over phys_to_virt() (the kernel reads page tables
 * through the direct map), so test/unit/test_afill.c runs it over simulated
 * page tables.
 */
#ifndef AFILL_H
#define AFILL_H

#include "types.h"
#include "uapi/syscall.h"

/* One scan: what is excluded, and what was found. */
struct afill_scan {
    uint32_t instr_lo, instr_hi;   /* in: [lo, hi) linear addresses of the instrument's own
                                    * text; 4 KiB leaves there count as AFILL_INSTR */
    uint32_t instr_pdx;            /* in: a PD index the instrument reads through (4 MiB
                                    * leaves there count as AFILL_INSTR); >= 1024: none */
    uint32_t *list;                /* in: optional page list (VA | AFILL_* kind), or NULL */
    uint32_t list_max;             /* in: words list holds */
    uint32_t n[AFILL_KINDS];       /* out: leaves with A set, per AFILL_* kind */
    uint32_t listed;               /* out: words written to list */
};

/* afill_scan_init - zero @s's counts and set the exclusions: no
 * instrument range, no instrument PD index, no list. */
void afill_scan_init(struct afill_scan *s);

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
 */
void afill_walk(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd);

/*
 * afill_clear - clear A in every present PDE and PTE of the PD at @pd (page
 * tables shared with another PD are cleared through either). Clears no TLB
 * entry: translations still cached keep serving without setting A again.
 */
void afill_clear(paddr_t pd);

/*
 * sys_afill(out, pages): count the Accessed bits set since the previous
 * afill() in the kernel PD and the caller's PD, copy struct afill to user
 * @out and up to AFILL_LIST_MAX page words to user @pages (either may be 0:
 * not copied), then clear every A bit again. Returns the number of leaves
 * found (all kinds), or -EFAULT if a copy-out failed (the bits are cleared
 * all the same).
 */
long sys_afill(uaddr_t out, uaddr_t pages);

#endif /* AFILL_H */
