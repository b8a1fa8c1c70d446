/*
 * test_s2t_memory.c - host tests of the memory calls' mapping
 * (tools/strace_map.c, the break and anchor state of strace_conv.c): mmap,
 * munmap, mprotect, mremap as OP_*_AT page indexes from each task's first
 * mapping, and brk as deltas of each task's break.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ one line each */

static void test_map_memory(void **state)
{
    (void)state;
    /* Each line is converted alone: its mapping is its task's first, which
     * sits in the middle of the trace arena. */
    static const struct line_want memory[] = {
        { "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f6b13a3d000",
          OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0, 0 },
        { "mmap(NULL, 57663, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f79b9841000",
          OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15 | TRACE_AT_READ, 0, 0 },
        { "mmap(0, 0xe13f, 0x1, 0x2, 0x3, 0)       = 0x7f364fceb000",
          OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15 | TRACE_AT_READ, 0, 0 }, /* raw */
        { "mmap2(NULL, 4097, PROT_READ|PROT_EXEC, MAP_PRIVATE, 3, 0) = 0xb7f00000",
          OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 2 | TRACE_AT_READ, 0, 0 },
        { "mmap(NULL, 1099511627776, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = -1 ENOMEM (Cannot allocate memory)",
          OP_MAP, TRACE_RES_ERR, 0xFFFFF000u, 0x10000000u, TRACE_F_TRUNCATED, 0 },
        { "munmap(0x7f79b9841000, 57663)           = 0",
          OP_UNMAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15, 0, 0 },
        { "mprotect(0x7f79b982e000, 16384, PROT_READ) = 0",
          OP_PROTECT_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 4 | TRACE_AT_READ, 0, 0 },
        { "mprotect(0x7f79b982e000, 4096, PROT_NONE) = -1 ENOMEM (Cannot allocate memory)",
          OP_PROTECT_AT, TRACE_RES_ERR, TRACE_ARENA_PAGES / 2, 1, 0, 0 },
        { "munmap(0x7f79b982e001, 4096)            = -1 EINVAL (Invalid argument)",
          OP_UNMAP, TRACE_RES_ERR, 4096, 1, 0, 0 }, /* misaligned */
        { "mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 3, 0) = -1 EINVAL (Invalid argument)",
          OP_MAP, TRACE_RES_ERR, 0, 0, 0, 0 },
    };
    check_lines(memory);
}

/* ------------------------------------------------------------ a task's mappings and break */

/* OP_*_AT: addresses become page indexes from the task's first mapping
 * (half the arena up), below it too, wrapped into the arena; each task has
 * its own anchor; exec forgets it. */
static void test_map_at_addresses(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000\n"
        "100 mmap(NULL, 40960, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000000000\n"
        "100 mmap(0x7f0000002000, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, 3, 0x1000) = 0x7f0000002000\n"
        "100 mprotect(0x7f0000004000, 4096, PROT_NONE) = 0\n"
        "100 munmap(0x7f0000010000, 8192) = 0\n"
        "100 munmap(0x7f0100000000, 4096) = 0\n"
        "200 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f5500000000\n");
    const uint32_t mid = TRACE_ARENA_PAGES / 2;
    assert_int_equal(s2t_nrecords(c), 7);
    const struct rec_want at[] = {
        { 0, OP_MAP_AT, TRACE_RES_OK, mid, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0 },
        { 1, OP_MAP_AT, TRACE_RES_OK, mid - 16, 10 | TRACE_AT_READ, 0 },
        { 2, OP_MAP_AT, TRACE_RES_OK, mid - 14, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0 },
        { 3, OP_PROTECT_AT, TRACE_RES_OK, mid - 12, 1, 0 },
        { 4, OP_UNMAP_AT, TRACE_RES_OK, mid, 2, 0 },
        /* 2^20 - 16 pages up (4 GiB less 64 KiB): wrapped into the arena */
        { 5, OP_UNMAP_AT, TRACE_RES_OK, (mid + (1u << 20) - 16) % TRACE_ARENA_PAGES, 1, 0 },
        { 6, OP_MAP_AT, TRACE_RES_OK, mid, 1 | TRACE_AT_READ, 0 }, /* its own anchor */
    };
    check_recs(c, at);
    s2t_free(c);
}

