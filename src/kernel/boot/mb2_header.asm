; mb2_header.asm - the multiboot2 header (multiboot2 spec §3.1).
;
; Contract: none visible to C. link/kernel.ld puts .multiboot2 first in the
; image, inside the first 32 KiB and 8-byte aligned, as §3.1.1 requires.
; Every tag is 8-byte aligned (§3.1.3).
;
; The relocatable tag (type 10, §3.1.13) lets GRUB place the image anywhere in
; [RELOC_MIN_ADDR, RELOC_MAX_ADDR] on a RELOC_ALIGN boundary, searching from the
; low or the high end (RELOC_PREFERENCE 1 or 2; 0 = no preference). The
; Makefile overrides these with -D to build the relocation test variants.

%include "memlayout.inc"

%ifndef RELOC_MIN_ADDR
%define RELOC_MIN_ADDR   0x00100000
%endif
%ifndef RELOC_MAX_ADDR
%define RELOC_MAX_ADDR   DIRECT_MAP_SIZE    ; the kernel must stay inside the direct map
%endif
%ifndef RELOC_ALIGN
%define RELOC_ALIGN      PAGE_SIZE
%endif
%ifndef RELOC_PREFERENCE
%define RELOC_PREFERENCE 1                  ; lowest possible address
%endif

%include "boot/multiboot2.inc"    ; MB2_HEADER_MAGIC, MB2_ARCH_I386, MB2_HTAG_*, MB2_TAG_*

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_HEADER_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    ; Information request (§3.1.4): flags = 0 means GRUB must supply these
    ; tags or refuse to boot us.
    align 8, db 0
.info_request:
    dw MB2_HTAG_INFO_REQ, 0
    dd .info_request_end - .info_request
    dd MB2_TAG_CMDLINE, MB2_TAG_MODULE, MB2_TAG_MMAP, MB2_TAG_LOAD_BASE
.info_request_end:

    align 8, db 0
.relocatable:
    dw MB2_HTAG_RELOCATABLE, 0
    dd 24
    dd RELOC_MIN_ADDR
    dd RELOC_MAX_ADDR
    dd RELOC_ALIGN
    dd RELOC_PREFERENCE

    align 8, db 0
    dw MB2_HTAG_END, 0
    dd 8
mb2_header_end:
