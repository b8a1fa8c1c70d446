/*
 * regs.h - the register table the register-preservation tests fill and
 * compare (test_regs.c with regs_syscall.asm, hostile/registers.c with
 * hostile_asm.asm), defined once.
 *
 * NASM twin: regs.inc (the R_* offsets the assembly stores at).
 * tools/check-layout.sh compares the two both ways in the build, and the
 * _Static_asserts below tie every R_* offset to its struct member, so the
 * struct, the C offsets and the NASM offsets cannot drift apart.
 */
#ifndef REGS_H
#define REGS_H

#include <stddef.h>
#include <stdint.h>

/* Every register as the caller saw it after the syscall; esp_before is ESP
 * just before it, so esp == esp_before says the stack came back whole. */
struct regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags, ds, es, fs, gs, esp_before;
};

#define R_EAX           0
#define R_EBX           4
#define R_ECX           8
#define R_EDX           12
#define R_ESI           16
#define R_EDI           20
#define R_EBP           24
#define R_ESP           28
#define R_EFLAGS        32
#define R_DS            36
#define R_ES            40
#define R_FS            44
#define R_GS            48
#define R_ESP_BEFORE    52
#define REGS_SIZE       56

#define REGS_OFFSET(member, off) \
    _Static_assert(offsetof(struct regs, member) == (off), #member ": struct regs and its R_ offset disagree")
REGS_OFFSET(eax, R_EAX);
REGS_OFFSET(ebx, R_EBX);
REGS_OFFSET(ecx, R_ECX);
REGS_OFFSET(edx, R_EDX);
REGS_OFFSET(esi, R_ESI);
REGS_OFFSET(edi, R_EDI);
REGS_OFFSET(ebp, R_EBP);
REGS_OFFSET(esp, R_ESP);
REGS_OFFSET(eflags, R_EFLAGS);
REGS_OFFSET(ds, R_DS);
REGS_OFFSET(es, R_ES);
REGS_OFFSET(fs, R_FS);
REGS_OFFSET(gs, R_GS);
REGS_OFFSET(esp_before, R_ESP_BEFORE);
_Static_assert(sizeof(struct regs) == REGS_SIZE, "struct regs: REGS_SIZE disagrees");

#endif /* REGS_H */
