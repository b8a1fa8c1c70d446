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
 */
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

static const char *const entry_names[ENTRY_COUNT] = { "int80", "sysenter" };

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

/* ---------------------------------------------------------------- one record */

static int is_open_like(const char *name)
{
    return strcmp(name, "open") == 0 || strcmp(name, "openat") == 0 ||
           strcmp(name, "openat2") == 0 || strcmp(name, "creat") == 0;
}

static uint32_t cap(struct replay_state *s, uint32_t v, uint32_t max)
{
    if (v <= max)
        return v;
    s->sh->capped++;
    return max;
}

/* A path of `len` bytes: one that exists ("//...//dev/zero") or one that
 * does not ("/dev/xxx..."); both systems resolve them the same way. The
 * missing name is looked up in /dev, whose entries are fixed, not in /mod,
 * whose entries are the boot modules: a failed lookup then costs the same
 * whatever traces share the boot. */
static const char *make_path(struct replay_state *s, uint32_t len, int exists)
{
    len = cap(s, len, PATH_LEN_MAX);
    uint32_t i = 0;
    if (exists) {
        static const char tail[] = "dev/zero";
        uint32_t slashes = len > sizeof(tail) ? len - (uint32_t)(sizeof(tail) - 1) : 1;
        for (; i < slashes; i++)
            s->path[i] = '/';
        memcpy(s->path + i, tail, sizeof(tail));
        return s->path;
    }
    static const char head[] = "/dev/";
    memcpy(s->path, head, sizeof(head) - 1);
    for (i = sizeof(head) - 1; i < len || i < sizeof(head); i++)
        s->path[i] = 'x';
    s->path[i] = '\0';
    return s->path;
}

static void push_fd(struct replay_state *s, long fd)
{
    if (fd >= 0 && s->nfds < FD_STACK)      /* prepare_record() keeps two slots free */
        s->fds[s->nfds++] = (int)fd;
}

static void unmap_all(struct replay_state *s)
{
    while (s->nmaps > 0) {
        s->nmaps--;
        os_unmap(s->maps[s->nmaps].va, s->maps[s->nmaps].npages);
    }
    s->arena_next = s->bump_base;
}

/* ---------------------------------------------------------------- the trace arena (OP_*_AT) */

/*
 * OP_MAP_AT / OP_UNMAP_AT / OP_PROTECT_AT carry a page index into the trace
 * arena (uapi/trace.h): page i is arena + i * 4096 here. at_used[] says
 * which pages the replay has mapped, so that each record's one call meets
 * the state the traced program had: before a map, whatever is in its range
 * is unmapped (MAP_FIXED replaces; untimed, where Linux does it inside the
 * call); before a successful munmap or mprotect, holes in its range (left by
 * a cap or a wrapped index) are mapped (untimed). Nothing is touched after a
 * map: strace does not show which pages a program touched, so the faults of
 * mapped memory are not replayed (brk growth is, see OP_BRK).
 */
static int at_is_used(const struct replay_state *s, uint32_t i)
{
    return (s->at_used[i / 8] >> (i % 8)) & 1;
}

static void at_mark(struct replay_state *s, uint32_t i, uint32_t n, int used)
{
    for (; n > 0; i++, n--)
        s->at_used[i / 8] = (uint8_t)(used ? s->at_used[i / 8] | (1u << (i % 8))
                                           : s->at_used[i / 8] & ~(1u << (i % 8)));
}

/* The record's page count, cut at the arena's end (counted as capped if @count). */
static uint32_t at_len(struct replay_state *s, const struct trace_record *rec, int count)
{
    uint32_t pages = TRACE_AT_PAGES(rec->aux), room = rec->bytes < TRACE_ARENA_PAGES ? TRACE_ARENA_PAGES - rec->bytes : 0;
    if (pages <= room)
        return pages;
    if (count)
        s->sh->capped++;
    return room;
}

static int at_prot(uint32_t aux)
{
    return (aux & TRACE_AT_READ ? REPLAY_PROT_READ : 0) | (aux & TRACE_AT_WRITE ? REPLAY_PROT_WRITE : 0);
}

/* Make every page of [i, i + n) used (@used) or unused, one call per run (untimed). */
static void at_set_range(struct replay_state *s, uint32_t i, uint32_t n, int used)
{
    uint32_t end = i + n;
    while (i < end) {
        if (at_is_used(s, i) == used) {
            i++;
            continue;
        }
        uint32_t run = i;
        while (run < end && at_is_used(s, run) != used)
            run++;
        uintptr_t va = s->arena + (uintptr_t)i * PAGE_BYTES;
        long r = used ? os_map(va, run - i, REPLAY_PROT_READ | REPLAY_PROT_WRITE) : os_unmap(va, run - i);
        if (r >= 0)
            at_mark(s, i, run - i, used);
        i = run;
    }
}

/* Undo everything a pass left behind (untimed), so every pass starts alike. */
static void reset_pass(struct replay_state *s)
{
    while (s->nfds > 0)
        os_close(s->fds[--s->nfds]);
    unmap_all(s);
    at_set_range(s, 0, TRACE_ARENA_PAGES, 0);
    if (s->brk_cur != s->brk_base)
        s->brk_cur = (uintptr_t)os_brk(s->brk_base);
}

