/*
 * bench - path lengths of the kernel boundary, for `make bench`.
 *
 * Each figure is the mean rdtsc delta per operation over many rounds. Under
 * QEMU TCG with -icount shift=0, rdtsc advances one tick per guest
 * instruction, so the figures are deterministic instruction counts (a
 * `rep movs` counts once); on hardware (ACCEL=kvm) they are cycles.
 * Output lines: "bench: NAME N ticks/op (ROUNDS rounds)", machine-readable.
 */
#include "ulib.h"

static uint64_t now(void)
{
    return rdtsc();
}

static unsigned per_op(uint64_t dt, unsigned rounds)
{
    /* 64-by-32 division without libgcc: dt stays far below 2^32 * rounds. */
    uint32_t hi = (uint32_t)(dt >> 32), lo = (uint32_t)dt, q_hi = hi / rounds, r = hi % rounds;
    uint64_t rest = ((uint64_t)r << 32) | lo;
    uint32_t q_lo = 0;
    for (int bit = 31; bit >= 0; bit--) {
        uint64_t d = (uint64_t)rounds << bit;
        if (rest >= d) {
            rest -= d;
            q_lo |= 1u << bit;
        }
    }
    (void)q_hi;
    return q_lo;
}

static void report(const char *name, uint64_t dt, unsigned rounds)
{
    printf("bench: %s %u ticks/op (%u rounds)\n", name, per_op(dt, rounds), rounds);
}

static char page_buf[4096] __attribute__((aligned(4096)));

int main(void)
{
    enum { N = 20000 };
    uint64_t t0, t1;

    t0 = now();
    for (int i = 0; i < N; i++)
        nop();
    t1 = now();
    report("null_syscall", t1 - t0, N);

    t0 = now();
    for (int i = 0; i < N; i++)
        getpid();
    t1 = now();
    report("getpid", t1 - t0, N);

    struct sysinfo si;
    if (sysinfo(&si) == 0 && (si.features & SYSINFO_SYSENTER)) {
        t0 = now();
        for (int i = 0; i < N; i++)
            sysenter_call(SYS_nop, 0, 0, 0, 0, 0);
        t1 = now();
        report("null_syscall_sysenter", t1 - t0, N);
        t0 = now();
        for (int i = 0; i < N; i++)
            sysenter_call(SYS_write, 1, (long)page_buf, 0, 0, 0);
        t1 = now();
        report("write_0B_sysenter", t1 - t0, N);
    } else {
        printf("bench: sysenter not available on this CPU\n");
    }

    t0 = now();
    for (int i = 0; i < N; i++)
        (void)now();
    t1 = now();
    report("rdtsc_overhead", t1 - t0, N);

    struct sysinfo info;
    t0 = now();
    for (int i = 0; i < N; i++)
        sysinfo(&info);
    t1 = now();
    report("copy_out_32B", t1 - t0, N);

    t0 = now();
    for (int i = 0; i < N; i++)
        write(1, page_buf, 0);
    t1 = now();
    report("write_0B", t1 - t0, N);

    char *argv[] = { "child", "pong", NULL };
    long pid = spawn("child", argv);
    if (pid > 0) {
        uint32_t msg = 1, rep = 0;
        t0 = now();
        for (int i = 0; i < N; i++)
            ipc_call((int)pid, &msg, 4, &rep, 4);
        t1 = now();
        report("ipc_call_roundtrip_4B", t1 - t0, N);
        static char big[4096], bigrep[4096];
        t0 = now();
        for (int i = 0; i < N / 10; i++)
            ipc_call((int)pid, big, sizeof(big), bigrep, sizeof(bigrep));
        t1 = now();
        report("ipc_call_roundtrip_4KiB", t1 - t0, N / 10);
        char bye[8];
        ipc_call((int)pid, "quit", 4, bye, sizeof(bye));
        wait((int)pid, NULL);
    }

    t0 = now();
    for (int i = 0; i < 200; i++) {
        long c = spawn("child", (char *[]){ "child", "exit", "0", NULL });
        if (c > 0)
            wait((int)c, NULL);
    }
    t1 = now();
    report("spawn_wait", t1 - t0, 200);
    return 0;
}
