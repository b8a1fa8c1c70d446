/*
 * test_frame.c - host tests for the bitmap frame allocator
 * (src/kernel/mm/frame.c): adding and reserving ranges, allocation until
 * exhaustion, and every way frame_free() must refuse a frame; and the
 * per-frame reference counts (frame_pool_enable_refs, frame_ref,
 * frame_refcount) that shared memory relies on ("shm refcounting": several
 * holders of one frame, freed only when the last lets go).
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

#include "mm/frame.h"
#include "memlayout.h"
#include "uapi/errno.h"

#define NFRAMES 1000u                   /* 4000 KiB described, frames 0..999 */
#define PA(i)   ((paddr_t)(i) << PAGE_SHIFT)

struct fixture {
    struct frame_pool fp;
    uint32_t *free_map;
    uint32_t *managed_map;
    uint8_t *refs;                      /* NFRAMES bytes; enabled only by the tests that want it */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    size_t bytes = FRAME_MAP_WORDS(NFRAMES) * sizeof(uint32_t);
    f->free_map = malloc(bytes);
    f->managed_map = malloc(bytes);
    f->refs = malloc(NFRAMES);
    if (!f->free_map || !f->managed_map || !f->refs)
        return -1;
    memset(f->refs, 0xAB, NFRAMES);     /* garbage: frame_pool_enable_refs() must set every byte */
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
    free(f->refs);
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

/* ---- reference counts ------------------------------------------------------ */

/* Pool of frames 10..17 (8 frames), frame 12 reserved: 7 managed. */
static void refs_pool(struct fixture *f)
{
    frame_pool_add_range(&f->fp, PA(10), 8 * PAGE_SIZE);
    frame_pool_reserve_range(&f->fp, PA(12), PAGE_SIZE);
    assert_int_equal(f->fp.total, 7);
    assert_int_equal(f->fp.free, 7);
}

/* refs_pool with reference counts on, and one frame allocated: its count is 1. */
static paddr_t counted_frame(struct fixture *f)
{
    refs_pool(f);
    frame_pool_enable_refs(&f->fp, f->refs);
    paddr_t a;
    assert_int_equal(frame_alloc(&f->fp, &a), 0);
    assert_int_equal(frame_refcount(&f->fp, a), 1);
    return a;
}

static void test_refs_enable_counts_allocated_frames_as_one(void **state)
{
    struct fixture *f = *state;
    refs_pool(f);
    paddr_t a, b, c;
    assert_int_equal(frame_alloc(&f->fp, &a), 0);
    assert_int_equal(frame_alloc(&f->fp, &b), 0);
    assert_int_equal(frame_alloc(&f->fp, &c), 0);
    assert_int_equal(frame_free(&f->fp, b), 0);          /* allocated once, free now */
    assert_null(f->fp.refs);
    assert_int_equal(frame_refcount(&f->fp, a), 0);      /* not counted yet */

    frame_pool_enable_refs(&f->fp, f->refs);
    assert_ptr_equal(f->fp.refs, f->refs);
    /* Every byte set: 1 for the allocated frames, 0 for everything else
     * (free, reserved, never managed), over exactly nframes. */
    for (uint32_t i = 0; i < NFRAMES; i++) {
        uint8_t want = (PA(i) == a || PA(i) == c) ? 1 : 0;
        if (f->refs[i] != want)
            print_error("frame %u: refs %u, expected %u\n", i, f->refs[i], want);
        assert_int_equal(f->refs[i], want);
        assert_int_equal(frame_refcount(&f->fp, PA(i)), want);
    }
    /* Enabling changes no count and no state. */
    assert_int_equal(f->fp.free, 5);
    assert_int_equal(f->fp.total, 7);
    assert_true(frame_is_free(&f->fp, b));
    assert_false(frame_is_free(&f->fp, a));
}

static void test_refs_alloc_sets_count_to_one(void **state)
{
    struct fixture *f = *state;
    refs_pool(f);
    frame_pool_enable_refs(&f->fp, f->refs);
    paddr_t pas[NFRAMES];
    uint32_t n = alloc_all(&f->fp, pas);
    assert_int_equal(n, 7);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(frame_refcount(&f->fp, pas[i]), 1);
    /* Freed at count 1 (at once), then reallocated: 1 again, not stale. */
    assert_int_equal(frame_ref(&f->fp, pas[3]), 0);
    assert_int_equal(frame_free(&f->fp, pas[3]), 0);
    assert_int_equal(frame_free(&f->fp, pas[3]), 0);
    assert_int_equal(frame_refcount(&f->fp, pas[3]), 0);
    assert_int_equal(f->refs[pas[3] >> PAGE_SHIFT], 0);
    paddr_t again;
    assert_int_equal(frame_alloc(&f->fp, &again), 0);
    assert_int_equal(again, pas[3]);
    assert_int_equal(frame_refcount(&f->fp, again), 1);
}

static void test_refs_frame_ref_and_refcount(void **state)
{
    struct fixture *f = *state;
    refs_pool(f);
    frame_pool_enable_refs(&f->fp, f->refs);
    paddr_t a, b;
    assert_int_equal(frame_alloc(&f->fp, &a), 0);
    assert_int_equal(frame_alloc(&f->fp, &b), 0);
    for (uint32_t k = 2; k <= 5; k++) {
        assert_int_equal(frame_ref(&f->fp, a), 0);
        assert_int_equal(frame_refcount(&f->fp, a), k);
    }
    assert_int_equal(frame_refcount(&f->fp, b), 1);      /* the neighbour is untouched */
    assert_int_equal(f->fp.free, 5);                      /* a ref allocates nothing */
    /* frame_refcount of anything not allocated is 0. */
    assert_int_equal(frame_refcount(&f->fp, PA(16)), 0);         /* free */
    assert_int_equal(frame_refcount(&f->fp, PA(12)), 0);         /* reserved */
    assert_int_equal(frame_refcount(&f->fp, PA(0)), 0);          /* never managed */
    assert_int_equal(frame_refcount(&f->fp, PA(NFRAMES)), 0);    /* beyond */
    assert_int_equal(frame_refcount(&f->fp, 0xFFFFF000u), 0);
    assert_int_equal(frame_refcount(&f->fp, a + 1), 0);          /* misaligned */
}

static void test_refs_frame_free_frees_only_at_zero(void **state)
{
    struct fixture *f = *state;
    paddr_t a = counted_frame(f);
    assert_int_equal(frame_ref(&f->fp, a), 0);
    assert_int_equal(frame_ref(&f->fp, a), 0);
    assert_int_equal(frame_refcount(&f->fp, a), 3);
    const uint32_t free_before = f->fp.free;

    /* Each frame_free drops one reference; only the last frees the frame. */
    static const struct { uint32_t refcount, freed; } steps[] = {
        { 2, 0 }, { 1, 0 },
        { 0, 1 },                                        /* the last reference */
    };
    for (size_t k = 0; k < ARRAY_SIZE(steps); k++) {
        assert_int_equal(frame_free(&f->fp, a), 0);
        assert_int_equal(frame_refcount(&f->fp, a), steps[k].refcount);
        assert_int_equal(f->fp.free, free_before + steps[k].freed);
        assert_int_equal(frame_is_free(&f->fp, a), steps[k].freed == 1);
    }
    assert_int_equal(f->fp.total, 7);
    assert_int_equal(count_free_frames(&f->fp), f->fp.free);
}

static void test_refs_double_free_after_zero_is_einval(void **state)
{
    struct fixture *f = *state;
    paddr_t a = counted_frame(f);
    assert_int_equal(frame_ref(&f->fp, a), 0);
    assert_int_equal(frame_free(&f->fp, a), 0);
    assert_int_equal(frame_free(&f->fp, a), 0);
    const uint32_t free_after = f->fp.free;
    assert_int_equal(frame_free(&f->fp, a), -EINVAL);
    assert_int_equal(frame_free(&f->fp, a), -EINVAL);
    assert_int_equal(f->fp.free, free_after);
    assert_int_equal(f->fp.total, 7);
    assert_int_equal(frame_refcount(&f->fp, a), 0);
    assert_int_equal(f->refs[a >> PAGE_SHIFT], 0);       /* no underflow to 255 */
    assert_true(frame_is_free(&f->fp, a));
    /* Nor can a reference be taken on it now. */
    assert_int_equal(frame_ref(&f->fp, a), -EINVAL);
    assert_int_equal(f->refs[a >> PAGE_SHIFT], 0);
}

static void test_refs_frame_ref_on_free_unmanaged_or_misaligned_is_einval(void **state)
{
    struct fixture *f = *state;
    paddr_t a = counted_frame(f);
    uint8_t before[NFRAMES];
    memcpy(before, f->refs, NFRAMES);
    const paddr_t bad[] = {
        PA(16), PA(17),                  /* free */
        PA(12),                          /* reserved */
        PA(0), PA(9), PA(18),            /* never managed */
        PA(NFRAMES), PA(NFRAMES + 10), PA(1024), 0xFFFFF000u,   /* beyond nframes */
        a + 1, a + 0x800, a + 0xFFF,     /* misaligned, inside an allocated frame */
    };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        int r = frame_ref(&f->fp, bad[k]);
        if (r != -EINVAL)
            print_error("pa 0x%x: got %d\n", bad[k], r);
        assert_int_equal(r, -EINVAL);
    }
    assert_memory_equal(f->refs, before, NFRAMES);
    assert_int_equal(frame_refcount(&f->fp, a), 1);
    assert_int_equal(f->fp.free, 6);
    assert_int_equal(f->fp.total, 7);
    assert_true(frame_is_free(&f->fp, PA(16)));          /* still free, not revived */
}

