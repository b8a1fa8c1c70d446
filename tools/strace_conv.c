/*
 * strace_conv.c - the converter state: lines in, SPLITTRC records out.
 *
 * Per pid (a "task") it keeps the call left "<unfinished ...>" and the
 * break for OP_BRK. A record's slot is taken when its call starts, so the
 * records are in the order the calls were entered, even when the result
 * comes lines later in a "<... name resumed>" line. The unfinished part and
 * the resumed part are joined as text and parsed again as one call.
 *
 * Syscall names are interned into the name table in order of first
 * appearance; each name's mapping-table entry is looked up once.
 */
#include <stdlib.h>
#include <string.h>

#include "strace_parse.h"

#define NONE SIZE_MAX

struct task {
    long pid;
    size_t pending;          /* record slot of the <unfinished ...> call, NONE */
    uint16_t pname;          /* its name */
    char *partial;           /* its arguments so far */
    size_t plen, pcap;
    struct sp_brk brk;
};

struct s2t {
    /* names */
    char *ntab;
    size_t ntab_len, ntab_cap;
    uint32_t nnames, ncap;
    uint32_t *noff;
    const struct sp_map_entry **nmap;
    uint64_t *ncount, *nskip;
    uint32_t *nhash;          /* open addressing: name index + 1, 0 = empty */
    uint32_t nhash_cap;

    /* records */
    struct trace_record *rec;
    size_t nrec, rcap;

    /* tasks */
    struct task *tasks;
    size_t ntasks, tcap;
    uint32_t *thash;          /* task index + 1 */
    size_t thash_cap;

    /* input position */
    uint32_t file;
    int started;
    long default_pid;
    long noprefix_pid;        /* owner of lines without a pid prefix */
    uint64_t line_no;
    int in_summary;           /* a -c/-C summary header was seen in this file */

    /* scratch */
    char *jbuf;               /* joined calls */
    size_t jcap;
    char *carry;              /* a line cut by "strace: Process N attached" */
    size_t carry_len, carry_cap;
    char *cbuf;               /* carry + next line */
    size_t ccap;

    /* futex calls, in record order (strace_futex.c) */
    struct sp_futex *fx;
    size_t nfx, fxcap;
    long futex_name;          /* name index of "futex", -1 until seen */

    struct s2t_stats st;
    struct s2t_bad bad[S2T_MAX_BAD];
    size_t nbad;
    int oom;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *q;

    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem)
            return -1;
        nc *= 2;
    }
    q = realloc(*p, nc * elem);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

struct s2t *s2t_new(void)
{
    struct s2t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->default_pid = 0;
    c->futex_name = -1;
    return c;
}

void s2t_free(struct s2t *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->ntasks; i++)
        free(c->tasks[i].partial);
    free(c->tasks);
    free(c->thash);
    free(c->ntab);
    free(c->noff);
    free(c->nmap);
    free(c->ncount);
    free(c->nskip);
    free(c->nhash);
    free(c->rec);
    free(c->jbuf);
    free(c->carry);
    free(c->cbuf);
    free(c->fx);
    free(c);
}

int s2t_error(const struct s2t *c) { return c->oom ? -1 : 0; }
const struct s2t_stats *s2t_stats(const struct s2t *c) { return &c->st; }
size_t s2t_nrecords(const struct s2t *c) { return c->nrec; }
const struct trace_record *s2t_records(const struct s2t *c) { return c->rec; }
uint32_t s2t_nnames(const struct s2t *c) { return c->nnames; }
size_t s2t_nbad(const struct s2t *c) { return c->nbad; }

const char *s2t_name(const struct s2t *c, uint32_t idx)
{
    return idx < c->nnames ? c->ntab + c->noff[idx] : NULL;
}

uint64_t s2t_name_count(const struct s2t *c, uint32_t idx)
{
    return idx < c->nnames ? c->ncount[idx] : 0;
}

const struct s2t_bad *s2t_bad(const struct s2t *c, size_t i)
{
    return i < c->nbad ? &c->bad[i] : NULL;
}

