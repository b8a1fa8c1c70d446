/*
 * test_multiboot2.c - host tests for the multiboot2 MBI walker
 * (src/kernel/boot/multiboot2.c): a well-formed MBI is indexed correctly, and
 * every malformed one is refused with -EINVAL and an error string.
 *
 * Every rejection test also builds the same MBI with the defect removed and
 * checks that it is accepted, so a test cannot pass because the builder
 * produced something broken in an unrelated way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/multiboot2.h"
#include "uapi/errno.h"

/* ---- MBI builder --------------------------------------------------------- */

#define BUF_BYTES 8192

/* 8-byte aligned backing store; tests that need more allocate their own. */
static uint64_t buf_store[BUF_BYTES / 8];
#define BUF ((uint8_t *)buf_store)

struct mbi {
    uint8_t *base;
    uint32_t off;   /* where the next tag goes (always 8-aligned) */
    size_t cap;
};

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

static struct mbi mbi_begin(uint8_t *base, size_t cap)
{
    assert_true(((uintptr_t)base & 7) == 0);
    assert_true(cap >= 16);
    memset(base, 0xA5, cap);          /* garbage, so nothing relies on zero padding */
    wr32(base, 0);                    /* total_size, set by mbi_finish() */
    wr32(base + 4, 0);                /* reserved */
    return (struct mbi){ .base = base, .off = 8, .cap = cap };
}

/* Append a tag whose size field is @size_field, with @len payload bytes
 * (size_field normally == 8 + len). Returns the tag's offset. */
static uint32_t mbi_tag_raw(struct mbi *m, uint32_t type, uint32_t size_field,
                            const void *payload, uint32_t len)
{
    uint32_t at = m->off;
    uint32_t span = (8 + len + 7) & ~7u;
    assert_true(at + span <= m->cap);
    wr32(m->base + at, type);
    wr32(m->base + at + 4, size_field);
    if (len)
        memcpy(m->base + at + 8, payload, len);
    m->off += span;
    return at;
}

static uint32_t mbi_tag(struct mbi *m, uint32_t type, const void *payload, uint32_t len)
{
    return mbi_tag_raw(m, type, 8 + len, payload, len);
}

static void mbi_cmdline(struct mbi *m, const char *s)
{
    mbi_tag(m, MB2_TAG_CMDLINE, s, (uint32_t)strlen(s) + 1);
}

static void mbi_module(struct mbi *m, uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[256];
    uint32_t n = (uint32_t)strlen(s) + 1;
    assert_true(8 + n <= sizeof(p));
    wr32(p, start);
    wr32(p + 4, end);
    memcpy(p + 8, s, n);
    mbi_tag(m, MB2_TAG_MODULE, p, 8 + n);
}

struct mm { uint64_t base, len; uint32_t type; };

/* Memory map tag with entries of @esize bytes (>= 24). */
static void mbi_mmap(struct mbi *m, uint32_t esize, const struct mm *e, uint32_t n)
{
    uint8_t p[1024];
    assert_true(8 + (size_t)n * esize <= sizeof(p));
    memset(p, 0x5A, sizeof(p));
    wr32(p, esize);
    wr32(p + 4, 0);                   /* entry_version */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *q = p + 8 + i * esize;
        wr64(q, e[i].base);
        wr64(q + 8, e[i].len);
        wr32(q + 16, e[i].type);
        wr32(q + 20, 0);
    }
    mbi_tag(m, MB2_TAG_MMAP, p, 8 + n * esize);
}

static void mbi_load_base(struct mbi *m, uint32_t base)
{
    uint8_t p[4];
    wr32(p, base);
    mbi_tag(m, MB2_TAG_LOAD_BASE, p, 4);
}

/* End tag, then total_size. Returns total_size. */
static uint32_t mbi_finish(struct mbi *m)
{
    mbi_tag(m, MB2_TAG_END, NULL, 0);
    wr32(m->base, m->off);
    return m->off;
}

/* Set total_size without appending an end tag. */
static uint32_t mbi_finish_no_end(struct mbi *m)
{
    wr32(m->base, m->off);
    return m->off;
}

static struct mb2_info info;

/* Expect acceptance. */
static void expect_ok(const void *mbi, size_t avail)
{
    const char *err = NULL;
    int r = mb2_parse(mbi, avail, &info, &err);
    if (r != 0)
        print_error("unexpected rejection: %s\n", err ? err : "(null)");
    assert_int_equal(r, 0);
}

