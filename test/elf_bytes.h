/*
 * elf_bytes.h - ELF32 as bytes, for the tests that build hostile images by
 * hand (test/mkbadelf.c, test/unit/test_elf.c): the gABI field offsets and
 * values, spelled out here on purpose so that nothing depends on the host's
 * <elf.h> or on the kernel's own reading of them (src/kernel/proc/elf.c), and
 * little-endian readers and writers. Offsets from the System V gABI,
 * "ELF Header" and "Program Header" (ELF32).
 */
#ifndef TEST_ELF_BYTES_H
#define TEST_ELF_BYTES_H

#include <stdint.h>

/* e_ident bytes */
#define EI_CLASS     4
#define EI_DATA      5
#define EI_VERSION   6
/* Ehdr field offsets */
#define E_TYPE       16
#define E_MACHINE    18
#define E_VERSION    20
#define E_ENTRY      24
#define E_PHOFF      28
#define E_EHSIZE     40
#define E_PHENTSIZE  42
#define E_PHNUM      44
#define EHDR_SIZE    52
/* Phdr field offsets */
#define P_TYPE       0
#define P_OFFSET     4
#define P_VADDR      8
#define P_PADDR      12
#define P_FILESZ     16
#define P_MEMSZ      20
#define P_FLAGS      24
#define P_ALIGN      28
#define PHDR_SIZE    32

/* gABI values (T_: not to clash with a host <elf.h>) */
#define T_ELFCLASS32  1
#define T_ELFCLASS64  2
#define T_ELFDATA2LSB 1
#define T_ELFDATA2MSB 2
#define T_ET_EXEC     2
#define T_ET_DYN      3
#define T_EM_386      3
#define T_EM_X86_64   62
#define T_PT_NULL     0
#define T_PT_LOAD     1
#define T_PT_DYNAMIC  2
#define T_PT_INTERP   3
#define T_PT_NOTE     4
#define T_PT_PHDR     6
#define T_GNU_STACK   0x6474e551u

static inline uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static inline uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static inline void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32(uint8_t *p, uint32_t v) { wr16(p, v); wr16(p + 2, v >> 16); }

#endif /* TEST_ELF_BYTES_H */