static void malformed(struct s2t *c, const char *why, const char *s, size_t n)
{
    c->st.malformed++;
    if (c->nbad < S2T_MAX_BAD) {
        struct s2t_bad *b = &c->bad[c->nbad++];
        size_t k;
        b->file = c->file;
        b->line = c->line_no;
        b->why = why;
        for (k = 0; k < n && k < S2T_BAD_TEXT; k++)
            b->text[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? s[k] : '?';
        b->text[k] = '\0';
    }
}

/* ------------------------------------------------------------ names */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int rehash_names(struct s2t *c, uint32_t cap)
{
    uint32_t *h = calloc(cap, sizeof(*h));
    if (h == NULL)
        return -1;
    for (uint32_t i = 0; i < c->nnames; i++) {
        const char *nm = c->ntab + c->noff[i];
        uint32_t k = hash_bytes(nm, strlen(nm)) & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = i + 1;
    }
    free(c->nhash);
    c->nhash = h;
    c->nhash_cap = cap;
    return 0;
}

/* Index of a syscall name, added if new; -1 (and *why) if it cannot be. */
static long intern(struct s2t *c, struct sp_span name, const char **why)
{
    uint32_t k;
    size_t cap;

    if (name.n == 0 || name.n > SP_NAME_MAX) {
        *why = "bad syscall name";
        return -1;
    }
    if (c->nhash_cap == 0 && rehash_names(c, 64) != 0)
        goto oom;
    k = hash_bytes(name.p, name.n) & (c->nhash_cap - 1);
    while (c->nhash[k]) {
        uint32_t i = c->nhash[k] - 1;
        const char *nm = c->ntab + c->noff[i];
        if (strlen(nm) == name.n && memcmp(nm, name.p, name.n) == 0)
            return i;
        k = (k + 1) & (c->nhash_cap - 1);
    }
    if (c->nnames >= TRACE_MAX_NAMES) {
        *why = "too many distinct syscall names";
        return -1;
    }
    if (c->nnames == c->ncap) {
        size_t n1 = c->ncap, n2 = c->ncap, n3 = c->ncap, n4 = c->ncap;
        if (grow((void **)&c->noff, &n1, c->nnames + 1, sizeof(*c->noff)) ||
            grow((void **)&c->nmap, &n2, c->nnames + 1, sizeof(*c->nmap)) ||
            grow((void **)&c->ncount, &n3, c->nnames + 1, sizeof(*c->ncount)) ||
            grow((void **)&c->nskip, &n4, c->nnames + 1, sizeof(*c->nskip)))
            goto oom;
        c->ncap = (uint32_t)n1;
    }
    cap = c->ntab_cap;
    if (grow((void **)&c->ntab, &cap, c->ntab_len + name.n + 1, 1))
        goto oom;
    c->ntab_cap = cap;
    memcpy(c->ntab + c->ntab_len, name.p, name.n);
    c->ntab[c->ntab_len + name.n] = '\0';
    c->noff[c->nnames] = (uint32_t)c->ntab_len;
    c->nmap[c->nnames] = sp_map_lookup(name.p, name.n);
    c->ncount[c->nnames] = 0;
    c->nskip[c->nnames] = 0;
    c->ntab_len += name.n + 1;
    c->nhash[k] = c->nnames + 1;
    c->nnames++;
    if (c->nnames * 2 > c->nhash_cap && rehash_names(c, c->nhash_cap * 2) != 0)
        goto oom;
    return c->nnames - 1;
oom:
    c->oom = 1;
    *why = "out of memory";
    return -1;
}

/* ------------------------------------------------------------ tasks */

static uint32_t hash_pid(long pid)
{
    return (uint32_t)((unsigned long)pid * 2654435761u);
}

static int rehash_tasks(struct s2t *c, size_t cap)
{
    uint32_t *h = calloc(cap, sizeof(*h));
    if (h == NULL)
        return -1;
    for (size_t i = 0; i < c->ntasks; i++) {
        size_t k = hash_pid(c->tasks[i].pid) & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = (uint32_t)i + 1;
    }
    free(c->thash);
    c->thash = h;
    c->thash_cap = cap;
    return 0;
}

static struct task *task_of(struct s2t *c, long pid, size_t *index)
{
    size_t k;
    struct task *t;

    if (c->thash_cap == 0 && rehash_tasks(c, 64) != 0)
        goto oom;
    k = hash_pid(pid) & (c->thash_cap - 1);
    while (c->thash[k]) {
        size_t i = c->thash[k] - 1;
        if (c->tasks[i].pid == pid) {
            *index = i;
            return &c->tasks[i];
        }
        k = (k + 1) & (c->thash_cap - 1);
    }
    if (c->ntasks >= UINT32_MAX - 1 || grow((void **)&c->tasks, &c->tcap, c->ntasks + 1, sizeof(*t)))
        goto oom;
    t = &c->tasks[c->ntasks];
    memset(t, 0, sizeof(*t));
    t->pid = pid;
    t->pending = NONE;
    c->thash[k] = (uint32_t)c->ntasks + 1;
    *index = c->ntasks++;
    if (c->ntasks * 2 > c->thash_cap && rehash_tasks(c, c->thash_cap * 2) != 0)
        goto oom;
    return &c->tasks[*index];
oom:
    c->oom = 1;
    return NULL;
}

/* ------------------------------------------------------------ records */

static size_t new_record(struct s2t *c, uint32_t name, size_t task)
{
    struct trace_record *r;

    if (c->nrec >= S2T_MAX_RECORDS) {
        c->st.dropped++;
        return NONE;
    }
    if (grow((void **)&c->rec, &c->rcap, c->nrec + 1, sizeof(*c->rec))) {
        c->oom = 1;
        c->st.dropped++;
        return NONE;
    }
    r = &c->rec[c->nrec];
    memset(r, 0, sizeof(*r));
    r->name = (uint16_t)name;
    r->op = OP_SKIP;
    r->result = TRACE_RES_UNKNOWN;
    r->task = task > 0xFFFF ? 0xFFFF : (uint16_t)task;
    return c->nrec++;
}

/* Keep what sp_futex_pair needs of futex call `slot` (kept in record order:
 * a joined call is inserted at its slot's place). */
static void note_futex(struct s2t *c, size_t slot, size_t ti, const struct sp_line *call, int joined)
{
    struct sp_span a[3];
    uint64_t addr;
    if (sp_split_args(call->args, a, 3) < 2 || sp_arg_num(a[0], &addr) != 0)
        return;
    if (grow((void **)&c->fx, &c->fxcap, c->nfx + 1, sizeof(*c->fx))) {
        c->oom = 1;
        return;
    }
    struct sp_futex f = {
        .rec = slot, .addr = addr, .task = (uint32_t)ti, .kind = (uint8_t)sp_futex_kind(a[1]),
        .ret = call->result == TRACE_RES_OK ? call->ret : -1, .resume = c->nrec,
    };
    f.blocked = f.kind == SP_FUTEX_WAIT && joined && call->result == TRACE_RES_OK && call->ret == 0;
    size_t k = c->nfx;
    while (k > 0 && c->fx[k - 1].rec > slot) {
        c->fx[k] = c->fx[k - 1];
        k--;
    }
    c->fx[k] = f;
    c->nfx++;
}

/* Fill record `slot` of task `ti` from a complete call and count it. A
 * lifecycle record's pid becomes a task here (task_of: the task table may
 * move, so callers index c->tasks again afterwards). */
static void finish_record(struct s2t *c, size_t slot, size_t ti, const struct sp_line *call,
                          uint8_t extra_flags)
{
    struct trace_record *r = &c->rec[slot];
    const struct sp_map_entry *e = c->nmap[r->name];

    sp_map_call(e, call, &c->tasks[ti].brk, r);
    r->flags |= extra_flags;
    if (r->op == OP_FORK || r->op == OP_WAIT) {
        long pid = sp_map_pid(e, call);
        size_t child;
        if (pid < 0)
            r->aux = TRACE_TASK_ANY;
        else if (pid > 0 && task_of(c, pid, &child) != NULL)
            r->aux = (uint32_t)child;
    }
    c->st.per_op[r->op]++;
    if ((r->flags & TRACE_F_NOSTRING) && r->op == OP_EXEC)
        c->st.exec_nostring++;
    else if (r->flags & TRACE_F_NOSTRING)
        c->st.nostring++;
    c->ncount[r->name]++;
    if (r->op == OP_SKIP)
        c->nskip[r->name]++;
    if (c->futex_name < 0 && strcmp(s2t_name(c, r->name), "futex") == 0)
        c->futex_name = r->name;
    if ((long)r->name == c->futex_name)
        note_futex(c, slot, ti, call, (extra_flags & TRACE_F_JOINED) != 0);
}

/* "name(" + a + b into jbuf; returns its length, or 0 if memory ran out. */
static size_t join(struct s2t *c, const char *name, const char *a, size_t an, const char *b, size_t bn)
{
    size_t nl = strlen(name), need = nl + 1 + an + bn;

    if (grow((void **)&c->jbuf, &c->jcap, need + 1, 1)) {
        c->oom = 1;
        return 0;
    }
    memcpy(c->jbuf, name, nl);
    c->jbuf[nl] = '(';
    if (an)
        memcpy(c->jbuf + nl + 1, a, an);
    if (bn)
        memcpy(c->jbuf + nl + 1 + an, b, bn);
    c->jbuf[need] = '\0';
    return need;
}

/* The pending call of t never returned (its process died, or the log ended):
 * map what its partial arguments show, result unknown. */
static void flush_pending(struct s2t *c, size_t ti)
{
    struct task *t = &c->tasks[ti];
    struct sp_line L;
    size_t n;

    if (t->pending == NONE)
        return;
    n = join(c, s2t_name(c, t->pname), t->partial, t->plen, ") = ?", 5);
    if (n == 0 || sp_parse_line(c->jbuf, n, &L) != SP_CALL) {
        memset(&L, 0, sizeof(L));
        L.kind = SP_CALL;
        L.result = TRACE_RES_UNKNOWN;
    }
    finish_record(c, t->pending, ti, &L, TRACE_F_UNFINISHED);
    t = &c->tasks[ti];
    c->st.lost++;
    t->pending = NONE;
    t->plen = 0;
}

static int set_partial(struct s2t *c, struct task *t, const char *p, size_t n)
{
    if (grow((void **)&t->partial, &t->pcap, n + 1, 1)) {
        c->oom = 1;
        return -1;
    }
    memmove(t->partial, p, n);  /* p may point into jbuf, never into partial itself */
    t->partial[n] = '\0';
    t->plen = n;
    return 0;
}

/* ------------------------------------------------------------ lines */

void s2t_begin_file(struct s2t *c, long default_pid)
{
    if (c->started)
        c->file++;
    c->started = 1;
    c->default_pid = default_pid;
    c->noprefix_pid = default_pid;
    c->line_no = 0;
    c->carry_len = 0;
    c->in_summary = 0;
}

void s2t_end_file(struct s2t *c)
{
    if (c->carry_len) {
        /* a cut line with nothing after it */
        malformed(c, "line cut by an strace message, never continued", c->carry, c->carry_len);
        c->carry_len = 0;
    }
    for (size_t i = 0; i < c->ntasks; i++)
        flush_pending(c, i);
    c->st.futex_pairs += sp_futex_pair(c->rec, c->nrec, c->fx, c->nfx, c->st.per_op);
}

void s2t_feed_overlong(struct s2t *c, const char *start, size_t n)
{
    if (!c->started)
        s2t_begin_file(c, 0);
    c->st.lines++;
    c->line_no++;
    malformed(c, "line too long", start, n);
}

/* "...strace: Process 123 attached" at the end of a line (strace -f writing
 * to a terminal/stderr cuts the line being printed): offset of "strace:", or 0. */
static size_t attach_note(const char *s, size_t n)
{
    static const char pfx[] = "strace: Process ";
    const size_t pl = sizeof(pfx) - 1;

    for (size_t i = 1; i + pl <= n; i++) {
        size_t j;
        if (s[i] != 's' || memcmp(s + i, pfx, pl) != 0)
            continue;
        j = i + pl;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j > i + pl && ((n - j == 9 && memcmp(s + j, " attached", 9) == 0) ||
                           (n - j == 9 && memcmp(s + j, " detached", 9) == 0)))
            return i;
    }
    return 0;
}

