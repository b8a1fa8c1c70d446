/*
 * pathtrace - one system call, timed exactly as the replay's floor times it,
 * then traced instruction by instruction (`make pathtrace`,
 * tools/pathtrace/). The trace itself is taken by the QEMU plugin
 * tools/pathtrace/plugin.c, which sees the markers of pathtrace.h.
 *
 * Usage (module command line): pathtrace SYSCALL ENTRY
 *   SYSCALL: one of calls[] below (each with fixed arguments); ENTRY: int80
 *   or sysenter. Exit status 0, or 1 on a usage error, a missing sysenter
 *   or a /dev/null that does not open.
 *
 * The bracket is the replay's (src/user/replay/report.c print_floor): the same
 * `lfence; rdtsc; lfence` inline, a direct call of a one-line function that
 * calls the stub through the `sys` pointer (src/user/replay.c os_null), the
 * timer overhead taken off as the fewest ticks of an empty bracket over 1000
 * tries, and the p50 over 1001 calls. Then:
 *   window 1: START, an empty bracket, STOP    (the overhead, traced)
 *   window 2..: START, one timed call, STOP    (until a call reads the p50;
 *                                              a timer interrupt can only add)
 * Output lines (machine-readable, tools/pathtrace/report.py reads them):
 *   pathtrace: syscall=S entry=E mode=M overhead=O p50=P rounds=R
 *   pathtrace: window=N kind=empty|call raw=T
 *   pathtrace: done windows=N
 *   pathtrace: fills kernel_4k=.. kernel_4m=.. tramp_kernel=.. tramp_user=.. user=.. instrument=..
 *   pathtrace: fillpage=VA kind=K      (K an AFILL_* kind, uapi/syscall.h)
 * The last two: the call's TLB fills, counted by afill() (untraced), which
 * report.py compares with the traced pages of the kernel epoch.
 */
#include "ulib.h"
#include "pathtrace.h"

#define ROUNDS          1001   /* samples behind the p50, as the replay's FLOOR_ROUNDS */
#define OVERHEAD_TRIES  1000   /* empty brackets behind the overhead, as report.c timer_overhead */
#define ATTEMPTS_MAX    8      /* traced calls at most, until one reads the p50 */
#define FILL_ROUNDS     8      /* afill brackets around the call, the fewest fills kept */

static long (*sys)(long nr, long a1, long a2, long a3, long a4, long a5) = syscall_raw;

/* The calls that can be traced: no side effect on the run. Each is a
 * separate function shaped like the replay's os_null. getppid, getpid and
 * nop take the trampoline's fast path; close (of fd -1: -EBADF at once),
 * fstat (of fd 1, the console: a 96-byte copy-out) and write (1 byte to
 * /dev/null: a 1-byte copy-in, as the replay's writes) take the general
 * path (the trampoline calls syscall_table[nr] directly, docs/trampoline.md
 * §3b). */
static struct stat st;
static long devnull = -1;       /* write's fd: opened in main, outside the bracket */
static const char one_byte = 'x';
__attribute__((noinline)) long os_getppid(void) { return sys(SYS_getppid, 0, 0, 0, 0, 0); }
__attribute__((noinline)) long os_getpid(void) { return sys(SYS_getpid, 0, 0, 0, 0, 0); }
__attribute__((noinline)) long os_nop(void) { return sys(SYS_nop, 0, 0, 0, 0, 0); }
__attribute__((noinline)) long os_close(void) { return sys(SYS_close, -1, 0, 0, 0, 0); }
__attribute__((noinline)) long os_fstat(void) { return sys(SYS_fstat, 1, (long)&st, 0, 0, 0); }
__attribute__((noinline)) long os_write(void) { return sys(SYS_write, devnull, (long)&one_byte, 1, 0, 0); }

/* Names accepted on the command line, in the order of the switch in main. */
static const char *const calls[] = { "getppid", "getpid", "nop", "close", "fstat", "write" };

static inline uint32_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return lo;
}

static uint32_t timer_overhead(void)
{
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < OVERHEAD_TRIES; i++) {
        uint32_t t0 = tsc(), t1 = tsc();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    return best;
}

static uint32_t samples[ROUNDS];