/*
 * Before a record is measured (untimed, outside its event window): make
 * room in the fd stack and the map arena, and give a successful close or
 * munmap something to act on, so that each record's one system call meets
 * the state the traced program had.
 */
static void prepare_record(struct replay_state *s, const struct trace_record *rec)
{
    while (s->nfds > FD_STACK - 2) {          /* close the oldest */
        os_close(s->fds[0]);
        for (int i = 1; i < s->nfds; i++)
            s->fds[i - 1] = s->fds[i];
        s->nfds--;
    }
    if (rec->op == OP_MAP &&
        (s->nmaps == MAP_STACK || s->arena_next + (uintptr_t)MAP_CAP * PAGE_BYTES > s->arena_end))
        unmap_all(s);                          /* start the arena over */
    if (rec->op == OP_MAP_AT && rec->result != TRACE_RES_ERR)
        at_set_range(s, rec->bytes, at_len(s, rec, 0), 0);   /* MAP_FIXED: replace */
    if (rec->result == TRACE_RES_ERR)
        return;
    if (rec->op == OP_UNMAP_AT || rec->op == OP_PROTECT_AT)
        at_set_range(s, rec->bytes, at_len(s, rec, 0), 1);   /* it was mapped in the trace */
    if (rec->op == OP_CLOSE && s->nfds == 0)
        push_fd(s, os_dup(s->devzero));
    if (rec->op == OP_UNMAP && s->nmaps == 0 && os_map(s->arena_next, 1, REPLAY_PROT_READ | REPLAY_PROT_WRITE) == 0) {
        s->maps[s->nmaps].va = s->arena_next, s->maps[s->nmaps].npages = 1;
        s->nmaps++;
        s->arena_next += PAGE_BYTES;
    }
}

/* After a record is measured: the deferred close of a lookup's fd. */
static void finish_record(struct replay_state *s)
{
    if (s->close_after >= 0)
        os_close(s->close_after);
    s->close_after = -1;
}

#define TIMED(call) (t0 = tsc(), r = (call), t1 = tsc())

/*
 * Replay record `rec` (Linux name `name`) once; *ticks gets the raw rdtsc
 * delta around its one system call. Returns 0, or 1 if the record was not
 * replayed (OP_SKIP).
 */
