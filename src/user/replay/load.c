/*
 * load.c - the replay core's set-up of one trace: the file read into
 * memory, the os_shared() blocks, the run tables (names, per-name counts,
 * samples), the process model's tables (lifetimes, roots, the order of
 * turns) and the replay state every pass starts from. core.c: the whole.
 */
#include "replay_int.h"

/* Read a whole file into a 4-byte-aligned buffer; returns it (size in
 * *size) or NULL after printing why. */
void *load_file(const char *path, uint32_t *size)
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

/* Memory that every replay process shares, zeroed; counted in t for run_release(). */
void *run_shared(struct trace_run *t, uint32_t bytes)
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
    t->order = run_shared(t, sizeof(uint32_t) * (n + 1));
    t->pos_of = run_shared(t, sizeof(uint32_t) * (n + 1));
    t->dead = run_shared(t, n + 1);
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
    t->next_same = run_shared(t, sizeof(uint32_t) * (t->nrec + 1));
    t->fork_start = run_shared(t, sizeof(uint32_t) * (t->nrec + 1));
    t->roots = run_shared(t, sizeof(uint32_t) * (t->nrec + 1));
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
int run_prepare(struct trace_run *t, const void *buf, int passes)
{
    const struct trace_header *h = buf;
    t->buf = buf;
    t->rec = trace_records(buf);
    t->nrec = h->nrecords;
    t->nnames = h->nnames;
    t->passes = passes;
    t->names = malloc(sizeof(char *) * (t->nnames + 1));
    t->per_name = run_shared(t, sizeof(struct name_stat) * (t->nnames + 1));
    uint32_t nsamples = t->nrec * (uint32_t)passes;
    t->samples = run_shared(t, sizeof(uint32_t) * (nsamples + 1));
    t->scratch = run_shared(t, sizeof(uint32_t) * (nsamples > FLOOR_ROUNDS ? nsamples : FLOOR_ROUNDS));
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

void run_release(struct trace_run *t)
{
    free(t->names);
    while (t->nshared > 0) {
        t->nshared--;
        os_unshared(t->shared_ptr[t->nshared], t->shared_bytes[t->nshared]);
    }
}

int state_init(struct replay_state *s, struct trace_run *t)
{
    memset(s, 0, sizeof(*s));
    s->close_after = -1;
    /* Shared: page-aligned, so a copy of N bytes walks the same pages
     * whatever the heap held before (other traces of the same boot), and
     * an OP_FORK does not copy it. */
    s->buf = run_shared(t, BUF_MAX);
    s->sh = run_shared(t, sizeof(struct replay_shared));
    s->fwords = run_shared(t, sizeof(uint32_t) * TRACE_FUTEX_WORDS);
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

void state_fini(struct replay_state *s)
{
    os_close(s->devnull);
    os_close(s->devzero);
    free(s->pid_of);
}

