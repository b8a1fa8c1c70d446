/*
 * record.c - one trace record replayed as one system call (the replay
 * core): the replay state's fd stack, map arena and trace arena (OP_*_AT),
 * the untimed set-up and clean-up around each record, the per-op call in
 * its rdtsc bracket (replay_record) and the measurement of one record in a
 * pass (measure_record: events, ticks or fills). core.c: the whole.
 */
#include "replay_int.h"

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
void reset_pass(struct replay_state *s)
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

/*
 * Measure record i (not OP_FORK or OP_EXIT) in the running process: its
 * event window (PASS_EVENTS: must hold s->calls system calls), its ticks
 * (PASS_TIMED: into samples[i]) or its fills (PASS_FILLS).
 */
void measure_record(struct trace_run *t, struct replay_state *s, uint32_t i, enum pass_kind kind,
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
