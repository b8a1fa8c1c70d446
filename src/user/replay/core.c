/*
 * core.c - the trace replay: one warm-up pass, then N measured passes of a
 * syscall trace (uapi/trace.h), each record turned into the one system call
 * of the system under test with the same boundary traffic, timed with
 * lfence; rdtsc on both sides. Portable: the same file runs on this kernel
 * (src/user/replay.c) and on Linux (tools/linux-peer/replay_linux.c)
 * through replay_os.h, so both sides measure with identical code.
 *
 * Output (stdout; docs/benchmarking.md documents every field):
 *   replay: cpu=BRAND
 *   replay: begin trace=T mode=M records=R names=K passes=N capped=C
 *   replay: progress trace=T entry=E pass=I/N
 *   row,T,M,E,SYSCALL,OP,count,skipped,min,p50,p90,p99,p999,max,calls,cr3_writes,pages_walked,bytes_copied,
 *       fills_kernel_4k,fills_kernel_4m,fills_tramp_kernel,fills_tramp_user,fills_user,faults
 *   floor,T,M,E,ring_trip,cr3_pair,null_syscall,null_cr3_writes
 *   fills,T,M,E,WHAT,kernel_4k,kernel_4m,tramp_kernel,tramp_user,user,instrument   (WHAT: empty, null)
 *   fillpage,T,M,E,VA,KIND              (the null call's pages; KIND a FILL_* number)
 *   replay: mismatches trace=T mode=M entry=E n=X window=W
 *   unit,T,M,rep_movsd,N,ticks       (one line per N in unit_dwords[])
 *   replay: end trace=T mode=M
 * Ticks are rdtsc deltas with the timer's own overhead taken off: guest
 * instructions under QEMU TCG -icount shift=0 (where a `rep movs` counts
 * once per iteration plus once; the unit lines check it), cycles on
 * hardware. Event columns are totals over one pass (the warm-up pass, which
 * is not timed). Fill columns are totals over one more untimed pass, the
 * fills pass, in which every record is bracketed by two os_fills() (TLB
 * fills counted with Accessed bits; "-" where the system cannot count them).
 * n counts records whose result class (ok/error) differs from the trace's;
 * window counts records whose event window did not hold exactly their system
 * calls (one; an OP_EXEC the ones os_exec reports), which would mean set-up
 * or clean-up leaking into the measurement. Both should be 0.
 *
 * Processes (docs/benchmarking.md, "Processes"): each traced task is a
 * process of the replay, and all of them run concurrently. An OP_FORK
 * record forks the replay process that runs its task (timed in the
 * parent); the child replays the child task's records until that task's
 * OP_EXIT record, which ends the process for real. The records of all
 * processes run one at a time in trace order: each waits for its turn
 * (a shared position, futex waits on a per-position bell) and passes it on
 * after its window has closed, so the turn-keeping is never inside a
 * window and every event window holds only its own record's events. An
 * OP_EXIT window runs from the exiting process's last rdtsc before its exit
 * call to the first rdtsc of the process that runs next: the exit, the
 * switch and that process's return to user mode. A blocked OP_WAIT runs
 * right after the exit it waited for (prepare_order); a blocked
 * OP_FUTEX_WAIT passes the turn and sleeps until its paired OP_FUTEX_WAKE.
 * OP_EXEC runs a tiny program (os_exec).
 * Samples and counts come back through os_shared() memory.
 *
 * The core's files (one concern each; replay_int.h is their shared
 * header): core.c (this: one trace from start to end, replay_main and its
 * command line replay_cli), load.c (reading a trace, its run tables and
 * lifetimes, the replay state), procs.c (processes, turns and passes),
 * record.c (one record as one system call, measured), report.c (samples,
 * events and the output lines).
 */
#include "replay_int.h"

const char *const entry_names[ENTRY_COUNT] = { "int80", "sysenter" };

/* Replay one trace with every entry path in entry_mask (bit ENTRY_*) that
 * the system has. */