static void sort_u32(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = a[i], j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/*
 * Time `fn` ROUNDS times, then trace it until one call reads the p50.
 * always_inline with a constant fn: the call in the bracket is a direct
 * call, as in the replay. Returns 0, or 1 if no traced call read the p50.
 */
static inline __attribute__((always_inline)) int measure(long (*fn)(void), const char *name,
                                                         const char *entry, const char *mode)
{
    uint32_t overhead = timer_overhead(), t0, t1;
    for (uint32_t n = 0; n < ROUNDS; n++) {
        t0 = tsc();
        fn();
        t1 = tsc();
        samples[n] = t1 - t0 > overhead ? t1 - t0 - overhead : 0;
    }
    sort_u32(samples, ROUNDS);
    uint32_t p50 = samples[ROUNDS / 2];   /* report.c percentile(a, n, 500) of 1001 */
    printf("pathtrace: syscall=%s entry=%s mode=%s overhead=%u p50=%u rounds=%u\n", name, entry, mode, overhead,
           p50, ROUNDS);

    PATHTRACE_MARK(PATHTRACE_START);
    t0 = tsc();
    t1 = tsc();
    PATHTRACE_MARK(PATHTRACE_STOP);
    printf("pathtrace: window=1 kind=empty raw=%u\n", t1 - t0);
    int w = 1;
    for (int i = 0; i < ATTEMPTS_MAX; i++) {
        PATHTRACE_MARK(PATHTRACE_START);
        t0 = tsc();
        fn();
        t1 = tsc();
        PATHTRACE_MARK(PATHTRACE_STOP);
        printf("pathtrace: window=%d kind=call raw=%u\n", ++w, t1 - t0);
        if (t1 - t0 - overhead == p50)
            break;
    }
    printf("pathtrace: done windows=%d\n", w);

    /* The same call between two afill() readouts through the instrument's
     * gate, as the replay's fills pass brackets a record; the fewest of
     * FILL_ROUNDS (an interrupt can only add pages). */
    static struct afill f, best;
    static unsigned pages[AFILL_LIST_MAX], best_pages[AFILL_LIST_MAX];
    uint32_t fewest = UINT32_MAX;
    for (int r = 0; r < FILL_ROUNDS; r++) {
        afill_gate(NULL, NULL);
        fn();
        long n = afill_gate(&f, pages);
        if (n >= 0 && (uint32_t)n < fewest) {
            fewest = (uint32_t)n, best = f;
            memcpy(best_pages, pages, sizeof(pages));
        }
    }
    if (fewest != UINT32_MAX) {
        printf("pathtrace: fills kernel_4k=%u kernel_4m=%u tramp_kernel=%u tramp_user=%u user=%u instrument=%u\n",
               best.n[AFILL_KERNEL_4K], best.n[AFILL_KERNEL_4M], best.n[AFILL_TRAMP_K], best.n[AFILL_TRAMP_U],
               best.n[AFILL_USER], best.n[AFILL_INSTR]);
        for (unsigned i = 0; i < best.listed && i < AFILL_LIST_MAX; i++)
            printf("pathtrace: fillpage=0x%x kind=%u\n", best_pages[i] & ~0xFFFu, best_pages[i] & 0xFFFu);
    }
    return t1 - t0 - overhead == p50 ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const char *const modes[] = { "split", "split-global", "shared", "?" };
    struct sysinfo info;
    if (argc != 3 || sysinfo(&info) < 0) {
        printf("pathtrace: usage: pathtrace SYSCALL int80|sysenter\n");
        return 1;
    }
    if (strcmp(argv[2], "sysenter") == 0) {
        if (!(info.features & SYSINFO_SYSENTER)) {
            printf("pathtrace: sysenter is not available on this CPU\n");
            return 1;
        }
        sys = sysenter_call;
    } else if (strcmp(argv[2], "int80") != 0) {
        printf("pathtrace: unknown entry path '%s' (int80, sysenter)\n", argv[2]);
        return 1;
    }
    const char *mode = modes[SYSINFO_ASPACE(info.features)];
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        if (strcmp(argv[1], calls[i]) != 0)
            continue;
        switch (i) {   /* constant fn per case: a direct call in the bracket */
        case 0: return measure(os_getppid, argv[1], argv[2], mode);
        case 1: return measure(os_getpid, argv[1], argv[2], mode);
        case 2: return measure(os_nop, argv[1], argv[2], mode);
        case 3: return measure(os_close, argv[1], argv[2], mode);
        case 4: return measure(os_fstat, argv[1], argv[2], mode);
        default:
            devnull = open("/dev/null", O_WRONLY);
            if (devnull < 0) {
                printf("pathtrace: open(\"/dev/null\", O_WRONLY) = %ld\n", devnull);
                return 1;
            }
            return measure(os_write, argv[1], argv[2], mode);
        }
    }
    printf("pathtrace: unknown syscall '%s' (", argv[1]);
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        printf("%s%s", i ? ", " : "", calls[i]);
    printf(")\n");
    return 1;
}
