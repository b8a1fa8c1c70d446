/*
 * replay_int.h - what the replay core's files (core.c, load.c, procs.c,
 * record.c, report.c) share: the limits, the rdtsc bracket, the run tables
 * of one trace (struct trace_run), the state each replay process holds
 * between records (struct replay_state) and the functions one file calls
 * in another. Internal to src/user/replay/: the systems' backends see only
 * replay_os.h.
 */
#ifndef REPLAY_INT_H
#define REPLAY_INT_H

#ifdef REPLAY_LINUX
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#else
#include "ulib.h"
#endif
#include <stdint.h>
#include "replay_os.h"
#include "uapi/trace.h"

#define BUF_MAX        (256u << 10) /* bytes: larger copies are replayed at this size (capped) */
#define MAP_CAP        1024u        /* pages: larger mappings are replayed at this size (capped) */
#define BRK_CAP        (4u << 20)   /* bytes the break moves at most in one call (capped) */
#define FD_STACK       24           /* fds the replay keeps open at once */
#define MAP_STACK      256          /* mappings the replay keeps at once */
#define PATH_LEN_MAX   200          /* bytes in a replayed path (capped) */
#define FLOOR_ROUNDS   1001         /* samples behind each floor figure */
#define CR3_PAIR_ROUNDS 1000
#define UNIT_ROUNDS    5            /* tries behind each unit line and CR3-write count (the fewest is kept) */
#define O_READ_ONLY    0            /* O_RDONLY on both systems */
#define PAGE_BYTES     TRACE_PAGE_SIZE  /* the i386 page size, both systems (uapi/trace.h) */
#define WHENCE_SET     0            /* SEEK_SET on both systems */
#define EAGAIN_LINUX   11           /* EAGAIN on both systems */
#define BAD_FD         1000         /* no descriptor (FD_STACK is far below): calls on it fail -EBADF */

/* The entry paths' names in the output, by ENTRY_* (core.c). */
extern const char *const entry_names[ENTRY_COUNT];

static inline uint32_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return lo;
}

/* Per Linux syscall name: how its records were replayed. */
struct name_stat {
    uint32_t count, skipped;
    uint32_t ops[OP_COUNT];                /* records per op: the row shows the commonest */
    struct replay_events ev;               /* event totals over the warm-up pass */
    uint32_t fills[FILL_KINDS];            /* fill totals over the fills pass */
};

#define TURN_BELLS 256                     /* futex words the turn waiters sleep on */

/* What every replay process of a trace shares (os_shared memory). */
struct replay_shared {
    volatile uint32_t turn;                /* position (trace_run.order) whose record may run now;
                                            * nrec: the pass is over; TURN_IDLE: not begun */
    volatile uint32_t exit_state;          /* EXIT_*: the OP_EXIT window waiting to be closed */
    volatile uint32_t bell[TURN_BELLS];    /* futex words: the waiter for position p sleeps on
                                            * bell[p % TURN_BELLS], rung when p gets the turn */
    uint32_t exit_rec;                     /* 1 + the OP_EXIT record a process ended with, or 0 */
    uint32_t exit_t0;                      /* its rdtsc just before the exit call */
    struct replay_events exit_ev;          /* its event counters then */
    uint32_t capped;                       /* records replayed at a capped size (one pass) */
    uint32_t mismatches;                   /* result class differs from the trace's (one pass) */
    uint32_t window_errors;                /* event windows without their system calls (warm-up) */
};

/* What the replay holds between records of one pass (each process its own copy). */
struct replay_state {
    int devnull, devzero;
    int fds[FD_STACK], nfds;               /* opened by the trace (open, dup, pipe) */
    struct { uintptr_t va; uint32_t npages; } maps[MAP_STACK];
    int nmaps;
    uintptr_t arena, arena_end, arena_next; /* OP_*_AT below bump_base, OP_MAP's bump area above */
    uintptr_t bump_base;
    uint8_t at_used[TRACE_ARENA_PAGES / 8]; /* trace-arena pages mapped now (OP_*_AT) */
    uintptr_t brk_base, brk_cur;
    uint32_t npids;                        /* entries in pid_of: the trace's tasks */
    uint8_t *buf;                          /* BUF_MAX bytes for copies, page-aligned (os_shared) */
    char path[PATH_LEN_MAX + 1];
    uint8_t st[REPLAY_STAT_BYTES];
    int close_after;                       /* fd to close once the record is measured, or -1 */
    uint32_t calls;                        /* system calls the record's window holds (os_exec: more) */
    struct replay_shared *sh;
    volatile uint32_t *fwords;             /* TRACE_FUTEX_WORDS words for OP_FUTEX_* (os_shared) */
    int procs;                             /* one process per task: OP_FUTEX_WAIT may sleep */
    long *pid_of;                          /* [task]: this process's child replaying it, 0 if none */
};

#define NONE UINT32_MAX

