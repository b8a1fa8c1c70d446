/*
 * frame.c - bitmap frame allocator. Allocation scans from a rotating hint,
 * a word at a time; freeing checks alignment, ownership and double frees.
 */
#include "mm/frame.h"
#include "memlayout.h"
#include "uapi/errno.h"

static bool test_bit(const uint32_t *map, uint32_t i) { return map[i / 32] >> (i % 32) & 1; }
static void set_bit(uint32_t *map, uint32_t i) { map[i / 32] |= 1u << (i % 32); }
static void clear_bit(uint32_t *map, uint32_t i) { map[i / 32] &= ~(1u << (i % 32)); }

void frame_pool_init(struct frame_pool *fp, uint32_t *free_map, uint32_t *managed_map,
                     uint32_t nframes)
{
    *fp = (struct frame_pool){ .free_map = free_map, .managed_map = managed_map, .nframes = nframes };
    for (uint32_t w = 0; w < FRAME_MAP_WORDS(nframes); w++)
        free_map[w] = managed_map[w] = 0;
}

void frame_pool_add_range(struct frame_pool *fp, uint64_t base, uint64_t len)
{
    if (len == 0 || base + len < base)
        return;
    uint64_t first = (base + PAGE_SIZE - 1) >> PAGE_SHIFT;
    uint64_t last = (base + len) >> PAGE_SHIFT; /* exclusive */
    if (last > fp->nframes)
        last = fp->nframes;
    if (first < last && FRAME_MAP_WORDS(last) > fp->words_used)
        fp->words_used = FRAME_MAP_WORDS((uint32_t)last);
    for (uint64_t i = first; i < last; i++) {
        if (test_bit(fp->managed_map, (uint32_t)i))
            continue;
        set_bit(fp->managed_map, (uint32_t)i);
        set_bit(fp->free_map, (uint32_t)i);
        fp->total++;
        fp->free++;
    }
}

void frame_pool_reserve_range(struct frame_pool *fp, uint64_t base, uint64_t len)
{
    if (len == 0)
        return;
    uint64_t first = base >> PAGE_SHIFT;
    uint64_t end = base + len;
    if (end < base)
        end = UINT64_MAX;
    /* exclusive; rounded up without computing end + PAGE_SIZE - 1, which
     * would wrap for an end near 2^64 and reserve nothing */
    uint64_t last = (end >> PAGE_SHIFT) + ((end & (PAGE_SIZE - 1)) != 0);
    if (last > fp->nframes)
        last = fp->nframes;
    for (uint64_t i = first; i < last; i++) {
        if (!test_bit(fp->managed_map, (uint32_t)i))
            continue;
        if (test_bit(fp->free_map, (uint32_t)i))
            fp->free--;
        clear_bit(fp->managed_map, (uint32_t)i);
        clear_bit(fp->free_map, (uint32_t)i);
        fp->total--;
    }
}

int frame_alloc(struct frame_pool *fp, paddr_t *pa)
{
    if (fp->free == 0)
        return -ENOMEM;
    uint32_t words = fp->words_used; /* >= 1: a frame is free, so one was added */
    uint32_t w = fp->hint / 32 % words;
    for (uint32_t n = 0; n <= words; n++, w = (w + 1) % words) {
        uint32_t bits = fp->free_map[w];
        if (bits == 0)
            continue;
        uint32_t i = w * 32 + (uint32_t)__builtin_ctz(bits);
        clear_bit(fp->free_map, i);
        fp->free--;
        fp->hint = i;
        if (fp->refs)
            fp->refs[i] = 1;
        *pa = (paddr_t)i << PAGE_SHIFT;
        return 0;
    }
    return -ENOMEM; /* unreachable while the counts are right */
}

int frame_free(struct frame_pool *fp, paddr_t pa)
{
    uint32_t i = pa >> PAGE_SHIFT;
    if (pa % PAGE_SIZE != 0 || i >= fp->nframes || !test_bit(fp->managed_map, i) ||
        test_bit(fp->free_map, i))
        return -EINVAL;
    if (fp->refs && fp->refs[i] > 1) {
        fp->refs[i]--;
        return 0;
    }
    if (fp->refs)
        fp->refs[i] = 0;
    set_bit(fp->free_map, i);
    fp->free++;
    return 0;
}

bool frame_is_free(const struct frame_pool *fp, paddr_t pa)
{
    uint32_t i = pa >> PAGE_SHIFT;
    return i < fp->nframes && test_bit(fp->managed_map, i) && test_bit(fp->free_map, i);
}

void frame_pool_enable_refs(struct frame_pool *fp, uint8_t *refs)
{
    fp->refs = refs;
    for (uint32_t i = 0; i < fp->nframes; i++)
        refs[i] = test_bit(fp->managed_map, i) && !test_bit(fp->free_map, i) ? 1 : 0;
}

static bool allocated(const struct frame_pool *fp, paddr_t pa)
{
    uint32_t i = pa >> PAGE_SHIFT;
    return pa % PAGE_SIZE == 0 && i < fp->nframes && test_bit(fp->managed_map, i) &&
           !test_bit(fp->free_map, i);
}

int frame_ref(struct frame_pool *fp, paddr_t pa)
{
    if (!allocated(fp, pa))
        return -EINVAL;
    uint32_t i = pa >> PAGE_SHIFT;
    if (!fp->refs || fp->refs[i] >= FRAME_REF_MAX)
        return -EAGAIN;
    fp->refs[i]++;
    return 0;
}

uint32_t frame_refcount(const struct frame_pool *fp, paddr_t pa)
{
    if (!fp->refs || !allocated(fp, pa))
        return 0;
    return fp->refs[pa >> PAGE_SHIFT];
}