static void test_map_brk(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "100  brk(NULL)       = 0x55f1d10a6000\n"
        "100  brk(0x55f1d10c7000) = 0x55f1d10c7000\n"
        "200  brk(NULL)       = 0x5586868e3000\n"
        "100  brk(0x55f1d10b7000) = 0x55f1d10b7000\n"
        "100  brk(0x7fffffffffff) = 0x55f1d10b7000\n"
        "100  execve(\"/bin/true\", [\"true\"], 0x7ffc /* 3 vars */) = 0\n"
        "100  brk(NULL)       = 0x5600000000\n"
        "100  brk(0x5600001000) = 0x5600001000\n"
        "100  +++ exited with 0 +++\n"
        "100  brk(NULL)       = 0x5700000000\n");

    assert_int_equal(s2t_nrecords(c), 9);
    const struct rec_want brks[] = {
        { 0, OP_BRK, TRACE_RES_OK, 0, 0, 0 },
        { 1, OP_BRK, TRACE_RES_OK, 0x21000, 0x21000, 0 },
        { 2, OP_BRK, TRACE_RES_OK, 0, 0, 0 }, /* another pid: its own base */
        { 3, OP_BRK, TRACE_RES_OK, 0x10000, 0x11000, TRACE_F_SHRINK },
        { 4, OP_BRK, TRACE_RES_OK, 0, 0x11000, 0 }, /* refused: break unchanged */
        { 6, OP_BRK, TRACE_RES_OK, 0, 0, 0 }, /* new image, new base */
        { 7, OP_BRK, TRACE_RES_OK, 0x1000, 0x1000, 0 },
        { 8, OP_BRK, TRACE_RES_OK, 0, 0, 0 }, /* pid reused */
    };
    check_recs(c, brks);
    assert_int_equal(rec(c, 2)->task, 1);
    s2t_free(c);
}

/* mremap: grown in place maps the added pages, shrunk unmaps the cut ones, moved maps the new range. */
static void test_map_mremap(void **state)
{
    (void)state;
    const uint32_t mid = TRACE_ARENA_PAGES / 2, rw = TRACE_AT_READ | TRACE_AT_WRITE;
    struct s2t *c = conv_clean(
        "mmap(NULL, 335872, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fa9e0904000\n"
        "mremap(0x7fa9e0904000, 335872, 667648, MREMAP_MAYMOVE) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 667648, 675840, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 675840, 8192, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 8192, 8000, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 8192, 1073741824, 0) = -1 ENOMEM (Cannot allocate memory)\n"
        "mremap(0x7fa9e0861001, 8192, 16384, 0) = -1 EINVAL (Invalid argument)\n"
        "mremap(0x7fa9e0861000, 8192) = 0x7fa9e0861000\n", 8);

    const struct rec_want remaps[] = {
        { 0, OP_MAP_AT, TRACE_RES_OK, mid, 82 | rw, 0 },
        /* moved 163 pages down: its new range ends where the old one began */
        { 1, OP_MAP_AT, TRACE_RES_OK, mid - 163, 163 | rw, 0 },
        { 2, OP_MAP_AT, TRACE_RES_OK, mid - 163 + 163, 2 | rw, 0 }, /* grown in place */
        { 3, OP_UNMAP_AT, TRACE_RES_OK, mid - 163 + 2, 163, 0 }, /* 165 -> 2 pages */
        { 4, OP_NULL, TRACE_RES_OK, 0, 0, 0 }, /* same page count */
        { 5, OP_MAP, TRACE_RES_ERR, 1073741824, 262144, 0 }, /* refused */
        { 6, OP_MAP, TRACE_RES_ERR, 16384, 4, 0 },
        { 7, OP_SKIP, TRACE_RES_OK, 0, 0, 0 }, /* lengths not shown */
    };
    check_recs(c, remaps);
    s2t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_memory),
        cmocka_unit_test(test_map_at_addresses),
        cmocka_unit_test(test_map_brk),
        cmocka_unit_test(test_map_mremap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
