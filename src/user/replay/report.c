/*
 * report.c - the replay core's samples, events and report output: sorting
 * and percentiles, event-counter differences, the timer's own overhead, the
 * row, floor, fills, fillpage, unit and cpu lines (docs/benchmarking.md
 * documents every field). core.c: the whole.
 */
#include "replay_int.h"

/* ---------------------------------------------------------------- sorting and percentiles */

static void sift_down(uint32_t *a, uint32_t start, uint32_t n)
{
    uint32_t root = start;
    while (2 * root + 1 < n) {
        uint32_t child = 2 * root + 1;
        if (child + 1 < n && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        uint32_t t = a[root];
        a[root] = a[child], a[child] = t;
        root = child;
    }
}

/* Heapsort, ascending: n log n and no recursion or extra memory. */
static void sort_u32(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[end], a[end] = t;
        sift_down(a, 0, end);
    }
}

/* Nearest-rank percentile per_mille/1000 of sorted a[0..n), n >= 1. */
static uint32_t percentile(const uint32_t *a, uint32_t n, uint32_t per_mille)
{
    /* ceil(n * per_mille / 1000) without 64-bit division (no libgcc here) */
    uint32_t rank = n / 1000 * per_mille + ((n % 1000) * per_mille + 999) / 1000;
    return a[rank == 0 ? 0 : rank - 1];
}

/* ---------------------------------------------------------------- events and the timer */

void events_delta(struct replay_events *acc, const struct replay_events *a,
                  const struct replay_events *b, const struct replay_events *base)
{
    acc->syscalls += b->syscalls - a->syscalls - base->syscalls;
    acc->cr3_writes += b->cr3_writes - a->cr3_writes - base->cr3_writes;
    acc->pages_walked += b->pages_walked - a->pages_walked - base->pages_walked;
    acc->bytes_copied += b->bytes_copied - a->bytes_copied - base->bytes_copied;
    acc->faults += b->faults - a->faults - base->faults;
}

/* What two back-to-back os_events() calls see of each other: subtracted from
 * every record's difference so only the record's own events remain. */
struct replay_events events_baseline(void)
{
    struct replay_events a, b, base = { 0, 0, 0, 0, 0 }, d = { 0, 0, 0, 0, 0 };
    os_events(&a);
    os_events(&b);
    events_delta(&d, &a, &b, &base);
    return d;
}

uint32_t timer_overhead(void)
{
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < 1000; i++) {
        uint32_t t0 = tsc(), t1 = tsc();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    return best;
}

/* ---------------------------------------------------------------- report lines */

/* Print one row from `n` samples in t->scratch (sorted here). */
static void print_row(const struct trace_run *t, const char *mode, const char *entry, const char *syscall,
                      const char *op, uint32_t count, uint32_t skipped, uint32_t n,
                      const struct replay_events *ev, const uint32_t *fills)
{
    uint32_t *a = t->scratch;
    uint32_t q[6] = { 0, 0, 0, 0, 0, 0 };
    if (n > 0) {
        sort_u32(a, n);
        q[0] = a[0], q[1] = percentile(a, n, 500), q[2] = percentile(a, n, 900);
        q[3] = percentile(a, n, 990), q[4] = percentile(a, n, 999), q[5] = a[n - 1];
    }
    printf("row,%s,%s,%s,%s,%s,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u", t->name, mode, entry, syscall, op,
           count, skipped, q[0], q[1], q[2], q[3], q[4], q[5], count - skipped, ev->cr3_writes,
           ev->pages_walked, ev->bytes_copied);
    if (t->fills_ok)
        printf(",%u,%u,%u,%u,%u", fills[FILL_KERNEL_4K], fills[FILL_KERNEL_4M], fills[FILL_TRAMP_K],
               fills[FILL_TRAMP_U], fills[FILL_USER]);
    else
        printf(",-,-,-,-,-");
    printf(",%u\n", ev->faults);
}

