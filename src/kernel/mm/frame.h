/*
 * frame.h - the physical frame allocator: one bit per 4 KiB frame.
 *
 * A pool starts with every frame reserved. frame_pool_add_range() hands it
 * the available RAM from the memory map; frame_pool_reserve_range() takes
 * back what is in use (the kernel image at its real load base, the MBI, the
 * modules). Pure logic, no hardware: the host tests run it as is.
 */
#ifndef FRAME_H
#define FRAME_H

#include "types.h"

struct frame_pool {
    uint32_t *free_map;     /* bit set = frame free */
    uint32_t *managed_map;  /* bit set = frame belongs to the pool */
    uint32_t nframes;       /* frames the bitmaps describe, from physical 0 */
    uint32_t total;         /* frames managed (available RAM minus reserved) */
    uint32_t free;          /* frames free now */
    uint32_t hint;          /* index where the next search starts */
    uint32_t words_used;    /* bitmap words up to the highest frame ever added: the search
                             * never scans the (RAM-less) rest, which bounds frame_alloc */
    uint8_t *refs;          /* per-frame reference counts, or NULL (see frame_pool_enable_refs) */
};

#define FRAME_REF_MAX 255   /* mappings of one frame at most */

/* Words of bitmap storage a pool of @nframes frames needs (per bitmap). */
#define FRAME_MAP_WORDS(nframes) (((nframes) + 31) / 32)

/*
 * frame_pool_init - empty pool over frames [0, nframes).
 * @free_map, @managed_map: FRAME_MAP_WORDS(nframes) words each, owned by the caller.
 */
void frame_pool_init(struct frame_pool *fp, uint32_t *free_map, uint32_t *managed_map,
                     uint32_t nframes);

/*
 * frame_pool_add_range - make the whole frames inside [base, base + len)
 * (bytes) available. Frames beyond nframes are ignored; partial frames at
 * either end are not added. Adding a frame twice counts it once.
 */
void frame_pool_add_range(struct frame_pool *fp, uint64_t base, uint64_t len);

/*
 * frame_pool_reserve_range - remove every frame touching [base, base + len)
 * (bytes) from the pool. Call before the first frame_alloc(): a frame that
 * is allocated when reserved is dropped from the counts all the same.
 */
void frame_pool_reserve_range(struct frame_pool *fp, uint64_t base, uint64_t len);

/*
 * frame_alloc - take one free frame. On success stores its physical address
 * in *@pa and returns 0; returns -ENOMEM when none is free. The frame's
 * contents are not cleared.
 */
int frame_alloc(struct frame_pool *fp, paddr_t *pa);

/*
 * frame_free - drop a reference to the frame at @pa and free it when none is
 * left (at once, if the pool does not count references). Returns 0, or
 * -EINVAL if @pa is not page aligned, not managed by the pool, or already
 * free (a double free); the pool is unchanged then.
 */
int frame_free(struct frame_pool *fp, paddr_t pa);

/*
 * frame_pool_enable_refs - count references per frame in @refs (nframes
 * bytes, owned by the caller). From then on frame_alloc() sets the count to
 * 1, frame_ref() adds one, and frame_free() drops one and frees the frame
 * only when the count reaches 0. Shared memory relies on this.
 */
void frame_pool_enable_refs(struct frame_pool *fp, uint8_t *refs);

/*
 * frame_ref - add a reference to the allocated frame at @pa. Returns 0;
 * -EINVAL if @pa is not an allocated managed frame; -EAGAIN if it already
 * has FRAME_REF_MAX references (or the pool does not count them).
 */
int frame_ref(struct frame_pool *fp, paddr_t pa);

/* frame_refcount - references to @pa (0 if free, unmanaged or uncounted). */
uint32_t frame_refcount(const struct frame_pool *fp, paddr_t pa);

/* frame_is_free - true if @pa is a managed frame that is free now. */
bool frame_is_free(const struct frame_pool *fp, paddr_t pa);

#endif /* FRAME_H */