static void feed_line(struct s2t *c, const char *s, size_t n);

void s2t_feed(struct s2t *c, const char *s, size_t n)
{
    size_t cut;

    if (!c->started)
        s2t_begin_file(c, 0);
    c->st.lines++;
    c->line_no++;
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (c->carry_len) {
        size_t need = c->carry_len + n;
        if (grow((void **)&c->cbuf, &c->ccap, need + 1, 1)) {
            c->oom = 1;
            return;
        }
        memcpy(c->cbuf, c->carry, c->carry_len);
        if (n)
            memcpy(c->cbuf + c->carry_len, s, n);
        c->carry_len = 0;
        s = c->cbuf;
        n = need;
    }
    cut = attach_note(s, n);
    if (cut) {
        if (grow((void **)&c->carry, &c->carry_cap, cut, 1)) {
            c->oom = 1;
            return;
        }
        memmove(c->carry, s, cut);
        c->carry_len = cut;
        c->st.info++;
        return;
    }
    feed_line(c, s, n);
}

static void feed_line(struct s2t *c, const char *s, size_t n)
{
    struct sp_line L;
    struct task *t;
    size_t ti, slot;
    const char *why = NULL;
    long name;

    switch (sp_parse_line(s, n, &L)) {
    case SP_EMPTY:
        c->st.empty++;
        return;
    case SP_INFO:
        c->st.info++;
        return;
    case SP_STACK:
        c->st.stack++;
        return;
    case SP_DUMP:
        c->st.dump++;
        return;
    case SP_SUMMARY:
        if (L.summary_row && !c->in_summary) {
            malformed(c, "a summary row without the -c/-C header", s, n);
            return;
        }
        c->in_summary = 1;
        c->st.summary++;
        return;
    case SP_MALFORMED:
        malformed(c, L.why, s, n);
        return;
    default:
        break;
    }
    if (L.has_ts) {
        if (!c->st.has_ts || L.ts < c->st.ts_first)
            c->st.ts_first = L.ts;
        if (!c->st.has_ts || L.ts > c->st.ts_last)
            c->st.ts_last = L.ts;
        c->st.has_ts = 1;
    }
    if (L.has_dur) {
        c->st.ndur++;
        c->st.dur_sum += L.dur;
    }
    t = task_of(c, L.pid >= 0 ? L.pid : c->noprefix_pid, &ti);
    if (t == NULL) {
        malformed(c, "out of memory", s, n);
        return;
    }

    switch (L.kind) {
    case SP_SIGNAL:
        c->st.signals++;
        return;
    case SP_EXIT:
        c->st.exits++;
        flush_pending(c, ti);
        t = &c->tasks[ti];
        t->brk.known = t->brk.vm_known = 0;   /* the pid may be reused */
        return;
    case SP_CALL:
        flush_pending(c, ti);  /* strace never does this; be safe */
        t = &c->tasks[ti];
        name = intern(c, L.name, &why);
        if (name < 0) {
            malformed(c, why, s, n);
            return;
        }
        c->st.calls++;
        slot = new_record(c, (uint32_t)name, ti);
        if (slot != NONE)
            finish_record(c, slot, ti, &L, 0);
        return;
    case SP_UNFINISHED:
        flush_pending(c, ti);
        t = &c->tasks[ti];
        name = intern(c, L.name, &why);
        if (name < 0) {
            malformed(c, why, s, n);
            return;
        }
        c->st.unfinished++;
        slot = new_record(c, (uint32_t)name, ti);
        if (slot == NONE || set_partial(c, t, L.args.p, L.args.n) != 0)
            return;
        t->pending = slot;
        t->pname = (uint16_t)name;
        if (L.detached) {       /* strace let go: no result will ever follow */
            c->st.detached++;
            flush_pending(c, ti);
        }
        return;
    case SP_RESUMED: {
        struct sp_line J;
        const char *pn;
        size_t jn;

        if (t->pending == NONE && L.pid < 0) {
            /* Without -o, strace drops the pid prefix while only one process
             * is traced: the one with this call pending, if it is unique. */
            size_t found = NONE;
            for (size_t i = 0; i < c->ntasks; i++) {
                struct task *u = &c->tasks[i];
                const char *un = u->pending != NONE ? s2t_name(c, u->pname) : NULL;
                if (un && strlen(un) == L.name.n && memcmp(un, L.name.p, L.name.n) == 0) {
                    if (found != NONE) {
                        found = NONE;
                        break;
                    }
                    found = i;
                }
            }
            if (found != NONE) {
                ti = found;
                t = &c->tasks[found];
                c->noprefix_pid = t->pid;
            }
        }
        if (t->pending == NONE) {
            malformed(c, "<... resumed> without an <unfinished ...> call", s, n);
            return;
        }
        pn = s2t_name(c, t->pname);
        if (strlen(pn) != L.name.n || memcmp(pn, L.name.p, L.name.n) != 0) {
            malformed(c, "<... resumed> names another call than the unfinished one", s, n);
            flush_pending(c, ti);
            return;
        }
        jn = join(c, pn, t->partial, t->plen, L.args.p, L.args.n);
        if (jn == 0) {
            malformed(c, "out of memory", s, n);
            return;
        }
        switch (sp_parse_line(c->jbuf, jn, &J)) {
        case SP_CALL:
            finish_record(c, t->pending, ti, &J, TRACE_F_JOINED);
            t = &c->tasks[ti];
            c->st.joined++;
            t->pending = NONE;
            t->plen = 0;
            return;
        case SP_UNFINISHED:
            /* "<... x resumed> <unfinished ...>": still pending, more arguments known;
             * "<... x resumed> <detached ...>": kept as it stands */
            if (set_partial(c, t, J.args.p, J.args.n) == 0 && J.detached) {
                c->st.detached++;
                flush_pending(c, ti);
            }
            return;
        default:
            malformed(c, J.why ? J.why : "joined call does not parse", s, n);
            flush_pending(c, ti);
            return;
        }
    }
    default:
        return;
    }
}

