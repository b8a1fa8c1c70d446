/*
 * test_frame.c - host tests for the bitmap frame allocator
 * (src/kernel/frame.c): adding and reserving ranges, allocation until
 * exhaustion, and every way frame_free() must refuse a frame.
 *
 * The bitmaps are heap blocks of exactly FRAME_MAP_WORDS(nframes) words, so
 * AddressSanitizer catches any access past them. NFRAMES is deliberately not
 * a multiple of 32.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "memlayout.h"
#include "uapi/errno.h"

#define NFRAMES 1000u                   /* 4000 KiB described, frames 0..999 */
#define PA(i)   ((paddr_t)(i) << PAGE_SHIFT)

struct fixture {
    struct frame_pool fp;
    uint32_t *free_map;
    uint32_t *managed_map;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    size_t bytes = FRAME_MAP_WORDS(NFRAMES) * sizeof(uint32_t);
    f->free_map = malloc(bytes);
    f->managed_map = malloc(bytes);
    if (!f->free_map || !f->managed_map)
        return -1;
    /* Garbage: frame_pool_init() must clear it. */
    memset(f->free_map, 0xFF, bytes);
    memset(f->managed_map, 0xFF, bytes);
    frame_pool_init(&f->fp, f->free_map, f->managed_map, NFRAMES);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->free_map);
    free(f->managed_map);
    free(f);
    return 0;
}

/* Count the frames in [0, NFRAMES) that frame_is_free() reports. */
static uint32_t count_free_frames(const struct frame_pool *fp)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < NFRAMES; i++)
        n += frame_is_free(fp, PA(i));
    return n;
}

/* Allocate until -ENOMEM; stores the addresses in @pas (cap NFRAMES). */
static uint32_t alloc_all(struct frame_pool *fp, paddr_t *pas)
{
    uint32_t n = 0;
    for (;;) {
        paddr_t pa = 0xDEADBEEF;
        int r = frame_alloc(fp, &pa);
        if (r == -ENOMEM) {
            assert_int_equal(pa, 0xDEADBEEF);   /* untouched on failure */
            break;
        }
        assert_int_equal(r, 0);
        assert_true(n < NFRAMES);
        pas[n++] = pa;
    }
    assert_int_equal(fp->free, 0);
    return n;
}

/* ---- init / add ---------------------------------------------------------- */

static void test_init_gives_empty_pool(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->fp.nframes, NFRAMES);
    assert_int_equal(f->fp.total, 0);
    assert_int_equal(f->fp.free, 0);
    for (uint32_t w = 0; w < FRAME_MAP_WORDS(NFRAMES); w++) {
        assert_int_equal(f->free_map[w], 0);
        assert_int_equal(f->managed_map[w], 0);
    }
    paddr_t pa = 0x1234;
    assert_int_equal(frame_alloc(&f->fp, &pa), -ENOMEM);
    assert_int_equal(pa, 0x1234);
    assert_false(frame_is_free(&f->fp, 0));
    assert_int_equal(count_free_frames(&f->fp), 0);
}

static void test_add_whole_frames(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(1), 3 * PAGE_SIZE);
    assert_int_equal(f->fp.total, 3);
    assert_int_equal(f->fp.free, 3);
    assert_false(frame_is_free(&f->fp, PA(0)));
    assert_true(frame_is_free(&f->fp, PA(1)));
    assert_true(frame_is_free(&f->fp, PA(2)));
    assert_true(frame_is_free(&f->fp, PA(3)));
    assert_false(frame_is_free(&f->fp, PA(4)));
    assert_int_equal(count_free_frames(&f->fp), 3);
}

