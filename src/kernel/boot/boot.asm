; boot.asm - first instructions after GRUB: find the load base, build the
; boot page tables, turn paging on, jump to the kernel's link addresses.
;
; Entry state (multiboot2 spec §3.3, "I386 machine state"): EAX = 0x36D76289,
; EBX = physical address of the boot information (MBI), protected mode, paging
; off, flat CS/DS/SS, IF = 0, ESP undefined (so no stack until we make one).
;
; This code runs at whatever physical address GRUB chose, not at its link
; address, and GRUB applied no relocations: it is position independent. It
; never jumps or calls to an absolute address of its own, and it turns every
; link address X it needs into a physical one as
;       phys(X) = load_base + (X - KERNEL_VIRT_BASE)
; (valid for every kernel section: link/kernel.ld keeps VMA - LMA constant).
;
; C-visible contract: calls kmain(mbi_phys, load_base) on the boot stack at
; its link address, with paging on and the kernel PD (kernel_pd) in CR3:
;   [esp+4] = MBI physical address, [esp+8] = load base (bytes).
; Stack layout before the call: boot_stack_top - 8 = mbi_phys, -4 = load_base.
;
; Boot page tables (they become the kernel page directory):
;   PDE[load_base >> 22] and the next: identity, 4 MiB pages (removed in C)
;   PDE[512..767]: direct map of physical 0..1 GiB, 4 MiB pages
;   PDE[768..769]: kernel window, 4 KiB pages from kernel_window_pts
;                  (VA KERNEL_VIRT_BASE + k*4K -> load_base + k*4K)

%include "memlayout.inc"     ; PTE_P, PTE_W, PDE_PS, CR4_PSE, CR0_BOOT, the layout
%include "boot/multiboot2.inc"    ; MB2_BOOTLOADER_MAGIC, MB2_TAG_*
%include "x86/platform.inc"      ; COM1, DEBUGCON

extern kmain
extern __bss_start, __bss_end, __kernel_image_end_lma
global _start, kernel_pd, kernel_window_pts, boot_stack_top, boot_high

; EARLY_FAIL "text": print text on port 0xE9 and COM1 without touching
; memory or the stack, then halt forever. Used before anything else works.
%macro EARLY_FAIL 1
    %strlen %%len %1
    %assign %%i 1
    %rep %%len
        %substr %%c %1 %%i
        mov al, %%c
        out DEBUGCON, al
        mov dx, COM1
        out dx, al
        %assign %%i %%i+1
    %endrep
%%halt:
    cli
    hlt
    jmp %%halt
%endmacro

; PHYS reg, symbol: reg = physical address of symbol (needs EBP = load base).
%macro PHYS 2
    mov %1, %2 - KERNEL_VIRT_BASE
    add %1, ebp
%endmacro

section .boot.text progbits alloc exec nowrite align=16
_start:
    cli
    cld
    cmp eax, MB2_BOOTLOADER_MAGIC
    je .magic_ok
    EARLY_FAIL `boot: not started by a multiboot2 loader (bad EAX)\n`
.magic_ok:
    mov esi, ebx                    ; ESI = MBI physical address, kept to kmain

    ; Walk the MBI tags (spec §3.6.1: u32 total_size, u32 reserved, then tags
    ; padded to 8 bytes) for the load base address tag (§3.6.23).
    lea edx, [ebx + 8]
    mov ecx, [ebx]
    add ecx, ebx                    ; ECX = end of the MBI
.next_tag:
    lea eax, [edx + 8]
    cmp eax, ecx
    ja .no_load_base                ; tag header would run past the end
    movzx eax, word [edx]
    cmp eax, MB2_TAG_END
    je .no_load_base
    cmp eax, MB2_TAG_LOAD_BASE
    je .found_load_base
    mov eax, [edx + 4]              ; tag size
    cmp eax, 8
    jb .no_load_base                ; malformed: would loop forever
    add eax, 7
    and eax, ~7
    add edx, eax
    jmp .next_tag
.no_load_base:
    EARLY_FAIL `boot: no multiboot2 load base tag (21); GRUB 2.04 or later is required\n`

.found_load_base:
    mov ebp, [edx + 8]              ; EBP = load base, from now on
    test ebp, PAGE_SIZE - 1
    jz .aligned
    EARLY_FAIL `boot: load base is not page aligned\n`
