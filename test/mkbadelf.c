/*
 * mkbadelf - hostile boot modules for the loader, one per ELF validation rule.
 *
 *   mkbadelf GOOD.elf OUTDIR          write OUTDIR/bad_<rule>.elf, one per rule,
 *                                     check each against elf_validate()
 *   mkbadelf --grub GOOD.elf OUTDIR   the same, then print the GRUB module2
 *                                     lines (expect=reject) for the test menu
 *
 * Host tool: built natively and linked with src/kernel/proc/elf.c
 *   cc -std=gnu11 -O2 -Wall -Wextra -Werror -DHOST_TEST -Isrc/kernel \
 *      -o build/mkbadelf test/mkbadelf.c src/kernel/proc/elf.c
 *
 * Each variant is GOOD.elf with one field broken (or the file cut short). The
 * tool runs the kernel's own elf_validate() on every file it writes and fails
 * (exit 1) if a variant is accepted or rejected by a rule other than the one
 * it was made for: a variant that stops testing its rule (because elf.c or the
 * good module changed) is caught at build time, not silently skipped at boot.
 * GOOD.elf itself must pass, with two PT_LOAD segments (text R X, data R W),
 * as src/user/user.ld makes them.
 *
 * Module names are at most MODULE_NAME_MAX - 1 = 15 characters, because the
 * first word of the GRUB command line becomes the process/module name.
 * Field offsets: System V gABI, "ELF Header" and "Program Header" (ELF32).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/elf.h"
#include "memlayout.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"
#include "elf_bytes.h"          /* gABI offsets and values, byte readers/writers */

struct image {
    uint8_t *b;
    size_t size;
};


static _Noreturn void die(const char *fmt, const char *a)
{
    fprintf(stderr, "mkbadelf: ");
    fprintf(stderr, fmt, a);
    fprintf(stderr, "\n");
    exit(1);
}

/* Program header @i of @im (checked in range by load_good). */
static uint8_t *phdr(struct image *im, uint32_t i)
{
    return im->b + rd32(im->b + E_PHOFF) + (size_t)i * PHDR_SIZE;
}

/* Index of the @nth PT_LOAD (0-based). */
static uint32_t load_index(struct image *im, int nth)
{
    uint32_t phnum = rd16(im->b + E_PHNUM);
    for (uint32_t i = 0; i < phnum; i++)
        if (rd32(phdr(im, i) + P_TYPE) == T_PT_LOAD && nth-- == 0)
            return i;
    die("%s", "the good module has fewer than two PT_LOAD segments");
}

static uint8_t *text(struct image *im) { return phdr(im, load_index(im, 0)); }
static uint8_t *data(struct image *im) { return phdr(im, load_index(im, 1)); }

/* ---------------------------------------------------------------- variants
 * Each mutates a private copy of the good image (it may resize it). */

static void v_magic(struct image *im) { im->b[1] = 'e'; }
static void v_class(struct image *im) { im->b[EI_CLASS] = T_ELFCLASS64; }
static void v_endian(struct image *im) { im->b[EI_DATA] = T_ELFDATA2MSB; }
static void v_version(struct image *im) { im->b[EI_VERSION] = 0; }
static void v_type(struct image *im) { wr16(im->b + E_TYPE, T_ET_DYN); }
static void v_machine(struct image *im) { wr16(im->b + E_MACHINE, T_EM_X86_64); }
static void v_phentsize(struct image *im) { wr16(im->b + E_PHENTSIZE, 56); /* Elf64_Phdr */ }
static void v_phnum0(struct image *im) { wr16(im->b + E_PHNUM, 0); }
static void v_phnum_ffff(struct image *im) { wr16(im->b + E_PHNUM, 0xFFFF); }
static void v_phnum17(struct image *im) { wr16(im->b + E_PHNUM, ELF_MAX_PHDRS + 1); }
static void v_phoff_end(struct image *im) { wr32(im->b + E_PHOFF, (uint32_t)im->size); }
static void v_phoff_wrap(struct image *im) { wr32(im->b + E_PHOFF, 0xFFFFFFF0u); }

static void v_filesz(struct image *im)
{
    uint8_t *ph = text(im);
    wr32(ph + P_FILESZ, rd32(ph + P_MEMSZ) + 1);
}

/* The file bytes run one byte past the end of the file. */
static void v_offset_end(struct image *im)
{
    uint8_t *ph = text(im);
    wr32(ph + P_OFFSET, (uint32_t)im->size - rd32(ph + P_FILESZ) + 1);
}

