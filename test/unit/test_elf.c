/*
 * test_elf.c - host tests for ELF32 module validation (src/kernel/proc/elf.c).
 *
 * Images are built byte by byte (little-endian writers at the gABI offsets),
 * so nothing depends on the host's <elf.h>. Every rejection test starts from
 * an image that is accepted, changes one thing, and expects -ENOEXEC with
 * `why` set; the unchanged image is checked to be accepted first, so a test
 * cannot pass because the base image was broken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>

#include "proc/elf.h"
#include "memlayout.h"
#include "uapi/errno.h"
#include "../elf_bytes.h"   /* gABI offsets and values (shared with test/mkbadelf.c) */

#ifndef REPO_ROOT
#define REPO_ROOT "."
#endif

#define IMG_CAP 0x2000


struct img {
    uint8_t *b;     /* heap buffer of exactly `size` bytes (ASan sees overruns) */
    size_t size;
};

/* An ELF header with @phnum program headers at offset 52, all PT_NULL. */
static struct img img_new(size_t size, uint32_t phnum, uint32_t entry)
{
    struct img im = { .b = malloc(size), .size = size };
    assert_non_null(im.b);
    memset(im.b, 0, size);
    uint8_t *b = im.b;
    b[0] = 0x7f; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
    b[4] = T_ELFCLASS32;
    b[5] = T_ELFDATA2LSB;
    b[6] = 1;                           /* EI_VERSION */
    wr16(b + E_TYPE, T_ET_EXEC);
    wr16(b + E_MACHINE, T_EM_386);
    wr32(b + E_VERSION, 1);
    wr32(b + E_ENTRY, entry);
    wr32(b + E_PHOFF, EHDR_SIZE);
    wr16(b + E_EHSIZE, EHDR_SIZE);
    wr16(b + E_PHENTSIZE, PHDR_SIZE);
    wr16(b + E_PHNUM, phnum);
    assert_true(EHDR_SIZE + (size_t)phnum * PHDR_SIZE <= size);
    return im;
}

static uint8_t *ph(struct img *im, uint32_t i)
{
    return im->b + EHDR_SIZE + (size_t)i * PHDR_SIZE;
}

static void set_ph(struct img *im, uint32_t i, uint32_t type, uint32_t off, uint32_t vaddr,
                   uint32_t filesz, uint32_t memsz, uint32_t flags)
{
    uint8_t *p = ph(im, i);
    wr32(p + P_TYPE, type);
    wr32(p + P_OFFSET, off);
    wr32(p + P_VADDR, vaddr);
    wr32(p + P_PADDR, vaddr);
    wr32(p + P_FILESZ, filesz);
    wr32(p + P_MEMSZ, memsz);
    wr32(p + P_FLAGS, flags);
    wr32(p + P_ALIGN, 0x1000);
}

static void img_free(struct img *im)
{
    free(im->b);
    im->b = NULL;
}

/*
 * The reference image: text R+X at 0x1000 (file 0x100..0x300), data R+W at
 * 0x3000 (file 0x300..0x400, memsz 0x2000 so 0x1F00 bytes of bss), a
 * PT_GNU_STACK header (ignored), entry 0x1010. File size 0x400.
 */
#define GOOD_SIZE   0x400
#define GOOD_ENTRY  0x1010
#define GOOD_PHNUM  3
static struct img good_image(void)
{
    struct img im = img_new(GOOD_SIZE, GOOD_PHNUM, GOOD_ENTRY);
    set_ph(&im, 0, T_PT_LOAD, 0x100, 0x1000, 0x200, 0x200, PF_R | PF_X);
    set_ph(&im, 1, T_PT_LOAD, 0x300, 0x3000, 0x100, 0x2000, PF_R | PF_W);
    set_ph(&im, 2, T_GNU_STACK, 0, 0, 0, 0, PF_R | PF_W);
    for (uint32_t i = 0x100; i < GOOD_SIZE; i++)
        im.b[i] = (uint8_t)(i * 7);
    return im;
}

static struct elf_image out;
static void expect_accept(const struct img *im);

/* The reference image, already checked to be accepted. */
static struct img good_checked(void)
{
    struct img im = good_image();
    expect_accept(&im);
    return im;
}