/* Expect -EINVAL with the error string set. */
static void expect_reject(const void *mbi, size_t avail)
{
    const char *err = NULL;
    assert_int_equal(mb2_parse(mbi, avail, &info, &err), -EINVAL);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    /* A NULL err pointer is allowed and must not change the verdict. */
    assert_int_equal(mb2_parse(mbi, avail, &info, NULL), -EINVAL);
}

static const struct mm good_map[3] = {
    { 0x0, 0x9FC00, MB2_MMAP_AVAILABLE },
    { 0xF0000, 0x10000, 2 },
    { 0x100000, 0x7EE0000, MB2_MMAP_AVAILABLE },
};

/* The last parse's memory map reads back as good_map, entry by entry. */
static void expect_good_map(void)
{
    assert_int_equal(info.mmap_count, ARRAY_SIZE(good_map));
    for (uint32_t i = 0; i < ARRAY_SIZE(good_map); i++) {
        struct mb2_mmap_entry e;
        assert_int_equal(mb2_mmap_get(&info, i, &e), 0);
        assert_true(e.base == good_map[i].base);
        assert_true(e.len == good_map[i].len);
        assert_int_equal(e.type, good_map[i].type);
    }
}

/* One case of a one-tag MBI: the tag @type with the @len bytes at
 * @payload (size field 8 + len), then the end tag. */
struct tag_case {
    const char *what;
    uint32_t type;
    const void *payload;
    uint32_t len;
    bool pad_nul;       /* a NUL in the padding right after the payload */
    bool ok;            /* expected verdict: accepted, or -EINVAL */
};

/* Build each case's MBI and check mb2_parse's verdict; a table mixes
 * rejections with the accepted near-miss, so a builder fault shows. */
static void run_tag_cases(const struct tag_case *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        print_message("  case: %s\n", c[k].what);
        struct mbi m = mbi_begin(BUF, BUF_BYTES);
        uint32_t at = mbi_tag(&m, c[k].type, c[k].payload, c[k].len);
        if (c[k].pad_nul)
            BUF[at + 8 + c[k].len] = 0;
        uint32_t total = mbi_finish(&m);
        if (c[k].ok)
            expect_ok(BUF, total);
        else
            expect_reject(BUF, total);
    }
}

/* Memory map tags whose entry_size is each of @bad (and @len payload bytes
 * of zero entries) are refused. */
static void reject_mmap_entry_sizes(const uint32_t *bad, size_t n, uint32_t len)
{
    uint8_t p[128];
    assert_true(len <= sizeof(p));
    for (size_t k = 0; k < n; k++) {
        memset(p, 0, sizeof(p));
        wr32(p, bad[k]);
        run_tag_cases(&(struct tag_case){ "mmap entry_size", MB2_TAG_MMAP, p, len, false, false }, 1);
    }
}

/* Little-endian bytes of a module tag's start 0x1000 and end 0x2000. */
#define MOD_1000_2000 0x00, 0x10, 0, 0, 0x00, 0x20, 0, 0

/* ---- acceptance ---------------------------------------------------------- */

static void test_good_mbi_is_indexed(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "console=serial quiet");
    mbi_module(&m, 0x200000, 0x201234, "init");
    mbi_module(&m, 0x300000, 0x300800, "sh --login");
    mbi_mmap(&m, 24, good_map, 3);
    mbi_load_base(&m, 0x00200000);
    uint32_t total = mbi_finish(&m);

    expect_ok(BUF, total);
    assert_int_equal(info.total_size, total);
    assert_string_equal(info.cmdline, "console=serial quiet");
    assert_true((const uint8_t *)info.cmdline > BUF &&
                (const uint8_t *)info.cmdline < BUF + total);
    assert_true(info.has_load_base);
    assert_int_equal(info.load_base, 0x00200000);

    assert_int_equal(info.nmodules, 2);
    assert_int_equal(info.nmodules_dropped, 0);
    assert_int_equal(info.modules[0].start, 0x200000);
    assert_int_equal(info.modules[0].end, 0x201234);
    assert_string_equal(info.modules[0].cmdline, "init");
    assert_int_equal(info.modules[1].start, 0x300000);
    assert_int_equal(info.modules[1].end, 0x300800);
    assert_string_equal(info.modules[1].cmdline, "sh --login");

    assert_non_null(info.mmap);
    assert_int_equal(info.mmap_entry_size, 24);
    assert_int_equal(info.mmap_count, 3);
    expect_good_map();
}

