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

/* PAGE_SIZE, PAGE_SHIFT, LARGE_PAGE_SIZE, TRAMPOLINE_BASE/SIZE, the USER_*
 * layout, DIRECT_MAP_BASE and KERNEL_VIRT_BASE: the part a user program may
 * know, shared with src/user and user.ld. */
#include "uapi/layout.h"

#define PDE_SHIFT           22          /* one PDE covers 4 MiB */
/* LARGE_PAGE_SIZE (uapi/layout.h): a PS=1 PDE maps 4 MiB. */
#define TABLE_ENTRIES       1024        /* PDEs per PD, PTEs per PT */

/* Kernel image. Sections are linked at KERNEL_VIRT_BASE and their load
 * addresses (ELF p_paddr) start at KERNEL_LINK_PHYS; GRUB moves the image to a
 * load base of its choosing (multiboot2 relocatable tag) and we map
 * KERNEL_VIRT_BASE to wherever that was. */
#define KERNEL_LINK_PHYS    0x00100000  /* p_paddr of the first byte, before GRUB moves it */
#define KERNEL_VIRT_OFFSET  0xC0000000  /* VMA - LMA of every kernel section */
/* KERNEL_VIRT_BASE (uapi/layout.h): the link address of the image's first
 * byte, KERNEL_LINK_PHYS + KERNEL_VIRT_OFFSET (link/kernel.ld asserts it). */
#define KERNEL_WINDOW_BASE  0xC0000000  /* start of the VA window the boot page tables cover */
#define KERNEL_WINDOW_SIZE  0x00800000  /* 8 MiB = 2 page tables; the image may use 7 MiB of it */
#define KERNEL_MAX_SIZE     0x00700000  /* bytes; link/kernel.ld asserts the image fits */

/* Direct map: physical [0, DIRECT_MAP_SIZE) at DIRECT_MAP_BASE, 4 MiB pages,
 * kernel PD only. RAM above it is not used. */
/* DIRECT_MAP_BASE: uapi/layout.h. */
#define DIRECT_MAP_SIZE     0x40000000  /* 1 GiB */

/* The TLB-fill instrument's window (afill.c): AFILL_WINDOW_SLOTS 4 KiB PTEs
 * at the bottom of the kernel window, below the image, where boot.asm maps
 * nothing. Slot 0 maps the window's own page table (kernel_window_pts[0]);
 * afill.c points the others at page directories, page tables and the user
 * frames it copies out to, so that its reads and writes set the Accessed bit
 * in these PTEs only, never in the direct map's (docs/benchmarking.md). */
#define AFILL_WINDOW_BASE   KERNEL_WINDOW_BASE  /* [C only] */
#define AFILL_WINDOW_SLOTS  8                   /* [C only] */

/* Trampoline window (TRAMPOLINE_BASE, TRAMPOLINE_SIZE: uapi/layout.h). */
#define ENTRY_STACK_SIZE    0x1000      /* one page: TSS.esp0 points at its top */


/* Per-process kernel stack, in the direct map. */
#define KSTACK_SIZE         0x1000      /* bytes */

/* PDE/PTE bits (SDM Vol. 3A §4.3, Tables 4-5 and 4-6); boot.asm builds its
 * page tables with the NASM twins. */
#define PTE_P               0x001       /* present */
#define PTE_W               0x002       /* writable */
#define PTE_U               0x004       /* user (CPL 3) may access */
#define PTE_A               0x020       /* accessed, set by the CPU */
#define PTE_D               0x040       /* dirty, set by the CPU */
#define PDE_PS              0x080       /* 4 MiB page (PDE only, CR4.PSE) */
#define PTE_G               0x100       /* global: kept across CR3 writes when CR4.PGE = 1 */
#define PTE_SHARED          0x200       /* available-to-software bit 9: a shared-memory page (fork shares, not copies) */
/* Software states of a NOT-present user PTE (P = 0: the CPU ignores bits
 * 31:1, SDM Vol. 3A §4.3 Table 4-6). pgtable.h describes the encoding. */
#define PTE_LAZY            0x400       /* bit 10: reserved, no frame yet: the first touch maps a zeroed one */
#define PTE_NONE            0x800       /* bit 11: PROT_NONE: inaccessible; holds its frame unless PTE_LAZY */

/* CR4 bits (SDM Vol. 3A §2.5, Figure 2-7). */
#define CR4_PSE             0x00000010  /* 4 MiB pages in non-PAE paging (boot.asm) */
#define CR4_PGE             0x00000080  /* global pages (paging.c, SDM §4.10.2.4) */

/* CR0 as boot.asm writes it when it turns paging on: every bit explicit, not
 * what the firmware left (Intel SDM Vol. 3A §2.5, Figure 2-7). CD = NW = 0 is
 * the normal, cached mode (§11.5.1, Table 11-5); Bochs and some firmware hand
 * over CD = NW = 1, caching off. MP/EM/TS are desc.c's business (x87 off). */
#define CR0_PE              0x00000001  /* protected mode */
#define CR0_MP              0x00000002  /* monitor coprocessor: desc.c clears it */
#define CR0_EM              0x00000004  /* x87 emulation: desc.c sets it, every x87/MMX instruction faults */
#define CR0_ET              0x00000010  /* extension type: x87 present (fixed 1 since P6) */
#define CR0_NE              0x00000020  /* x87 errors as #MF, not IRQ 13 */
#define CR0_WP              0x00010000  /* ring 0 honours read-only PTEs */
#define CR0_NW              0x20000000  /* not write-through: must be 0 */
#define CR0_CD              0x40000000  /* cache disable: must be 0 */
#define CR0_PG              0x80000000  /* paging */
#define CR0_BOOT            (CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE) /* ktest.c checks it */

#endif /* MEMLAYOUT_H */