static void test_add_skips_partial_frames_at_both_ends(void **state)
{
    struct fixture *f = *state;
    /* [0x1800, 0x4800): only frames 2 and 3 lie wholly inside. */
    frame_pool_add_range(&f->fp, 0x1800, 0x3000);
    assert_int_equal(f->fp.total, 2);
    assert_int_equal(f->fp.free, 2);
    assert_false(frame_is_free(&f->fp, PA(1)));
    assert_true(frame_is_free(&f->fp, PA(2)));
    assert_true(frame_is_free(&f->fp, PA(3)));
    assert_false(frame_is_free(&f->fp, PA(4)));

    /* Less than a frame, or a frame's worth straddling a boundary: nothing. */
    frame_pool_add_range(&f->fp, PA(10), PAGE_SIZE - 1);
    frame_pool_add_range(&f->fp, PA(20) + 1, PAGE_SIZE);
    frame_pool_add_range(&f->fp, PA(30) + 0x800, PAGE_SIZE);
    frame_pool_add_range(&f->fp, PA(40), 0);
    assert_int_equal(f->fp.total, 2);
    assert_int_equal(count_free_frames(&f->fp), 2);

    /* Exactly one frame, unaligned start but ending on a boundary + more. */
    frame_pool_add_range(&f->fp, PA(50) - 1, PAGE_SIZE + 1);
    assert_int_equal(f->fp.total, 3);
    assert_true(frame_is_free(&f->fp, PA(50)));
    assert_false(frame_is_free(&f->fp, PA(49)));
    assert_false(frame_is_free(&f->fp, PA(51)));
}

static void test_add_beyond_nframes_is_ignored(void **state)
{
    struct fixture *f = *state;
    /* Straddles the end: only the frames below NFRAMES count. */
    frame_pool_add_range(&f->fp, PA(NFRAMES - 2), 0x100000);
    assert_int_equal(f->fp.total, 2);
    assert_true(frame_is_free(&f->fp, PA(NFRAMES - 2)));
    assert_true(frame_is_free(&f->fp, PA(NFRAMES - 1)));
    assert_false(frame_is_free(&f->fp, PA(NFRAMES)));
    /* Wholly beyond: nothing, and nothing is written past the bitmaps. */
    frame_pool_add_range(&f->fp, PA(NFRAMES), 0x100000);
    frame_pool_add_range(&f->fp, 0x100000000ull, 0x100000000ull);
    frame_pool_add_range(&f->fp, 0xFFFFFFFFFFFF0000ull, 0x1000);
    assert_int_equal(f->fp.total, 2);
    assert_int_equal(f->fp.free, 2);
}

static void test_add_everything_covers_exactly_nframes(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, 0x100000000ull);
    assert_int_equal(f->fp.total, NFRAMES);
    assert_int_equal(f->fp.free, NFRAMES);
    assert_int_equal(count_free_frames(&f->fp), NFRAMES);
    /* The bits past NFRAMES in the last word stay clear. */
    uint32_t last = f->free_map[FRAME_MAP_WORDS(NFRAMES) - 1];
    assert_int_equal(last >> (NFRAMES % 32), 0);
}

static void test_add_twice_counts_once(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(100), 10 * PAGE_SIZE);
    frame_pool_add_range(&f->fp, PA(100), 10 * PAGE_SIZE);
    assert_int_equal(f->fp.total, 10);
    assert_int_equal(f->fp.free, 10);
    /* Overlapping: [105, 115) adds only 110..114. */
    frame_pool_add_range(&f->fp, PA(105), 10 * PAGE_SIZE);
    assert_int_equal(f->fp.total, 15);
    assert_int_equal(f->fp.free, 15);
    assert_int_equal(count_free_frames(&f->fp), 15);
}

static void test_add_does_not_revive_an_allocated_frame(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(7), PAGE_SIZE);
    paddr_t pa;
    assert_int_equal(frame_alloc(&f->fp, &pa), 0);
    assert_int_equal(pa, PA(7));
    frame_pool_add_range(&f->fp, PA(7), PAGE_SIZE);     /* e.g. an overlapping mmap entry */
    assert_int_equal(f->fp.total, 1);
    assert_int_equal(f->fp.free, 0);
    assert_false(frame_is_free(&f->fp, PA(7)));
    assert_int_equal(frame_alloc(&f->fp, &pa), -ENOMEM);
}

/* ---- reserve ------------------------------------------------------------- */

