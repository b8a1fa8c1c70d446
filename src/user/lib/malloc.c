/*
 * malloc.c - sbrk on top of brk, and a first-fit allocator on top of sbrk.
 *
 * The heap is one run of blocks [heap_lo, heap_hi). Every block starts with
 * a 16-byte header holding its size (header included, a multiple of 16) and
 * the size of the block before it, so free() can merge with both
 * neighbours in O(1). Payloads are 16-byte aligned. malloc walks the blocks
 * in address order and takes the first free one that fits, splitting off
 * the rest; when none fits it grows the heap by whole pages (extending a
 * free last block if there is one). free() gives whole pages at the top of
 * the heap back to the kernel.
 */
#include "ulib.h"

#define ALIGN      16u
#define MAGIC_USED 0x55534544u  /* "USED" */
#define MAGIC_FREE 0x46524545u  /* "FREE" */

struct hdr {
    uint32_t size;              /* bytes, header included, multiple of ALIGN */
    uint32_t prev_size;         /* size of the block below, 0 for the first */
    uint32_t magic;             /* MAGIC_USED or MAGIC_FREE */
    uint32_t pad;
};

_Static_assert(sizeof(struct hdr) == ALIGN, "header must keep payloads aligned");

static uintptr_t heap_lo, heap_hi;

/* brk() returns an address or -errno; addresses never reach the top 4 KiB. */
static int brk_failed(long r)
{
    return (unsigned long)r >= (unsigned long)-4095L;
}

void *sbrk(long increment)
{
    long cur = brk(NULL);
    if (brk_failed(cur))
        return (void *)-1;
    if (increment == 0)
        return (void *)cur;
    uintptr_t want = (uintptr_t)cur + (uintptr_t)increment;
    if ((increment > 0 && want < (uintptr_t)cur) || (increment < 0 && want > (uintptr_t)cur))
        return (void *)-1;      /* wraps */
    long r = brk((void *)want);
    if (brk_failed(r) || (uintptr_t)r != want)
        return (void *)-1;
    return (void *)cur;
}

static struct hdr *next_of(struct hdr *h)
{
    return (struct hdr *)((uintptr_t)h + h->size);
}

static struct hdr *prev_of(struct hdr *h)
{
    return h->prev_size ? (struct hdr *)((uintptr_t)h - h->prev_size) : NULL;
}

/* First use: align the break to ALIGN. */
static int heap_init(void)
{
    if (heap_lo)
        return 0;
    long cur = brk(NULL);
    if (brk_failed(cur))
        return -1;
    uintptr_t start = ((uintptr_t)cur + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    if (start != (uintptr_t)cur && sbrk((long)(start - (uintptr_t)cur)) == (void *)-1)
        return -1;
    heap_lo = heap_hi = start;
    return 0;
}

/* Split @h so it is exactly @size bytes if the rest can hold a block. */
static void split(struct hdr *h, uint32_t size)
{
    if (h->size - size < 2 * ALIGN)
        return;
    struct hdr *rest = (struct hdr *)((uintptr_t)h + size);
    rest->size = h->size - size;
    rest->prev_size = size;
    rest->magic = MAGIC_FREE;
    if ((uintptr_t)next_of(rest) < heap_hi)
        next_of(rest)->prev_size = rest->size;
    h->size = size;
}

/* The last block in the heap, or NULL if the heap is empty. */
static struct hdr *last_block(void)
{
    if (heap_hi == heap_lo)
        return NULL;
    struct hdr *h = (struct hdr *)heap_lo;
    while ((uintptr_t)next_of(h) < heap_hi)
        h = next_of(h);
    return h;
}

void *malloc(size_t size)
{
    if (size == 0 || size > 0x40000000u || heap_init() < 0)
        return NULL;
    uint32_t need = (uint32_t)((size + sizeof(struct hdr) + ALIGN - 1) & ~(size_t)(ALIGN - 1));

    for (uintptr_t p = heap_lo; p < heap_hi; p += ((struct hdr *)p)->size) {
        struct hdr *h = (struct hdr *)p;
        if (h->magic == MAGIC_FREE && h->size >= need) {
            split(h, need);
            h->magic = MAGIC_USED;
            return h + 1;
        }
    }

    /* Grow: extend a free last block, or append a new one. */
    struct hdr *last = last_block();
    uint32_t have = (last && last->magic == MAGIC_FREE) ? last->size : 0;
    uint32_t grow = (need - have + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    void *old = sbrk((long)grow);
    if (old == (void *)-1)
        return NULL;
    if ((uintptr_t)old != heap_hi) {    /* someone else moved the break */
        sbrk(-(long)grow);
        return NULL;
    }
    struct hdr *h;
    if (have) {
        h = last;
        h->size += grow;
    } else {
        h = (struct hdr *)heap_hi;
        h->size = grow;
        h->prev_size = last ? last->size : 0;
    }
    heap_hi += grow;
    split(h, need);
    h->magic = MAGIC_USED;
    return h + 1;
}

void free(void *ptr)
{
    if (!ptr)
        return;
    struct hdr *h = (struct hdr *)ptr - 1;
    if ((uintptr_t)h < heap_lo || (uintptr_t)h >= heap_hi || h->magic != MAGIC_USED) {
        printf("free: bad pointer %p\n", ptr);
        exit(127);
    }
    h->magic = MAGIC_FREE;

    struct hdr *next = next_of(h);
    if ((uintptr_t)next < heap_hi && next->magic == MAGIC_FREE) {
        h->size += next->size;
        next->magic = 0;
    }
    struct hdr *prev = prev_of(h);
    if (prev && prev->magic == MAGIC_FREE) {
        prev->size += h->size;
        h->magic = 0;
        h = prev;
    }
    next = next_of(h);
    if ((uintptr_t)next < heap_hi) {
        next->prev_size = h->size;
        return;
    }

    /* h is the last block: give back the whole pages above its header. */
    uintptr_t keep = ((uintptr_t)h + sizeof(struct hdr) + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    if (keep < heap_hi && (uintptr_t)brk(NULL) == heap_hi && sbrk(-(long)(heap_hi - keep)) != (void *)-1) {
        h->size = (uint32_t)(keep - (uintptr_t)h);
        heap_hi = keep;
    }
}