static void test_minimal_mbi_end_tag_only_with_exact_avail(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    uint32_t total = mbi_finish(&m);
    assert_int_equal(total, 16);
    expect_ok(BUF, 16);
    assert_int_equal(info.total_size, 16);
    assert_int_equal(info.nmodules, 0);
    assert_int_equal(info.mmap_count, 0);
    assert_null(info.mmap);
    assert_false(info.has_load_base);
}

static void test_absent_cmdline_reads_as_empty_string(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_module(&m, 0x1000, 0x2000, "x");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_non_null(info.cmdline);
    assert_string_equal(info.cmdline, "");
}

static void test_empty_cmdline_tag_accepted(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_string_equal(info.cmdline, "");
}

static void test_unknown_tags_are_skipped(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_tag(&m, MB2_TAG_LOADER_NAME, "GRUB 2.06", 10);
    uint8_t junk[37];
    memset(junk, 0xEE, sizeof(junk));     /* no NUL: must not matter for an unknown tag */
    mbi_tag(&m, 0x1234, junk, sizeof(junk)); /* size 45: not a multiple of 8 */
    mbi_tag(&m, 99, NULL, 0);             /* header-only unknown tag */
    mbi_cmdline(&m, "after the unknown tags");
    mbi_module(&m, 0x5000, 0x6000, "m");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_string_equal(info.cmdline, "after the unknown tags");
    assert_int_equal(info.nmodules, 1);
    assert_int_equal(info.modules[0].start, 0x5000);
}

static void test_module_with_end_equal_start_accepted(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_module(&m, 0x7000, 0x7000, "");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_int_equal(info.nmodules, 1);
    assert_int_equal(info.modules[0].end, 0x7000);
    assert_string_equal(info.modules[0].cmdline, "");
}

static void test_too_many_modules_are_dropped_and_counted(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    const uint32_t n = MB2_MAX_MODULES + 3;
    for (uint32_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "mod%u", i);
        mbi_module(&m, 0x100000 + i * 0x1000, 0x100800 + i * 0x1000, name);
    }
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_int_equal(info.nmodules, MB2_MAX_MODULES);
    assert_int_equal(info.nmodules_dropped, 3);
    for (uint32_t i = 0; i < MB2_MAX_MODULES; i++) {
        char name[16];
        snprintf(name, sizeof(name), "mod%u", i);
        assert_int_equal(info.modules[i].start, 0x100000 + i * 0x1000);
        assert_string_equal(info.modules[i].cmdline, name);
    }
}

static void test_exactly_max_modules_none_dropped(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    for (uint32_t i = 0; i < MB2_MAX_MODULES; i++)
        mbi_module(&m, i * 0x1000, i * 0x1000 + 1, "m");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_int_equal(info.nmodules, MB2_MAX_MODULES);
    assert_int_equal(info.nmodules_dropped, 0);
}

static void test_mmap_entry_size_32_uses_the_stride(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_mmap(&m, 32, good_map, 3);
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_int_equal(info.mmap_entry_size, 32);
    assert_int_equal(info.mmap_count, 3);
    expect_good_map();
}

static void test_mmap_get_out_of_range_is_einval(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_mmap(&m, 24, good_map, 3);
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    struct mb2_mmap_entry e = { .base = 0x1111, .len = 0x2222, .type = 77 };
    assert_int_equal(mb2_mmap_get(&info, 3, &e), -EINVAL);
    assert_int_equal(mb2_mmap_get(&info, UINT32_MAX, &e), -EINVAL);
    assert_true(e.base == 0x1111 && e.len == 0x2222 && e.type == 77);
    assert_int_equal(mb2_mmap_get(&info, 2, &e), 0);
}

static void test_mmap_get_without_mmap_is_einval(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "no map");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    assert_int_equal(info.mmap_count, 0);
    struct mb2_mmap_entry e;
    assert_int_equal(mb2_mmap_get(&info, 0, &e), -EINVAL);
}

