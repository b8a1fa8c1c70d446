/*
 * elf.h - ELF32 validation for boot modules (System V gABI, ELF32 i386).
 * Pure logic: it reads the image as bytes and never trusts an offset or a
 * length it has not checked, so the host tests can feed it anything.
 */
#ifndef ELF_H
#define ELF_H

#include "types.h"

#define ELF_MAX_SEGMENTS 8      /* PT_LOAD segments a module may have */
#define ELF_MAX_PHDRS    16     /* program headers a module may have */

#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

struct elf_segment {
    uaddr_t vaddr;              /* first byte in the user address space */
    uint32_t memsz;             /* bytes in memory (>= filesz; the rest is bss) */
    uint32_t offset;            /* file offset of the first byte */
    uint32_t filesz;            /* bytes to copy from the file */
    uint32_t flags;             /* PF_R | PF_W | PF_X */
};

struct elf_image {
    uaddr_t entry;              /* e_entry, inside an executable segment */
    uint32_t nsegs;
    struct elf_segment segs[ELF_MAX_SEGMENTS];
};

/*
 * elf_validate - check that @img is an ELF32 i386 executable the loader can
 * place in [USER_BASE, USER_TOP), and describe its PT_LOAD segments.
 * @img, @size: the file's bytes.
 * @out: filled on success.
 * @why: on failure, a static string naming the rule that failed.
 * Returns 0 or -ENOEXEC. Rules: magic, class 32, little-endian, version 1,
 * type EXEC, machine 386; e_phentsize == 32; 1 <= e_phnum <= ELF_MAX_PHDRS and
 * the headers inside the file; no PT_INTERP/PT_DYNAMIC; 1..ELF_MAX_SEGMENTS
 * PT_LOAD, each with filesz <= memsz, its file bytes inside the file and its
 * memory inside [USER_BASE, USER_TOP) with no overflow; no two overlap; the
 * entry point inside an executable segment.
 */
int elf_validate(const void *img, size_t size, struct elf_image *out, const char **why);

#endif /* ELF_H */