static void test_reserve_removes_every_touching_frame(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, PA(100));
    assert_int_equal(f->fp.total, 100);
    /* [0x1800, 0x2800) touches frames 1 and 2. */
    frame_pool_reserve_range(&f->fp, 0x1800, 0x1000);
    assert_int_equal(f->fp.total, 98);
    assert_int_equal(f->fp.free, 98);
    assert_true(frame_is_free(&f->fp, PA(0)));
    assert_false(frame_is_free(&f->fp, PA(1)));
    assert_false(frame_is_free(&f->fp, PA(2)));
    assert_true(frame_is_free(&f->fp, PA(3)));
    /* A single byte reserves its whole frame. */
    frame_pool_reserve_range(&f->fp, PA(5) + 0xFFF, 1);
    assert_int_equal(f->fp.total, 97);
    assert_false(frame_is_free(&f->fp, PA(5)));
    assert_true(frame_is_free(&f->fp, PA(6)));
    /* Ending exactly on a boundary does not touch the next frame. */
    frame_pool_reserve_range(&f->fp, PA(10), 2 * PAGE_SIZE);
    assert_int_equal(f->fp.total, 95);
    assert_false(frame_is_free(&f->fp, PA(11)));
    assert_true(frame_is_free(&f->fp, PA(12)));
    /* len 0 reserves nothing. */
    frame_pool_reserve_range(&f->fp, PA(20), 0);
    assert_int_equal(f->fp.total, 95);
    assert_true(frame_is_free(&f->fp, PA(20)));
    assert_int_equal(count_free_frames(&f->fp), 95);
}

static void test_reserve_twice_and_unmanaged_counts_once(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 10 * PAGE_SIZE);
    frame_pool_reserve_range(&f->fp, PA(12), PAGE_SIZE);
    frame_pool_reserve_range(&f->fp, PA(12), PAGE_SIZE);
    assert_int_equal(f->fp.total, 9);
    assert_int_equal(f->fp.free, 9);
    /* Overlapping unmanaged frames [0, 12): only 10 and 11 were managed. */
    frame_pool_reserve_range(&f->fp, 0, PA(12));
    assert_int_equal(f->fp.total, 7);
    assert_int_equal(f->fp.free, 7);
    /* Beyond nframes: ignored. */
    frame_pool_reserve_range(&f->fp, PA(NFRAMES), 0x100000);
    assert_int_equal(f->fp.total, 7);
}

static void test_reserve_up_to_the_top_of_the_address_space(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, PA(NFRAMES));
    /* "Everything from frame 900 up", with lengths that reach or pass 2^64. */
    frame_pool_reserve_range(&f->fp, PA(900), UINT64_MAX - PA(900));
    assert_int_equal(f->fp.total, 900);
    assert_false(frame_is_free(&f->fp, PA(900)));
    assert_false(frame_is_free(&f->fp, PA(NFRAMES - 1)));
    assert_true(frame_is_free(&f->fp, PA(899)));
    frame_pool_reserve_range(&f->fp, PA(800), UINT64_MAX);
    assert_int_equal(f->fp.total, 800);
    assert_int_equal(f->fp.free, 800);
    assert_false(frame_is_free(&f->fp, PA(800)));
    assert_true(frame_is_free(&f->fp, PA(799)));
}

static void test_reserved_frames_are_never_allocated(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, PA(64));
    frame_pool_reserve_range(&f->fp, 0, PA(4));          /* 0..3 */
    frame_pool_reserve_range(&f->fp, PA(31), 2 * PAGE_SIZE); /* 31, 32: across a word */
    frame_pool_reserve_range(&f->fp, PA(63), 1);         /* 63 */
    assert_int_equal(f->fp.total, 64 - 7);
    paddr_t pas[NFRAMES];
    uint32_t n = alloc_all(&f->fp, pas);
    assert_int_equal(n, 64 - 7);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t fr = pas[i] >> PAGE_SHIFT;
        assert_true(fr >= 4 && fr < 63 && fr != 31 && fr != 32);
    }
}

static void test_reserve_an_allocated_frame_drops_it_from_the_counts(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 4 * PAGE_SIZE);
    paddr_t pa;
    assert_int_equal(frame_alloc(&f->fp, &pa), 0);
    assert_int_equal(f->fp.free, 3);
    frame_pool_reserve_range(&f->fp, pa, PAGE_SIZE);
    assert_int_equal(f->fp.total, 3);
    assert_int_equal(f->fp.free, 3);                     /* it was not free */
    assert_int_equal(frame_free(&f->fp, pa), -EINVAL);   /* no longer managed */
    assert_int_equal(f->fp.free, 3);
    assert_false(frame_is_free(&f->fp, pa));
}