static void test_refs_frame_ref_at_max_is_eagain(void **state)
{
    struct fixture *f = *state;
    paddr_t a = counted_frame(f);
    for (uint32_t k = 1; k < FRAME_REF_MAX; k++)
        assert_int_equal(frame_ref(&f->fp, a), 0);
    assert_int_equal(frame_refcount(&f->fp, a), FRAME_REF_MAX);
    assert_int_equal(frame_ref(&f->fp, a), -EAGAIN);
    assert_int_equal(frame_ref(&f->fp, a), -EAGAIN);
    assert_int_equal(frame_refcount(&f->fp, a), FRAME_REF_MAX);  /* no wrap to 0 */
    /* Dropping one makes room for one. */
    const uint32_t free_before = f->fp.free;
    assert_int_equal(frame_free(&f->fp, a), 0);
    assert_int_equal(frame_refcount(&f->fp, a), FRAME_REF_MAX - 1);
    assert_int_equal(frame_ref(&f->fp, a), 0);
    assert_int_equal(frame_ref(&f->fp, a), -EAGAIN);
    /* All FRAME_REF_MAX references are needed to free it. */
    for (uint32_t k = FRAME_REF_MAX; k > 1; k--) {
        assert_int_equal(frame_free(&f->fp, a), 0);
        assert_int_equal(f->fp.free, free_before);
    }
    assert_false(frame_is_free(&f->fp, a));
    assert_int_equal(frame_free(&f->fp, a), 0);
    assert_int_equal(f->fp.free, free_before + 1);
    assert_true(frame_is_free(&f->fp, a));
    assert_int_equal(frame_free(&f->fp, a), -EINVAL);
}

