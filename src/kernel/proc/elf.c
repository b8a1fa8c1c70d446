/*
 * elf.c - ELF32 validation. Field offsets are from the System V gABI,
 * "ELF Header" and "Program Header"; all arithmetic on file values is done
 * in 64 bits so that no sum can wrap.
 */
#include "proc/elf.h"
#include "memlayout.h"
#include "uapi/errno.h"

#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define EHDR_SIZE   52
#define PHDR_SIZE   32
#define PT_LOAD     1
#define PT_DYNAMIC  2
#define PT_INTERP   3

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

static int reject(const char **why, const char *rule)
{
    if (why)
        *why = rule;
    return -ENOEXEC;
}

static int check_header(const uint8_t *b, size_t size, const char **why)
{
    if (size < EHDR_SIZE)
        return reject(why, "file smaller than an ELF header");
    if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
        return reject(why, "bad ELF magic");
    if (b[EI_CLASS] != ELFCLASS32)
        return reject(why, "not ELFCLASS32");
    if (b[EI_DATA] != ELFDATA2LSB)
        return reject(why, "not little-endian");
    if (b[EI_VERSION] != 1 || rd32(b + 20) != 1)
        return reject(why, "bad ELF version");
    if (rd16(b + 16) != ET_EXEC)
        return reject(why, "not an executable (e_type != ET_EXEC)");
    if (rd16(b + 18) != EM_386)
        return reject(why, "not for i386 (e_machine != EM_386)");
    if (rd16(b + 42) != PHDR_SIZE)
        return reject(why, "e_phentsize is not 32");
    uint32_t phnum = rd16(b + 44);
    if (phnum == 0 || phnum > ELF_MAX_PHDRS)
        return reject(why, "e_phnum out of range");
    if ((uint64_t)rd32(b + 28) + (uint64_t)phnum * PHDR_SIZE > size)
        return reject(why, "program headers outside the file");
    return 0;
}

static int add_segment(struct elf_image *out, const uint8_t *ph, size_t size, const char **why)
{
    uint32_t off = rd32(ph + 4), vaddr = rd32(ph + 8);
    uint32_t filesz = rd32(ph + 16), memsz = rd32(ph + 20), flags = rd32(ph + 24);

    if (filesz > memsz)
        return reject(why, "PT_LOAD p_filesz > p_memsz");
    if ((uint64_t)off + filesz > size)
        return reject(why, "PT_LOAD file bytes outside the file");
    if (vaddr < USER_BASE || (uint64_t)vaddr + memsz > USER_TOP)
        return reject(why, "PT_LOAD outside [USER_BASE, USER_TOP)");
    if (memsz == 0)
        return 0; /* occupies nothing; harmless */
    for (uint32_t i = 0; i < out->nsegs; i++) {
        const struct elf_segment *s = &out->segs[i];
        if ((uint64_t)vaddr < (uint64_t)s->vaddr + s->memsz &&
            (uint64_t)s->vaddr < (uint64_t)vaddr + memsz)
            return reject(why, "PT_LOAD segments overlap");
    }
    if (out->nsegs == ELF_MAX_SEGMENTS)
        return reject(why, "too many PT_LOAD segments");
    out->segs[out->nsegs++] = (struct elf_segment){
        .vaddr = vaddr, .memsz = memsz, .offset = off, .filesz = filesz, .flags = flags,
    };
    return 0;
}

int elf_validate(const void *img, size_t size, struct elf_image *out, const char **why)
{
    const uint8_t *b = img;
    int r = check_header(b, size, why);
    if (r < 0)
        return r;

    *out = (struct elf_image){ .entry = rd32(b + 24) };
    uint32_t phoff = rd32(b + 28), phnum = rd16(b + 44);
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = b + phoff + (size_t)i * PHDR_SIZE;
        uint32_t type = rd32(ph);
        if (type == PT_INTERP || type == PT_DYNAMIC)
            return reject(why, "dynamically linked (PT_INTERP/PT_DYNAMIC)");
        if (type != PT_LOAD)
            continue;
        r = add_segment(out, ph, size, why);
        if (r < 0)
            return r;
    }
    if (out->nsegs == 0)
        return reject(why, "no PT_LOAD segment");
    for (uint32_t i = 0; i < out->nsegs; i++) {
        const struct elf_segment *s = &out->segs[i];
        if ((s->flags & PF_X) && out->entry >= s->vaddr &&
            (uint64_t)out->entry < (uint64_t)s->vaddr + s->memsz)
            return 0;
    }
    return reject(why, "entry point not in an executable segment");
}