static int replay_record(struct replay_state *s, const struct trace_record *rec, const char *name,
                         uint32_t *ticks)
{
    uint32_t t0 = 0, t1 = 0;
    long r = 0;
    int ok = rec->result != TRACE_RES_ERR;

    switch (rec->op) {
    case OP_SKIP:
        return 1;
    case OP_NULL:
        TIMED(os_null());
        break;
    case OP_COPY_IN:
        TIMED(os_write(s->devnull, s->buf, cap(s, rec->bytes, BUF_MAX)));
        break;
    case OP_COPY_OUT:
        if (!ok && rec->bytes == 0)            /* failed before any copy (EISDIR, ENOTTY, ...): */
            TIMED(os_read(BAD_FD, s->buf, 1)); /* a read that fails on its descriptor */
        else
            TIMED(os_read(s->devzero, s->buf, cap(s, rec->bytes, BUF_MAX)));
        break;
    case OP_PATH: {
        const char *path = make_path(s, rec->bytes, ok);
        if (is_open_like(name)) {
            TIMED(os_open(path, O_READ_ONLY));
            push_fd(s, r);
        } else if (rec->aux > 0) {
            TIMED(os_stat(path, s->st));       /* a lookup with a struct copied out */
        } else {
            TIMED(os_open(path, O_READ_ONLY)); /* a lookup alone (access, chdir, ...) */
            s->close_after = r >= 0 ? (int)r : -1;
        }
        break;
    }
    case OP_STAT_OUT:
        TIMED(os_fstat(ok ? s->devzero : BAD_FD, s->st));  /* a failed fstat: EBADF */
        break;
    case OP_MAP: {
        if (rec->flags & TRACE_F_PROTECT) {    /* an older trace's mprotect: on the newest mapping */
            if (s->nmaps > 0)
                TIMED(os_protect(s->maps[s->nmaps - 1].va, 1, REPLAY_PROT_READ | REPLAY_PROT_WRITE));
            else
                TIMED(os_null());
            break;
        }
        if (!ok) {                             /* a failed mmap: a map refused up front */
            TIMED(os_map(s->arena_next, 0, REPLAY_PROT_READ)); /* (0 pages: -EINVAL) */
            break;
        }
        uint32_t n = cap(s, rec->aux ? rec->aux : 1, MAP_CAP);
        TIMED(os_map(s->arena_next, n, REPLAY_PROT_READ | REPLAY_PROT_WRITE));
        if (r >= 0) {
            s->maps[s->nmaps].va = s->arena_next, s->maps[s->nmaps].npages = n;
            s->nmaps++;
            s->arena_next += (uintptr_t)n * PAGE_BYTES;
        }
        break;
    }
    case OP_UNMAP:
        if (s->nmaps > 0) {                    /* the newest mapping goes first */
            s->nmaps--;
            TIMED(os_unmap(s->maps[s->nmaps].va, s->maps[s->nmaps].npages));
        } else {
            TIMED(os_unmap(s->arena_end - PAGE_BYTES, 1)); /* the trace's munmap failed too */
        }
        break;
    case OP_MAP_AT:
    case OP_UNMAP_AT:
    case OP_PROTECT_AT: {
        uint32_t n = at_len(s, rec, 1);
        uintptr_t va = s->arena + (uintptr_t)rec->bytes * PAGE_BYTES;
        if (!ok || n == 0) {                   /* refused up front: a misaligned address */
            if (rec->op == OP_MAP_AT)
                TIMED(os_map(s->arena, 0, REPLAY_PROT_READ));
            else if (rec->op == OP_UNMAP_AT)
                TIMED(os_unmap(s->arena + 1, 1));
            else
                TIMED(os_protect(s->arena + 1, 1, REPLAY_PROT_READ));
            break;
        }
        if (rec->op == OP_MAP_AT) {
            TIMED(os_map(va, n, at_prot(rec->aux)));
            if (r >= 0)
                at_mark(s, rec->bytes, n, 1);
        } else if (rec->op == OP_UNMAP_AT) {
            TIMED(os_unmap(va, n));
            if (r >= 0)
                at_mark(s, rec->bytes, n, 0);
        } else {
            TIMED(os_protect(va, n, at_prot(rec->aux)));
        }
        break;
    }
    case OP_BRK: {
        uint32_t delta = cap(s, rec->bytes, BRK_CAP);
        uintptr_t want = s->brk_cur, old = s->brk_cur;
        if (rec->flags & TRACE_F_SHRINK)
            want = want - s->brk_base > delta ? want - delta : s->brk_base;
        else
            want += delta;
        TIMED(os_brk(delta ? want : 0));
        if (r > 0)
            s->brk_cur = (uintptr_t)r;
        /* A program grows its heap to write it: touch each new page once,
         * after the timed call but inside the record's event window, so
         * its faults (and their CR3 writes) join the brk row's events. */
        for (uintptr_t pg = (old + PAGE_BYTES - 1) & ~(uintptr_t)(PAGE_BYTES - 1); r > 0 && pg < s->brk_cur;
             pg += PAGE_BYTES)
            *(volatile uint8_t *)pg = 0;
        break;
    }
    case OP_CLOSE:
        if (ok && s->nfds > 0)
            TIMED(os_close(s->fds[--s->nfds]));
        else
            TIMED(os_close(BAD_FD));           /* the trace's close failed too: -EBADF */
        break;
    case OP_SEEK:                              /* a failed one (ESPIPE, EBADF): EBADF */
        TIMED(os_lseek(ok ? s->devzero : BAD_FD, 0, WHENCE_SET));
        break;
    case OP_DUP:
        TIMED(os_dup(s->devzero));
        push_fd(s, r);
        break;
    case OP_PIPE: {
        int fds[2];
        TIMED(os_pipe(fds));
        if (r == 0) {
            push_fd(s, fds[0]);
            push_fd(s, fds[1]);
        }
        break;
    }
    case OP_WAIT: {                            /* the child is a zombie by now (prepare_order) */
        int status;
        long pid = rec->aux == TRACE_TASK_ANY ? -1 : rec->aux < s->npids ? s->pid_of[rec->aux] : -1;
        if (rec->aux == TRACE_TASK_NONE) {     /* WNOHANG found nothing: no such call here */
            TIMED(os_null());
            break;
        }
        TIMED(os_wait(pid > 0 ? pid : -1, rec->bytes ? &status : NULL));
        if (r > 0 && rec->aux < s->npids)
            s->pid_of[rec->aux] = 0;
        break;
    }
    case OP_FUTEX_WAIT: {                      /* a failed wait (run_task sleeps for a paired one; */
        volatile uint32_t *w = &s->fwords[rec->aux % TRACE_FUTEX_WORDS]; /* one alone cannot) */
        uint32_t differs = *w + 1;
        TIMED(os_futex_wait(w, differs));      /* the word differs: -EAGAIN, no sleep */
        if (ok && r == -EAGAIN_LINUX)
            r = 0;                             /* a paired wait without its waker: not a mismatch */
        break;
    }
    case OP_FUTEX_WAKE: {
        volatile uint32_t *w = &s->fwords[rec->aux % TRACE_FUTEX_WORDS];
        (*w)++;                                /* a waiter not yet asleep then gets -EAGAIN */
        TIMED(os_futex_wake(w, rec->bytes ? rec->bytes : 1));
        break;
    }
    case OP_EXEC: {
        uint32_t calls = 1;
        TIMED(os_exec(cap(s, rec->bytes, REPLAY_EXEC_BYTES), ok, &calls));
        s->calls = calls;
        break;
    }
    default:
        return 1;
    }
    if ((r < 0) != !ok && rec->result != TRACE_RES_UNKNOWN)
        s->sh->mismatches++;
    *ticks = t1 - t0;
    return 0;
}

/* ---------------------------------------------------------------- a whole trace */

static void events_delta(struct replay_events *acc, const struct replay_events *a,
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
static struct replay_events events_baseline(void)
{
    struct replay_events a, b, base = { 0, 0, 0, 0, 0 }, d = { 0, 0, 0, 0, 0 };
    os_events(&a);
    os_events(&b);
    events_delta(&d, &a, &b, &base);
    return d;
}

static uint32_t timer_overhead(void)
{
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < 1000; i++) {
        uint32_t t0 = tsc(), t1 = tsc();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    return best;
}

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
    void *shared_ptr[16];                  /* os_shared() blocks, for release() */
    uint32_t shared_bytes[16];
    int nshared;
};