static void test_refs_frame_ref_without_refs_enabled_is_eagain(void **state)
{
    struct fixture *f = *state;
    refs_pool(f);
    paddr_t a;
    assert_int_equal(frame_alloc(&f->fp, &a), 0);
    assert_int_equal(frame_ref(&f->fp, a), -EAGAIN);
    assert_int_equal(frame_refcount(&f->fp, a), 0);      /* uncounted */
    /* Still -EINVAL for what is not an allocated managed frame. */
    assert_int_equal(frame_ref(&f->fp, PA(16)), -EINVAL);
    assert_int_equal(frame_ref(&f->fp, PA(0)), -EINVAL);
    assert_int_equal(frame_ref(&f->fp, a + 4), -EINVAL);
    /* The refused ref took nothing: a single free releases the frame. */
    assert_int_equal(f->fp.free, 6);
    assert_int_equal(frame_free(&f->fp, a), 0);
    assert_int_equal(f->fp.free, 7);
    assert_true(frame_is_free(&f->fp, a));
    assert_int_equal(frame_free(&f->fp, a), -EINVAL);
    /* The caller's refs array was never touched. */
    for (uint32_t i = 0; i < NFRAMES; i++)
        assert_int_equal(f->refs[i], 0xAB);
}

static void test_refs_refused_frees_leave_counts_alone(void **state)
{
    struct fixture *f = *state;
    paddr_t a = counted_frame(f);
    assert_int_equal(frame_ref(&f->fp, a), 0);
    /* Misaligned frees of a counted frame must not drop a reference. */
    assert_int_equal(frame_free(&f->fp, a + 1), -EINVAL);
    assert_int_equal(frame_free(&f->fp, a + 0xFFF), -EINVAL);
    assert_int_equal(frame_refcount(&f->fp, a), 2);
    assert_int_equal(frame_free(&f->fp, PA(12)), -EINVAL);   /* reserved */
    assert_int_equal(f->refs[12], 0);
    assert_int_equal(f->fp.free, 6);
}