static void expect_accept(const struct img *im)
{
    const char *why = NULL;
    int r = elf_validate(im->b, im->size, &out, &why);
    if (r != 0)
        print_error("unexpected rejection: %s\n", why ? why : "(null)");
    assert_int_equal(r, 0);
}

static void expect_reject_bytes(const void *b, size_t size)
{
    const char *why = NULL;
    assert_int_equal(elf_validate(b, size, &out, &why), -ENOEXEC);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    /* why == NULL is allowed and does not change the verdict. */
    assert_int_equal(elf_validate(b, size, &out, NULL), -ENOEXEC);
}

static void expect_reject(const struct img *im)
{
    expect_reject_bytes(im->b, im->size);
}

/* One case of the reference image with program header 1 (its data
 * segment) replaced by a PT_LOAD of these fields, and the verdict. */
struct seg1_case {
    uint32_t off, vaddr, filesz, memsz, flags;
    bool ok;
};
#define RW (PF_R | PF_W)

/* Each case on a fresh reference image: elf_validate accepts it or refuses
 * it with -ENOEXEC and a reason, as the case says. */
static void run_seg1_cases(const struct seg1_case *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        struct img im = good_checked();
        set_ph(&im, 1, T_PT_LOAD, c[k].off, c[k].vaddr, c[k].filesz, c[k].memsz, c[k].flags);
        if (!c[k].ok)
            expect_reject(&im);
        else
            expect_accept(&im);
        img_free(&im);
    }
}

/* ---- acceptance ---------------------------------------------------------- */

static void test_accept_text_and_data_segments(void **state)
{
    (void)state;
    struct img im = good_checked();
    memset(&out, 0xCC, sizeof(out));
    const char *why = "untouched";
    assert_int_equal(elf_validate(im.b, im.size, &out, &why), 0);
    assert_int_equal(out.entry, GOOD_ENTRY);
    assert_int_equal(out.nsegs, 2);
    assert_int_equal(out.segs[0].vaddr, 0x1000);
    assert_int_equal(out.segs[0].memsz, 0x200);
    assert_int_equal(out.segs[0].offset, 0x100);
    assert_int_equal(out.segs[0].filesz, 0x200);
    assert_int_equal(out.segs[0].flags, PF_R | PF_X);
    assert_int_equal(out.segs[1].vaddr, 0x3000);
    assert_int_equal(out.segs[1].memsz, 0x2000);
    assert_int_equal(out.segs[1].offset, 0x300);
    assert_int_equal(out.segs[1].filesz, 0x100);
    assert_int_equal(out.segs[1].flags, PF_R | PF_W);
    img_free(&im);
}

static void test_accept_entry_at_last_byte_of_text(void **state)
{
    (void)state;
    struct img im = good_checked();
    wr32(im.b + E_ENTRY, 0x1000 + 0x200 - 1);
    expect_accept(&im);
    wr32(im.b + E_ENTRY, 0x1000);
    expect_accept(&im);
    img_free(&im);
}

static void test_accept_adjacent_segments(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 1, T_PT_LOAD, 0x300, 0x1200, 0x100, 0x100, PF_R | PF_W);
    expect_accept(&im);
    assert_int_equal(out.nsegs, 2);
    img_free(&im);
}

static void test_accept_segment_ending_exactly_at_user_top(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 1, T_PT_LOAD, 0x300, USER_TOP - 0x1000, 0x100, 0x1000, PF_R | PF_W);
    expect_accept(&im);
    assert_int_equal(out.segs[1].vaddr, USER_TOP - 0x1000);
    img_free(&im);
}

static void test_accept_exactly_max_phdrs(void **state)
{
    (void)state;
    struct img im = img_new(EHDR_SIZE + ELF_MAX_PHDRS * PHDR_SIZE + 0x100, ELF_MAX_PHDRS, 0x1000);
    for (uint32_t i = 0; i < ELF_MAX_PHDRS; i++)
        set_ph(&im, i, T_PT_NOTE, 0, 0, 0, 0, PF_R);
    set_ph(&im, ELF_MAX_PHDRS - 1, T_PT_LOAD, 0, 0x1000, 0x100, 0x100, PF_R | PF_X);
    expect_accept(&im);
    assert_int_equal(out.nsegs, 1);
    img_free(&im);
}