void print_rows(struct trace_run *t, const char *mode, const char *entry)
{
    struct replay_events all = { 0, 0, 0, 0, 0 };
    uint32_t all_fills[FILL_KINDS] = { 0 };
    uint32_t all_skipped = 0, n = 0;
    for (uint32_t k = 0; k < t->nrec * (uint32_t)t->passes; k++)
        if (t->samples[k] != UINT32_MAX)
            t->scratch[n++] = t->samples[k];
    for (uint32_t j = 0; j < t->nnames; j++) {
        all_skipped += t->per_name[j].skipped;
        all.cr3_writes += t->per_name[j].ev.cr3_writes;
        all.pages_walked += t->per_name[j].ev.pages_walked;
        all.bytes_copied += t->per_name[j].ev.bytes_copied;
        all.faults += t->per_name[j].ev.faults;
        for (int k = 0; k < FILL_KINDS; k++)
            all_fills[k] += t->per_name[j].fills[k];
    }
    print_row(t, mode, entry, "ALL", "-", t->nrec, all_skipped, n, &all, all_fills);

    for (uint32_t j = 0; j < t->nnames; j++) {
        const struct name_stat *ns = &t->per_name[j];
        if (ns->count == 0)
            continue;
        uint32_t best = 0;
        for (uint32_t op = 1; op < OP_COUNT; op++)
            if (ns->ops[op] > ns->ops[best])
                best = op;
        n = 0;
        for (int p = 0; p < t->passes; p++)
            for (uint32_t i = 0; i < t->nrec; i++)
                if (t->rec[i].name == j && t->samples[(uint32_t)p * t->nrec + i] != UINT32_MAX)
                    t->scratch[n++] = t->samples[(uint32_t)p * t->nrec + i];
        print_row(t, mode, entry, t->names[j], trace_op_name(best), ns->count, ns->skipped, n, &ns->ev,
                  ns->fills);
    }
}

/*
 * floor,T,M,E,ring_trip,cr3_pair,null_syscall,null_cr3_writes for the
 * current entry. The floor counts only what the mode does: null_cr3_writes
 * is the CR3 writes of one null call, read from the event counters (the
 * fewest of UNIT_ROUNDS calls); the CR3 pair is timed only when that is not
 * 0 (else it is printed as 0: a mode that writes no CR3, such as `shared`,
 * has none in its floor).
 */
void print_floor(struct trace_run *t, const char *mode, int entry)
{
    uint32_t *a = t->scratch, n = 0;
    struct replay_events base = events_baseline(), ev0, ev1;
    uint32_t writes = UINT32_MAX;
    for (int i = 0; i < UNIT_ROUNDS; i++) {   /* the fewest: an interrupt can only add writes */
        struct replay_events one = { 0, 0, 0, 0, 0 };
        os_events(&ev0);
        os_null();
        os_events(&ev1);
        events_delta(&one, &ev0, &ev1, &base);
        if (one.cr3_writes < writes)
            writes = one.cr3_writes;
    }
    long ring = -1, pair = writes ? os_cr3_pair(CR3_PAIR_ROUNDS) : 0, null;
    if (os_ring_trip(entry) == 0) {
        for (n = 0; n < FLOOR_ROUNDS; n++) {
            uint32_t t0 = tsc();
            os_ring_trip(entry);
            uint32_t t1 = tsc();
            a[n] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
        }
        sort_u32(a, n);
        ring = (long)percentile(a, n, 500);
    }
    for (n = 0; n < FLOOR_ROUNDS; n++) {
        uint32_t t0 = tsc();
        os_null();
        uint32_t t1 = tsc();
        a[n] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
    }
    sort_u32(a, n);
    null = (long)percentile(a, n, 500);
    printf("floor,%s,%s,%s,%d,%d,%d,%u\n", t->name, mode, entry_names[entry], (int)ring, (int)pair, (int)null,
           writes);
}

/*
 * fills,T,M,E,empty,... : the fills of an empty bracket (two os_fills() back
 * to back): the harness's own window, what every record's count includes.
 * fills,T,M,E,null,... and fillpage,T,M,E,VA,KIND: the fills of one null
 * call, the round with the fewest of UNIT_ROUNDS (an interrupt can only add
 * pages), with the page list of that round. Nothing when the system cannot
 * count fills.
 */
void print_fills(const struct trace_run *t, const char *mode, int entry)
{
    static uint32_t pages[REPLAY_FILL_LIST_MAX], best_pages[REPLAY_FILL_LIST_MAX];
    struct replay_fills f = { { 0 }, 0 }, best = { { 0 }, 0 };
    if (!t->fills_ok)
        return;
    for (int what = 0; what < 2; what++) {
        uint32_t fewest = UINT32_MAX;
        for (int r = 0; r < UNIT_ROUNDS; r++) {
            os_fills(NULL, NULL);
            if (what)
                os_null();
            os_fills(&f, pages);
            uint32_t total = 0;
            for (int k = 0; k < FILL_KINDS; k++)
                total += f.n[k];
            if (total < fewest) {
                fewest = total, best = f;
                memcpy(best_pages, pages, sizeof(pages));
            }
        }
        printf("fills,%s,%s,%s,%s,%u,%u,%u,%u,%u,%u\n", t->name, mode, entry_names[entry], what ? "null" : "empty",
               best.n[FILL_KERNEL_4K], best.n[FILL_KERNEL_4M], best.n[FILL_TRAMP_K], best.n[FILL_TRAMP_U],
               best.n[FILL_USER], best.n[FILL_INSTR]);
        for (uint32_t i = 0; what && i < best.listed && i < REPLAY_FILL_LIST_MAX; i++)
            printf("fillpage,%s,%s,%s,0x%x,%u\n", t->name, mode, entry_names[entry],
                   best_pages[i] & ~(uint32_t)(PAGE_BYTES - 1), best_pages[i] & (PAGE_BYTES - 1));
    }
}

