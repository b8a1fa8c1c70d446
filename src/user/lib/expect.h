/*
 * expect.h - assertion macros for user test programs that report one KTAP
 * result per scenario (usertests, test_files, test_hostile, fuzz).
 *
 * The including file defines the per-scenario state the macros use:
 *     static int ok;               the current scenario passes so far
 *     static const char *scenario; its name, for the diagnostics
 * A failed check prints "    # SCENARIO: line N: ..." (a KTAP diagnostic,
 * indented under the kernel's result for the module) and clears ok.
 */
#ifndef EXPECT_H
#define EXPECT_H

#include "ulib.h"

#define DIAG(fmt, ...) printf("    # %s: " fmt "\n", scenario, ##__VA_ARGS__)

#define EXPECT(cond, fmt, ...)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            DIAG("line %d: %s: " fmt, __LINE__, #cond, ##__VA_ARGS__);         \
            ok = 0;                                                            \
        }                                                                      \
    } while (0)

#define EXPECT_EQ(got, want)                                                   \
    do {                                                                       \
        long got_ = (long)(got), want_ = (long)(want);                         \
        if (got_ != want_) {                                                   \
            DIAG("line %d: %s = %d, expected %d (%s)", __LINE__, #got,         \
                 (int)got_, (int)want_, #want);                                \
            ok = 0;                                                            \
        }                                                                      \
    } while (0)

/*
 * wait_for_turn - block until every process started before the caller has
 * finished, except init, its children and boot processes started after it:
 * the tests that compare frames_free must run alone (turn.c).
 */
void wait_for_turn(void);

/* frames_free - the kernel's free-frame count now (0 if sysinfo fails). */
static inline unsigned frames_free(void)
{
    struct sysinfo s;
    if (sysinfo(&s) < 0)
        return 0;
    return s.frames_free;
}

/* EXPECT_FRAMES - the free-frame count is back where it was: nothing leaked. */
#define EXPECT_FRAMES(before)                                                  \
    do {                                                                       \
        unsigned now_ = frames_free(), before_ = (before);                     \
        if (now_ != before_) {                                                 \
            DIAG("line %d: frames_free %u, expected %u (%d leaked)", __LINE__, \
                 now_, before_, (int)(before_ - now_));                        \
            ok = 0;                                                            \
        }                                                                      \
    } while (0)

#define NO_STATUS 0x7EADBEEF     /* a status wait() never wrote */

/* wait_status(pid) - wait(pid) and yield its wait status (decode it with
 * the W* macros of uapi/syscall.h); NO_STATUS, a
 * diagnostic and a failed scenario if wait did not return pid. A macro, like
 * EXPECT, so it reaches the including file's ok and scenario. */
#define wait_status(pid)                                                       \
    ({                                                                         \
        long pid_ = (pid), r_;                                                 \
        int st_ = NO_STATUS;                                                   \
        if ((r_ = wait((int)pid_, &st_)) != pid_) {                            \
            DIAG("wait(%d) = %d, expected %d", (int)pid_, (int)r_, (int)pid_); \
            ok = 0;                                                            \
            st_ = NO_STATUS;                                                   \
        }                                                                      \
        st_;                                                                   \
    })

/* exit_code(pid) - wait(pid) and yield the code the child gave exit()
 * (WEXITSTATUS); NO_STATUS, a diagnostic and a failed scenario if wait did
 * not return pid or the child did not exit by itself (killed by kill() or
 * by a fault: wait_status() is for those). */
#define exit_code(pid)                                                         \
    ({                                                                         \
        long epid_ = (pid);                                                    \
        int est_ = wait_status(epid_), ec_ = NO_STATUS;                        \
        if (est_ != NO_STATUS && WIFEXITED(est_)) {                            \
            ec_ = WEXITSTATUS(est_);                                           \
        } else if (est_ != NO_STATUS) {                                        \
            DIAG("pid %d did not exit: %s %d", (int)epid_,                     \
                 WIFKILLED(est_) ? "killed, status" : "fault, vector",         \
                 WIFKILLED(est_) ? est_ : WFAULTVECTOR(est_));                 \
            ok = 0;                                                            \
        }                                                                      \
        ec_;                                                                   \
    })

/* One scenario of a test program: it clears ok when a check fails. */
struct scenario {
    void (*fn)(void);
    const char *name;
};

/*
 * RUN_SCENARIOS(cases, argc, argv) - print the KTAP plan and run the
 * scenarios in the array @cases, one KTAP result each; with arguments, only
 * the scenarios named in argv[1..] (numbering follows the list). Evaluates
 * to ktap_failures(), the program's exit status.
 */
#define RUN_SCENARIOS(cases, argc, argv)                                       \
    run_scenarios((cases), (int)(sizeof(cases) / sizeof((cases)[0])), (argc), (argv), &ok, &scenario)

static inline int run_scenarios(const struct scenario *cases, int n, int argc, char **argv, int *ok_out,
                                const char **scenario_out)
{
    ktap_plan(argc > 1 ? argc - 1 : n);
    for (int i = 0; i < n; i++) {
        int selected = argc <= 1;
        for (int a = 1; a < argc; a++)
            selected |= strcmp(argv[a], cases[i].name) == 0;
        if (!selected)
            continue;
        *scenario_out = cases[i].name;
        *ok_out = 1;
        cases[i].fn();
        ktap_result(*ok_out, cases[i].name);
    }
    return ktap_failures();
}

/* proc_state - the PROC_STATE_* of @pid from ps(), or 0 if it is not in the table. */
static inline int proc_state(long pid)
{
    static struct procinfo tab[128];
    long n = ps(tab, sizeof(tab) / sizeof(tab[0]));
    for (long i = 0; i < n; i++)
        if (tab[i].pid == pid)
            return tab[i].state;
    return 0;
}

#endif /* EXPECT_H */