.aligned:
    ; Zero .bss (page tables, boot stack, kernel globals).
    PHYS edi, __bss_start
    mov ecx, __bss_end
    sub ecx, __bss_start
    shr ecx, 2
    xor eax, eax
    rep stosd

    PHYS esp, boot_stack_top

    ; Cross-check: locate ourselves and compare with the tag.
    call .here
.here:
    pop eax
    sub eax, .here - KERNEL_VIRT_BASE
    cmp eax, ebp
    je .base_ok
    EARLY_FAIL `boot: self-located base differs from the load base tag\n`
.base_ok:
    PHYS edi, kernel_pd

    ; Identity map the 8 MiB around the load base so the instructions after
    ; `mov cr0` still have a mapping (removed once we run high).
    mov eax, ebp
    shr eax, PDE_SHIFT
    mov ebx, eax
    shl ebx, PDE_SHIFT
    or ebx, PTE_P | PTE_W | PDE_PS
    mov [edi + eax * 4], ebx
    add ebx, LARGE_PAGE_SIZE
    mov [edi + eax * 4 + 4], ebx

    ; Direct map: PDE[DIRECT_MAP_BASE >> 22 ...] -> physical 0, 4 MiB, ...
    lea edx, [edi + (DIRECT_MAP_BASE >> PDE_SHIFT) * 4]
    mov ebx, PTE_P | PTE_W | PDE_PS
    mov ecx, DIRECT_MAP_SIZE >> PDE_SHIFT
.direct_map:
    mov [edx], ebx
    add edx, 4
    add ebx, LARGE_PAGE_SIZE
    loop .direct_map

    ; Kernel window: two page tables, the image's pages at their link VAs.
    PHYS ebx, kernel_window_pts
    lea edx, [edi + (KERNEL_WINDOW_BASE >> PDE_SHIFT) * 4]
    mov ecx, KERNEL_WINDOW_SIZE >> PDE_SHIFT
.window_pdes:
    lea eax, [ebx + (PTE_P | PTE_W)]
    mov [edx], eax
    add edx, 4
    add ebx, PAGE_SIZE
    loop .window_pdes

    PHYS edx, kernel_window_pts
    add edx, ((KERNEL_VIRT_BASE - KERNEL_WINDOW_BASE) >> PAGE_SHIFT) * 4
    mov ecx, __kernel_image_end_lma - KERNEL_LINK_PHYS + PAGE_SIZE - 1
    shr ecx, PAGE_SHIFT             ; ECX = pages in the image
    lea ebx, [ebp + (PTE_P | PTE_W)]
.window_ptes:
    mov [edx], ebx
    add edx, 4
    add ebx, PAGE_SIZE
    loop .window_ptes

    call bochsbreak_paging          ; `bochsbreak=paging`: stop in Bochs right here (boot_bochs.inc)
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    mov cr3, edi
    ; CR0 gets one explicit value (memlayout.inc CR0_BOOT), not the firmware's
    ; bits ORed with ours: CD = NW = 0 turns caching on (Intel SDM Vol. 3A
    ; §11.5.1, Table 11-5; Bochs starts us with CD = NW = 1). CD = 0 with
    ; NW = 1 is invalid (#GP, §2.5), so both clear in the same write. WBINVD
    ; first: with NW = 1 the caches may hold lines memory never saw (§11.5.3
    ; flushes the same way before a cache-mode change).
    wbinvd
    mov eax, CR0_BOOT
    mov cr0, eax
    mov eax, boot_high              ; absolute: the link address
    jmp eax

; The Bochs magic breakpoint before paging (bochsbreak=paging), here in
; .boot.text, position independent like the rest.
%include "debug/boot_bochs.inc"        ; bochsbreak_paging

; Now at link addresses. ESI = MBI physical, EBP = load base. boot_high stays
; in .boot.text (the kernel window maps .boot too): NASM gives a source file
; one DWARF CU whose range is its first section, so code of boot.asm in a
; second section is in the line table but outside the CU, and GDB floods
; "pc ... in read in CU, but not in symtab" at every stop there.
boot_high:
    mov esp, boot_stack_top
    push 0x2
    popfd                           ; clean EFLAGS: IF = 0, DF = 0
    push ebp
    push esi
    xor ebp, ebp                    ; terminate frame-pointer backtraces
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .bss nobits alloc noexec write align=4096
kernel_pd:          resb PAGE_SIZE
kernel_window_pts:  resb PAGE_SIZE * (KERNEL_WINDOW_SIZE >> PDE_SHIFT)
boot_stack:         resb 4 * PAGE_SIZE
boot_stack_top:
