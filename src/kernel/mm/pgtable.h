/*
 * pgtable.h - 32-bit two-level paging (Intel SDM Vol. 3A §4.3, non-PAE):
 * walking, mapping and tearing down page tables, and auditing a user page
 * directory. Pure logic over phys_to_virt(), so the host tests run it over a
 * simulated physical memory.
 *
 * A linear address:  | PD index (10) | PT index (10) | offset (12) |
 *                      31         22   21         12   11         0
 */
#ifndef PGTABLE_H
#define PGTABLE_H

#include "types.h"
#include "mm/frame.h"
#include "memlayout.h"

typedef uint32_t pde_t;
typedef uint32_t pte_t;

/* Entry bits PTE_P ... PTE_SHARED: memlayout.h (one source with memlayout.inc). */
#define PTE_FRAME(e)    ((e) & 0xFFFFF000u)
#define PDX(va)         ((uint32_t)(va) >> 22)
#define PTX(va)         (((uint32_t)(va) >> 12) & 0x3FF)

/*
 * A user PTE is in one of four states (the software bits: memlayout.h):
 *   0                                  unused
 *   frame | P | U [| W] [| SHARED]     present (what the CPU sees)
 *   LAZY | U [| W] [| NONE]            reserved: no frame yet; the first touch
 *                                      (uvm_fault_in) maps a zeroed one with
 *                                      U [| W]; NONE: PROT_NONE, never filled
 *   frame | NONE | U [| SHARED]        PROT_NONE over a page that has a frame
 * P = 0 in the last two, so the CPU faults on any access and ignores the
 * other bits (SDM Vol. 3A §4.3, Table 4-6); the TLB never caches a
 * not-present entry (§4.10.2.3), so making one present needs no flush.
 */
static inline bool pte_in_use(pte_t e) { return (e & (PTE_P | PTE_LAZY | PTE_NONE)) != 0; }
static inline bool pte_has_frame(pte_t e) { return (e & PTE_P) || (e & (PTE_NONE | PTE_LAZY)) == PTE_NONE; }

/*
 * phys_to_virt - a kernel pointer to physical address @pa. The kernel
 * implements it with the direct map (paging.c: DIRECT_MAP_BASE + @pa) and
 * panics if @pa is at or beyond DIRECT_MAP_SIZE; the host tests with an
 * array standing in for RAM.
 */
void *phys_to_virt(paddr_t pa);

/*
 * pt_lookup - the PTE that maps @va in the page directory at @pd (physical).
 * Returns a pointer to it (present or not), or NULL when the PDE is not
 * present or maps a 4 MiB page.
 */
pte_t *pt_lookup(paddr_t pd, uint32_t va);

/*
 * pt_map - map the 4 KiB page at @va to frame @pa with @flags (PTE_P is
 * added). A missing page table is allocated from @fp, zeroed, and entered
 * with PTE_P | PTE_W | PTE_U (the PTE decides the access).
 * Returns 0; -EINVAL if @va or @pa is not page aligned; -EEXIST if @va is
 * in use already (present, reserved or PROT_NONE); -ENOMEM if no frame is
 * left for the page table.
 */
int pt_map(struct frame_pool *fp, paddr_t pd, uint32_t va, paddr_t pa, uint32_t flags);

/* frame_zero - fill the 4 KiB frame at physical @pa (page aligned) with
 * zeros, through phys_to_virt (in the kernel: panics beyond the direct map). */
void frame_zero(paddr_t pa);

/*
 * uvm_map_zeroed - back @npages pages from @va (page aligned) with fresh
 * zeroed frames, PTE flags @flags. All or nothing: on failure every page it
 * mapped is unmapped and freed again, and page tables left empty are freed.
 * Returns 0, -EINVAL (misaligned, or outside [USER_BASE, USER_TOP)),
 * -EEXIST (a page is mapped already), -ENOMEM, or -EINTR (a preempt point
 * reported the process killed, preempt.h).
 */
int uvm_map_zeroed(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags);

/*
 * uvm_reserve - reserve @npages pages from @va (page aligned) for demand
 * paging: each PTE becomes PTE_LAZY | @flags (PTE_U, optionally PTE_W), not
 * present, no frame; only missing page tables are allocated. All or
 * nothing, like uvm_map_zeroed. Returns 0, -EINVAL (misaligned, outside
 * [USER_BASE, USER_TOP), or flags other than U/W), -EEXIST (a page is in
 * use), -ENOMEM (page table), -EINTR (killed, preempt.h).
 */
int uvm_reserve(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags);