/* ---- alloc / free -------------------------------------------------------- */

static void test_alloc_all_distinct_inside_ranges_then_free_all(void **state)
{
    struct fixture *f = *state;
    /* Two ranges with a hole, the second running past NFRAMES; a reserved
     * piece in the middle of the first. */
    frame_pool_add_range(&f->fp, PA(16), PA(100));       /* 16..115 */
    frame_pool_add_range(&f->fp, PA(600), PA(1000));     /* 600..999 */
    frame_pool_reserve_range(&f->fp, PA(40), PA(8));     /* 40..47 */
    const uint32_t expect = 100 + 400 - 8;
    assert_int_equal(f->fp.total, expect);
    assert_int_equal(f->fp.free, expect);

    static paddr_t pas[NFRAMES];
    static uint8_t seen[NFRAMES];
    memset(seen, 0, sizeof(seen));
    for (int round = 0; round < 2; round++) {
        uint32_t n = alloc_all(&f->fp, pas);
        assert_int_equal(n, expect);
        assert_int_equal(count_free_frames(&f->fp), 0);
        memset(seen, 0, sizeof(seen));
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(pas[i] % PAGE_SIZE, 0);
            uint32_t fr = pas[i] >> PAGE_SHIFT;
            assert_true(fr < NFRAMES);
            assert_true((fr >= 16 && fr < 116) || (fr >= 600 && fr < 1000));
            assert_false(fr >= 40 && fr < 48);
            assert_int_equal(seen[fr], 0);               /* distinct */
            seen[fr] = 1;
        }
        /* Free in a different order than allocated. */
        for (uint32_t i = n; i-- > 0;)
            assert_int_equal(frame_free(&f->fp, pas[i]), 0);
        assert_int_equal(f->fp.free, expect);
        assert_int_equal(f->fp.total, expect);
        assert_int_equal(count_free_frames(&f->fp), expect);
    }
}

static void test_alloc_reuses_a_freed_frame_when_it_is_the_only_one(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, PA(NFRAMES));
    static paddr_t pas[NFRAMES];
    uint32_t n = alloc_all(&f->fp, pas);
    assert_int_equal(n, NFRAMES);
    /* Free one far behind the hint, one at the very end: both found again. */
    assert_int_equal(frame_free(&f->fp, PA(3)), 0);
    assert_int_equal(frame_free(&f->fp, PA(NFRAMES - 1)), 0);
    paddr_t a, b, c;
    assert_int_equal(frame_alloc(&f->fp, &a), 0);
    assert_int_equal(frame_alloc(&f->fp, &b), 0);
    assert_int_equal(frame_alloc(&f->fp, &c), -ENOMEM);
    assert_true((a == PA(3) && b == PA(NFRAMES - 1)) || (a == PA(NFRAMES - 1) && b == PA(3)));
}

static void test_double_free_is_einval_and_counts_unchanged(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 4 * PAGE_SIZE);
    paddr_t pa;
    assert_int_equal(frame_alloc(&f->fp, &pa), 0);
    assert_int_equal(frame_free(&f->fp, pa), 0);
    assert_int_equal(f->fp.free, 4);
    assert_int_equal(frame_free(&f->fp, pa), -EINVAL);
    assert_int_equal(f->fp.free, 4);
    assert_int_equal(f->fp.total, 4);
    /* A frame that was never allocated is a double free too. */
    assert_int_equal(frame_free(&f->fp, PA(13)), -EINVAL);
    assert_int_equal(f->fp.free, 4);
    assert_int_equal(count_free_frames(&f->fp), 4);
}

static void test_free_unaligned_is_einval(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 4 * PAGE_SIZE);
    paddr_t pa;
    assert_int_equal(frame_alloc(&f->fp, &pa), 0);
    const uint32_t offs[] = { 1, 0x800, 0xFFF };
    for (size_t k = 0; k < ARRAY_SIZE(offs); k++) {
        assert_int_equal(frame_free(&f->fp, pa + offs[k]), -EINVAL);
        assert_int_equal(f->fp.free, 3);
        assert_false(frame_is_free(&f->fp, pa));
    }
    assert_int_equal(frame_free(&f->fp, pa), 0);
    assert_int_equal(f->fp.free, 4);
}