/* ------------------------------------------------------------ output */

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

int s2t_serialize(const struct s2t *c, unsigned char **out, size_t *len)
{
    size_t names_bytes = (c->ntab_len + 3) & ~(size_t)3;
    size_t total, i;
    unsigned char *b, *p;

    *out = NULL;
    *len = 0;
    if (c->nrec > (UINT32_MAX - sizeof(struct trace_header) - names_bytes) / sizeof(struct trace_record))
        return -1;
    total = sizeof(struct trace_header) + names_bytes + c->nrec * sizeof(struct trace_record);
    b = calloc(1, total);
    if (b == NULL)
        return -1;
    memcpy(b, TRACE_MAGIC, TRACE_MAGIC_LEN);
    put32(b + 8, TRACE_VERSION);
    put32(b + 12, (uint32_t)c->nrec);
    put32(b + 16, c->nnames);
    put32(b + 20, (uint32_t)names_bytes);
    if (c->ntab_len)
        memcpy(b + 24, c->ntab, c->ntab_len);  /* padding stays 0 */
    p = b + 24 + names_bytes;
    for (i = 0; i < c->nrec; i++, p += 16) {
        const struct trace_record *r = &c->rec[i];
        put16(p, r->name);
        p[2] = r->op;
        p[3] = r->result;
        put32(p + 4, r->bytes);
        put32(p + 8, r->aux);
        put16(p + 12, r->task);
        p[14] = r->err;
        p[15] = r->flags;
    }
    *out = b;
    *len = total;
    return 0;
}

