/*
 * memlayout.h - the memory layout, defined once.
 *
 * NASM twin: memlayout.inc. tools/check-layout.sh compiles a static assertion
 * for every %define there against the #define of the same name here, so the
 * two cannot drift (the build runs it before anything else).
 *
 * Kernel address space (kernel CR3)      User address space (one per process)
 *
 * 0xFFFFFFFF +---------------------+     +---------------------+
 *            | trampoline (1 MiB)  | <-> | trampoline, U=0     |  same frames
 * 0xFFF00000 +---------------------+     +---------------------+  TRAMPOLINE_BASE
 *            |                     |     | guard page          |
 *            |                     |     +---------------------+  USER_STACK_TOP
 *            |                     |     | user stack          |
 *            |    (unmapped)       |     +---------------------+
 *            |                     |     | guard (unmapped)    |
 *            |                     |     |        ...          |
 * 0xC0800000 +---------------------+     |                     |
 *            | kernel image        |     |   free for map()    |
 * 0xC0100000 | (link addresses)    |     |                     |
 * 0xC0000000 +---------------------+     |                     |
 *            | direct map of RAM   |     |                     |
 *            | phys 0 .. 1 GiB     |     |                     |
 * 0x80000000 +---------------------+     |                     |
 *            |                     |     | heap (brk)          |
 *            |    (unmapped)       |     | .data .bss          |
 *            |                     |     | .text .rodata       |
 * 0x00001000 |                     |     +---------------------+  USER_BASE
 * 0x00000000 +---------------------+     +---------------------+  never mapped
 *
 * Only the trampoline window is present in both. Everything the CPU touches
 * while the user CR3 is still loaded (IDT, GDT, TSS, entry stack, entry code)
 * lives there; see docs/memory-layout.md and docs/trampoline.md.
 */
#ifndef MEMLAYOUT_H
#define MEMLAYOUT_H

#define PAGE_SIZE           0x1000      /* bytes in a 4 KiB page (Intel SDM Vol. 3A §4.3) */
#define PAGE_SHIFT          12
#define PDE_SHIFT           22          /* one PDE covers 4 MiB */
#define LARGE_PAGE_SIZE     0x400000    /* a PS=1 PDE maps 4 MiB (CR4.PSE, SDM Vol. 3A §4.3) */
#define TABLE_ENTRIES       1024        /* PDEs per PD, PTEs per PT */

/* Kernel image. Sections are linked at KERNEL_VIRT_BASE and their load
 * addresses (ELF p_paddr) start at KERNEL_LINK_PHYS; GRUB moves the image to a
 * load base of its choosing (multiboot2 relocatable tag) and we map
 * KERNEL_VIRT_BASE to wherever that was. */
#define KERNEL_LINK_PHYS    0x00100000  /* p_paddr of the first byte, before GRUB moves it */
#define KERNEL_VIRT_OFFSET  0xC0000000  /* VMA - LMA of every kernel section */
#define KERNEL_VIRT_BASE    0xC0100000  /* link address of the first byte of the image */
#define KERNEL_WINDOW_BASE  0xC0000000  /* start of the VA window the boot page tables cover */
#define KERNEL_WINDOW_SIZE  0x00800000  /* 8 MiB = 2 page tables; the image may use 7 MiB of it */
#define KERNEL_MAX_SIZE     0x00700000  /* bytes; link/kernel.ld asserts the image fits */

/* Direct map: physical [0, DIRECT_MAP_SIZE) at DIRECT_MAP_BASE, 4 MiB pages,
 * kernel PD only. RAM above it is not used. */
#define DIRECT_MAP_BASE     0x80000000
#define DIRECT_MAP_SIZE     0x40000000  /* 1 GiB */

/* Trampoline window: mapped in every PD, supervisor-only. */
#define TRAMPOLINE_BASE     0xFFF00000
#define TRAMPOLINE_SIZE     0x00100000  /* 1 MiB, the SHARED region of link/kernel.ld */
#define ENTRY_STACK_SIZE    0x1000      /* one page: TSS.esp0 points at its top */

/* User address space. */
#define USER_BASE           0x00001000  /* lowest user VA; page 0 is never mapped */
#define USER_TOP            0xFFF00000  /* one past the highest user VA (= TRAMPOLINE_BASE) */
#define USER_LINK_BASE      0x00001000  /* every module is linked here (src/user/user.ld) */
#define USER_STACK_TOP      0xFFEFF000  /* one guard page separates it from the trampoline */
#define USER_STACK_PAGES    16          /* 64 KiB; the page below is left unmapped as a guard */

/* Per-process kernel stack, in the direct map. */
#define KSTACK_SIZE         0x1000      /* bytes */

/* CR0 as boot.asm writes it when it turns paging on: every bit explicit, not
 * what the firmware left (Intel SDM Vol. 3A §2.5, Figure 2-7). CD = NW = 0 is
 * the normal, cached mode (§11.5.1, Table 11-5); Bochs and some firmware hand
 * over CD = NW = 1, caching off. MP/EM/TS are desc.c's business (x87 off). */
#define CR0_PE              0x00000001  /* protected mode */
#define CR0_ET              0x00000010  /* extension type: x87 present (fixed 1 since P6) */
#define CR0_NE              0x00000020  /* x87 errors as #MF, not IRQ 13 */
#define CR0_WP              0x00010000  /* ring 0 honours read-only PTEs */
#define CR0_NW              0x20000000  /* not write-through: must be 0 */
#define CR0_CD              0x40000000  /* cache disable: must be 0 */
#define CR0_PG              0x80000000  /* paging */
#define CR0_BOOT            (CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE) /* ktest.c checks it */

#endif /* MEMLAYOUT_H */