struct trace_run {
    const char *name;                      /* for the output */
    const void *buf;                       /* validated trace (os_shared memory) */
    const struct trace_record *rec;
    uint32_t nrec, nnames, ntasks;
    const char **names;                    /* name table, by index */
    struct name_stat *per_name;            /* os_shared: children add to it */
    uint32_t *samples;                     /* [pass][record] ticks, overhead taken off (os_shared) */
    uint32_t *scratch;                     /* nrec * passes, for sorting (os_shared: not copied by fork) */
    uint32_t *next_same;                   /* [record]: the task's next record, NONE at its end */
    uint32_t *fork_start;                  /* [OP_FORK record]: first record of the child's lifetime */
    uint32_t *roots;                       /* lifetimes no OP_FORK creates: their first records */
    uint32_t nroots;
    uint32_t *order;                       /* [position]: the record whose turn it is (trace order,
                                            * a blocked OP_WAIT moved after the exit it waited for) */
    uint32_t *pos_of;                      /* [record]: its position in order */
    volatile uint8_t *dead;                /* [record]: will not run this pass (its fork failed) */
    int procs;                             /* the trace has lifecycle records: one process per task */
    int passes;
    uint32_t overhead;
    struct replay_events base;             /* events_baseline() of this pass */
    int fills_ok;                          /* the system counts fills (os_fills) */
    void *shared_ptr[16];                  /* os_shared() blocks, for run_release() */
    uint32_t shared_bytes[16];
    int nshared;
};

enum pass_kind { PASS_EVENTS, PASS_TIMED, PASS_FILLS };

/* ---------------------------------------------------------------- load.c */

/* Read the whole file at path into a malloc'd, 4-byte-aligned buffer.
 * Returns it (its size in bytes in *size; the caller frees it), or NULL
 * after printing why (open or read failed, out of memory). */
void *load_file(const char *path, uint32_t *size);
/* A zeroed os_shared() block of `bytes` bytes, recorded in t for
 * run_release(). Returns it, or NULL (os_shared failed, or t already holds
 * 16 blocks). */
void *run_shared(struct trace_run *t, uint32_t bytes);
/* Build t's run tables for the validated trace at buf (os_shared memory)
 * and `passes` measured passes: names, per-name counts, samples, and for a
 * trace with OP_FORK/OP_EXIT the process model's tables. Returns 0, or -1
 * (out of memory; run_release() frees what was made). */
int run_prepare(struct trace_run *t, const void *buf, int passes);
/* Free t's name table and every block run_shared() gave it. */
void run_release(struct trace_run *t);
/* Set up the replay state s for t: copy buffer, turn block and futex words
 * (run_shared), /dev/null and /dev/zero, the arena's layout, the task ->
 * pid table. Returns 0, or -1 after printing why (arena too small, an
 * allocation or an open failed). */
int state_init(struct replay_state *s, struct trace_run *t);
/* Close state_init()'s descriptors and free its pid table. */
void state_fini(struct replay_state *s);

/* ---------------------------------------------------------------- record.c */

/* Undo what a pass left behind (untimed): close the trace's fds, unmap its
 * mappings and trace-arena pages, move the break back to s->brk_base. */
void reset_pass(struct replay_state *s);
/* Replay and measure record i (not OP_FORK or OP_EXIT) in this process:
 * PASS_EVENTS adds its event window to its name's totals (a window without
 * exactly s->calls system calls counts in window_errors), PASS_TIMED puts
 * its ticks (overhead taken off) in samples[i], PASS_FILLS adds its fills.
 * An OP_SKIP record is not measured. */
void measure_record(struct trace_run *t, struct replay_state *s, uint32_t i, enum pass_kind kind,
                    uint32_t *samples);

/* ---------------------------------------------------------------- procs.c */

/* One pass of `kind` over the whole trace (samples: nrec slots for
 * PASS_TIMED, UINT32_MAX where a record was not measured; else NULL), in
 * one process per task if the trace has lifecycle records; then
 * reset_pass(). */
void run_pass(struct trace_run *t, struct replay_state *s, enum pass_kind kind, uint32_t *samples);
/* The untimed fills pass: run_pass(PASS_FILLS). Returns 0, or -1 (nothing
 * run) if the system cannot count fills. */
int run_fills_pass(struct trace_run *t, struct replay_state *s);

/* ---------------------------------------------------------------- report.c */

/* acc += b - a - base, counter by counter (base: events_baseline()). */
void events_delta(struct replay_events *acc, const struct replay_events *a,
                  const struct replay_events *b, const struct replay_events *base);
/* The events two back-to-back os_events() calls see of each other. */
struct replay_events events_baseline(void);
/* The fewest ticks of an empty tsc() bracket (1000 tries): taken off every
 * sample. */
uint32_t timer_overhead(void);
/* The row lines of one entry path ("ALL", then one per syscall name) from
 * t->samples and t->per_name; t->scratch is overwritten. */
void print_rows(struct trace_run *t, const char *mode, const char *entry);
/* The floor line of entry path `entry` (ENTRY_*), measured now; t->scratch
 * is overwritten. */
void print_floor(struct trace_run *t, const char *mode, int entry);
/* The fills and fillpage lines of entry path `entry`, measured now; nothing
 * if the system cannot count fills (t->fills_ok). */
void print_fills(const struct trace_run *t, const char *mode, int entry);
/* The unit lines (rep movsd of unit_dwords[] dwords, measured now); buf
 * holds at least 8 KiB + 4 KiB bytes. */
void print_unit(const struct trace_run *t, const char *mode, uint8_t *buf);
/* The "replay: cpu=BRAND" line (CPUID brand string, else vendor string). */
void print_cpu(void);

#endif /* REPLAY_INT_H */
