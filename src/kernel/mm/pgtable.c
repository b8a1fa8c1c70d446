/*
 * pgtable.c - page-table walk, map, teardown and audit (SDM Vol. 3A §4.3).
 * Every table is reached through phys_to_virt(); nothing here depends on
 * which page directory the CPU has loaded.
 */
#include "mm/pgtable.h"
#include "lib/kstring.h"
#include "memlayout.h"
#include "proc/preempt.h"
#include "uapi/errno.h"

static pde_t *pd_entries(paddr_t pd) { return phys_to_virt(pd); }

/*
 * The long loops here (a whole address space, or a range of up to a million
 * pages) count their work and reach a preempt point (preempt.h) whenever
 * PREEMPT_PTES units are done: looking at one entry costs 1, mapping,
 * zeroing, copying or freeing a page PAGE_COST, so a window comes at least
 * every PREEMPT_PAGES pages of real work. Loops that change an address
 * space stop at a kill only where they can undo their work (map) or where
 * the caller frees the result (clone); teardown runs to its end.
 */
#define PAGE_COST (PREEMPT_PTES / PREEMPT_PAGES)

/* Add @units to *@work; true (and *@work reset) when a preempt point is due. */
static bool work_done(uint32_t *work, uint32_t units)
{
    *work += units;
    if (*work < PREEMPT_PTES)
        return false;
    *work = 0;
    return true;
}

pte_t *pt_lookup(paddr_t pd, uint32_t va)
{
    pde_t pde = pd_entries(pd)[PDX(va)];
    if (!(pde & PTE_P) || (pde & PDE_PS))
        return NULL;
    return (pte_t *)phys_to_virt(PTE_FRAME(pde)) + PTX(va);
}

void frame_zero(paddr_t pa)
{
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
}

/* The PTE slot for @va in @pd, its page table allocated from @fp (zeroed,
 * entered with PTE_P | PTE_W | PTE_U) when missing. NULL with *@err =
 * -EEXIST (a 4 MiB or supervisor PDE covers @va) or -ENOMEM. */
static pte_t *pt_slot(struct frame_pool *fp, paddr_t pd, uint32_t va, int *err)
{
    pde_t *pde = &pd_entries(pd)[PDX(va)];
    /* A 4 MiB page, or a supervisor page table (the kernel's own, shared
     * into user PDs by aspace=shared): never map into those. */
    if ((*pde & PDE_PS) || ((*pde & PTE_P) && !(*pde & PTE_U))) {
        *err = -EEXIST;
        return NULL;
    }
    if (!(*pde & PTE_P)) {
        paddr_t pt;
        if (frame_alloc(fp, &pt) < 0) {
            *err = -ENOMEM;
            return NULL;
        }
        frame_zero(pt);
        *pde = pt | PTE_P | PTE_W | PTE_U;
    }
    return (pte_t *)phys_to_virt(PTE_FRAME(*pde)) + PTX(va);
}

/* Write @entry into @va's unused slot: 0, -EEXIST (in use, or a PDE in the
 * way) or -ENOMEM (no frame for the page table). */
static int pt_set(struct frame_pool *fp, paddr_t pd, uint32_t va, pte_t entry)
{
    int err = 0;
    pte_t *pte = pt_slot(fp, pd, va, &err);
    if (!pte)
        return err;
    if (pte_in_use(*pte))
        return -EEXIST;
    *pte = entry;
    return 0;
}

int pt_map(struct frame_pool *fp, paddr_t pd, uint32_t va, paddr_t pa, uint32_t flags)
{
    if (va % PAGE_SIZE || pa % PAGE_SIZE)
        return -EINVAL;
    return pt_set(fp, pd, va, pa | flags | PTE_P);
}

/* Free the page table behind @va if none of its entries is in use. The
 * last PDE's table holds the trampoline PTEs and is never released. */
static void release_empty_table(struct frame_pool *fp, paddr_t pd, uint32_t va)
{
    pde_t *pde = &pd_entries(pd)[PDX(va)];
    if (!(*pde & PTE_P) || (*pde & PDE_PS) || PDX(va) == PDX(TRAMPOLINE_BASE))
        return;
    const pte_t *ptes = phys_to_virt(PTE_FRAME(*pde));
    for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
        if (ptes[j])
            return;
    frame_free(fp, PTE_FRAME(*pde));
    *pde = 0;
}

/* Unmap and free the first @n pages from @va (all known to be in use),
 * then the page tables left empty. */
