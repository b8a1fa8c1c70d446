/*
 * strace_records.c - the converter's records: a slot taken when a call
 * starts, filled when it completes (joined with its "<... resumed>" part,
 * or flushed when it never returns), futex calls kept for strace_futex.c;
 * and the SPLITTRC bytes written out (s2t_serialize, docs/trace-format.md).
 * strace_conv.c: the converter as a whole.
 */
#include "strace_conv.h"

/* ------------------------------------------------------------ records */

size_t new_record(struct s2t *c, uint32_t name, size_t task)
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
void finish_record(struct s2t *c, size_t slot, size_t ti, const struct sp_line *call, uint8_t extra_flags)
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
size_t join(struct s2t *c, const char *name, const char *a, size_t an, const char *b, size_t bn)
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
void flush_pending(struct s2t *c, size_t ti)
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

int set_partial(struct s2t *c, struct task *t, const char *p, size_t n)
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