/*
 * uvm_fault_in - demand paging: if the page at @va (page aligned) is
 * reserved, accessible and (for @write) writable, give it a zeroed frame
 * from @fp and make it present with its U/W. Returns 0; -EFAULT if it is
 * not such a page (unused, present, PROT_NONE, read-only for a write);
 * -ENOMEM out of frames (nothing changed).
 */
int uvm_fault_in(struct frame_pool *fp, paddr_t pd, uint32_t va, bool write);

/*
 * uvm_protect - set the access of @npages pages from @va: @flags 0
 * (PROT_NONE: not present, frame kept), PTE_U (read) or PTE_U | PTE_W.
 * Reserved pages stay reserved (their first touch gets the new access);
 * PTE_SHARED is kept. All or nothing: -EINVAL (misaligned, outside the user
 * range, npages 0, bad @flags), -EFAULT (a page not in use), -EINTR (killed
 * during the check; nothing changed); else 0. The caller flushes the TLB.
 */
int uvm_protect(paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags);

/*
 * uvm_range_unmapped - true if no page of [va, va + npages pages) is in use
 * (present, reserved or PROT_NONE)
 * (false too if a preempt point reported the process killed).
 */
bool uvm_range_unmapped(paddr_t pd, uint32_t va, uint32_t npages);

/*
 * uvm_unmap_range - unmap @npages pages from @va (page aligned), dropping a
 * reference to each frame (frame_free; reserved pages have none) and
 * freeing page tables that become empty. All or nothing: returns -EINVAL,
 * changing nothing, if @va is misaligned, the range leaves [USER_BASE,
 * USER_TOP), or any page in it is not in use; -EINTR, changing nothing, if the process was killed during
 * that check; else 0 (a kill after the check does not stop the unmap).
 */
int uvm_unmap_range(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages);

/*
 * uvm_unmap_undo - undo a mapping just made: unmap @npages pages from @va,
 * every one known to be in use (the caller mapped them), as
 * uvm_unmap_range does but with no check, so it cannot fail and a kill does
 * not stop it (it still reaches preempt points).
 */
void uvm_unmap_undo(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages);

/*
 * uvm_clone - copy every user page of @src into @dst (a PD from paging_new_user_pd):
 * fresh frames with the same contents and flags; PTE_SHARED pages share the
 * frame (one more reference); reserved pages stay reserved (no frame), and
 * PROT_NONE pages keep their state. Returns 0, -ENOMEM, or -EINTR (the process
 * was killed, preempt.h); on failure @dst holds what was copied so far and
 * the caller frees it with uvm_destroy().
 */
int uvm_clone(struct frame_pool *fp, paddr_t src, paddr_t dst);

/* uvm_count_pages - user pages (below TRAMPOLINE_BASE) mapped in @pd. */
uint32_t uvm_count_pages(paddr_t pd);

/*
 * uvm_destroy - free a user address space: every frame mapped below
 * TRAMPOLINE_BASE, every page table, then the PD itself. The trampoline
 * PTEs point at kernel frames and are left alone. Opens interrupt windows
 * (preempt_window) but never switches processes or stops.
 */
void uvm_destroy(struct frame_pool *fp, paddr_t pd);

/* What a user PD may contain, for uvm_audit(). */
struct uvm_audit_rules {
    const pte_t *tramp_ptes;    /* exact PTEs expected from TRAMPOLINE_BASE up */
    uint32_t tramp_npages;      /* entries in tramp_ptes; the rest of the window must be empty */
    paddr_t kernel_start;       /* no user PTE may point into [kernel_start, kernel_end) */
    paddr_t kernel_end;
    const pde_t *shared_pdes;   /* aspace=shared: PDEs [shared_first, shared_end) must */
    uint32_t shared_first;      /* equal these (the kernel's, supervisor-only); NULL: none */
    uint32_t shared_end;
};

/* Called once per violation: @va, the offending entry, and what is wrong. */
typedef void (*uvm_audit_report)(void *ctx, uint32_t va, uint32_t entry, const char *what);

/*
 * uvm_audit - walk the user PD at @pd and check that only two things are
 * present: user pages (U=1, not kernel frames) in [USER_BASE, USER_TOP), and
 * exactly the trampoline PTEs (U=0) above. Page 0, 4 MiB pages and anything
 * else are violations. Returns the number of violations (0 = clean).
 */
uint32_t uvm_audit(paddr_t pd, const struct uvm_audit_rules *rules,
                   uvm_audit_report report, void *ctx);

#endif /* PGTABLE_H */
