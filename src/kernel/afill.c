/*
 * afill.c - the TLB-fill instrument (afill.h): Accessed-bit accounting over
 * the kernel PD and the current process's PD.
 *
 * The replay brackets one system call with two afill() readouts, each taken
 * through the instrument's own gate (`int AFILL_VECTOR`, trampoline/
 * afill.asm). The first clears every A bit and flushes nothing, so the rest
 * of its own path, whose translations are still cached, sets none again. The
 * measured call then writes CR3 (the TLB is flushed: SDM Vol. 3A §4.10.4.1)
 * and every page it touches is walked, setting A. The second readout counts
 * them. It touches no kernel page before the count but the instrument's own,
 * all counted apart (AFILL_INSTR) and never charged:
 *   - the gate (.trampoline.afill), its stack and data (.afill.bss);
 *   - this code (.afill.text, link/kernel.ld);
 *   - the window (AFILL_WINDOW_BASE, memlayout.h): it reads the page
 *     directories and tables, and writes the copy-out, through PTEs of its
 *     own, so no direct-map 4 MiB PDE gets an A bit from it.
 * So the kernel-side count is exactly the measured call's. What the readout
 * touches after the count (kevents counters, the DEBUG checks) is cleared
 * with the rest. Everything here is inline or in .afill.text: a call to
 * phys_to_virt() or memcpy() would touch other kernel text.
 *
 * SYS_afill through int 0x80 or sysenter (and the gate while slow work is
 * pending) runs the same code from syscall_dispatch: then the general path
 * up to the count (trap_from_user, syscall_dispatch, the kernel stack) is in
 * the count too.
 */
#include "afill.h"
#include "memlayout.h"
#include "pgtable.h"

/* Window slots (AFILL_WINDOW_BASE): the window's own table, the PD walked,
 * the other PD, a page table, a user frame. */
enum { SLOT_SELF, SLOT_PD, SLOT_OTHER, SLOT_PT, SLOT_USER, SLOTS_USED };
_Static_assert(SLOTS_USED <= AFILL_WINDOW_SLOTS, "the window has too few slots");

#ifdef HOST_TEST
#define AFILL_TEXT
#define AFILL_MAP(slot, pa) phys_to_virt(pa)
#else
#define AFILL_TEXT __attribute__((section(".afill.text")))
_Static_assert(PDX(AFILL_WINDOW_BASE) == PDX(KERNEL_WINDOW_BASE) &&
               AFILL_WINDOW_BASE + AFILL_WINDOW_SLOTS * PAGE_SIZE <= KERNEL_VIRT_BASE,
               "the window must lie in the first kernel window table, below the image");

/* Point window slot @slot at the frame of @pa (4 KiB, supervisor, writable)
 * and return its address. Slot 0 maps the window's own page table, so the
 * PTE is written through it; INVLPG drops the old translation (SDM Vol. 3A
 * §4.10.4.1). Nothing but the window's PTEs gets an A bit. */
static AFILL_TEXT void *afill_map(unsigned slot, paddr_t pa)
{
    volatile pte_t *w = (volatile pte_t *)AFILL_WINDOW_BASE;
    uint32_t va = AFILL_WINDOW_BASE + slot * PAGE_SIZE;
    pte_t e = PTE_FRAME(pa) | PTE_P | PTE_W;
    if ((w[slot] & ~(pte_t)(PTE_A | PTE_D)) != e) {
        w[slot] = e;
        __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
    }
    return (void *)(uintptr_t)va;
}
#define AFILL_MAP(slot, pa) afill_map(slot, pa)
#endif

AFILL_TEXT void afill_scan_init(struct afill_scan *s)
{
    s->ninstr = 0;
    s->list = NULL;
    s->list_max = s->listed = 0;
    for (int k = 0; k < AFILL_KINDS; k++)
        s->n[k] = 0;
}