static const struct s2t *sort_ctx;

static int by_skip_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint64_t cx = sort_ctx->nskip[x], cy = sort_ctx->nskip[y];
    if (cx != cy)
        return cx < cy ? 1 : -1;
    return strcmp(sort_ctx->ntab + sort_ctx->noff[x], sort_ctx->ntab + sort_ctx->noff[y]);
}

void s2t_summary(const struct s2t *c, FILE *f, const char *const *files, size_t nfiles)
{
    const struct s2t_stats *st = &c->st;
    uint32_t *idx, nidx = 0;
    uint64_t skipped = st->per_op[OP_SKIP];

    fprintf(f, "strace2trace: %llu lines read: %llu calls, %llu unfinished (%llu joined, %llu never resumed), "
               "%llu signals, %llu exits, %llu strace notes, %llu blank, %llu malformed\n",
            (unsigned long long)st->lines, (unsigned long long)st->calls,
            (unsigned long long)st->unfinished, (unsigned long long)st->joined,
            (unsigned long long)st->lost, (unsigned long long)st->signals,
            (unsigned long long)st->exits, (unsigned long long)st->info,
            (unsigned long long)st->empty, (unsigned long long)st->malformed);
    if (st->stack || st->dump || st->summary || st->detached)
        fprintf(f, "strace2trace: also %llu -k stack lines, %llu -e read=/write= dump lines, "
                   "%llu -c/-C summary lines (all ignored), %llu calls <detached ...>\n",
                (unsigned long long)st->stack, (unsigned long long)st->dump,
                (unsigned long long)st->summary, (unsigned long long)st->detached);
    fprintf(f, "strace2trace: %zu records written, %u syscall names, %zu tasks\n", c->nrec, c->nnames,
            c->ntasks);
    if (st->nostring)
        fprintf(f, "strace2trace: %llu records with a path of unknown length (a pointer under -e raw=all, "
                   "or NULL): replayed with 0 path bytes, flag NOSTRING\n",
                (unsigned long long)st->nostring);
    if (st->exec_nostring)
        fprintf(f, "strace2trace: %llu execve records without their envp (or argv) strings shown "
                   "(strace -v shows envp): their bytes count only what was shown\n",
                (unsigned long long)st->exec_nostring);
    if (st->futex_pairs)
        fprintf(f, "strace2trace: %llu blocked futex waits paired with the wake that ended them "
                   "(OP_FUTEX_WAIT / OP_FUTEX_WAKE)\n", (unsigned long long)st->futex_pairs);
    if (st->dropped)
        fprintf(f, "strace2trace: %llu records DROPPED (over %u records, or out of memory)\n",
                (unsigned long long)st->dropped, S2T_MAX_RECORDS);
    fprintf(f, "  per op:");
    for (unsigned op = 0; op < OP_COUNT; op++)
        fprintf(f, " %s %llu", trace_op_name(op), (unsigned long long)st->per_op[op]);
    fprintf(f, "\n");

    idx = malloc((c->nnames ? c->nnames : 1) * sizeof(*idx));
    for (uint32_t i = 0; idx && i < c->nnames; i++)
        if (c->nskip[i])
            idx[nidx++] = i;
    fprintf(f, "  skipped: %llu records, %u syscall names%s", (unsigned long long)skipped, nidx,
            nidx ? ":" : "");
    if (idx) {
        sort_ctx = c;
        qsort(idx, nidx, sizeof(*idx), by_skip_count);
        for (uint32_t i = 0; i < nidx; i++)
            fprintf(f, "%s %s %llu", i ? "," : "", c->ntab + c->noff[idx[i]],
                    (unsigned long long)c->nskip[idx[i]]);
        free(idx);
    }
    fprintf(f, "\n");

    fprintf(f, "  malformed: %llu\n", (unsigned long long)st->malformed);
    for (size_t i = 0; i < c->nbad; i++) {
        const struct s2t_bad *b = &c->bad[i];
        fprintf(f, "    %s:%llu: %s: \"%s\"\n",
                files && b->file < nfiles ? files[b->file] : "line", (unsigned long long)b->line, b->why,
                b->text);
    }
    if (st->malformed > c->nbad)
        fprintf(f, "    (%llu more not shown)\n", (unsigned long long)(st->malformed - c->nbad));
    if (st->has_ts || st->ndur)
        fprintf(f, "  time: %.6f s from the earliest to the latest timestamp, %.6f s in %llu -T durations\n",
                st->has_ts ? st->ts_last - st->ts_first : 0.0, st->dur_sum,
                (unsigned long long)st->ndur);
}