static void unmap_and_free(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t n)
{
    uint32_t work = 0;
    for (uint32_t i = 0; i < n; i++) {
        pte_t *pte = pt_lookup(pd, va + i * PAGE_SIZE);
        if (pte_has_frame(*pte))
            frame_free(fp, PTE_FRAME(*pte)); /* a reserved page has none */
        *pte = 0;
        if (work_done(&work, PAGE_COST))
            (void)preempt_point(); /* may yield; a kill does not stop the unmap */
    }
    /* Once per page table the range touches (a table scan is 1024 entries). */
    for (uint32_t i = 0; i < n; i += TABLE_ENTRIES - PTX(va + i * PAGE_SIZE)) {
        release_empty_table(fp, pd, va + i * PAGE_SIZE);
        if (work_done(&work, PREEMPT_PTES))
            (void)preempt_point();
    }
}

/* A user page in use (present, reserved or PROT_NONE), with U in both the
 * PDE and the PTE. */
static bool user_page_in_use(paddr_t pd, uint32_t va)
{
    if (!(pd_entries(pd)[PDX(va)] & PTE_U))
        return false;
    pte_t *pte = pt_lookup(pd, va);
    return pte && pte_in_use(*pte) && (*pte & PTE_U);
}

/* Nothing at all at @va: no PTE, and no 4 MiB or supervisor PDE over it. */
static bool va_free(paddr_t pd, uint32_t va)
{
    pde_t pde = pd_entries(pd)[PDX(va)];
    if ((pde & PTE_P) && ((pde & PDE_PS) || !(pde & PTE_U)))
        return false;
    pte_t *pte = pt_lookup(pd, va);
    return !pte || !pte_in_use(*pte);
}

bool uvm_range_unmapped(paddr_t pd, uint32_t va, uint32_t npages)
{
    uint32_t work = 0;
    for (uint32_t i = 0; i < npages;) {
        uint32_t a = va + i * PAGE_SIZE;
        if (!(pd_entries(pd)[PDX(a)] & PTE_P)) {
            i += TABLE_ENTRIES - PTX(a); /* no table: the rest of its 4 MiB is free */
            continue;
        }
        if (!va_free(pd, a))
            return false;
        i++;
        if (work_done(&work, 1) && preempt_point() < 0)
            return false; /* killed: the caller's error does not matter */
    }
    return true;
}

int uvm_unmap_range(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages)
{
    /* va >= USER_TOP first: USER_TOP - va would wrap for a va above it */
    if (va % PAGE_SIZE || va < USER_BASE || va >= USER_TOP || npages == 0 ||
        npages > (USER_TOP - va) / PAGE_SIZE)
        return -EINVAL;
    uint32_t work = 0;
    for (uint32_t i = 0; i < npages; i++) {
        if (!user_page_in_use(pd, va + i * PAGE_SIZE))
            return -EINVAL;
        if (work_done(&work, 1) && preempt_point() < 0)
            return -EINTR; /* nothing changed yet */
    }
    unmap_and_free(fp, pd, va, npages);
    return 0;
}

void uvm_unmap_undo(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages)
{
    unmap_and_free(fp, pd, va, npages);
}