static void test_total_size_exactly_max_accepted(void **state)
{
    (void)state;
    size_t cap = MB2_MAX_SIZE;
    uint8_t *big = aligned_alloc(8, cap);
    assert_non_null(big);
    struct mbi m = mbi_begin(big, cap);
    /* One unknown tag filling everything up to the end tag. */
    uint32_t fill = MB2_MAX_SIZE - 8 /* header */ - 8 /* end tag */ - 8 /* filler header */;
    uint8_t *payload = calloc(1, fill);
    assert_non_null(payload);
    mbi_tag(&m, 0x4242, payload, fill);
    uint32_t total = mbi_finish(&m);
    assert_int_equal(total, MB2_MAX_SIZE);
    expect_ok(big, cap);
    free(payload);
    free(big);
}

/* ---- header rejections --------------------------------------------------- */

static void test_reject_misaligned_pointer(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "x");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    /* The same bytes at offsets 1..7 from an 8-byte boundary. */
    static uint64_t shifted_store[BUF_BYTES / 8 + 1];
    for (unsigned s = 1; s < 8; s++) {
        uint8_t *p = (uint8_t *)shifted_store + s;
        memcpy(p, BUF, total);
        expect_reject(p, total);
    }
}

static void test_reject_avail_below_16(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    uint32_t total = mbi_finish(&m);
    assert_int_equal(total, 16);
    expect_ok(BUF, 16);
    expect_reject(BUF, 15);
    expect_reject(BUF, 8);
    expect_reject(BUF, 0);
}

static void test_reject_total_size_below_16(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_finish(&m);
    expect_ok(BUF, BUF_BYTES);
    wr32(BUF, 15);
    expect_reject(BUF, BUF_BYTES);
    wr32(BUF, 8);
    expect_reject(BUF, BUF_BYTES);
    wr32(BUF, 0);
    expect_reject(BUF, BUF_BYTES);
}

static void test_reject_total_size_beyond_avail(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "some command line");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    expect_reject(BUF, total - 1);
    expect_reject(BUF, total - 8);
}

static void test_reject_total_size_above_max(void **state)
{
    (void)state;
    /* The bytes really are readable: only the 1 MiB cap can refuse it. */
    size_t cap = MB2_MAX_SIZE + 16;
    uint8_t *big = aligned_alloc(8, cap);
    assert_non_null(big);
    struct mbi m = mbi_begin(big, cap);
    /* header 8 + filler tag (8 + fill) + end tag 8 = MB2_MAX_SIZE + 8 */
    uint32_t fill = MB2_MAX_SIZE - 16;
    uint8_t *payload = calloc(1, fill);
    assert_non_null(payload);
    mbi_tag(&m, 0x4242, payload, fill);
    uint32_t total = mbi_finish(&m);
    assert_int_equal(total, MB2_MAX_SIZE + 8);
    expect_reject(big, cap);
    wr32(big, UINT32_MAX);
    expect_reject(big, cap);
    free(payload);
    free(big);
}

/* ---- tag walk rejections ------------------------------------------------- */

static void test_reject_tag_size_below_8(void **state)
{
    (void)state;
    for (uint32_t size = 0; size < 8; size++) {
        struct mbi m = mbi_begin(BUF, BUF_BYTES);
        mbi_tag_raw(&m, 0x77, size, NULL, 0);
        uint32_t total = mbi_finish(&m);
        expect_reject(BUF, total);
    }
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_tag_raw(&m, 0x77, 8, NULL, 0);
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
}

static void test_reject_tag_size_running_past_total(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    /* Claims 8 + 24 + 8 bytes: its payload (24) plus the end tag plus 8 more. */
    uint8_t payload[24] = { 0 };
    uint32_t at = mbi_tag_raw(&m, 0x77, 8 + 24 + 16, payload, 24);
    uint32_t total = mbi_finish(&m);
    expect_reject(BUF, BUF_BYTES);
    /* Claiming exactly up to total_size is in range (but then no end tag). */
    wr32(BUF + at + 4, total - at);
    expect_reject(BUF, BUF_BYTES);
    /* Sanity: with its true size it parses. */
    wr32(BUF + at + 4, 8 + 24);
    expect_ok(BUF, total);
    /* A huge size must not wrap anything. */
    wr32(BUF + at + 4, UINT32_MAX);
    expect_reject(BUF, BUF_BYTES);
}

