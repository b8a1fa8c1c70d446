/*
 * multiboot2.c - walk the multiboot2 boot information (spec §3.6).
 *
 * Layout: u32 total_size, u32 reserved, then tags. Each tag starts with
 * u32 type, u32 size (size counts the 8-byte header, not the padding); the
 * next tag starts at the next 8-byte boundary. The list ends with a tag of
 * type 0 and size 8. Nothing here trusts a length it has not checked
 * against the bytes that remain.
 */
#include "boot/multiboot2.h"
#include "uapi/errno.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* True if a NUL lies in p[0..len). */
static bool has_nul(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (p[i] == 0)
            return true;
    return false;
}

static int fail(const char **err, const char *why)
{
    if (err)
        *err = why;
    return -EINVAL;
}

static int parse_tag(struct mb2_info *out, uint32_t type, const uint8_t *tag,
                     uint32_t size, const char **err)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        if (!has_nul(tag + 8, size - 8))
            return fail(err, "command line tag without NUL");
        out->cmdline = (const char *)(tag + 8);
        break;
    case MB2_TAG_MODULE: {
        if (size < 17)
            return fail(err, "module tag too small");
        if (!has_nul(tag + 16, size - 16))
            return fail(err, "module command line without NUL");
        uint32_t start = rd32(tag + 8), end = rd32(tag + 12);
        if (end < start)
            return fail(err, "module ends before it starts");
        if (out->nmodules == MB2_MAX_MODULES) {
            out->nmodules_dropped++;
            break;
        }
        struct mb2_module *m = &out->modules[out->nmodules++];
        m->start = start;
        m->end = end;
        m->cmdline = (const char *)(tag + 16);
        break;
    }
    case MB2_TAG_MMAP: {
        if (size < 16)
            return fail(err, "memory map tag too small");
        uint32_t esize = rd32(tag + 8);
        if (esize < 24 || esize % 8 != 0)
            return fail(err, "memory map entry size invalid");
        out->mmap = tag + 16;
        out->mmap_entry_size = esize;
        out->mmap_count = (size - 16) / esize;
        break;
    }
    case MB2_TAG_LOAD_BASE:
        if (size < 12)
            return fail(err, "load base tag too small");
        out->has_load_base = true;
        out->load_base = rd32(tag + 8);
        break;
    default:
        break; /* unknown tags are skipped, as §3.6 allows */
    }
    return 0;
}

int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out, const char **err)
{
    const uint8_t *base = mbi;

    if (((uintptr_t)mbi & 7) != 0)
        return fail(err, "MBI not 8-byte aligned");
    if (avail < 16)
        return fail(err, "MBI truncated");
    uint32_t total = rd32(base);
    if (total < 16 || total > MB2_MAX_SIZE)
        return fail(err, "MBI total_size out of range");
    if (total > avail)
        return fail(err, "MBI total_size beyond the readable bytes");

    *out = (struct mb2_info){ .total_size = total, .cmdline = "" };

    uint32_t off = 8;
    for (;;) {
        if (total - off < 8)
            return fail(err, "tag header runs past the end");
        const uint8_t *tag = base + off;
        uint32_t type = rd32(tag), size = rd32(tag + 4);
        if (size < 8 || size > total - off)
            return fail(err, "tag size out of range");
        if (type == MB2_TAG_END) {
            if (size != 8)
                return fail(err, "end tag size is not 8");
            return 0;
        }
        int r = parse_tag(out, type, tag, size, err);
        if (r < 0)
            return r;
        uint32_t next = (size + 7) & ~7u;
        if (next > total - off)
            return fail(err, "no end tag");
        off += next;
    }
}

int mb2_mmap_get(const struct mb2_info *info, uint32_t i, struct mb2_mmap_entry *out)
{
    if (i >= info->mmap_count)
        return -EINVAL;
    const uint8_t *e = info->mmap + (size_t)i * info->mmap_entry_size;
    out->base = rd64(e);
    out->len = rd64(e + 8);
    out->type = rd32(e + 16);
    return 0;
}