static void test_shm_refcounting_two_holders_free_only_after_both(void **state)
{
    struct fixture *f = *state;
    refs_pool(f);
    frame_pool_enable_refs(&f->fp, f->refs);
    const uint32_t baseline = f->fp.free;
    /* Holder 1 allocates the shared frame, holder 2 maps it too. */
    paddr_t shm;
    assert_int_equal(frame_alloc(&f->fp, &shm), 0);
    assert_int_equal(frame_ref(&f->fp, shm), 0);
    assert_int_equal(frame_refcount(&f->fp, shm), 2);
    assert_int_equal(f->fp.free, baseline - 1);

    /* Holder 1 exits: the frame stays allocated and is never handed out. */
    assert_int_equal(frame_free(&f->fp, shm), 0);
    assert_int_equal(frame_refcount(&f->fp, shm), 1);
    assert_int_equal(f->fp.free, baseline - 1);
    paddr_t pas[NFRAMES];
    uint32_t n = alloc_all(&f->fp, pas);
    assert_int_equal(n, baseline - 1);
    for (uint32_t i = 0; i < n; i++)
        assert_int_not_equal(pas[i], shm);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(frame_free(&f->fp, pas[i]), 0);

    /* Holder 2 exits: now it is free, and the count is exactly back. */
    assert_int_equal(frame_free(&f->fp, shm), 0);
    assert_int_equal(frame_refcount(&f->fp, shm), 0);
    assert_true(frame_is_free(&f->fp, shm));
    assert_int_equal(f->fp.free, baseline);
    assert_int_equal(count_free_frames(&f->fp), baseline);
    assert_int_equal(frame_free(&f->fp, shm), -EINVAL);
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
        T(test_refs_enable_counts_allocated_frames_as_one),
        T(test_refs_alloc_sets_count_to_one),
        T(test_refs_frame_ref_and_refcount),
        T(test_refs_frame_free_frees_only_at_zero),
        T(test_refs_double_free_after_zero_is_einval),
        T(test_refs_frame_ref_on_free_unmanaged_or_misaligned_is_einval),
        T(test_refs_frame_ref_at_max_is_eagain),
        T(test_refs_frame_ref_without_refs_enabled_is_eagain),
        T(test_refs_refused_frees_leave_counts_alone),
        T(test_shm_refcounting_two_holders_free_only_after_both),
    };
    return cmocka_run_group_tests_name("physical frame allocator (frame_pool_*, frame_alloc, frame_free, frame_ref)",
                                       tests, NULL, NULL);
}