enum pass_kind { PASS_EVENTS, PASS_TIMED, PASS_FILLS };

/*
 * Measure record i (not OP_FORK or OP_EXIT) in the running process: its
 * event window (PASS_EVENTS: must hold s->calls system calls), its ticks
 * (PASS_TIMED: into samples[i]) or its fills (PASS_FILLS).
 */
static void measure_record(struct trace_run *t, struct replay_state *s, uint32_t i, enum pass_kind kind,
                           uint32_t *samples)
{
    const struct trace_record *rec = &t->rec[i];
    struct name_stat *ns = &t->per_name[rec->name];
    struct replay_events a, b;
    struct replay_fills f;
    uint32_t ticks = 0;

    prepare_record(s, rec);
    s->calls = 1;
    if (kind == PASS_FILLS)
        os_fills(NULL, NULL);
    if (kind == PASS_EVENTS)
        os_events(&a);
    int skipped = replay_record(s, rec, t->names[rec->name], &ticks);
    if (kind == PASS_EVENTS)
        os_events(&b);
    if (kind == PASS_FILLS)
        os_fills(&f, NULL);
    finish_record(s);
    if (skipped)
        return;
    if (kind == PASS_EVENTS) {
        struct replay_events one = { 0, 0, 0, 0, 0 };
        events_delta(&one, &a, &b, &t->base);
        if (one.syscalls != s->calls)
            s->sh->window_errors++;
        events_delta(&ns->ev, &a, &b, &t->base);
    } else if (kind == PASS_FILLS) {
        for (int k = 0; k < FILL_KINDS; k++)
            ns->fills[k] += f.n[k];
    } else {
        samples[i] = ticks > t->overhead ? ticks - t->overhead : 0;
    }
}

/* ---------------------------------------------------------------- processes and turns */

#define TURN_IDLE    UINT32_MAX            /* sh->turn before a pass has begun */
#define WAKE_ALL     0x7fffffffu
enum { EXIT_NONE, EXIT_ARMED, EXIT_READY, EXIT_DROPPED };

/* The first position after pos whose record will run (t->nrec: none). */
static uint32_t next_live(const struct trace_run *t, uint32_t pos)
{
    do
        pos++;
    while (pos < t->nrec && t->dead[t->order[pos]]);
    return pos;
}

/*
 * Close a pending OP_EXIT window, if one is open, in the first process to
 * run after the exit (called right after a turn wait returns): its window
 * is the exit call, the switch and this process's return to user mode.
 * A window whose exiting process had not yet taken its rdtsc (it was
 * preempted in between) is dropped: that exit gets no sample this pass.
 */
static void exit_claim(struct trace_run *t, struct replay_state *s, enum pass_kind kind, uint32_t *samples)
{
    uint32_t t1 = tsc();
    struct replay_shared *sh = s->sh;
    struct replay_events b;
    if (sh->exit_state == EXIT_NONE)
        return;
    if (kind == PASS_EVENTS)
        os_events(&b);
    if (!__sync_bool_compare_and_swap(&sh->exit_state, EXIT_READY, EXIT_NONE)) {
        __sync_bool_compare_and_swap(&sh->exit_state, EXIT_ARMED, EXIT_DROPPED);
        return;
    }
    uint32_t i = sh->exit_rec - 1;
    struct name_stat *ns = &t->per_name[t->rec[i].name];
    if (kind == PASS_EVENTS) {
        struct replay_events one = { 0, 0, 0, 0, 0 };
        events_delta(&one, &sh->exit_ev, &b, &t->base);
        if (one.syscalls != 1)
            sh->window_errors++;
        events_delta(&ns->ev, &sh->exit_ev, &b, &t->base);
    } else if (kind == PASS_TIMED) {
        samples[i] = t1 - sh->exit_t0 > t->overhead ? t1 - sh->exit_t0 - t->overhead : 0;
    }                                          /* PASS_FILLS: no bracket spans two processes */
}

/* Sleep until position pos has the turn: on its bell (a futex word), read
 * before the turn so that a ring between the two makes the wait return at
 * once (-EAGAIN). Only the process whose turn comes is woken (and any
 * waiting for a position TURN_BELLS apart): the others stay asleep, so no
 * process runs a call inside another's window. Untimed: before the
 * record's window opens. */
static void turn_wait(struct trace_run *t, struct replay_state *s, uint32_t pos, enum pass_kind kind,
                      uint32_t *samples)
{
    volatile uint32_t *bell = &s->sh->bell[pos % TURN_BELLS];
    for (;;) {
        uint32_t v = *bell;
        if (s->sh->turn == pos)
            return;
        os_futex_wait(bell, v);
        exit_claim(t, s, kind, samples);
    }
}

/* Give the turn to position next and ring its bell. */
static void turn_give(struct replay_state *s, uint32_t next)
{
    volatile uint32_t *bell = &s->sh->bell[next % TURN_BELLS];
    s->sh->turn = next;
    __sync_fetch_and_add(bell, 1);
    os_futex_wake(bell, WAKE_ALL);
}

/* Hand the turn on from record i to the next live position; no system call
 * if that is this process's own next record. Untimed: after the record's
 * window has closed (or, for a record that sleeps, before it opens). */