static void test_reject_truncated_buffer_mid_tag(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "a fairly long kernel command line");
    uint32_t at = m.off;
    mbi_module(&m, 0x1000, 0x2000, "module command line");
    uint32_t total = mbi_finish(&m);
    expect_ok(BUF, total);
    /* Cut the MBI in the middle of the module tag, header and all. */
    for (uint32_t cut = at + 1; cut < total; cut++) {
        if (cut < 16)
            continue;
        struct mbi c = mbi_begin(BUF, BUF_BYTES);
        mbi_cmdline(&c, "a fairly long kernel command line");
        mbi_module(&c, 0x1000, 0x2000, "module command line");
        mbi_finish(&c);
        wr32(BUF, cut);
        /* avail == cut: anything past it would be a read overrun. */
        uint8_t *exact = aligned_alloc(8, (cut + 7) & ~7u);
        assert_non_null(exact);
        memcpy(exact, BUF, cut);
        expect_reject(exact, cut);
        free(exact);
    }
}

static void test_reject_missing_end_tag(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "1234567");               /* tag size exactly 16 */
    uint32_t total = mbi_finish_no_end(&m);
    expect_reject(BUF, total);

    /* Last tag's size is not a multiple of 8 and total ends right after it. */
    m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "abc");                   /* size 12, padded to 16 */
    wr32(BUF, 8 + 12);
    expect_reject(BUF, BUF_BYTES);

    /* Fewer than 8 bytes remain after the last tag. */
    m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "1234567");
    wr32(BUF, m.off + 4);
    expect_reject(BUF, BUF_BYTES);

    /* Sanity: with the end tag it parses. */
    m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "1234567");
    total = mbi_finish(&m);
    expect_ok(BUF, total);
}

static void test_reject_end_tag_size_not_8(void **state)
{
    (void)state;
    const uint32_t bad[] = { 16, 9, 12 };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        struct mbi m = mbi_begin(BUF, BUF_BYTES);
        mbi_cmdline(&m, "x");
        uint8_t pad[8] = { 0 };
        mbi_tag_raw(&m, MB2_TAG_END, bad[k], pad, 8);
        uint32_t total = mbi_finish_no_end(&m);
        expect_reject(BUF, total);
    }
}

/* ---- per-tag rejections -------------------------------------------------- */