static void test_accept_exactly_max_load_segments(void **state)
{
    (void)state;
    struct img im = img_new(0x1000, ELF_MAX_SEGMENTS, 0x1000);
    for (uint32_t i = 0; i < ELF_MAX_SEGMENTS; i++)
        set_ph(&im, i, T_PT_LOAD, 0x400, 0x1000 + i * 0x2000, 0x10, 0x1000,
               i == 0 ? (PF_R | PF_X) : PF_R);
    expect_accept(&im);
    assert_int_equal(out.nsegs, ELF_MAX_SEGMENTS);
    img_free(&im);
}

static void test_accept_phdrs_ending_exactly_at_end_of_file(void **state)
{
    (void)state;
    struct img im = img_new(EHDR_SIZE + PHDR_SIZE, 1, 0x1000);
    set_ph(&im, 0, T_PT_LOAD, 0, 0x1000, EHDR_SIZE + PHDR_SIZE, 0x1000, PF_R | PF_X);
    expect_accept(&im);
    img_free(&im);
}

/* ---- ELF header rules ---------------------------------------------------- */

static void test_reject_file_smaller_than_header(void **state)
{
    (void)state;
    struct img im = good_checked();
    expect_accept(&im);
    for (size_t n = 0; n < EHDR_SIZE; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, im.b, n);
        expect_reject_bytes(copy, n);
        free(copy);
    }
    img_free(&im);
}