static void turn_pass(struct trace_run *t, struct replay_state *s, uint32_t i)
{
    uint32_t next = next_live(t, t->pos_of[i]);
    if (next < t->nrec && t->order[next] == t->next_same[i])
        s->sh->turn = next;
    else
        turn_give(s, next);
}

/* Mark the lifetime starting at record k (through its OP_EXIT) as not run. */
static void kill_lifetime(struct trace_run *t, uint32_t k)
{
    for (; k != NONE; k = t->next_same[k]) {
        t->dead[k] = 1;
        if (t->rec[k].op == OP_EXIT)
            break;
    }
}

static void run_task(struct trace_run *t, struct replay_state *s, uint32_t start, enum pass_kind kind,
                     uint32_t *samples);

/*
 * OP_FORK record fork_i, in its turn: fork the replay process (timed, in the
 * parent); the child replays the lifetime the fork creates (fork_start),
 * each record in its turn, concurrently with every other process. The child
 * makes no system call until the parent has handed the turn on past the
 * fork (it spins on the turn word), so the fork's window holds only the
 * fork. If the fork fails, the lifetime's records are marked not run.
 */
static void run_fork(struct trace_run *t, struct replay_state *s, uint32_t fork_i, enum pass_kind kind,
                     uint32_t *samples)
{
    struct replay_shared *sh = s->sh;
    const struct trace_record *rec = &t->rec[fork_i];
    struct name_stat *ns = &t->per_name[rec->name];
    struct replay_events a, b;
    struct replay_fills f;
    uint32_t t0, t1, pos = t->pos_of[fork_i];

    if (kind == PASS_FILLS)
        os_fills(NULL, NULL);
    if (kind == PASS_EVENTS)
        os_events(&a);
    t0 = tsc();
    long pid = os_fork();
    t1 = tsc();
    if (pid == 0) {                            /* the child */
        while (sh->turn <= pos || sh->turn == TURN_IDLE)
            __asm__ volatile("pause" ::: "memory");
        for (uint32_t k = 0; k < s->npids; k++)
            s->pid_of[k] = 0;
        run_task(t, s, t->fork_start[fork_i], kind, samples);
        os_exit(0);                            /* the lifetime had no OP_EXIT record: untimed */
    }
    if (kind == PASS_EVENTS)
        os_events(&b);
    if (kind == PASS_FILLS)
        os_fills(&f, NULL);
    if ((pid < 0) != (rec->result == TRACE_RES_ERR) && rec->result != TRACE_RES_UNKNOWN)
        sh->mismatches++;
    if (kind == PASS_EVENTS) {
        struct replay_events one = { 0, 0, 0, 0, 0 };
        events_delta(&one, &a, &b, &t->base);
        if (one.syscalls != 1)
            sh->window_errors++;
        events_delta(&ns->ev, &a, &b, &t->base);
    } else if (kind == PASS_FILLS) {
        for (int k = 0; k < FILL_KINDS; k++)
            ns->fills[k] += f.n[k];
    } else {
        samples[fork_i] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
    }
    if (pid > 0 && rec->aux < s->npids)
        s->pid_of[rec->aux] = pid;
    if (pid < 0 && t->fork_start[fork_i] != NONE)
        kill_lifetime(t, t->fork_start[fork_i]);
}

/*
 * OP_FUTEX_WAIT record i, paired with a later OP_FUTEX_WAKE on the same
 * replay word: read the word, hand the turn on (the wake comes in a later
 * turn), then FUTEX_WAIT for real. Its ticks run from the call to its
 * return: the sleep included, while other processes replay the records
 * between the wait and its wake (as the trace's own duration does). Its
 * events are not counted (the window holds other processes' calls), nor its
 * fills. If the wake came first (it cannot on one CPU unless this process
 * was preempted before its call), the wait returns -EAGAIN: a mismatch.
 */
static void futex_wait_record(struct trace_run *t, struct replay_state *s, uint32_t i, enum pass_kind kind,
                              uint32_t *samples)
{
    const struct trace_record *rec = &t->rec[i];
    volatile uint32_t *w = &s->fwords[rec->aux % TRACE_FUTEX_WORDS];
    uint32_t v = *w;
    turn_pass(t, s, i);
    uint32_t t0 = tsc();
    long r = os_futex_wait(w, v);
    uint32_t t1 = tsc();
    if ((r < 0) != (rec->result == TRACE_RES_ERR) && rec->result != TRACE_RES_UNKNOWN)
        s->sh->mismatches++;
    if (kind == PASS_TIMED)
        samples[i] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
}

/* Replay the lifetime starting at record `start` in this process: the
 * task's records in trace order, each in its turn, up to its OP_EXIT
 * (which does not return). */