AFILL_TEXT void afill_scan_exclude(struct afill_scan *s, uint32_t lo, uint32_t hi)
{
    if (s->ninstr < AFILL_INSTR_RANGES) {
        s->instr_lo[s->ninstr] = lo;
        s->instr_hi[s->ninstr] = hi;
        s->ninstr++;
    }
}

static AFILL_TEXT bool is_instr(const struct afill_scan *s, uint32_t va, bool large)
{
    for (uint32_t r = 0; r < s->ninstr; r++) {
        uint32_t lo = large ? s->instr_lo[r] & ~(uint32_t)(LARGE_PAGE_SIZE - 1) : s->instr_lo[r];
        if (va >= lo && va < s->instr_hi[r])
            return true;
    }
    return false;
}

/* Count the leaf @e that maps @va (a 4 MiB PDE if @large). User pages are
 * the U=1 leaves; the kernel's are U=0 (in a user PD only under
 * aspace=shared, which copies the kernel's PDEs). */
static AFILL_TEXT void note(struct afill_scan *s, uint32_t va, uint32_t e, bool large, bool user_pd)
{
    int kind;
    if (is_instr(s, va, large))
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
    const pde_t *d = AFILL_MAP(SLOT_PD, pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++)          /* 4 MiB leaves first */
        if ((d[i] & (PTE_P | PDE_PS | PTE_A)) == (PTE_P | PDE_PS | PTE_A))
            note(s, i << PDE_SHIFT, d[i], true, user_pd);
    const pde_t *o = other ? AFILL_MAP(SLOT_OTHER, other) : NULL;
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if ((d[i] & (PTE_P | PDE_PS)) != PTE_P)
            continue;
        if (o && (o[i] & (PTE_P | PDE_PS)) == PTE_P && PTE_FRAME(o[i]) == PTE_FRAME(d[i]))
            continue;                                      /* counted in `other` */
        const pte_t *t = AFILL_MAP(SLOT_PT, PTE_FRAME(d[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
            if ((t[j] & (PTE_P | PTE_A)) == (PTE_P | PTE_A))
                note(s, (i << PDE_SHIFT) | (j << PAGE_SHIFT), t[j], false, user_pd);
    }
}

AFILL_TEXT void afill_clear(paddr_t pd)
{
    pde_t *d = AFILL_MAP(SLOT_PD, pd);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++) {
        if (!(d[i] & PTE_P))
            continue;
        if (!(d[i] & PDE_PS)) {
            pte_t *t = AFILL_MAP(SLOT_PT, PTE_FRAME(d[i]));
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
#include "fastpath.h"
#include "kevents.h"
#include "proc.h"
#include "uapi/errno.h"
#include "x86.h"

extern char __afill_text_start[], __afill_text_end[], __afill_data_start[], __afill_data_end[];
extern pte_t kernel_window_pts[];   /* boot.asm: the kernel window's two page tables */
extern paddr_t afill_kpd;           /* trampoline/afill.asm, .afill.bss */

void afill_init(void)
{
    afill_kpd = kernel_cr3;
    kernel_window_pts[PTX(AFILL_WINDOW_BASE)] = kernel_virt_to_phys(kernel_window_pts) | PTE_P | PTE_W;
}

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

/* Copy @len bytes to user @va of the PD at @upd through the window, with
 * the user rules of uaccess.c (P, U and W in the PDE and the PTE; SDM Vol.
 * 3A §4.6), counted in kevents like a copy_to_user. 0 or -EFAULT (a part may
 * have been copied). */
static AFILL_TEXT long afill_put(paddr_t upd, uaddr_t va, const void *src, uint32_t len)
{
    const uint32_t need = PTE_P | PTE_U | PTE_W;
    const uint8_t *from = src;
    if (va < USER_BASE || va >= USER_TOP || len > USER_TOP - va)
        return -EFAULT;
    while (len) {
        pde_t pde = ((const pde_t *)AFILL_MAP(SLOT_PD, upd))[PDX(va)];
        if ((pde & need) != need || (pde & PDE_PS))
            return -EFAULT;
        pte_t pte = ((const pte_t *)AFILL_MAP(SLOT_PT, PTE_FRAME(pde)))[PTX(va)];
        if ((pte & need) != need)
            return -EFAULT;
        uint32_t off = va & (PAGE_SIZE - 1), n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        uint8_t *to = (uint8_t *)AFILL_MAP(SLOT_USER, PTE_FRAME(pte)) + off;
        uint32_t c = n;
        __asm__ volatile("cld; rep movsb" : "+D"(to), "+S"(from), "+c"(c) : : "memory");
        kevents_copied(n);
        va += n, len -= n;
    }
    return 0;
}

/*
 * The readout: count the A bits of the active PD and the other one (the
 * kernel's and @upd), copy the counts and the page list to user @out and
 * @pages (0: not copied), clear every A bit. @gate: entered by the gate,
 * which counts the call and its CR3 writes here (after the count: the
 * counters' page is then cleared with the rest). Returns afill()'s result.
 */
static AFILL_TEXT long afill_readout(paddr_t upd, uaddr_t out, uaddr_t pages, bool gate)
{
    uint32_t list[AFILL_LIST_MAX];
    struct afill_scan s;
    uint32_t flags = irq_save();
    paddr_t active = read_cr3() & ~(paddr_t)(PAGE_SIZE - 1), kpd = afill_kpd;
    paddr_t other = active == kpd ? upd : kpd;           /* aspace=shared runs on the user PD */
    afill_scan_init(&s);
    afill_scan_exclude(&s, (uint32_t)(uintptr_t)__afill_text_start, (uint32_t)(uintptr_t)__afill_text_end);
    afill_scan_exclude(&s, (uint32_t)(uintptr_t)__afill_data_start, (uint32_t)(uintptr_t)__afill_data_end);
    afill_scan_exclude(&s, (uint32_t)(uintptr_t)__trampoline_afill_start,
                       (uint32_t)(uintptr_t)__trampoline_afill_end);
    afill_scan_exclude(&s, AFILL_WINDOW_BASE, AFILL_WINDOW_BASE + AFILL_WINDOW_SLOTS * PAGE_SIZE);
    s.list = pages ? list : NULL;
    s.list_max = AFILL_LIST_MAX;
    afill_walk(&s, active, 0, active == upd);
    afill_walk(&s, other, active, other == upd);
    if (gate) {
        kev_syscalls++;
        if (active != upd)
            kev_cr3_writes += 2;                         /* the gate's entry and exit writes */
#if DEBUG_CHECKS
        tramp_fast_check(upd);                           /* the fast path's entry invariants hold here too */
#endif
    }

    struct afill a;
    for (int k = 0; k < AFILL_KINDS; k++)
        a.n[k] = s.n[k];
    a.listed = s.listed;
    long r = 0;
    if (out && afill_put(upd, out, &a, sizeof(a)) < 0)
        r = -EFAULT;
    if (pages && s.listed && afill_put(upd, pages, list, s.listed * sizeof(uint32_t)) < 0)
        r = -EFAULT;

    afill_clear(other);                                  /* last: the copies' pages too */
    afill_clear(active);
    irq_restore(flags);
    if (r < 0)
        return r;
    uint32_t total = 0;
    for (int k = 0; k < AFILL_KINDS; k++)
        total += s.n[k];
    return (long)total;
}

AFILL_TEXT long afill_entry(uint32_t user_cr3, uaddr_t out, uaddr_t pages)
{
    return afill_readout(user_cr3 & ~(uint32_t)(PAGE_SIZE - 1), out, pages, true);
}

AFILL_TEXT long sys_afill(uaddr_t out, uaddr_t pages)
{
    return afill_readout(current->pd, out, pages, false);
}
#endif
