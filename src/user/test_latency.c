/*
 * test_latency - long system calls must not starve the timer (issue 10,
 * item 3). The kernel runs with IF = 0; a call that works for many timer
 * periods must open interrupt windows (src/kernel/proc/preempt.c), let other
 * processes run, and end early when it is killed.
 *
 * The check, with no fixed time limit: calibrate the TSC ticks per timer
 * tick by spinning on ticks(); grow the call's work (doubling, up to a cap)
 * until it lasts at least MIN_TICKS timer periods of TSC; then ticks() must
 * have advanced during the call by at least half the periods that passed,
 * less one, and by at least 2. Without interrupt windows it cannot advance
 * by more than 1: the 8259A latches one IRQ 0 while IF = 0. Half, and up to
 * TRIES runs, because a loaded host may stall QEMU long enough to lose
 * ticks (the PIT does not queue them). A call that cannot be made to last
 * MIN_TICKS within its cap (a fast host, -icount) is reported, not judged.
 *
 * The console case writes lines of spaces (they cannot form a KTAP line)
 * and at most CONSOLE_CAP bytes a call. test_latency runs alone
 * (wait_for_turn; it is the last test module): it maps tens of MiB.
 */
#include "ulib.h"
#include "expect.h"
#include "proc/preempt.h"    /* PREEMPT_CONSOLE_LINE: the console's line length for a switch */

#define PAGE          4096u
#define CAL_TICKS     3                 /* timer periods spun for the calibration */
#define MIN_TICKS     5                 /* a judged call lasts at least this many periods */
#define TRIES         3
#define REGION        0x40000000u       /* the big buffer, grown by map() */
#define REGION_CAP    (16u << 20)       /* bytes: the most a read or write accepts */
#define FORK_CAP      16384u            /* pages (64 MiB) a forked parent may hold */
#define SHARED        0x3F000000u       /* one page shared with a child */
#define CHILD_SHARED  0x3F800000u       /* where the child maps it */
#define CONSOLE_CAP   (64u << 10)

static int ok;
static const char *scenario;
static uint32_t tsc_per_tick;           /* in units of 256 TSC ticks (no 64-bit division here) */
static uint32_t region_pages;           /* mapped at REGION */
static long fd_zero, fd_null;
static char console_lines[CONSOLE_CAP];

static uint32_t units(uint64_t tsc)
{
    return (uint32_t)(tsc >> 8);
}

/* Spin on ticks() for CAL_TICKS periods, starting at a tick edge. */
static void calibrate(void)
{
    long k = ticks();
    while (ticks() == k)
        ;
    uint64_t t0 = rdtsc();
    long k0 = ticks();
    while (ticks() - k0 < CAL_TICKS)
        ;
    tsc_per_tick = units(rdtsc() - t0) / CAL_TICKS;
    if (tsc_per_tick == 0)
        tsc_per_tick = 1;
}

/* Grow the region to @pages pages (0 or -errno). */
static long region_grow(uint32_t pages)
{
    if (pages <= region_pages)
        return 0;
    long r = map((void *)(REGION + region_pages * PAGE), pages - region_pages, PROT_READ | PROT_WRITE);
    if (r == 0)
        region_pages = pages;
    return r;
}

/* Shrink it to @pages pages (the children forked later copy less). */
static void region_shrink(uint32_t pages)
{
    if (pages < region_pages && unmap((void *)(REGION + pages * PAGE), region_pages - pages) == 0)
        region_pages = pages;
}

/* ---- the long calls: each takes a size and returns the call's result -------- */

typedef long (*op_fn)(uint32_t size);

static long op_console(uint32_t bytes) { return write(1, console_lines, bytes); }
static long op_cr3(uint32_t rounds) { return cr3_pair(rounds); }
static long op_zero(uint32_t bytes) { return read((int)fd_zero, (void *)REGION, bytes); }
static long op_null(uint32_t bytes) { return write((int)fd_null, (void *)REGION, bytes); }

#define MAP_VA 0x50000000u
static long op_map(uint32_t pages)
{
    long r = map((void *)MAP_VA, pages, PROT_READ | PROT_WRITE);
    return r == 0 ? (long)pages : r;
}
static void undo_map(uint32_t pages) { unmap((void *)MAP_VA, pages); }

/* fork() of a process holding @pages region pages (grown by prep_fork,
 * before the clock starts: one syscall is timed); the child exits at once
 * and is reaped after the measurement. */
static long fork_child;
static long prep_result;
static void prep_fork(uint32_t pages) { prep_result = region_grow(pages); }
static long op_fork(uint32_t pages)
{
    (void)pages;
    if (prep_result < 0)
        return prep_result;
    fork_child = fork();
    if (fork_child == 0)
        exit(0);
    return fork_child;
}
static void undo_fork(uint32_t pages)
{
    (void)pages;
    if (fork_child > 0)
        wait((int)fork_child, NULL);
}

