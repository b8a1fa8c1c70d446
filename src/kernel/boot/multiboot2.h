/*
 * multiboot2.h - a bounds-checked reader for the multiboot2 boot information
 * (MBI, multiboot2 spec §3.6). Pure logic: no hardware access, so the
 * host unit tests feed it truncated and misaligned buffers.
 */
#ifndef MULTIBOOT2_H
#define MULTIBOOT2_H

#include "types.h"

/* Spec constants. NASM twin: multiboot2.inc (mb2_header.asm, boot.asm);
 * tools/check-layout.sh compares the two both ways. */
#define MB2_HEADER_MAGIC     0xE85250D6 /* first word of the OS image's header (§3.1.2) */
#define MB2_ARCH_I386        0          /* header architecture: 32-bit protected mode (§3.1.2) */
#define MB2_BOOTLOADER_MAGIC 0x36D76289 /* EAX at the entry (§3.3) */

/* Header tag types (§3.1.3 - §3.1.13). */
#define MB2_HTAG_END         0
#define MB2_HTAG_INFO_REQ    1
#define MB2_HTAG_RELOCATABLE 10

/* Boot information tag types (§3.6). */
#define MB2_TAG_END          0
#define MB2_TAG_CMDLINE      1
#define MB2_TAG_LOADER_NAME  2
#define MB2_TAG_MODULE       3
#define MB2_TAG_MMAP         6
#define MB2_TAG_LOAD_BASE    21

#define MB2_MMAP_AVAILABLE   1  /* memory map entry type usable as RAM (§3.6.8) */

/* This reader's limits, not the spec's: the NASM side has no use for them. */
#define MB2_MAX_MODULES      32         /* [C only] */
#define MB2_MAX_SIZE         (1u << 20) /* [C only] refuse an MBI claiming more than 1 MiB */

struct mb2_module {
    paddr_t start;              /* first byte, physical */
    paddr_t end;                /* one past the last byte, physical */
    const char *cmdline;        /* NUL-terminated, inside the MBI */
};

struct mb2_mmap_entry {
    uint64_t base;              /* physical, bytes */
    uint64_t len;               /* bytes */
    uint32_t type;              /* MB2_MMAP_AVAILABLE, reserved, ACPI, ... */
};

/* What mb2_parse found. Pointers point into the MBI buffer. */
struct mb2_info {
    uint32_t total_size;        /* bytes of MBI, from its header */
    const char *cmdline;        /* kernel command line, "" if the tag is absent */
    bool has_load_base;
    paddr_t load_base;          /* tag 21: where GRUB put the image */
    const uint8_t *mmap;        /* first memory map entry, or NULL */
    uint32_t mmap_entry_size;   /* bytes per entry (>= 24, a multiple of 8) */
    uint32_t mmap_count;        /* number of entries */
    struct mb2_module modules[MB2_MAX_MODULES];
    uint32_t nmodules;          /* modules recorded (at most MB2_MAX_MODULES) */
    uint32_t nmodules_dropped;  /* modules beyond MB2_MAX_MODULES, ignored */
};

/*
 * mb2_parse - validate and index a multiboot2 information structure.
 * @mbi:   the MBI as mapped for reading; must be 8-byte aligned (§3.6.1).
 * @avail: bytes readable at @mbi (an upper bound the walk never crosses).
 * @out:   filled on success; undefined on failure.
 * @err:   on failure, set to a static string naming the problem.
 * Returns 0, or -EINVAL for a misaligned MBI, a total_size that is too small,
 * too large or beyond @avail, a tag that runs past the end or is smaller than
 * its type requires, a string without its NUL, a malformed memory map, a
 * module with end < start, or a missing end tag.
 */
int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out, const char **err);

/*
 * mb2_mmap_get - read memory map entry @i (0 <= i < info->mmap_count) into
 * @out. Returns 0, or -EINVAL if @i is out of range.
 */
int mb2_mmap_get(const struct mb2_info *info, uint32_t i, struct mb2_mmap_entry *out);

#endif /* MULTIBOOT2_H */