static int replay_one(const char *path, const char *name, int passes, unsigned entry_mask)
{
    const char *mode = os_mode_name();
    uint32_t size = 0, bad = 0;
    void *buf = load_file(path, &size);
    if (!buf)
        return -1;
    struct trace_run t = { .name = name };
    /* Into shared memory, and the heap block freed at once: a fork does
     * not copy the trace (docs/benchmarking.md, "Processes"). */
    void *sbuf = size ? run_shared(&t, size) : NULL;
    if (sbuf)
        memcpy(sbuf, buf, size);
    free(buf);
    if (!sbuf) {
        printf("replay: %s: out of memory\n", path);
        return -1;
    }
    int v = trace_validate(sbuf, size, &bad);
    if (v != TRACE_OK) {
        printf("replay: %s: not a valid trace (trace_validate error %d, record %u)\n", path, v, bad);
        run_release(&t);
        return -1;
    }
    struct replay_state s;
    if (run_prepare(&t, sbuf, passes) < 0 || state_init(&s, &t) < 0) {
        printf("replay: %s: out of memory\n", path);
        run_release(&t);
        return -1;
    }
    /* Every allocation is done: from here the break belongs to OP_BRK. */
    /* A page-aligned start, so OP_BRK maps the same pages whatever the heap
     * held before (other traces of the same boot). */
    uintptr_t brk0 = (uintptr_t)os_brk(0);
    uintptr_t brk_aligned = (brk0 + PAGE_BYTES - 1) & ~(uintptr_t)(PAGE_BYTES - 1);
    s.brk_base = s.brk_cur = brk_aligned == brk0 ? brk0 : (uintptr_t)os_brk(brk_aligned);
    t.overhead = timer_overhead();
    printf("replay: begin trace=%s mode=%s records=%u names=%u passes=%d capped=", name, mode, t.nrec,
           t.nnames, passes);
    uint32_t capped_shown = 0;

    for (int e = 0; e < ENTRY_COUNT; e++) {
        if (!(entry_mask & (1u << e)) || !os_entry_supported(e))
            continue;
        os_set_entry(e);
        s.sh->capped = s.sh->mismatches = s.sh->window_errors = 0;
        for (uint32_t j = 0; j < t.nnames; j++) {
            memset(&t.per_name[j].ev, 0, sizeof(t.per_name[j].ev));
            memset(t.per_name[j].fills, 0, sizeof(t.per_name[j].fills));
        }
        t.fills_ok = run_fills_pass(&t, &s) == 0;  /* fills, not times */
        s.sh->capped = s.sh->mismatches = s.sh->window_errors = 0;
        run_pass(&t, &s, PASS_EVENTS, NULL);      /* warm-up: events, not times */
        uint32_t capped = s.sh->capped, mismatches = s.sh->mismatches, window_errors = s.sh->window_errors;
        if (!capped_shown++)
            printf("%u\n", capped);
        for (int p = 0; p < passes; p++) {
            printf("replay: progress trace=%s entry=%s pass=%d/%d\n", name, entry_names[e], p + 1, passes);
            run_pass(&t, &s, PASS_TIMED, t.samples + (uint32_t)p * t.nrec);
        }
        print_rows(&t, mode, entry_names[e]);
        print_floor(&t, mode, e);
        print_fills(&t, mode, e);
        printf("replay: mismatches trace=%s mode=%s entry=%s n=%u window=%u\n", name, mode, entry_names[e],
               mismatches, window_errors);
    }
    if (!capped_shown)
        printf("0\n");
    print_unit(&t, mode, s.buf);
    printf("replay: end trace=%s mode=%s\n", name, mode);
    state_fini(&s);
    run_release(&t);
    return 0;
}

int replay_main(int ntraces, const char *const paths[], const char *const names[], int passes,
                unsigned entry_mask)
{
    int failed = 0;
    if (passes < 1)
        passes = 1;
    print_cpu();
    for (int i = 0; i < ntraces; i++)
        if (replay_one(paths[i], names[i], passes, entry_mask) < 0)
            failed++;
    return failed;
}

#define CLI_MAX_TRACES 16
#define CLI_PATH_MAX   128

int replay_cli(int argc, char *const argv[], const char *prefix, const char *suffix)
{
    static char paths[CLI_MAX_TRACES][CLI_PATH_MAX];
    const char *path_of[CLI_MAX_TRACES], *name_of[CLI_MAX_TRACES];
    const char *next_name = NULL;
    int passes = 10, n = 0;
    unsigned entry_mask = 0;

    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (strncmp(w, "passes=", 7) == 0) {
            passes = atoi(w + 7);
        } else if (strncmp(w, "entry=", 6) == 0) {
            int e = 0;
            while (e < ENTRY_COUNT && strcmp(w + 6, entry_names[e]) != 0)
                e++;
            if (e == ENTRY_COUNT) {
                printf("replay: unknown entry path %s (want int80 or sysenter)\n", w + 6);
                return -1;
            }
            entry_mask |= 1u << e;
        } else if (strncmp(w, "as=", 3) == 0) {
            next_name = w + 3;
        } else if (n == CLI_MAX_TRACES || strlen(prefix) + strlen(w) + strlen(suffix) >= CLI_PATH_MAX) {
            printf("replay: too many traces, or a name too long: %s\n", w);
            return -1;
        } else {
            char *p = paths[n];
            memcpy(p, prefix, strlen(prefix));
            p += strlen(prefix);
            memcpy(p, w, strlen(w));
            p += strlen(w);
            memcpy(p, suffix, strlen(suffix) + 1);
            path_of[n] = paths[n];
            name_of[n] = next_name ? next_name : w;
            next_name = NULL;
            n++;
        }
    }
    if (n == 0) {
        printf("usage: replay [passes=N] [entry=E]... [as=NAME] TRACE... (TRACE read from %sTRACE%s)\n", prefix,
               suffix);
        return -1;
    }
    return replay_main(n, path_of, name_of, passes, entry_mask ? entry_mask : (1u << ENTRY_COUNT) - 1);
}