static void test_free_unmanaged_frame_is_einval(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 4 * PAGE_SIZE);
    assert_int_equal(frame_free(&f->fp, PA(0)), -EINVAL);
    assert_int_equal(frame_free(&f->fp, PA(9)), -EINVAL);
    assert_int_equal(frame_free(&f->fp, PA(14)), -EINVAL);
    assert_int_equal(f->fp.free, 4);
    assert_int_equal(f->fp.total, 4);
    assert_false(frame_is_free(&f->fp, PA(9)));
    assert_int_equal(count_free_frames(&f->fp), 4);
}

static void test_free_reserved_frame_is_einval(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), 4 * PAGE_SIZE);
    frame_pool_reserve_range(&f->fp, PA(11), PAGE_SIZE);
    assert_int_equal(frame_free(&f->fp, PA(11)), -EINVAL);
    assert_int_equal(f->fp.free, 3);
    assert_int_equal(f->fp.total, 3);
    assert_false(frame_is_free(&f->fp, PA(11)));
}

static void test_free_beyond_nframes_is_einval(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, 0, PA(NFRAMES));
    static paddr_t pas[NFRAMES];
    alloc_all(&f->fp, pas);
    assert_int_equal(frame_free(&f->fp, PA(NFRAMES)), -EINVAL);
    assert_int_equal(frame_free(&f->fp, PA(NFRAMES + 10)), -EINVAL); /* bit exists in the last word */
    assert_int_equal(frame_free(&f->fp, PA(1024)), -EINVAL);
    assert_int_equal(frame_free(&f->fp, 0xFFFFF000u), -EINVAL);
    assert_int_equal(f->fp.free, 0);
    assert_int_equal(f->fp.total, NFRAMES);
}

static void test_frame_is_free_tracks_state(void **state)
{
    struct fixture *f = *state;
    frame_pool_add_range(&f->fp, PA(10), PAGE_SIZE);
    assert_true(frame_is_free(&f->fp, PA(10)));
    paddr_t pa;
    assert_int_equal(frame_alloc(&f->fp, &pa), 0);
    assert_int_equal(pa, PA(10));
    assert_false(frame_is_free(&f->fp, PA(10)));
    assert_int_equal(frame_free(&f->fp, pa), 0);
    assert_true(frame_is_free(&f->fp, PA(10)));
    assert_false(frame_is_free(&f->fp, PA(11)));              /* unmanaged */
    assert_false(frame_is_free(&f->fp, PA(NFRAMES)));         /* beyond */
    assert_false(frame_is_free(&f->fp, 0xFFFFF000u));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_gives_empty_pool),
        T(test_add_whole_frames),
        T(test_add_skips_partial_frames_at_both_ends),
        T(test_add_beyond_nframes_is_ignored),
        T(test_add_everything_covers_exactly_nframes),
        T(test_add_twice_counts_once),
        T(test_add_does_not_revive_an_allocated_frame),
        T(test_reserve_removes_every_touching_frame),
        T(test_reserve_twice_and_unmanaged_counts_once),
        T(test_reserve_up_to_the_top_of_the_address_space),
        T(test_reserved_frames_are_never_allocated),
        T(test_reserve_an_allocated_frame_drops_it_from_the_counts),
        T(test_alloc_all_distinct_inside_ranges_then_free_all),
        T(test_alloc_reuses_a_freed_frame_when_it_is_the_only_one),
        T(test_double_free_is_einval_and_counts_unchanged),
        T(test_free_unaligned_is_einval),
        T(test_free_unmanaged_frame_is_einval),
        T(test_free_reserved_frame_is_einval),
        T(test_free_beyond_nframes_is_einval),
        T(test_frame_is_free_tracks_state),
    };
    return cmocka_run_group_tests_name("physical frame allocator (frame_pool_*, frame_alloc, frame_free)",
                                       tests, NULL, NULL);
}
