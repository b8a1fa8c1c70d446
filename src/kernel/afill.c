/*
 * afill.c - the TLB-fill instrument (afill.h): Accessed-bit accounting over
 * the kernel PD and the current process's PD.
 *
 * The replay brackets one system call with two afill() calls. The first
 * clears every A bit and flushes nothing, so the rest of its own path, whose
 * translations are still cached, sets none again. The measured call then
 * writes CR3 (the TLB is flushed: SDM Vol. 3A §4.10.4.1) and every page it
 * touches is walked, setting A. The second afill() counts them. Its own path
 * up to the count (trampoline entry, trap_from_user, syscall_dispatch) is a
 * part of every system call's path, so it adds no page that the measured
 * call did not touch itself; what only the instrument touches is excluded:
 *   - its code, on pages of its own (.afill.text, link/kernel.ld);
 *   - the direct-map 4 MiB page through which it reads the active PD,
 *     unless the kernel stack (which every call uses) lies in it.
 * Everything here reads memory through the direct map, inline: a call to
 * phys_to_virt() would touch paging.c's text.
 */
#include "afill.h"
#include "memlayout.h"
#include "pgtable.h"

#ifdef HOST_TEST
#define AFILL_TEXT
#define AFILL_VIRT(pa) phys_to_virt(pa)
#else
#define AFILL_TEXT __attribute__((section(".afill.text")))
#define AFILL_VIRT(pa) ((void *)(uintptr_t)(DIRECT_MAP_BASE + (pa)))
#endif

#define NO_PDX TABLE_ENTRIES

AFILL_TEXT void afill_scan_init(struct afill_scan *s)
{
    s->instr_lo = s->instr_hi = 0;
    s->instr_pdx = NO_PDX;
    s->list = NULL;
    s->list_max = s->listed = 0;
    for (int k = 0; k < AFILL_KINDS; k++)
        s->n[k] = 0;
}

/* Count the leaf @e that maps @va (a 4 MiB PDE if @large). User pages are
 * the U=1 leaves; the kernel's are U=0 (in a user PD only under
 * aspace=shared, which copies the kernel's PDEs). */
static AFILL_TEXT void note(struct afill_scan *s, uint32_t va, uint32_t e, bool large, bool user_pd)
{
    int kind;
    if (large ? PDX(va) == s->instr_pdx : va >= s->instr_lo && va < s->instr_hi)
        kind = AFILL_INSTR;
    else if (va >= TRAMPOLINE_BASE)
        kind = user_pd ? AFILL_TRAMP_U : AFILL_TRAMP_K;
    else if (e & PTE_U)
        kind = AFILL_USER;
    else
        kind = large ? AFILL_KERNEL_4M : AFILL_KERNEL_4K;
    s->n[kind]++;
    if (s->list && s->listed < s->list_max)
        s->list[s->listed++] = va | (uint32_t)kind;
}

AFILL_TEXT void afill_walk(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd)
{
    const pde_t *d = AFILL_VIRT(pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++)          /* 4 MiB leaves first */
        if ((d[i] & (PTE_P | PDE_PS | PTE_A)) == (PTE_P | PDE_PS | PTE_A))
            note(s, i << PDE_SHIFT, d[i], true, user_pd);
    const pde_t *o = other ? AFILL_VIRT(other) : NULL;
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if ((d[i] & (PTE_P | PDE_PS)) != PTE_P)
            continue;
        if (o && (o[i] & (PTE_P | PDE_PS)) == PTE_P && PTE_FRAME(o[i]) == PTE_FRAME(d[i]))
            continue;                                      /* counted in `other` */
        const pte_t *t = AFILL_VIRT(PTE_FRAME(d[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
            if ((t[j] & (PTE_P | PTE_A)) == (PTE_P | PTE_A))
                note(s, (i << PDE_SHIFT) | (j << PAGE_SHIFT), t[j], false, user_pd);
    }
}

AFILL_TEXT void afill_clear(paddr_t pd)
{
    pde_t *d = AFILL_VIRT(pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if (!(d[i] & PTE_P))
            continue;
        if (!(d[i] & PDE_PS)) {
            pte_t *t = AFILL_VIRT(PTE_FRAME(d[i]));
            for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
                if (t[j] & PTE_A)
                    t[j] &= ~(pte_t)PTE_A;
        }
        if (d[i] & PTE_A)
            d[i] &= ~(pde_t)PTE_A;
    }
}

#ifndef HOST_TEST
#include "defs.h"
#include "proc.h"
#include "uaccess.h"
#include "uapi/errno.h"
#include "x86.h"

extern char __afill_text_start[], __afill_text_end[];

/* Interrupts off around a scan or a clear, so an interrupt handler's pages
 * are neither counted nor left set; returns the EFLAGS to restore. */
static inline uint32_t irq_save(void)
{
    uint32_t f;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(f)::"memory");
    return f;
}

static inline void irq_restore(uint32_t f)
{
    __asm__ volatile("push %0; popf" ::"r"(f) : "memory", "cc");
}

AFILL_TEXT long sys_afill(uaddr_t out, uaddr_t pages)
{
    uint32_t list[AFILL_LIST_MAX], esp;
    struct afill_scan s;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    uint32_t flags = irq_save();
    paddr_t active = read_cr3() & ~(paddr_t)(PAGE_SIZE - 1);
    paddr_t kpd = tramp_kernel_cr3, upd = current->pd;
    paddr_t other = active == kpd ? upd : kpd;           /* aspace=shared runs on the user PD */
    afill_scan_init(&s);
    s.instr_lo = (uint32_t)(uintptr_t)__afill_text_start;
    s.instr_hi = (uint32_t)(uintptr_t)__afill_text_end;
    if (PDX(DIRECT_MAP_BASE + active) != PDX(esp))
        s.instr_pdx = PDX(DIRECT_MAP_BASE + active);
    s.list = pages ? list : NULL;
    s.list_max = AFILL_LIST_MAX;
    afill_walk(&s, active, 0, active == upd);
    afill_walk(&s, other, active, other == upd);
    irq_restore(flags);

    struct afill a;
    for (int k = 0; k < AFILL_KINDS; k++)
        a.n[k] = s.n[k];
    a.listed = s.listed;
    long r = 0;
    if (out && copy_to_user(upd, out, &a, sizeof(a)) < 0)
        r = -EFAULT;
    if (pages && s.listed && copy_to_user(upd, pages, list, s.listed * sizeof(uint32_t)) < 0)
        r = -EFAULT;

    flags = irq_save();                                  /* last: the copies' pages too */
    afill_clear(other);
    afill_clear(active);
    irq_restore(flags);
    if (r < 0)
        return r;
    uint32_t total = 0;
    for (int k = 0; k < AFILL_KINDS; k++)
        total += s.n[k];
    return (long)total;
}
#endif