static void run_task(struct trace_run *t, struct replay_state *s, uint32_t start, enum pass_kind kind,
                     uint32_t *samples)
{
    for (uint32_t i = start; i != NONE; i = t->next_same[i]) {
        const struct trace_record *rec = &t->rec[i];
        turn_wait(t, s, t->pos_of[i], kind, samples);
        if (rec->op == OP_FORK) {
            run_fork(t, s, i, kind, samples);
        } else if (rec->op == OP_EXIT) {
            struct replay_shared *sh = s->sh;
            sh->exit_rec = i + 1;
            sh->exit_state = EXIT_ARMED;
            turn_pass(t, s, i);
            if (kind == PASS_EVENTS)
                os_events(&sh->exit_ev);
            sh->exit_t0 = tsc();
            if (!__sync_bool_compare_and_swap(&sh->exit_state, EXIT_ARMED, EXIT_READY))
                sh->exit_state = EXIT_NONE;    /* dropped (exit_claim): no sample */
            os_exit(0);
        } else if (rec->op == OP_FUTEX_WAIT && rec->result != TRACE_RES_ERR) {
            futex_wait_record(t, s, i, kind, samples);
            continue;                          /* the turn is passed already */
        } else {
            measure_record(t, s, i, kind, samples);
        }
        turn_pass(t, s, i);
    }
}

/*
 * One pass over the trace: PASS_EVENTS (the warm-up pass: event windows
 * and their totals), PASS_TIMED (ticks into samples[0..nrec), UINT32_MAX
 * for a record not measured) or PASS_FILLS. A trace with lifecycle records
 * starts a process for each root lifetime (untimed), then gives the turn to
 * the first record and sleeps until the last one has run (closing the last
 * exit window), and reaps every process left; one without runs all its
 * records here.
 */
static void run_pass(struct trace_run *t, struct replay_state *s, enum pass_kind kind, uint32_t *samples)
{
    if (samples)
        memset(samples, 0xFF, sizeof(uint32_t) * t->nrec);
    t->base = events_baseline();
    if (!t->procs) {
        for (uint32_t i = 0; i < t->nrec; i++)
            measure_record(t, s, i, kind, samples);
    } else {
        struct replay_shared *sh = s->sh;
        memset((void *)t->dead, 0, t->nrec);
        sh->turn = TURN_IDLE;
        sh->exit_state = EXIT_NONE;
        for (uint32_t r = 0; r < t->nroots; r++) {
            long pid = os_fork();
            if (pid == 0) {
                for (uint32_t k = 0; k < s->npids; k++)
                    s->pid_of[k] = 0;
                run_task(t, s, t->roots[r], kind, samples);
                os_exit(0);
            }
            if (pid < 0) {
                printf("replay: fork failed: lifetime at record %u not run\n", t->roots[r]);
                kill_lifetime(t, t->roots[r]);
            }
        }
        turn_give(s, t->nrec > 0 && t->dead[t->order[0]] ? next_live(t, 0) : 0);
        turn_wait(t, s, t->nrec, kind, samples);
        while (os_wait(-1, NULL) > 0)          /* roots, and orphans (the Linux peer's pid 1 adopts them) */
            ;
    }
    reset_pass(s);
}

/* The fills pass (untimed): run_pass(PASS_FILLS), each record bracketed by
 * two os_fills(). Returns 0, or -1 (nothing counted) if the system cannot
 * count fills. */
static int run_fills_pass(struct trace_run *t, struct replay_state *s)
{
    if (os_fills(NULL, NULL) < 0)
        return -1;
    run_pass(t, s, PASS_FILLS, NULL);
    return 0;
}

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

static void print_rows(struct trace_run *t, const char *mode, const char *entry)
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
static void print_floor(struct trace_run *t, const char *mode, int entry)
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
static void print_fills(const struct trace_run *t, const char *mode, int entry)
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
static void print_unit(const struct trace_run *t, const char *mode, uint8_t *buf)
{
    uint32_t empty = fewest_ticks(NULL, NULL, UINT32_MAX);
    for (uint32_t i = 0; i < sizeof(unit_dwords) / sizeof(unit_dwords[0]); i++) {
        uint32_t n = unit_dwords[i], d = fewest_ticks(buf + 8192, buf, n);
        printf("unit,%s,%s,rep_movsd,%u,%u\n", t->name, mode, n, d > empty ? d - empty : 0);
    }
}

/* Read a whole file into a 4-byte-aligned buffer; returns it (size in
 * *size) or NULL after printing why. */