static void test_reject_bad_magic(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        struct img im = good_checked();
        expect_accept(&im);
        im.b[i] ^= 0x20;
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_class_not_32(void **state)
{
    (void)state;
    const uint8_t bad[] = { 0, T_ELFCLASS64, 3 };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct img im = good_checked();
        im.b[4] = bad[k];
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_data_not_little_endian(void **state)
{
    (void)state;
    const uint8_t bad[] = { 0, T_ELFDATA2MSB };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct img im = good_checked();
        im.b[5] = bad[k];
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_ident_version_not_1(void **state)
{
    (void)state;
    struct img im = good_checked();
    im.b[6] = 0;
    expect_reject(&im);
    im.b[6] = 2;
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_e_version_not_1(void **state)
{
    (void)state;
    struct img im = good_checked();
    wr32(im.b + E_VERSION, 0);
    expect_reject(&im);
    wr32(im.b + E_VERSION, 0x101);      /* low byte 1 is not enough */
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_type_not_exec(void **state)
{
    (void)state;
    const uint32_t bad[] = { 0, 1, T_ET_DYN, 4, 0x102 };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct img im = good_checked();
        wr16(im.b + E_TYPE, bad[k]);
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_machine_not_386(void **state)
{
    (void)state;
    const uint32_t bad[] = { 0, T_EM_X86_64, 0x103 };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct img im = good_checked();
        wr16(im.b + E_MACHINE, bad[k]);
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_phentsize_not_32(void **state)
{
    (void)state;
    const uint32_t bad[] = { 0, 31, 33, 56, 0x120 };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct img im = good_checked();
        wr16(im.b + E_PHENTSIZE, bad[k]);
        expect_reject(&im);
        img_free(&im);
    }
}

static void test_reject_phnum_zero(void **state)
{
    (void)state;
    struct img im = good_checked();
    wr16(im.b + E_PHNUM, 0);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_phnum_above_max(void **state)
{
    (void)state;
    /* Big enough that the headers would fit in the file: only the cap refuses. */
    struct img im = img_new(EHDR_SIZE + (ELF_MAX_PHDRS + 1) * PHDR_SIZE + 0x100, ELF_MAX_PHDRS + 1, 0x1000);
    for (uint32_t i = 0; i <= ELF_MAX_PHDRS; i++)
        set_ph(&im, i, T_PT_NOTE, 0, 0, 0, 0, PF_R);
    set_ph(&im, 0, T_PT_LOAD, 0, 0x1000, 0x100, 0x100, PF_R | PF_X);
    expect_reject(&im);
    wr16(im.b + E_PHNUM, ELF_MAX_PHDRS);
    expect_accept(&im);
    wr16(im.b + E_PHNUM, 0xFFFF);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_phdrs_outside_file(void **state)
{
    (void)state;
    struct img im = good_checked();
    /* Move the headers so that the last one ends one byte past the file. */
    uint32_t phoff = GOOD_SIZE - GOOD_PHNUM * PHDR_SIZE + 1;
    wr32(im.b + E_PHOFF, phoff);
    expect_reject(&im);
    /* One byte earlier they fit (and happen to be PT_NULL-ish zeros/data). */
    wr32(im.b + E_PHOFF, GOOD_SIZE - GOOD_PHNUM * PHDR_SIZE);
    memmove(im.b + GOOD_SIZE - GOOD_PHNUM * PHDR_SIZE, ph(&im, 0), GOOD_PHNUM * PHDR_SIZE);
    expect_accept(&im);
    /* Entirely past the end. */
    wr32(im.b + E_PHOFF, GOOD_SIZE);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_phoff_overflow(void **state)
{
    (void)state;
    /* phoff + phnum*32 wraps to 0 in 32 bits: must still be refused. */
    struct img im = good_checked();
    wr32(im.b + E_PHOFF, 0xFFFFFFA0u);
    expect_reject(&im);
    wr32(im.b + E_PHOFF, 0xFFFFFFFFu);
    expect_reject(&im);
    img_free(&im);
}

/* ---- program header rules ------------------------------------------------ */

static void test_reject_pt_interp(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 2, T_PT_INTERP, 0x100, 0, 0x10, 0x10, PF_R);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_pt_dynamic(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 2, T_PT_DYNAMIC, 0x300, 0x3000, 0x10, 0x10, PF_R | PF_W);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_dynamic_as_first_header(void **state)
{
    (void)state;
    struct img im = good_checked();
    /* Swap so PT_INTERP comes before the loads. */
    uint8_t tmp[PHDR_SIZE];
    memcpy(tmp, ph(&im, 0), PHDR_SIZE);
    set_ph(&im, 0, T_PT_INTERP, 0x100, 0, 0x10, 0x10, PF_R);
    memcpy(ph(&im, 2), tmp, PHDR_SIZE);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_filesz_greater_than_memsz(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, 0x3000, 0x100, 0xFF, RW, false },
        { 0x300, 0x3000, 0x100, 0x100, RW, true },
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_file_bytes_outside_file(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, 0x3000, GOOD_SIZE - 0x300 + 1, 0x2000, RW, false },   /* ends one byte past the file */
        { 0x300, 0x3000, GOOD_SIZE - 0x300, 0x2000, RW, true },        /* ends exactly at its end */
        { GOOD_SIZE + 0x10, 0x3000, 0x10, 0x2000, RW, false },         /* starts past the end */
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_file_offset_plus_filesz_overflow(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        /* 0xFFFFF000 + 0x1100 wraps to 0x100 in 32 bits: inside the file if wrapped. */
        { 0xFFFFF000u, 0x3000, 0x1100, 0x2000, RW, false },
        { 0xFFFFFFFFu, 0x3000, 1, 0x2000, RW, false },
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_vaddr_zero(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, 0, 0x100, 0x100, RW, false },
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_vaddr_just_below_user_base(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, USER_BASE - 1, 0x1, 0x1, RW, false },
        { 0x300, USER_BASE - 0x10, 0x0, 0x10, RW, false },
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_segment_past_user_top(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, USER_TOP - 0x1000, 0x100, 0x1001, RW, false },
        { 0x300, USER_TOP, 0x100, 0x100, RW, false },
        { 0x300, 0xFFFFF000u, 0x100, 0x100, RW, false },
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_vaddr_plus_memsz_wrapping_32_bits(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, 0x2000, 0x100, 0xFFFFF000u, RW, false },  /* 0x2000 + 0xFFFFF000 wraps to 0x1000 */
        { 0x300, 0x1000, 0, 0xFFFFF000u, RW, false },      /* the maximum memsz from USER_BASE wraps to 0 */
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_overlapping_segments(void **state)
{
    (void)state;
    const struct seg1_case cases[] = {
        { 0x300, 0x11FF, 0x100, 0x100, RW, false },     /* overlaps the tail of the first */
        { 0x300, 0x1080, 0x10, 0x10, RW, false },       /* entirely inside the first */
        { 0x300, 0x1000, 0x10, 0x1000, RW, false },     /* covers the first entirely */
    };
    run_seg1_cases(cases, ARRAY_SIZE(cases));
    struct img im = good_checked();
    /* Second starts below the first and ends inside it. */
    set_ph(&im, 0, T_PT_LOAD, 0x100, 0x2000, 0x200, 0x200, PF_R | PF_X);
    set_ph(&im, 1, T_PT_LOAD, 0x300, 0x1000, 0x100, 0x1001, PF_R | PF_W);
    wr32(im.b + E_ENTRY, 0x2000);
    expect_reject(&im);
    /* Touching is not overlapping. */
    set_ph(&im, 1, T_PT_LOAD, 0x300, 0x1000, 0x100, 0x1000, PF_R | PF_W);
    expect_accept(&im);
    img_free(&im);
}

static void test_reject_too_many_load_segments(void **state)
{
    (void)state;
    const uint32_t n = ELF_MAX_SEGMENTS + 1;
    struct img im = img_new(0x1000, n, 0x1000);
    for (uint32_t i = 0; i < n; i++)
        set_ph(&im, i, T_PT_LOAD, 0x400, 0x1000 + i * 0x2000, 0x10, 0x1000,
               i == 0 ? (PF_R | PF_X) : PF_R);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_no_load_segment(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 0, T_PT_NOTE, 0x100, 0x1000, 0x10, 0x10, PF_R);
    set_ph(&im, 1, T_PT_PHDR, EHDR_SIZE, 0x1000, PHDR_SIZE * GOOD_PHNUM, PHDR_SIZE * GOOD_PHNUM, PF_R);
    expect_reject(&im);
    img_free(&im);
}

static void test_reject_entry_outside_every_segment(void **state)
{
    (void)state;
    struct img im = good_checked();
    const uint32_t bad[] = { 0, 0xFFF, 0x1200 /* one past text */, 0x2000, 0x5000, 0xFFFFFFFF };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        wr32(im.b + E_ENTRY, bad[k]);
        expect_reject(&im);
    }
    img_free(&im);
}

static void test_reject_entry_in_non_executable_segment(void **state)
{
    (void)state;
    struct img im = good_checked();
    wr32(im.b + E_ENTRY, 0x3000);           /* data: R+W */
    expect_reject(&im);
    wr32(im.b + E_ENTRY, 0x4FFF);           /* data bss, last byte */
    expect_reject(&im);
    /* The same entry is fine once the segment is executable. */
    set_ph(&im, 1, T_PT_LOAD, 0x300, 0x3000, 0x100, 0x2000, PF_R | PF_W | PF_X);
    expect_accept(&im);
    img_free(&im);
}

static void test_reject_entry_in_text_without_x_flag(void **state)
{
    (void)state;
    struct img im = good_checked();
    set_ph(&im, 0, T_PT_LOAD, 0x100, 0x1000, 0x200, 0x200, PF_R);
    expect_reject(&im);
    img_free(&im);
}

/* ---- the real user modules, if they have been built --------------------- */

/* The top-level Makefile builds them into modules/. These are made to be
 * refused (BAD_MODULES there); kernelva.elf is linked at the kernel's link
 * address, which is legal in a split address space (ODD_MODULES). */
static const char *const bad_modules[] = { "truncated.elf", "trampva.elf", "notelf.bin" };
#define ODD_MODULE "kernelva.elf"

static bool is_bad_module(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < ARRAY_SIZE(bad_modules); i++)
        if (strcmp(base, bad_modules[i]) == 0)
            return true;
    return strncmp(base, "bad_", 4) == 0; /* test/mkbadelf.c's variants, one per rule */
}

static uint8_t *read_whole_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    uint8_t *b = malloc((size_t)n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void test_real_user_modules_validate(void **state)
{
    (void)state;
    glob_t g;
    int gr = glob(REPO_ROOT "/modules/*.elf", 0, NULL, &g);
    if (gr != 0 || g.gl_pathc == 0) {
        if (gr == 0)
            globfree(&g);
        print_message("no modules/*.elf under %s (run make first): skipped\n", REPO_ROOT);
        skip();
    }
    uint32_t checked = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        if (is_bad_module(path))
            continue;
        size_t n;
        uint8_t *b = read_whole_file(path, &n);
        const char *why = NULL;
        int r = elf_validate(b, n, &out, &why);
        if (r != 0)
            print_error("%s: %s\n", path, why ? why : "(null)");
        assert_int_equal(r, 0);
        assert_true(out.nsegs >= 1);
        if (strstr(path, "/" ODD_MODULE) == NULL) {
            /* Every ordinary module is linked at USER_LINK_BASE. */
            uaddr_t lowest = UINT32_MAX;
            for (uint32_t s = 0; s < out.nsegs; s++)
                if (out.segs[s].vaddr < lowest)
                    lowest = out.segs[s].vaddr;
            if (lowest != USER_LINK_BASE)
                print_error("%s: lowest segment at 0x%x\n", path, lowest);
            assert_int_equal(lowest, USER_LINK_BASE);
        }
        free(b);
        checked++;
    }
    globfree(&g);
    assert_true(checked > 0);
}

static void test_real_bad_modules_are_rejected(void **state)
{
    (void)state;
    uint32_t checked = 0;
    for (size_t i = 0; i < ARRAY_SIZE(bad_modules); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/modules/%s", REPO_ROOT, bad_modules[i]);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        size_t n;
        uint8_t *b = read_whole_file(path, &n);
        const char *why = NULL;
        assert_int_equal(elf_validate(b, n, &out, &why), -ENOEXEC);
        assert_non_null(why);
        free(b);
        checked++;
    }
    if (checked == 0) {
        print_message("no bad modules under %s/modules (run make first): skipped\n", REPO_ROOT);
        skip();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_text_and_data_segments),
        cmocka_unit_test(test_accept_entry_at_last_byte_of_text),
        cmocka_unit_test(test_accept_adjacent_segments),
        cmocka_unit_test(test_accept_segment_ending_exactly_at_user_top),
        cmocka_unit_test(test_accept_exactly_max_phdrs),
        cmocka_unit_test(test_accept_exactly_max_load_segments),
        cmocka_unit_test(test_accept_phdrs_ending_exactly_at_end_of_file),
        cmocka_unit_test(test_reject_file_smaller_than_header),
        cmocka_unit_test(test_reject_bad_magic),
        cmocka_unit_test(test_reject_class_not_32),
        cmocka_unit_test(test_reject_data_not_little_endian),
        cmocka_unit_test(test_reject_ident_version_not_1),
        cmocka_unit_test(test_reject_e_version_not_1),
        cmocka_unit_test(test_reject_type_not_exec),
        cmocka_unit_test(test_reject_machine_not_386),
        cmocka_unit_test(test_reject_phentsize_not_32),
        cmocka_unit_test(test_reject_phnum_zero),
        cmocka_unit_test(test_reject_phnum_above_max),
        cmocka_unit_test(test_reject_phdrs_outside_file),
        cmocka_unit_test(test_reject_phoff_overflow),
        cmocka_unit_test(test_reject_pt_interp),
        cmocka_unit_test(test_reject_pt_dynamic),
        cmocka_unit_test(test_reject_dynamic_as_first_header),
        cmocka_unit_test(test_reject_filesz_greater_than_memsz),
        cmocka_unit_test(test_reject_file_bytes_outside_file),
        cmocka_unit_test(test_reject_file_offset_plus_filesz_overflow),
        cmocka_unit_test(test_reject_vaddr_zero),
        cmocka_unit_test(test_reject_vaddr_just_below_user_base),
        cmocka_unit_test(test_reject_segment_past_user_top),
        cmocka_unit_test(test_reject_vaddr_plus_memsz_wrapping_32_bits),
        cmocka_unit_test(test_reject_overlapping_segments),
        cmocka_unit_test(test_reject_too_many_load_segments),
        cmocka_unit_test(test_reject_no_load_segment),
        cmocka_unit_test(test_reject_entry_outside_every_segment),
        cmocka_unit_test(test_reject_entry_in_non_executable_segment),
        cmocka_unit_test(test_reject_entry_in_text_without_x_flag),
        cmocka_unit_test(test_real_user_modules_validate),
        cmocka_unit_test(test_real_bad_modules_are_rejected),
    };
    return cmocka_run_group_tests_name("ELF32 module validation (elf_validate)", tests, NULL, NULL);
}
