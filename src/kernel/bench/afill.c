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
#include "bench/afill.h"
#include "memlayout.h"
#include "mm/pgtable.h"

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

/* A page table private to its PD whose PDE has no A bit: not walked
 * through since the last afill_clear(). The CPU sets the PDE's A whenever
 * it uses the PDE to translate (SDM Vol. 3A §4.8), so none of the table's
 * PTEs got an A bit, and afill_clear() left none: the walk and the clear
 * skip it. User tables (U in the PDE) are private (paging_new_user_pd, pt_slot,
 * uvm_clone each allocate their own); the kernel PD's own tables are too,
 * except under aspace=shared, which shares them into every user PD, whose
 * copy of the PDE may be the one the CPU marked (@parts without
 * AFILL_PRIVATE_KERNEL: walked whole). The kernel writes no PTE with A
 * set. Relies on a walk through the PDE setting its A: true under QEMU
 * TCG, which caches no paging-structure entries, and on hardware once a
 * CR3 write has flushed the PDE caches (SDM Vol. 3A §4.10.3, §4.10.4.1),
 * as the measured call's does. */
static AFILL_TEXT bool untouched_table(pde_t e, unsigned parts)
{
    return !(e & PTE_A) && ((e & PTE_U) || (parts & AFILL_PRIVATE_KERNEL));
}

/* The part (AFILL_PART_*) PDE @i (@e) belongs to: a user page table, but
 * not the one that also holds the trampoline (an interrupt taken under
 * aspace=shared walks it), is AFILL_PART_USER; the rest (4 MiB leaves,
 * supervisor tables, the trampoline's) AFILL_PART_KERNEL. */
static AFILL_TEXT unsigned part_of(uint32_t i, pde_t e)
{
    return (e & (PTE_U | PDE_PS)) == PTE_U && i != PDX(TRAMPOLINE_BASE) ? AFILL_PART_USER : AFILL_PART_KERNEL;
}

/* The PDEs the kernel PD uses: the direct map and the kernel window, then
 * the trampoline's (paging.c; afill_init checks it maps nothing else). A
 * user PD's user tables lie below the trampoline's. The kernel part is
 * looked for in these alone, so that it costs the same however the user
 * PD looks. */
#define KPDE_FIRST PDX(DIRECT_MAP_BASE)
#define KPDE_END   PDX(KERNEL_WINDOW_BASE + KERNEL_WINDOW_SIZE)
#define TPDE       PDX(TRAMPOLINE_BASE)
_Static_assert(KPDE_FIRST < KPDE_END && KPDE_END <= TPDE && TPDE == TABLE_ENTRIES - 1,
               "the kernel's PDEs: the direct map and the window, below the trampoline's, the last");

/* Page-table entries looked at together: most have no A bit, and one OR of
 * eight entries tells (about 2.5 instructions an entry instead of 7; the
 * kernel part's tables are walked with interrupts off). */
#define SCAN_GROUP 8
_Static_assert(TABLE_ENTRIES % SCAN_GROUP == 0, "a table is whole groups");
static AFILL_TEXT inline pte_t group_or(const pte_t *t)
{
    return t[0] | t[1] | t[2] | t[3] | t[4] | t[5] | t[6] | t[7];
}

/* The table of PDE @i (@e) of @d if it is one of @parts to walk: present,
 * not a 4 MiB leaf, not an untouched private table. */
static AFILL_TEXT bool walk_table(uint32_t i, pde_t e, unsigned parts)
{
    return (e & (PTE_P | PDE_PS)) == PTE_P && !untouched_table(e, parts) && (part_of(i, e) & parts);
}

static AFILL_TEXT void walk_tables(struct afill_scan *s, const pde_t *d, const pde_t *o, bool user_pd,
                                   uint32_t lo, uint32_t hi, unsigned parts, afill_between_fn between)
{
    for (uint32_t i = lo; i < hi; i++) {
        if (!walk_table(i, d[i], parts))
            continue;
        if (o && (o[i] & (PTE_P | PDE_PS)) == PTE_P && PTE_FRAME(o[i]) == PTE_FRAME(d[i]))
            continue;                                      /* counted in `other` */
        const pte_t *t = AFILL_MAP(SLOT_PT, PTE_FRAME(d[i]));
        for (uint32_t j = 0; j < TABLE_ENTRIES; j += SCAN_GROUP) {
            if (!(group_or(t + j) & PTE_A))
                continue;
            for (uint32_t k = j; k < j + SCAN_GROUP; k++)
                if ((t[k] & (PTE_P | PTE_A)) == (PTE_P | PTE_A))
                    note(s, (i << PDE_SHIFT) | (k << PAGE_SHIFT), t[k], false, user_pd);
        }
        if (between && part_of(i, d[i]) == AFILL_PART_USER)
            between();                                     /* an interrupt touches no user table */
    }
}