static void test_reject_cmdline_without_nul(void **state)
{
    (void)state;
    static const struct tag_case cases[] = {
        { "no terminator", MB2_TAG_CMDLINE, "no terminator", 13, false, false },
        /* Header-only command line tag: no room for a NUL at all. */
        { "header only", MB2_TAG_CMDLINE, NULL, 0, false, false },
        /* The NUL in the padding after the tag does not count. */
        { "NUL in the padding", MB2_TAG_CMDLINE, "abc", 3, true, false },
        { "terminated", MB2_TAG_CMDLINE, "terminated", 11, false, true },
    };
    run_tag_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_module_tag_too_small(void **state)
{
    (void)state;
    static const uint8_t p[9] = { MOD_1000_2000, 0 };
    static const struct tag_case cases[] = {
        { "size 16: no cmdline byte", MB2_TAG_MODULE, p, 8, false, false },
        { "size 12: no end field", MB2_TAG_MODULE, p, 4, false, false },
        { "size 8", MB2_TAG_MODULE, NULL, 0, false, false },
        { "size 17: the minimum", MB2_TAG_MODULE, p, 9, false, true },
    };
    run_tag_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_module_cmdline_without_nul(void **state)
{
    (void)state;
    static const uint8_t p[8 + 6] = { MOD_1000_2000, 'h', 'e', 'l', 'l', 'o', 0 };
    static const struct tag_case cases[] = {
        /* a NUL in the padding does not count */
        { "hello, NUL in the padding", MB2_TAG_MODULE, p, 8 + 5, true, false },
        { "hello, terminated", MB2_TAG_MODULE, p, 8 + 6, false, true },
    };
    run_tag_cases(cases, ARRAY_SIZE(cases));
}

static void test_reject_module_end_before_start(void **state)
{
    (void)state;
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_module(&m, 0x2000, 0x1FFF, "backwards");
    uint32_t total = mbi_finish(&m);
    expect_reject(BUF, total);

    m = mbi_begin(BUF, BUF_BYTES);
    mbi_module(&m, 0x1000, 0x2000, "fine");
    mbi_module(&m, 0xFFFFFFFF, 0, "backwards");
    total = mbi_finish(&m);
    expect_reject(BUF, total);
}

static void test_reject_mmap_entry_size_below_24(void **state)
{
    (void)state;
    static const uint32_t bad[] = { 0, 8, 16, 23 };
    reject_mmap_entry_sizes(bad, ARRAY_SIZE(bad), 8 + 48);
}

static void test_reject_mmap_entry_size_not_multiple_of_8(void **state)
{
    (void)state;
    static const uint32_t bad[] = { 25, 28, 30, 33 };
    reject_mmap_entry_sizes(bad, ARRAY_SIZE(bad), 8 + 66);
}

static void test_reject_mmap_tag_too_small(void **state)
{
    (void)state;
    static const uint8_t p[8] = { 24, 0, 0, 0, 0, 0, 0, 0 };   /* entry_size 24, version 0 */
    static const struct tag_case cases[] = {
        { "size 12: no entry_version", MB2_TAG_MMAP, p, 4, false, false },
        /* Size 16: header only, zero entries - acceptable. */
        { "size 16: no entries", MB2_TAG_MMAP, p, 8, false, true },
    };
    run_tag_cases(cases, ARRAY_SIZE(cases));
    assert_int_equal(info.mmap_count, 0);
}

static void test_reject_load_base_tag_too_small(void **state)
{
    (void)state;
    static const uint8_t p[4] = { 0x00, 0x00, 0x20, 0x00 };    /* 0x00200000 */
    static const struct tag_case cases[] = {
        { "size 8: no load_base_addr", MB2_TAG_LOAD_BASE, NULL, 0, false, false },
        { "size 12", MB2_TAG_LOAD_BASE, p, 4, false, true },
    };
    run_tag_cases(cases, ARRAY_SIZE(cases));
    assert_int_equal(info.load_base, 0x00200000);
}

static void test_rejection_inside_later_tag_after_good_ones(void **state)
{
    (void)state;
    /* A defect after several valid tags is still found. */
    struct mbi m = mbi_begin(BUF, BUF_BYTES);
    mbi_cmdline(&m, "ok");
    mbi_module(&m, 0x1000, 0x2000, "ok");
    mbi_mmap(&m, 24, good_map, 3);
    mbi_tag(&m, MB2_TAG_CMDLINE, "bad", 3);
    uint32_t total = mbi_finish(&m);
    expect_reject(BUF, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_mbi_is_indexed),
        cmocka_unit_test(test_minimal_mbi_end_tag_only_with_exact_avail),
        cmocka_unit_test(test_absent_cmdline_reads_as_empty_string),
        cmocka_unit_test(test_empty_cmdline_tag_accepted),
        cmocka_unit_test(test_unknown_tags_are_skipped),
        cmocka_unit_test(test_module_with_end_equal_start_accepted),
        cmocka_unit_test(test_too_many_modules_are_dropped_and_counted),
        cmocka_unit_test(test_exactly_max_modules_none_dropped),
        cmocka_unit_test(test_mmap_entry_size_32_uses_the_stride),
        cmocka_unit_test(test_mmap_get_out_of_range_is_einval),
        cmocka_unit_test(test_mmap_get_without_mmap_is_einval),
        cmocka_unit_test(test_total_size_exactly_max_accepted),
        cmocka_unit_test(test_reject_misaligned_pointer),
        cmocka_unit_test(test_reject_avail_below_16),
        cmocka_unit_test(test_reject_total_size_below_16),
        cmocka_unit_test(test_reject_total_size_beyond_avail),
        cmocka_unit_test(test_reject_total_size_above_max),
        cmocka_unit_test(test_reject_tag_size_below_8),
        cmocka_unit_test(test_reject_tag_size_running_past_total),
        cmocka_unit_test(test_reject_truncated_buffer_mid_tag),
        cmocka_unit_test(test_reject_missing_end_tag),
        cmocka_unit_test(test_reject_end_tag_size_not_8),
        cmocka_unit_test(test_reject_cmdline_without_nul),
        cmocka_unit_test(test_reject_module_tag_too_small),
        cmocka_unit_test(test_reject_module_cmdline_without_nul),
        cmocka_unit_test(test_reject_module_end_before_start),
        cmocka_unit_test(test_reject_mmap_entry_size_below_24),
        cmocka_unit_test(test_reject_mmap_entry_size_not_multiple_of_8),
        cmocka_unit_test(test_reject_mmap_tag_too_small),
        cmocka_unit_test(test_reject_load_base_tag_too_small),
        cmocka_unit_test(test_rejection_inside_later_tag_after_good_ones),
    };
    return cmocka_run_group_tests_name("multiboot2 MBI parser (mb2_parse, mb2_mmap_get)",
                                       tests, NULL, NULL);
}
