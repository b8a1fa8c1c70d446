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
 *
 * The converter's files (strace_conv.h is their shared header): this one
 * (the state, and each line fed in: joining, attach notes, line kinds),
 * strace_tables.c (names and tasks), strace_records.c (records filled,
 * flushed, written out) and strace_summary.c (the summary).
 */
#include "strace_conv.h"

int grow(void **p, size_t *cap, size_t need, size_t elem)
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

void malformed(struct s2t *c, const char *why, const char *s, size_t n)
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

/* A call starts on task ti (complete, or left <unfinished ...>): the call
 * still pending on the task, if any, is flushed first, then the name of
 * L's call is interned. Returns its index, or -1 after counting the line
 * s[0..n) as malformed (a bad name, too many names, out of memory). */
static long call_start(struct s2t *c, size_t ti, const struct sp_line *L, const char *s, size_t n)
{
    const char *why = NULL;
    long name;

    flush_pending(c, ti);
    name = intern(c, L->name, &why);
    if (name < 0)
        malformed(c, why, s, n);
    return name;
}

static void feed_line(struct s2t *c, const char *s, size_t n)
{
    struct sp_line L;
    struct task *t;
    size_t ti, slot;
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
        name = call_start(c, ti, &L, s, n);  /* a pending call flushed: strace never leaves one; be safe */
        if (name < 0)
            return;
        c->st.calls++;
        slot = new_record(c, (uint32_t)name, ti);
        if (slot != NONE)
            finish_record(c, slot, ti, &L, 0);
        return;
    case SP_UNFINISHED:
        name = call_start(c, ti, &L, s, n);
        if (name < 0)
            return;
        t = &c->tasks[ti];  /* call_start may have moved the task table */
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