/* ---- measuring ---------------------------------------------------------------- */

struct run {
    uint64_t tsc;       /* TSC ticks across the call */
    long ticks;         /* ticks() advance across it (the reads bracket the TSC reads) */
    long ret;
};

static struct run timed(op_fn op, uint32_t size)
{
    struct run r;
    long k0 = ticks();
    uint64_t t0 = rdtsc();
    r.ret = op(size);
    uint64_t t1 = rdtsc();
    r.tsc = t1 - t0;
    r.ticks = ticks() - k0;
    return r;
}

/* Timer periods that passed during @r, by the calibration. */
static uint32_t periods(const struct run *r)
{
    return units(r->tsc) / tsc_per_tick;
}

static bool long_enough(const struct run *r)
{
    return periods(r) >= MIN_TICKS;
}

static bool ticks_kept_up(const struct run *r)
{
    return r->ticks >= 2 && (uint32_t)r->ticks * 2 + 2 >= periods(r);
}

/*
 * The size at which @op lasts MIN_TICKS periods: doubled from @size up to
 * @cap, @prep run before and @undo after each try, untimed (NULL: none).
 * Judges the first run at that size whose ticks kept up, at most TRIES
 * runs. A retry that is too short again means the long run before it was
 * a host stall (QEMU descheduled: TSC time passed, PIT ticks were lost),
 * not the call's length, so the size grows again before the next verdict;
 * only a run of MIN_TICKS periods or more is ever judged. Returns the size,
 * or 0 if the call failed or the cap came first.
 */
static uint32_t judge(op_fn op, void (*prep)(uint32_t), void (*undo)(uint32_t), uint32_t size,
                      uint32_t cap, const char *unit)
{
    struct run r;
    for (int t = 0;; t++) {
        for (;;) {
            if (prep)
                prep(size);
            r = timed(op, size);
            if (undo)
                undo(size);
            EXPECT(r.ret >= 0, "the call at %u %s returned %d", size, unit, (int)r.ret);
            if (r.ret < 0 || long_enough(&r) || size == cap)
                break;
            size = size * 2 > cap ? cap : size * 2;
        }
        if (r.ret < 0)
            return 0;
        if (!long_enough(&r)) {
            DIAG("not judged: %u %s last only %u timer periods (cap)", size, unit, periods(&r));
            return 0;
        }
        if (ticks_kept_up(&r) || t + 1 == TRIES)
            break;
    }
    DIAG("%u %s: %u timer periods of TSC, ticks() advanced %d", size, unit, periods(&r), (int)r.ticks);
    EXPECT(ticks_kept_up(&r), "the timer was starved: %d ticks in %u periods", (int)r.ticks, periods(&r));
    return size;
}

/* ---- scenarios --------------------------------------------------------------- */

static void console_write_keeps_the_timer(void)
{
    judge(op_console, NULL, NULL, 8u << 10, CONSOLE_CAP, "console bytes");
}

static uint32_t cr3_rounds;     /* the cr3_pair size found: reused below */

static void cr3_pair_keeps_the_timer(void)
{
    cr3_rounds = judge(op_cr3, NULL, NULL, 1000, CR3_PAIR_MAX_ROUNDS, "cr3_pair rounds");
}

static void map_keeps_the_timer(void)
{
    uint32_t cap = frames_free() / 2;
    judge(op_map, NULL, undo_map, 1024, cap < 32768 ? cap : 32768, "pages mapped");
}

static void dev_zero_read_keeps_the_timer(void)
{
    EXPECT_EQ(region_grow(REGION_CAP / PAGE), 0);
    judge(op_zero, NULL, NULL, 1u << 20, REGION_CAP, "bytes of /dev/zero read");
}

static void dev_null_write_keeps_the_timer(void)
{
    EXPECT_EQ(region_grow(REGION_CAP / PAGE), 0);
    judge(op_null, NULL, NULL, 1u << 20, REGION_CAP, "bytes of /dev/null written");
}

static void fork_keeps_the_timer(void)
{
    uint32_t cap = frames_free() / 3;
    judge(op_fork, prep_fork, undo_fork, 1024, cap < FORK_CAP ? cap : FORK_CAP, "pages forked");
    region_shrink(REGION_CAP / PAGE);
}

/* A call of about 2 * MIN_TICKS periods: cr3_pair at twice the size found
 * above, or (not found) the /dev/zero read of the whole region. */
