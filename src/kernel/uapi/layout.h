/*
 * layout.h - what a user program may know of its address space, defined once.
 *
 * Included by the kernel's memlayout.h (so the kernel uses these very
 * definitions), by user programs (ulib.h; no user program includes
 * memlayout.h), and by src/user/user.ld, which the build
 * runs through cpp: keep every value a plain integer or a sum the linker
 * understands (no C suffixes, no casts). The NASM twin is memlayout.inc;
 * tools/check-layout.sh compares the two both ways.
 *
 *   0xFFFFFFFF +------------------------+
 *              | trampoline, U=0        |  TRAMPOLINE_BASE = USER_TOP
 *   0xFFF00000 +------------------------+
 *              | guard page (unmapped)  |
 *   0xFFEFF000 +------------------------+  USER_STACK_TOP
 *              | user stack, 16 pages   |
 *              +------------------------+  USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE
 *              | guard (unmapped) ...   |
 *              |   free for map()       |
 *              | heap (brk), .data .bss |
 *   0x00001000 | .text .rodata          |  USER_BASE = USER_LINK_BASE
 *   0x00000000 +------------------------+  page 0: never mapped
 */
#ifndef UAPI_LAYOUT_H
#define UAPI_LAYOUT_H

#define PAGE_SIZE           0x1000      /* bytes in a 4 KiB page (Intel SDM Vol. 3A §4.3) */
#define PAGE_SHIFT          12

/* Trampoline window: mapped in every PD, supervisor-only, so a user access
 * there faults like an unmapped page. */
#define TRAMPOLINE_BASE     0xFFF00000
#define TRAMPOLINE_SIZE     0x00100000  /* 1 MiB, the SHARED region of link/kernel.ld */

#define USER_BASE           0x00001000  /* lowest user VA; page 0 is never mapped */
#define USER_TOP            0xFFF00000  /* one past the highest user VA (= TRAMPOLINE_BASE) */
#define USER_LINK_BASE      0x00001000  /* every module is linked here (src/user/user.ld) */
#define USER_STACK_TOP      0xFFEFF000  /* one guard page separates it from the trampoline */
#define USER_STACK_PAGES    16          /* 64 KiB; the page below is left unmapped as a guard */

/* The kernel's addresses that user programs probe (they must get -EFAULT,
 * a fault, or under aspace=shared a refused map()): the direct map and the
 * kernel image's link address, the bottom of the kernel's PDEs in a shared
 * PD. memlayout.h describes them with the rest of the kernel's layout. */
#define DIRECT_MAP_BASE     0x80000000  /* VA of physical address 0 */
#define KERNEL_VIRT_BASE    0xC0100000  /* link address of the first byte of the kernel image */

/* One PDE's span: a page table's 1024 pages, or one 4 MiB page (PS=1 with
 * CR4.PSE, SDM Vol. 3A §4.3). User programs cross page-table boundaries
 * with it. */
#define LARGE_PAGE_SIZE     0x400000

#endif /* UAPI_LAYOUT_H */