static void *load_file(const char *path, uint32_t *size)
{
    long fd = os_open(path, O_READ_ONLY);
    if (fd < 0) {
        printf("replay: %s: open failed (%d)\n", path, (int)fd);
        return NULL;
    }
    /* Read to EOF rather than trust st_size, whose offset differs between
     * this kernel's struct stat and Linux's stat64. */
    uint32_t cap_bytes = 1u << 20, got = 0;
    uint8_t *buf = malloc(cap_bytes);
    while (buf) {
        if (got == cap_bytes) {
            uint8_t *bigger = malloc(cap_bytes * 2);
            if (bigger)
                memcpy(bigger, buf, got);
            free(buf);
            buf = bigger, cap_bytes *= 2;
            if (!buf)
                break;
        }
        long r = os_read((int)fd, buf + got, cap_bytes - got);
        if (r < 0) {
            printf("replay: %s: read failed (%d)\n", path, (int)r);
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        got += (uint32_t)r;
    }
    os_close((int)fd);
    if (!buf)
        printf("replay: %s: out of memory\n", path);
    *size = got;
    return buf;
}

/* Memory that every replay process shares, zeroed; counted in t for release(). */
static void *shared(struct trace_run *t, uint32_t bytes)
{
    void *p = t->nshared < (int)(sizeof(t->shared_ptr) / sizeof(t->shared_ptr[0])) ? os_shared(bytes) : NULL;
    if (p)
        t->shared_bytes[t->nshared] = bytes, t->shared_ptr[t->nshared++] = p;
    return p;
}

/* The first record after the lifetime starting at k (the one after its
 * OP_EXIT), NONE if the task has no later lifetime. */
static uint32_t after_lifetime(const struct trace_run *t, uint32_t k)
{
    while (k != NONE && t->rec[k].op != OP_EXIT)
        k = t->next_same[k];
    return k == NONE ? NONE : t->next_same[k];
}

/*
 * The order of turns (order, pos_of): the records in trace order, except
 * that an OP_WAIT that blocked in the trace (joined from <unfinished ...>,
 * so recorded where it was entered) moves to just after the OP_EXIT it
 * waited for (of its child task, or for "any child" of a task its task
 * forked), if that comes before the waiter's own next record: the wait
 * then reaps a child that has exited, as it did when it resumed, instead
 * of sleeping through the child's records while holding the turn.
 * Returns 0 or -1 (out of memory).
 */
static int prepare_order(struct trace_run *t)
{
    uint32_t n = t->nrec;
    uint32_t *nxt = malloc(sizeof(uint32_t) * (n + 1)), *prv = malloc(sizeof(uint32_t) * (n + 1));
    uint32_t *parent_of = malloc(sizeof(uint32_t) * (t->ntasks + 1));
    t->order = shared(t, sizeof(uint32_t) * (n + 1));
    t->pos_of = shared(t, sizeof(uint32_t) * (n + 1));
    t->dead = shared(t, n + 1);
    if (!nxt || !prv || !parent_of || !t->order || !t->pos_of || !t->dead) {
        free(nxt);
        free(prv);
        free(parent_of);
        return -1;
    }
    for (uint32_t k = 0; k < t->ntasks; k++)
        parent_of[k] = NONE;
    for (uint32_t i = 0; i < n; i++)           /* a doubly linked list through n (the head) */
        if (t->rec[i].op == OP_FORK && t->rec[i].aux < t->ntasks)
            parent_of[t->rec[i].aux] = t->rec[i].task;
    for (uint32_t i = 0; i <= n; i++) {
        nxt[i] = i == n ? 0 : i + 1 == n ? n : i + 1;
        prv[i] = i == 0 ? n : i - 1;
    }
    if (n == 0)
        nxt[0] = prv[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct trace_record *r = &t->rec[i];
        if (r->op != OP_WAIT || !(r->flags & TRACE_F_JOINED) || r->result != TRACE_RES_OK ||
            r->aux == TRACE_TASK_NONE)
            continue;
        uint32_t limit = t->next_same[i] == NONE ? n : t->next_same[i], target = NONE;
        for (uint32_t j = i + 1; j < limit && target == NONE; j++)
            if (t->rec[j].op == OP_EXIT && (r->aux < t->ntasks ? t->rec[j].task == r->aux
                                                                : parent_of[t->rec[j].task] == r->task))
                target = j;
        if (target == NONE)
            continue;
        nxt[prv[i]] = nxt[i], prv[nxt[i]] = prv[i];  /* unlink i, relink it after target */
        nxt[i] = nxt[target], prv[i] = target;
        prv[nxt[target]] = i, nxt[target] = i;
    }
    uint32_t p = 0;
    for (uint32_t i = nxt[n]; i != n && p < n; i = nxt[i]) {
        t->order[p] = i;
        t->pos_of[i] = p++;
    }
    free(nxt);
    free(prv);
    free(parent_of);
    return p == n ? 0 : -1;
}

/*
 * The process model's tables: each task's records chained in trace order
 * (next_same), cut into lifetimes at its OP_EXIT records; the k-th OP_FORK
 * naming task T creates T's k-th lifetime (fork_start); lifetimes no
 * OP_FORK creates (task 0, pids strace attached to, -ff files of unknown
 * parents) are roots, run one after another in order of their first record.
 * Returns 0 or -1 (out of memory).
 */
static int prepare_processes(struct trace_run *t)
{
    uint32_t *first = malloc(sizeof(uint32_t) * (t->ntasks + 1)), *last = malloc(sizeof(uint32_t) * (t->ntasks + 1));
    t->next_same = shared(t, sizeof(uint32_t) * (t->nrec + 1));
    t->fork_start = shared(t, sizeof(uint32_t) * (t->nrec + 1));
    t->roots = shared(t, sizeof(uint32_t) * (t->nrec + 1));
    if (!first || !last || !t->next_same || !t->fork_start || !t->roots) {
        free(first);
        free(last);
        return -1;
    }
    for (uint32_t k = 0; k < t->ntasks; k++)
        first[k] = last[k] = NONE;
    for (uint32_t i = 0; i < t->nrec; i++) {
        uint32_t k = t->rec[i].task;
        if (first[k] == NONE)
            first[k] = i;
        else
            t->next_same[last[k]] = i;
        last[k] = i;
        t->next_same[i] = NONE;
        t->fork_start[i] = NONE;
    }
    for (uint32_t i = 0; i < t->nrec; i++) {     /* first[k]: task k's next unclaimed lifetime */
        uint32_t c = t->rec[i].aux;
        if (t->rec[i].op != OP_FORK || c >= t->ntasks || first[c] == NONE)
            continue;
        t->fork_start[i] = first[c];
        first[c] = after_lifetime(t, first[c]);
    }
    t->nroots = 0;
    for (uint32_t k = 0; k < t->ntasks; k++)
        for (uint32_t j = first[k]; j != NONE; j = after_lifetime(t, j)) {
            uint32_t n = t->nroots++;           /* insertion: in order of first record */
            while (n > 0 && t->roots[n - 1] > j) {
                t->roots[n] = t->roots[n - 1];
                n--;
            }
            t->roots[n] = j;
        }
    free(first);
    free(last);
    return prepare_order(t);
}

/* Build the run tables for a validated trace; 0 or -1 (out of memory). */
static int prepare(struct trace_run *t, const void *buf, int passes)
{
    const struct trace_header *h = buf;
    t->buf = buf;
    t->rec = trace_records(buf);
    t->nrec = h->nrecords;
    t->nnames = h->nnames;
    t->passes = passes;
    t->names = malloc(sizeof(char *) * (t->nnames + 1));
    t->per_name = shared(t, sizeof(struct name_stat) * (t->nnames + 1));
    uint32_t nsamples = t->nrec * (uint32_t)passes;
    t->samples = shared(t, sizeof(uint32_t) * (nsamples + 1));
    t->scratch = shared(t, sizeof(uint32_t) * (nsamples > FLOOR_ROUNDS ? nsamples : FLOOR_ROUNDS));
    if (!t->names || !t->per_name || !t->samples || !t->scratch)
        return -1;
    const char *p = (const char *)buf + sizeof(*h);
    for (uint32_t j = 0; j < t->nnames; j++) {     /* one walk instead of trace_name() per index */
        t->names[j] = p;
        p += strlen(p) + 1;
    }
    memset(t->per_name, 0, sizeof(struct name_stat) * (t->nnames + 1));
    t->ntasks = 0;
    t->procs = 0;
    for (uint32_t i = 0; i < t->nrec; i++) {
        const struct trace_record *r = &t->rec[i];
        struct name_stat *ns = &t->per_name[r->name];
        ns->count++;
        ns->ops[r->op]++;
        if (r->op == OP_SKIP)
            ns->skipped++;
        if (r->op == OP_FORK || r->op == OP_EXIT)
            t->procs = 1;
        if ((uint32_t)r->task + 1 > t->ntasks)
            t->ntasks = (uint32_t)r->task + 1;
        if ((r->op == OP_FORK || r->op == OP_WAIT) && r->aux < TRACE_TASK_NONE && r->aux + 1 > t->ntasks)
            t->ntasks = r->aux + 1;
    }
    return t->procs ? prepare_processes(t) : 0;
}

static void release(struct trace_run *t)
{
    free(t->names);
    while (t->nshared > 0) {
        t->nshared--;
        os_unshared(t->shared_ptr[t->nshared], t->shared_bytes[t->nshared]);
    }
}

static int state_init(struct replay_state *s, struct trace_run *t)
{
    memset(s, 0, sizeof(*s));
    s->close_after = -1;
    /* Shared: page-aligned, so a copy of N bytes walks the same pages
     * whatever the heap held before (other traces of the same boot), and
     * an OP_FORK does not copy it. */
    s->buf = shared(t, BUF_MAX);
    s->sh = shared(t, sizeof(struct replay_shared));
    s->fwords = shared(t, sizeof(uint32_t) * TRACE_FUTEX_WORDS);
    s->procs = t->procs;
    s->npids = t->ntasks;
    s->pid_of = malloc(sizeof(long) * (t->ntasks + 1));
    s->devnull = (int)os_open("/dev/null", 2);
    s->devzero = (int)os_open("/dev/zero", 2);
    s->arena = os_arena_base();
    s->bump_base = s->arena_next = s->arena + (uintptr_t)TRACE_ARENA_PAGES * PAGE_BYTES;
    s->arena_end = s->arena + (uintptr_t)os_arena_pages() * PAGE_BYTES;
    if (os_arena_pages() < TRACE_ARENA_PAGES + MAP_CAP) {
        printf("replay: the arena has %u pages, fewer than %u\n", os_arena_pages(), TRACE_ARENA_PAGES + MAP_CAP);
        return -1;
    }
    if (!s->buf || !s->sh || !s->fwords || !s->pid_of || s->devnull < 0 || s->devzero < 0) {
        printf("replay: set-up failed (buffer %p, /dev/null %d, /dev/zero %d)\n", (void *)s->buf, s->devnull,
               s->devzero);
        return -1;
    }
    memset(s->pid_of, 0, sizeof(long) * (t->ntasks + 1));
    memset(s->buf, 0x5A, BUF_MAX);             /* touch every page before timing */
    return 0;
}

static void state_fini(struct replay_state *s)
{
    os_close(s->devnull);
    os_close(s->devzero);
    free(s->pid_of);
}

static void print_cpu(void)
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
    void *sbuf = size ? shared(&t, size) : NULL;
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
        release(&t);
        return -1;
    }
    struct replay_state s;
    if (prepare(&t, sbuf, passes) < 0 || state_init(&s, &t) < 0) {
        printf("replay: %s: out of memory\n", path);
        release(&t);
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
    release(&t);
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