static long longest_call(void)
{
    if (cr3_rounds)
        return cr3_pair(cr3_rounds * 2 < CR3_PAIR_MAX_ROUNDS ? cr3_rounds * 2 : CR3_PAIR_MAX_ROUNDS);
    return read((int)fd_zero, (void *)REGION, region_pages * PAGE);
}

struct shared {
    volatile uint32_t spins;        /* the spinning child's progress */
    volatile uint32_t started;      /* the killed child is about to call */
    volatile uint32_t returned;     /* ... and its call came back */
};

/* A child that maps the parent's SHARED page (granted after the fork) and
 * then runs @body on it. */
static long child_with_shared(void (*body)(struct shared *))
{
    long ppid = getpid();
    long c = fork();
    if (c == 0) {
        while (shm_map((int)ppid, (void *)CHILD_SHARED) != 1)
            yield();
        body((struct shared *)CHILD_SHARED);
        exit(0);
    }
    if (c > 0 && shm_grant((int)c, (void *)SHARED, 1) < 0) {
        DIAG("shm_grant failed");
        ok = 0;
    }
    return c;
}

static void spin(struct shared *s)
{
    for (;;)
        s->spins++;
}

static void others_run_during_a_long_call(void)
{
    struct shared *s = (struct shared *)SHARED;
    s->spins = 0;
    long c = child_with_shared(spin);
    if (c < 0) {
        EXPECT(c > 0, "fork: %d", (int)c);
        return;
    }
    while (s->spins == 0)
        yield();
    uint32_t before = s->spins;
    uint64_t t0 = rdtsc();
    long r = longest_call();
    uint32_t p = units(rdtsc() - t0) / tsc_per_tick;
    uint32_t after = s->spins;
    EXPECT(r >= 0, "the long call returned %d", (int)r);
    DIAG("the child spun %u times during a call of %u timer periods", after - before, p);
    if (p >= MIN_TICKS)
        EXPECT(after != before, "no other process ran during %u timer periods", p);
    else
        DIAG("not judged: the call lasted only %u periods", p);
    EXPECT_EQ(kill((int)c), 0);
    EXPECT_EQ(wait_status(c), STATUS_KILLED);
}

static void long_call_then_exit(struct shared *s)
{
    s->started = 1;
    longest_call();
    s->returned = 1;
}

static void kill_ends_a_long_call(void)
{
    struct shared *s = (struct shared *)SHARED;
    if (!cr3_rounds) {
        DIAG("not judged: no call was found to last %u timer periods", MIN_TICKS);
        return;
    }
    s->started = s->returned = 0;
    long c = child_with_shared(long_call_then_exit);
    if (c < 0) {
        EXPECT(c > 0, "fork: %d", (int)c);
        return;
    }
    /* We run again while the child is inside its call: its time slice ends
     * there, at a preempt point (without them: only after the call). */
    while (!s->started)
        yield();
    long k0 = ticks();
    EXPECT_EQ(kill((int)c), 0);
    EXPECT_EQ(wait_status(c), STATUS_KILLED);
    DIAG("the child ended %d ticks after kill()", (int)(ticks() - k0));
    EXPECT(!s->returned, "the long call ran to its end before the kill took effect");
}

static const struct scenario cases[] = {
    { console_write_keeps_the_timer, "console_write_keeps_the_timer" },
    { cr3_pair_keeps_the_timer, "cr3_pair_keeps_the_timer" },
    { map_keeps_the_timer, "map_keeps_the_timer" },
    { dev_zero_read_keeps_the_timer, "dev_zero_read_keeps_the_timer" },
    { dev_null_write_keeps_the_timer, "dev_null_write_keeps_the_timer" },
    { fork_keeps_the_timer, "fork_keeps_the_timer" },
    { others_run_during_a_long_call, "others_run_during_a_long_call" },
    { kill_ends_a_long_call, "kill_ends_a_long_call" },
};

int main(int argc, char **argv)
{
    wait_for_turn();
    /* Lines of spaces: a switch to another writer can only fall at their ends. */
    for (uint32_t i = 0; i < CONSOLE_CAP; i++)
        console_lines[i] = (i + 1) % PREEMPT_CONSOLE_LINE ? ' ' : '\n';
    fd_zero = open("/dev/zero", O_RDONLY);
    fd_null = open("/dev/null", O_WRONLY);
    if (fd_zero < 0 || fd_null < 0 || map((void *)SHARED, 1, PROT_READ | PROT_WRITE) < 0)
        return 100;
    calibrate();
    printf("    # test_latency: %u TSC ticks per timer tick\n", tsc_per_tick << 8);
    long k0 = ticks();
    int failures = RUN_SCENARIOS(cases, argc, argv);
    printf("    # test_latency: %d timer ticks in all\n", (int)(ticks() - k0));
    return failures;
}