AFILL_TEXT void afill_walk_part(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd,
                                unsigned parts, afill_between_fn between)
{
    const pde_t *d = AFILL_MAP(SLOT_PD, pd);
    const pde_t *o = other ? AFILL_MAP(SLOT_OTHER, other) : NULL;
    if (parts & AFILL_PART_KERNEL) {
        for (uint32_t i = KPDE_FIRST; i < KPDE_END; i++)  /* 4 MiB leaves first */
            if ((d[i] & (PTE_P | PDE_PS | PTE_A)) == (PTE_P | PDE_PS | PTE_A))
                note(s, i << PDE_SHIFT, d[i], true, user_pd);
        walk_tables(s, d, o, user_pd, KPDE_FIRST, KPDE_END, parts & ~AFILL_PART_USER, NULL);
    }
    if (parts & AFILL_PART_USER)
        walk_tables(s, d, o, user_pd, 0, TPDE, parts & ~AFILL_PART_KERNEL, between);
    if (parts & AFILL_PART_KERNEL)
        walk_tables(s, d, o, user_pd, TPDE, TABLE_ENTRIES, parts & ~AFILL_PART_USER, NULL);
}

AFILL_TEXT void afill_walk(struct afill_scan *s, paddr_t pd, paddr_t other, bool user_pd)
{
    afill_walk_part(s, pd, other, user_pd, AFILL_PART_ALL, NULL);
}

static AFILL_TEXT void clear_range(pde_t *d, uint32_t lo, uint32_t hi, unsigned parts, afill_between_fn between)
{
    for (uint32_t i = lo; i < hi; i++) {
        if (!(d[i] & PTE_P) || !(part_of(i, d[i]) & parts))
            continue;
        if (walk_table(i, d[i], parts)) {
            pte_t *t = AFILL_MAP(SLOT_PT, PTE_FRAME(d[i]));
            for (uint32_t j = 0; j < TABLE_ENTRIES; j += SCAN_GROUP) {
                if (!(group_or(t + j) & PTE_A))
                    continue;
                for (uint32_t k = j; k < j + SCAN_GROUP; k++)
                    if (t[k] & PTE_A)
                        t[k] &= ~(pte_t)PTE_A;
            }
            if (d[i] & PTE_A)
                d[i] &= ~(pde_t)PTE_A;
            if (between && part_of(i, d[i]) == AFILL_PART_USER)
                between();
        } else if (d[i] & PTE_A) {
            d[i] &= ~(pde_t)PTE_A;
        }
    }
}

AFILL_TEXT void afill_clear_part(paddr_t pd, unsigned parts, afill_between_fn between)
{
    pde_t *d = AFILL_MAP(SLOT_PD, pd);
    if (parts & AFILL_PART_USER)
        clear_range(d, 0, TPDE, parts & ~AFILL_PART_KERNEL, between);
    if (parts & AFILL_PART_KERNEL) {
        clear_range(d, KPDE_FIRST, KPDE_END, parts & ~AFILL_PART_USER, NULL);
        clear_range(d, TPDE, TABLE_ENTRIES, parts & ~AFILL_PART_USER, NULL);
    }
}

AFILL_TEXT void afill_clear(paddr_t pd)
{
    afill_clear_part(pd, AFILL_PART_ALL, NULL);
}

#ifndef HOST_TEST
#include "defs.h"
#include "entry/fastpath.h"
#include "bench/kevents.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "uapi/errno.h"
#include "x86/x86.h"

extern char __afill_text_start[], __afill_text_end[], __afill_data_start[], __afill_data_end[];
extern pte_t kernel_window_pts[];   /* boot.asm: the kernel window's two page tables */
extern paddr_t afill_kpd;           /* trampoline/afill.asm, .afill.bss */

void afill_init(void)
{
    const pde_t *kpd = phys_to_virt(kernel_cr3);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
        if ((kpd[i] & PTE_P) && (i < KPDE_FIRST || i >= KPDE_END) && i != TPDE)
            panic("afill: the kernel PD maps PDE %u, outside the PDEs the readout walks", i);
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

/* Between two user tables of a readout: an interrupt window (preempt.c),
 * on the process's kernel stack or the gate's; never a switch. What the
 * interrupt touches is kernel-side: counted before, cleared after. */
static AFILL_TEXT void afill_window(void)
{
    preempt_window();
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
    /* The kernel part first, with interrupts off throughout; then the user
     * tables, with a window after each (an interrupt sets A in no user
     * table: counts stay exact), so the time with interrupts off does not
     * grow with the tables the process used. */
    unsigned kpart = AFILL_PART_KERNEL | (active == upd ? 0 : AFILL_PRIVATE_KERNEL);
    afill_walk_part(&s, active, 0, active == upd, kpart, NULL);
    afill_walk_part(&s, other, active, other == upd, kpart, NULL);
    afill_walk_part(&s, upd, 0, true, AFILL_PART_USER, afill_window);
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

    afill_clear_part(upd, AFILL_PART_USER, afill_window);
    afill_clear_part(other, kpart, NULL);                /* last: the copies' and the interrupts' pages too */
    afill_clear_part(active, kpart, NULL);
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
