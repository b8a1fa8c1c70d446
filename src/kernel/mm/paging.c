/*
 * paging.c - the kernel page directory and the trampoline mapping.
 *
 * boot.asm left kernel_pd with an identity map around the load base, the
 * direct map (4 MiB pages) and the kernel window (4 KiB pages). Here we:
 *   - map the trampoline window (TRAMPOLINE_BASE) to the trampoline's frames
 *     inside the loaded image, supervisor-only;
 *   - remove the identity map, so VA 0 and everything below the direct map
 *     is unmapped in the kernel too;
 *   - make kernel text and rodata read-only (CR0.WP is on).
 * User PDs get a private page table for the last PDE with exactly the
 * trampoline PTEs (tramp_user_ptes) and nothing else of the kernel.
 */
#include "bench/afill.h"
#include "defs.h"
#include "bench/kevents.h"       /* write_cr3: counted */
#include "lib/kstring.h"
#include "memlayout.h"
#include "uapi/errno.h"
#include "x86/x86.h"


enum aspace_mode aspace_mode = ASPACE_SPLIT;
const char *const aspace_names[3] = { "split", "split-global", "shared" };
paddr_t kernel_cr3;
paddr_t kernel_load_base;
paddr_t kernel_image_end;

/* aspace=shared: the kernel PDEs copied into every user PD (direct map and
 * kernel window); the trampoline's PDE stays per-process. */
#define SHARED_PDE_FIRST PDX(DIRECT_MAP_BASE)
#define SHARED_PDE_END   PDX(KERNEL_WINDOW_BASE + KERNEL_WINDOW_SIZE)

