/*
 * memmap.c - fill the kernel's frame pool from the multiboot2 memory map.
 *
 * Available RAM (type 1 entries) inside the direct map is added; then taken
 * back out: everything below 1 MiB (BIOS data, the real-mode IVT, VGA), the
 * kernel image at its real load base, the MBI, and every module.
 */
#include "defs.h"
#include "memlayout.h"

#define NFRAMES (DIRECT_MAP_SIZE / PAGE_SIZE)
#define LOW_MEMORY_END 0x100000

struct frame_pool kernel_frames;
static uint32_t free_map[FRAME_MAP_WORDS(NFRAMES)];
static uint32_t managed_map[FRAME_MAP_WORDS(NFRAMES)];
static uint8_t refcounts[NFRAMES];

void memmap_init(const struct mb2_info *mbi, paddr_t mbi_pa)
{
    frame_pool_init(&kernel_frames, free_map, managed_map, NFRAMES);
    for (uint32_t i = 0; i < mbi->mmap_count; i++) {
        struct mb2_mmap_entry e;
        mb2_mmap_get(mbi, i, &e);
        if (e.type == MB2_MMAP_AVAILABLE)
            frame_pool_add_range(&kernel_frames, e.base, e.len);
    }
    frame_pool_reserve_range(&kernel_frames, 0, LOW_MEMORY_END);
    frame_pool_reserve_range(&kernel_frames, kernel_load_base, kernel_image_end - kernel_load_base);
    frame_pool_reserve_range(&kernel_frames, mbi_pa, mbi->total_size);
    for (uint32_t i = 0; i < mbi->nmodules; i++)
        frame_pool_reserve_range(&kernel_frames, mbi->modules[i].start,
                                 mbi->modules[i].end - mbi->modules[i].start);
    frame_pool_enable_refs(&kernel_frames, refcounts); /* shared memory counts mappings */
    kprintf("frames: %u free of %u managed (%u KiB)\n", kernel_frames.free, kernel_frames.total,
            kernel_frames.total * (PAGE_SIZE / 1024));
}