/* ---------------------------------------------------------------- the unit, checked */

/* Dword counts of the unit check: empty, one, a trap frame (19 dwords), a page. */
static const uint32_t unit_dwords[] = { 0, 1, 19, 1024 };

/*
 * Raw ticks of one bracket around `rep movsd` of n dwords (n = UINT32_MAX:
 * the same bracket with no instruction inside). Both brackets are one asm
 * statement, so they differ by that one instruction and nothing the
 * compiler chooses. dst and src hold 4 * n bytes.
 */
static uint32_t timed_rep_movsd(void *dst, const void *src, uint32_t n)
{
    uint32_t t0, t1, edx;
    if (n == UINT32_MAX) {
        __asm__ volatile("lfence; rdtsc; lfence\n\t"
                         "mov %%eax, %0\n\t"
                         "lfence; rdtsc; lfence"
                         : "=&r"(t0), "=&a"(t1), "=&d"(edx)::"memory");
        return t1 - t0;
    }
    __asm__ volatile("lfence; rdtsc; lfence\n\t"
                     "mov %%eax, %0\n\t"
                     "rep movsl\n\t"
                     "lfence; rdtsc; lfence"
                     : "=&r"(t0), "=&a"(t1), "=&d"(edx), "+S"(src), "+D"(dst), "+c"(n)::"memory");
    return t1 - t0;
}

/* Fewest ticks over UNIT_ROUNDS brackets (an interrupt can only add). */
static uint32_t fewest_ticks(void *dst, const void *src, uint32_t n)
{
    uint32_t best = UINT32_MAX;
    for (int r = 0; r < UNIT_ROUNDS; r++) {
        uint32_t d = timed_rep_movsd(dst, src, n);
        if (d < best)
            best = d;
    }
    return best;
}

/*
 * unit,T,M,rep_movsd,N,ticks: what a tick is, measured in this run. ticks =
 * the fewest ticks of a bracket around `rep movsd` of N dwords minus the
 * fewest of the empty bracket. Under QEMU 7.2 TCG -icount shift=0 a tick is
 * one executed instruction and a `rep` string instruction executes once per
 * iteration plus once with ECX = 0, so ticks = N + 1 (the benchmark smoke
 * test checks this; a QEMU that counts differently fails it). On hardware
 * the figure is cycles. buf holds at least 8 KiB + 4 * max(N) bytes.
 */
void print_unit(const struct trace_run *t, const char *mode, uint8_t *buf)
{
    uint32_t empty = fewest_ticks(NULL, NULL, UINT32_MAX);
    for (uint32_t i = 0; i < sizeof(unit_dwords) / sizeof(unit_dwords[0]); i++) {
        uint32_t n = unit_dwords[i], d = fewest_ticks(buf + 8192, buf, n);
        printf("unit,%s,%s,rep_movsd,%u,%u\n", t->name, mode, n, d > empty ? d - empty : 0);
    }
}

void print_cpu(void)
{
    uint32_t r[13] = { 0 };
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(0x80000000u));
    if (r[0] < 0x80000004u) {
        __asm__ volatile("cpuid" : "=a"(r[12]), "=b"(r[0]), "=c"(r[2]), "=d"(r[1]) : "a"(0u));
        r[3] = 0;
        printf("replay: cpu=%s\n", (const char *)r);
        return;
    }
    for (uint32_t leaf = 0; leaf < 3; leaf++)
        __asm__ volatile("cpuid" : "=a"(r[4 * leaf]), "=b"(r[4 * leaf + 1]), "=c"(r[4 * leaf + 2]),
                         "=d"(r[4 * leaf + 3]) : "a"(0x80000002u + leaf));
    r[12] = 0;
    const char *brand = (const char *)r;
    while (*brand == ' ')
        brand++;
    printf("replay: cpu=%s\n", brand);
}