/* p_offset + p_filesz wraps in 32 bits to a small number. */
static void v_offset_wrap(struct image *im)
{
    uint8_t *ph = text(im);
    wr32(ph + P_OFFSET, 0u - rd32(ph + P_FILESZ) + 0x10);
}

static void v_memsz_max(struct image *im) { wr32(text(im) + P_MEMSZ, 0xFFFFFFFFu); }

static void v_vaddr0(struct image *im)
{
    wr32(text(im) + P_VADDR, 0);
    wr32(im->b + E_ENTRY, 0); /* keep the entry inside the text segment */
}

/* Text moved to the last user page: it reaches into the trampoline window. */
static void v_trampoline(struct image *im)
{
    uint8_t *ph = text(im);
    if (rd32(ph + P_MEMSZ) <= PAGE_SIZE)
        wr32(ph + P_MEMSZ, 2 * PAGE_SIZE);
    uint32_t off = rd32(im->b + E_ENTRY) - rd32(ph + P_VADDR);
    wr32(ph + P_VADDR, USER_TOP - PAGE_SIZE);
    wr32(im->b + E_ENTRY, USER_TOP - PAGE_SIZE + off);
}

/* The second PT_LOAD moved onto the first. */
static void v_overlap(struct image *im) { wr32(data(im) + P_VADDR, rd32(text(im) + P_VADDR)); }

/* The entry point in the data segment (readable, writable, not executable). */
static void v_entry(struct image *im) { wr32(im->b + E_ENTRY, rd32(data(im) + P_VADDR)); }

static void v_interp(struct image *im)
{
    /* A PT_INTERP header replaces the second PT_LOAD (its bss is lost,
     * which does not matter: the module must be refused anyway). */
    wr32(data(im) + P_TYPE, T_PT_INTERP);
}

static void v_no_load(struct image *im)
{
    uint32_t phnum = rd16(im->b + E_PHNUM);
    for (uint32_t i = 0; i < phnum; i++)
        if (rd32(phdr(im, i) + P_TYPE) == T_PT_LOAD)
            wr32(phdr(im, i) + P_TYPE, T_PT_NOTE);
}

/* ELF_MAX_SEGMENTS + 1 PT_LOADs, none overlapping, in a new program header
 * table appended to the file: the text segment, then small bss segments. */
static void v_many_loads(struct image *im)
{
    uint32_t n = ELF_MAX_SEGMENTS + 1;
    uint8_t t[PHDR_SIZE];
    memcpy(t, text(im), PHDR_SIZE);
    size_t at = (im->size + 3) & ~(size_t)3;
    im->b = realloc(im->b, at + n * PHDR_SIZE);
    if (!im->b)
        die("%s", "out of memory");
    memset(im->b + im->size, 0, at + n * PHDR_SIZE - im->size);
    memcpy(im->b + at, t, PHDR_SIZE);
    for (uint32_t i = 1; i < n; i++) {
        uint8_t *ph = im->b + at + i * PHDR_SIZE;
        wr32(ph + P_TYPE, T_PT_LOAD);
        wr32(ph + P_VADDR, 0x10000000u + i * 0x100000u);
        wr32(ph + P_PADDR, 0x10000000u + i * 0x100000u);
        wr32(ph + P_MEMSZ, 0x10);
        wr32(ph + P_FLAGS, PF_R | PF_W);
        wr32(ph + P_ALIGN, PAGE_SIZE);
    }
    im->size = at + n * PHDR_SIZE;
    wr32(im->b + E_PHOFF, (uint32_t)at);
    wr16(im->b + E_PHNUM, n);
}

static void v_empty(struct image *im) { im->size = 0; }
static void v_trunc100(struct image *im) { im->size = 100; }

