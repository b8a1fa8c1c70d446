/*
 * strace_tables.c - the converter's name and task tables: syscall names
 * interned in order of first appearance (each name's mapping-table entry
 * looked up once), pids turned into tasks; both open-addressing hash
 * tables. strace_conv.c: the converter as a whole.
 */
#include "strace_conv.h"

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
long intern(struct s2t *c, struct sp_span name, const char **why)
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

struct task *task_of(struct s2t *c, long pid, size_t *index)
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