static pte_t tramp_pt[TABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t tramp_user_ptes[TRAMPOLINE_SIZE / PAGE_SIZE];
static uint32_t tramp_npages;

KERNEL_HOT_TEXT void *phys_to_virt(paddr_t pa)
{
    if (pa >= DIRECT_MAP_SIZE)
        panic("phys_to_virt: %p is beyond the direct map", (void *)pa);
    return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

paddr_t kernel_virt_to_phys(const void *va)
{
    uint32_t v = (uint32_t)(uintptr_t)va;
    if (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
        return v - DIRECT_MAP_BASE;
    if (v >= KERNEL_VIRT_BASE && v < KERNEL_VIRT_BASE + KERNEL_MAX_SIZE)
        return kernel_load_base + (v - KERNEL_VIRT_BASE);
    if (v >= TRAMPOLINE_BASE)
        return PTE_FRAME(tramp_pt[PTX(v)]) | (v & (PAGE_SIZE - 1));
    panic("kernel_virt_to_phys: %p is not a kernel address", va);
}

static void map_trampoline(void)
{
    paddr_t first = kernel_load_base + ((uint32_t)(uintptr_t)__trampoline_lma_start - KERNEL_LINK_PHYS);
    tramp_npages = ((uintptr_t)__trampoline_end - TRAMPOLINE_BASE) / PAGE_SIZE;
    uint32_t global = aspace_mode == ASPACE_SPLIT_GLOBAL ? PTE_G : 0;
    for (uint32_t i = 0; i < tramp_npages; i++) {
        uint32_t va = TRAMPOLINE_BASE + i * PAGE_SIZE;
        /* code: the trampoline text and the TLB-fill instrument's gate */
        bool text = va < (uintptr_t)__trampoline_text_end || va >= (uintptr_t)__trampoline_afill_start;
        bool stack = !text && va >= (uintptr_t)__trampoline_data_end;
        paddr_t pa = first + i * PAGE_SIZE;
        /* Kernel: the tables and the entry stack are written by the kernel. */
        tramp_pt[PTX(va)] = pa | PTE_P | (text ? 0 : PTE_W) | global;
        /* User PDs (split): only the entry stack is writable (the CPU pushes
         * the trap frame there while the user CR3 is loaded). With Global
         * PTEs one TLB entry serves both PDs, and under aspace=shared the
         * kernel runs on the user PD: then the user PD has the kernel's. */
        tramp_user_ptes[i] = aspace_mode == ASPACE_SPLIT ? (pa | PTE_P | (stack ? PTE_W : 0)) : tramp_pt[PTX(va)];
    }
    kernel_pd[PDX(TRAMPOLINE_BASE)] = kernel_virt_to_phys(tramp_pt) | PTE_P | PTE_W;
}

static void protect_kernel_text(void)
{
    pte_t *window = (pte_t *)phys_to_virt(PTE_FRAME(kernel_pd[PDX(KERNEL_WINDOW_BASE)]));
    for (uint32_t va = KERNEL_VIRT_BASE; va < (uintptr_t)__data_start; va += PAGE_SIZE)
        window[(va - KERNEL_WINDOW_BASE) >> PAGE_SHIFT] &= ~PTE_W;
}

void paging_init(paddr_t load_base)
{
    kernel_load_base = load_base;
    kernel_image_end = load_base + ((uint32_t)(uintptr_t)__kernel_image_end_lma - KERNEL_LINK_PHYS);
    kernel_cr3 = kernel_virt_to_phys(kernel_pd);
    map_trampoline();
    for (uint32_t i = 0; i < PDX(DIRECT_MAP_BASE); i++)
        kernel_pd[i] = 0; /* the identity map of boot.asm */
    protect_kernel_text();
    if (aspace_mode == ASPACE_SPLIT_GLOBAL)
        write_cr4(read_cr4() | CR4_PGE); /* Global pages (SDM Vol. 3A §4.10.2.4) */
    tramp_switches_cr3 = aspace_mode != ASPACE_SHARED;
    afill_init();
    write_cr3(kernel_cr3);
}

long paging_new_user_pd(paddr_t *pd_out)
{
    paddr_t pd, pt;
    if (frame_alloc(&kernel_frames, &pd) < 0)
        return -ENOMEM;
    if (frame_alloc(&kernel_frames, &pt) < 0) {
        frame_free(&kernel_frames, pd);
        return -ENOMEM;
    }
    frame_zero(pd);
    frame_zero(pt);
    pte_t *ptes = phys_to_virt(pt);
    memcpy(&ptes[PTX(TRAMPOLINE_BASE)], tramp_user_ptes, tramp_npages * sizeof(pte_t));
    /* U=1 here because user pages (the stack) share this 4 MiB; the
     * trampoline PTEs themselves have U=0, which wins (SDM Vol. 3A §4.6.1). */
    ((pde_t *)phys_to_virt(pd))[PDX(TRAMPOLINE_BASE)] = pt | PTE_P | PTE_W | PTE_U;
    if (aspace_mode == ASPACE_SHARED) /* the kernel's direct map and image, supervisor-only */
        memcpy((pde_t *)phys_to_virt(pd) + SHARED_PDE_FIRST, &kernel_pd[SHARED_PDE_FIRST],
               (SHARED_PDE_END - SHARED_PDE_FIRST) * sizeof(pde_t));
    *pd_out = pd;
    return 0;
}

static void audit_report(void *ctx, uint32_t va, uint32_t entry, const char *what)
{
    kprintf("AUDIT FAIL %s: va %p entry %p: %s\n", (const char *)ctx, (void *)va, (void *)entry, what);
}

uint32_t paging_audit_user(paddr_t pd, const char *name)
{
    struct uvm_audit_rules rules = {
        .tramp_ptes = tramp_user_ptes,
        .tramp_npages = tramp_npages,
        .kernel_start = kernel_load_base,
        .kernel_end = kernel_image_end,
        .shared_pdes = aspace_mode == ASPACE_SHARED ? kernel_pd : NULL,
        .shared_first = SHARED_PDE_FIRST,
        .shared_end = SHARED_PDE_END,
    };
    return uvm_audit(pd, &rules, audit_report, (void *)name);
}

uint32_t paging_audit_kernel(void)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < PDX(DIRECT_MAP_BASE); i++)
        if (kernel_pd[i] & PTE_P) {
            kprintf("AUDIT FAIL kernel: PDE %u present below the direct map\n", i);
            bad++;
        }
    return bad;
}

uint32_t tramp_checksum(void)
{
    /* FNV-1a over the GDT, IDT and TSS: the kernel compares it before and
     * after the user programs ran. */
    const uint8_t *parts[] = { (const uint8_t *)tramp_gdt, (const uint8_t *)tramp_idt, tramp_tss };
    const size_t sizes[] = { sizeof(tramp_gdt), sizeof(tramp_idt), sizeof(tramp_tss) };
    uint32_t h = 2166136261u;
    for (size_t p = 0; p < ARRAY_SIZE(parts); p++)
        for (size_t i = 0; i < sizes[p]; i++)
            h = (h ^ parts[p][i]) * 16777619u;
    return h;
}