/* name: file bad_<name>.elf and GRUB module name; why: elf_validate's reason. */
static const struct variant {
    const char *name;
    void (*make)(struct image *);
    const char *why;
} variants[] = {
    { "bad_magic", v_magic, "bad ELF magic" },
    { "bad_class", v_class, "not ELFCLASS32" },
    { "bad_endian", v_endian, "not little-endian" },
    { "bad_version", v_version, "bad ELF version" },
    { "bad_type", v_type, "not an executable (e_type != ET_EXEC)" },
    { "bad_machine", v_machine, "not for i386 (e_machine != EM_386)" },
    { "bad_phentsize", v_phentsize, "e_phentsize is not 32" },
    { "bad_phnum0", v_phnum0, "e_phnum out of range" },
    { "bad_phnum_ffff", v_phnum_ffff, "e_phnum out of range" },
    { "bad_phnum17", v_phnum17, "e_phnum out of range" },
    { "bad_phoff_end", v_phoff_end, "program headers outside the file" },
    { "bad_phoff_wrap", v_phoff_wrap, "program headers outside the file" },
    { "bad_filesz", v_filesz, "PT_LOAD p_filesz > p_memsz" },
    { "bad_offset_end", v_offset_end, "PT_LOAD file bytes outside the file" },
    { "bad_offset_wrap", v_offset_wrap, "PT_LOAD file bytes outside the file" },
    { "bad_memsz_max", v_memsz_max, "PT_LOAD outside [USER_BASE, USER_TOP)" },
    { "bad_vaddr0", v_vaddr0, "PT_LOAD outside [USER_BASE, USER_TOP)" },
    { "bad_trampoline", v_trampoline, "PT_LOAD outside [USER_BASE, USER_TOP)" },
    { "bad_overlap", v_overlap, "PT_LOAD segments overlap" },
    { "bad_many_loads", v_many_loads, "too many PT_LOAD segments" },
    { "bad_interp", v_interp, "dynamically linked (PT_INTERP/PT_DYNAMIC)" },
    { "bad_no_load", v_no_load, "no PT_LOAD segment" },
    { "bad_entry", v_entry, "entry point not in an executable segment" },
    { "bad_empty", v_empty, "file smaller than an ELF header" },
    { "bad_trunc100", v_trunc100, "program headers outside the file" },
};

static struct image load_good(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    struct image im = { NULL, 0 };
    size_t cap = 0;
    for (;;) {
        if (im.size == cap) {
            cap = cap ? 2 * cap : 65536;
            im.b = realloc(im.b, cap);
            if (!im.b)
                die("%s", "out of memory");
        }
        size_t n = fread(im.b + im.size, 1, cap - im.size, f);
        if (n == 0)
            break;
        im.size += n;
    }
    fclose(f);
    struct elf_image out;
    const char *why = NULL;
    if (elf_validate(im.b, im.size, &out, &why) != 0) {
        fprintf(stderr, "mkbadelf: %s: the good module is rejected: %s\n", path, why);
        exit(1);
    }
    if (out.nsegs < 2 || !(out.segs[0].flags & PF_X) || (out.segs[1].flags & PF_X))
        die("%s: expected a text (R X) and a data (R W) PT_LOAD", path);
    return im;
}

static void write_file(const char *path, const struct image *im)
{
    FILE *f = fopen(path, "wb");
    if (!f || (im->size && fwrite(im->b, 1, im->size, f) != im->size) || fclose(f) != 0)
        die("cannot write %s", path);
}

int main(int argc, char **argv)
{
    int grub = argc > 1 && strcmp(argv[1], "--grub") == 0;
    if (argc != 3 + grub) {
        fprintf(stderr, "usage: mkbadelf [--grub] GOOD.elf OUTDIR\n");
        return 2;
    }
    const char *good_path = argv[1 + grub], *dir = argv[2 + grub];
    struct image good = load_good(good_path);
    int failures = 0;
    size_t n = sizeof(variants) / sizeof(variants[0]);
    for (size_t i = 0; i < n; i++) {
        const struct variant *v = &variants[i];
        if (strlen(v->name) >= MODULE_NAME_MAX)
            die("variant name %s is too long for a module name", v->name);
        struct image im = { malloc(good.size), good.size };
        if (!im.b)
            die("%s", "out of memory");
        memcpy(im.b, good.b, good.size);
        v->make(&im);

        char path[4096];
        snprintf(path, sizeof(path), "%s/%s.elf", dir, v->name);
        write_file(path, &im);

        struct elf_image out;
        const char *why = NULL;
        int r = elf_validate(im.b, im.size, &out, &why);
        int ok = r == -ENOEXEC && why && strcmp(why, v->why) == 0;
        if (!grub || !ok)
            fprintf(ok ? stdout : stderr, "%-7s %-15s %6zu bytes  %s%s%s\n", ok ? "reject" : "WRONG",
                    v->name, im.size, r == 0 ? "ACCEPTED" : why,
                    ok ? "" : ", expected: ", ok ? "" : v->why);
        failures += !ok;
        free(im.b);
    }
    free(good.b);
    if (failures) {
        fprintf(stderr, "mkbadelf: %d variant(s) not rejected by their own rule\n", failures);
        return 1;
    }
    if (grub)
        for (size_t i = 0; i < n; i++)
            printf("    module2 /modules/%s.elf %s expect=reject\n", variants[i].name, variants[i].name);
    return 0;
}
