/*
 * trapframe.h - segment selectors, IDT vectors and the trap frame.
 *
 * NASM twin: trapframe.inc (checked by tools/check-layout.sh). The trampoline
 * builds this frame on the entry stack, where it stays until its process
 * gives up the CPU; then it moves, whole, to the top of the process's kernel
 * stack (docs/trampoline.md has the picture).
 */
#ifndef TRAPFRAME_H
#define TRAPFRAME_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/syscall.h"   /* RING_TRIP_VECTOR, SYSENTER_RING_TRIP [own pair]: layout-syscall checks it */

/* GDT selectors (index << 3 | RPL); the GDT itself is in the trampoline. */
#define KERNEL_CS           0x08
#define KERNEL_DS           0x10
#define USER_CS             0x1B
#define USER_DS             0x23
#define TSS_SEL             0x28
#define GDT_ENTRIES         6

#define SYSCALL_VECTOR      0x80        /* int 0x80: a DPL 3 gate */
/* RING_TRIP_VECTOR (0x81, uapi/syscall.h) is another DPL 3 gate: its stub
 * only irets (the benchmark's calibration ring trip). AFILL_VECTOR (0x83,
 * uapi/syscall.h), the third, is the TLB-fill instrument's (afill.asm). */
#define SYSENTER_VECTOR     0x100       /* not an IDT vector: marks a frame built by the sysenter path */
#define IDT_VECTORS         256

/* SYSENTER's MSRs (SDM Vol. 3A §5.8.7, Vol. 4 Table 2-2): desc.c writes
 * them once; test_hostile checks that ring 3 cannot. */
#define MSR_SYSENTER_CS     0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176

/* Exception vectors (Intel SDM Vol. 3A §6.3.1, Table 6-1). */
#define VEC_DE  0   /* divide error [C only] */
#define VEC_DB  1  /* [C only] */
#define VEC_NMI 2  /* [C only] */
#define VEC_BP  3  /* [C only] */
#define VEC_UD  6   /* invalid opcode [C only] */
#define VEC_NM  7  /* [C only] */
#define VEC_DF  8  /* [C only] */
#define VEC_TS  10  /* [C only] */
#define VEC_NP  11  /* [C only] */
#define VEC_SS  12  /* [C only] */
#define VEC_GP  13  /* general protection [C only] */
#define VEC_PF  14  /* page fault; CR2 holds the linear address [C only] */
#define VEC_AC  17  /* [C only] */
#define IRQ_BASE 0x20 /* the 8259 PICs are remapped here [C only] */

/* #PF error code bits (SDM Vol. 3A §4.7). */
#define PF_ERR_P    0x1     /* 0 = not present, 1 = protection violation [C only] */
#define PF_ERR_W    0x2     /* write access [C only] */
#define PF_ERR_U    0x4     /* CPL 3 [C only] */
#define PF_ERR_I    0x10    /* instruction fetch (only with NX, unused here) [C only] */

/* Register state at a trap, as laid out on the stack. user_esp/user_ss are
 * only valid when (cs & 3) == 3: the CPU pushes them only on a privilege
 * change (SDM Vol. 3A §6.12.1, Figure 6-4). */
struct trapframe {
    /* `push sreg` with a 32-bit operand writes only the low 16 bits on
     * recent Intel CPUs (SDM Vol. 2B, PUSH), so each selector has a pad
     * whose value means nothing (as xv6's trapframe). */
    uint16_t gs, gs_pad, fs, fs_pad, es, es_pad, ds, ds_pad; /* pushed by the stub */
    uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax; /* pushad */
    uint32_t vector, err;                                /* stub (err: CPU or 0) */
    uint32_t eip, cs, eflags;                            /* CPU */
    uint32_t user_esp, user_ss;                          /* CPU, ring 3 only */
};

#define TF_GS               0
#define TF_FS               4
#define TF_ES               8
#define TF_DS               12
#define TF_EDI              16
#define TF_ESI              20
#define TF_EBP              24
#define TF_ESP_PUSHAD       28
#define TF_EBX              32
#define TF_EDX              36
#define TF_ECX              40
#define TF_EAX              44
#define TF_VECTOR           48
#define TF_ERR              52
#define TF_EIP              56
#define TF_CS               60
#define TF_EFLAGS           64
#define TF_USER_ESP         68
#define TF_USER_SS          72
#define TRAPFRAME_SIZE      76

/* Each TF_* offset is its struct trapframe member's (and trapframe.inc's,
 * through tools/check-layout.sh): one description of the frame. */
#define TF_OFFSET(member, off) \
    _Static_assert(offsetof(struct trapframe, member) == (off), #member ": struct trapframe and its TF_ offset disagree")
TF_OFFSET(gs, TF_GS);
TF_OFFSET(fs, TF_FS);
TF_OFFSET(es, TF_ES);
TF_OFFSET(ds, TF_DS);
TF_OFFSET(edi, TF_EDI);
TF_OFFSET(esi, TF_ESI);
TF_OFFSET(ebp, TF_EBP);
TF_OFFSET(esp_pushad, TF_ESP_PUSHAD);
TF_OFFSET(ebx, TF_EBX);
TF_OFFSET(edx, TF_EDX);
TF_OFFSET(ecx, TF_ECX);
TF_OFFSET(eax, TF_EAX);
TF_OFFSET(vector, TF_VECTOR);
TF_OFFSET(err, TF_ERR);
TF_OFFSET(eip, TF_EIP);
TF_OFFSET(cs, TF_CS);
TF_OFFSET(eflags, TF_EFLAGS);
TF_OFFSET(user_esp, TF_USER_ESP);
TF_OFFSET(user_ss, TF_USER_SS);
_Static_assert(sizeof(struct trapframe) == TRAPFRAME_SIZE, "struct trapframe: TRAPFRAME_SIZE disagrees");

#define EFLAGS_CF   0x00000001  /* [C only] */
#define EFLAGS_TF           0x00000100
#define EFLAGS_IF           0x00000200
#define EFLAGS_DF           0x00000400
#define EFLAGS_IOPL 0x00003000  /* [C only] */
#define EFLAGS_NT           0x00004000
#define EFLAGS_RF   0x00010000  /* [C only] */
#define EFLAGS_VM   0x00020000  /* [C only] */
#define EFLAGS_AC   0x00040000  /* [C only] */
#define EFLAGS_ID   0x00200000  /* [C only] */
#define EFLAGS_RSVD1        0x00000002  /* bit 1 always reads as 1 */

#endif /* TRAPFRAME_H */