int uvm_clone(struct frame_pool *fp, paddr_t src, paddr_t dst)
{
    const pde_t *pdes = pd_entries(src);
    uint32_t work = 0;
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if (!(pdes[i] & PTE_P) || (pdes[i] & PDE_PS) || !(pdes[i] & PTE_U))
            continue; /* supervisor PDEs are the kernel's (aspace=shared): not ours to copy */
        const pte_t *ptes = phys_to_virt(PTE_FRAME(pdes[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++) {
            uint32_t va = i << 22 | j << 12;
            pte_t e = ptes[j];
            bool copy = pte_in_use(e) && va < TRAMPOLINE_BASE;
            if (work_done(&work, copy ? PAGE_COST : 1) && preempt_point() < 0)
                return -EINTR; /* the caller frees what was copied */
            if (!copy)
                continue;
            if (!pte_has_frame(e)) { /* reserved: the child reserves it too */
                if (pt_set(fp, dst, va, e) < 0)
                    return -ENOMEM;
                continue;
            }
            uint32_t flags = e & (PTE_P | PTE_W | PTE_U | PTE_SHARED | PTE_NONE);
            paddr_t pa = PTE_FRAME(e);
            if (e & PTE_SHARED) {
                if (frame_ref(fp, pa) < 0)
                    return -ENOMEM;
            } else {
                paddr_t copy;
                if (frame_alloc(fp, &copy) < 0)
                    return -ENOMEM;
                memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
                pa = copy;
            }
            if (pt_set(fp, dst, va, pa | flags) < 0) {
                frame_free(fp, pa);
                return -ENOMEM;
            }
        }
    }
    return 0;
}

uint32_t uvm_count_pages(paddr_t pd)
{
    uint32_t n = 0;
    const pde_t *pdes = pd_entries(pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if (!(pdes[i] & PTE_P) || (pdes[i] & PDE_PS) || !(pdes[i] & PTE_U))
            continue;
        preempt_window(); /* a table (a few instructions an entry) per window; @pd may be
                           * another process's: no switch */
        const pte_t *ptes = phys_to_virt(PTE_FRAME(pdes[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
            if ((ptes[j] & PTE_P) && (i << 22 | j << 12) < TRAMPOLINE_BASE)
                n++;
    }
    return n;
}

int uvm_map_zeroed(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags)
{
    /* va >= USER_TOP first: USER_TOP - va would wrap for a va above it */
    if (va % PAGE_SIZE || va < USER_BASE || va >= USER_TOP ||
        npages > (USER_TOP - va) / PAGE_SIZE)
        return -EINVAL;
    uint32_t work = 0;
    for (uint32_t i = 0; i < npages; i++) {
        paddr_t pa;
        int r = 0;
        if (work_done(&work, PAGE_COST))
            r = (int)preempt_point(); /* -EINTR: undone below like any failure */
        if (r == 0)
            r = frame_alloc(fp, &pa);
        if (r == 0) {
            frame_zero(pa);
            r = pt_map(fp, pd, va + i * PAGE_SIZE, pa, flags);
            if (r < 0)
                frame_free(fp, pa);
        }
        if (r < 0) {
            unmap_and_free(fp, pd, va, i);
            return r;
        }
    }
    return 0;
}

int uvm_reserve(struct frame_pool *fp, paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags)
{
    if (va % PAGE_SIZE || va < USER_BASE || va >= USER_TOP || npages > (USER_TOP - va) / PAGE_SIZE ||
        (flags & ~(uint32_t)(PTE_U | PTE_W)))
        return -EINVAL;
    uint32_t work = 0;
    for (uint32_t i = 0; i < npages; i++) {
        int r = 0;
        if (work_done(&work, 1))
            r = (int)preempt_point(); /* -EINTR: undone below like any failure */
        if (r == 0)
            r = pt_set(fp, pd, va + i * PAGE_SIZE, PTE_LAZY | flags);
        if (r < 0) {
            unmap_and_free(fp, pd, va, i); /* frees no frame but empty page tables */
            return r;
        }
    }
    return 0;
}

int uvm_fault_in(struct frame_pool *fp, paddr_t pd, uint32_t va, bool write)
{
    if (!(pd_entries(pd)[PDX(va)] & PTE_U))
        return -EFAULT;
    pte_t *pte = pt_lookup(pd, va);
    if (!pte || (*pte & (PTE_P | PTE_LAZY | PTE_NONE | PTE_U)) != (PTE_LAZY | PTE_U) ||
        (write && !(*pte & PTE_W)))
        return -EFAULT;
    paddr_t pa;
    if (frame_alloc(fp, &pa) < 0)
        return -ENOMEM;
    frame_zero(pa);
    *pte = pa | PTE_P | (*pte & (PTE_U | PTE_W));
    return 0;
}

int uvm_protect(paddr_t pd, uint32_t va, uint32_t npages, uint32_t flags)
{
    if (va % PAGE_SIZE || va < USER_BASE || va >= USER_TOP || npages == 0 ||
        npages > (USER_TOP - va) / PAGE_SIZE || (flags & ~(uint32_t)(PTE_U | PTE_W)) ||
        flags == PTE_W)
        return -EINVAL;
    uint32_t work = 0;
    for (uint32_t i = 0; i < npages; i++) {
        if (!user_page_in_use(pd, va + i * PAGE_SIZE))
            return -EFAULT;
        if (work_done(&work, 1) && preempt_point() < 0)
            return -EINTR; /* nothing changed yet */
    }
    for (uint32_t i = 0; i < npages; i++) {
        pte_t *pte = pt_lookup(pd, va + i * PAGE_SIZE);
        pte_t e = *pte, keep = e & (PTE_SHARED | PTE_LAZY);
        paddr_t frame = pte_has_frame(e) ? PTE_FRAME(e) : 0;
        if (flags == 0)
            *pte = frame | keep | PTE_U | PTE_NONE;          /* P = 0: every access faults */
        else
            *pte = frame | keep | flags | (frame ? PTE_P : 0); /* reserved pages stay not present */
        if (work_done(&work, 1))
            preempt_window(); /* interrupts only: the change is half done */
    }
    return 0;
}

void uvm_destroy(struct frame_pool *fp, paddr_t pd)
{
    pde_t *pdes = pd_entries(pd);
    uint32_t work = 0;
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if (!(pdes[i] & PTE_P) || (pdes[i] & PDE_PS) || !(pdes[i] & PTE_U))
            continue; /* 4 MiB or supervisor PDEs: the kernel's, shared in (aspace=shared) */
        pte_t *ptes = phys_to_virt(PTE_FRAME(pdes[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++) {
            uint32_t va = i << 22 | j << 12;
            bool used = pte_has_frame(ptes[j]) && va < TRAMPOLINE_BASE;
            if (used)
                frame_free(fp, PTE_FRAME(ptes[j])); /* reserved pages hold none */
            /* Interrupts only: exit frees the PD of a process that other
             * code still finds by its pid until it is a zombie. */
            if (work_done(&work, used ? PAGE_COST : 1))
                preempt_window();
        }
        frame_free(fp, PTE_FRAME(pdes[i]));
    }
    frame_free(fp, pd);
}

#define IGNORED_BITS (PTE_A | PTE_D)

static uint32_t audit_pte(uint32_t va, pte_t pte, const struct uvm_audit_rules *rules,
                          uvm_audit_report report, void *ctx)
{
    const char *what = NULL;
    if (va < USER_BASE) {
        what = "page 0 is mapped";
    } else if (va < USER_TOP) {
        if (!(pte & PTE_U))
            what = "supervisor page in the user range";
        else if (PTE_FRAME(pte) >= rules->kernel_start && PTE_FRAME(pte) < rules->kernel_end)
            what = "kernel image frame mapped at a user address";
    } else {
        uint32_t idx = (va - TRAMPOLINE_BASE) >> PAGE_SHIFT;
        if (idx >= rules->tramp_npages)
            what = "unexpected page in the trampoline window";
        else if ((pte & ~IGNORED_BITS) != (rules->tramp_ptes[idx] & ~IGNORED_BITS))
            what = "trampoline PTE differs from the kernel's";
        else if (pte & PTE_U)
            what = "trampoline page is user-accessible";
    }
    if (what && report)
        report(ctx, va, pte, what);
    return what != NULL;
}

/* A not-present entry that is not 0: only the software states of a user page
 * (pgtable.h), and a PROT_NONE frame is never a kernel frame. */
static uint32_t audit_soft_pte(uint32_t va, pte_t pte, const struct uvm_audit_rules *rules,
                               uvm_audit_report report, void *ctx)
{
    const char *what = NULL;
    if (va < USER_BASE || va >= USER_TOP)
        what = "software PTE outside the user range";
    else if (!(pte & PTE_U) || !(pte & (PTE_LAZY | PTE_NONE)))
        what = "not-present PTE with no software state";
    else if ((pte & PTE_LAZY) && PTE_FRAME(pte))
        what = "reserved PTE holds a frame";
    else if (pte_has_frame(pte) && PTE_FRAME(pte) >= rules->kernel_start && PTE_FRAME(pte) < rules->kernel_end)
        what = "kernel image frame behind a PROT_NONE page";
    if (what && report)
        report(ctx, va, pte, what);
    return what != NULL;
}

uint32_t uvm_audit(paddr_t pd, const struct uvm_audit_rules *rules,
                   uvm_audit_report report, void *ctx)
{
    uint32_t bad = 0;
    const pde_t *pdes = pd_entries(pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        uint32_t va0 = i << 22;
        if (rules->shared_pdes && i >= rules->shared_first && i < rules->shared_end) {
            if ((pdes[i] & ~IGNORED_BITS) != (rules->shared_pdes[i] & ~IGNORED_BITS) || (pdes[i] & PTE_U)) {
                if (report)
                    report(ctx, va0, pdes[i], "PDE differs from the kernel's shared one");
                bad++;
            }
            continue;
        }
        if (!(pdes[i] & PTE_P))
            continue;
        if (pdes[i] & PDE_PS) {
            if (report)
                report(ctx, va0, pdes[i], "4 MiB page in a user page directory");
            bad++;
            continue;
        }
        const pte_t *ptes = phys_to_virt(PTE_FRAME(pdes[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++) {
            if (ptes[j] & PTE_P)
                bad += audit_pte(va0 | j << 12, ptes[j], rules, report, ctx);
            else if (ptes[j])
                bad += audit_soft_pte(va0 | j << 12, ptes[j], rules, report, ctx);
            if (j % PREEMPT_PTES == PREEMPT_PTES - 1)
                preempt_window(); /* audits run in test and debug builds, on big spaces too */
        }
    }
    return bad;
}
