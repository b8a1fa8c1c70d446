/*
 * strace_conv.h - what the converter's files (strace_conv.c, strace_tables.c,
 * strace_records.c, strace_summary.c) share: the converter state (struct
 * s2t) and the functions one file calls in another. Internal to the
 * converter: its users see strace_parse.h ("converter" section).
 */
#ifndef STRACE_CONV_H
#define STRACE_CONV_H

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

/* ------------------------------------------------------------ strace_conv.c */

/* Make *p hold at least `need` elements of `elem` bytes (*cap: elements
 * held; doubled from 16). Returns 0, or -1 (nothing changed) when memory
 * runs out or the size would overflow. */
int grow(void **p, size_t *cap, size_t need, size_t elem);
/* Count a malformed line (why: the reason, s/n: its text) and keep the
 * first S2T_MAX_BAD of them, printable bytes only, for the summary. */
void malformed(struct s2t *c, const char *why, const char *s, size_t n);

/* ------------------------------------------------------------ strace_tables.c */

/* Index of syscall name `name` in the name table, added if new (its
 * mapping-table entry looked up once). Returns it, or -1 with *why set: a
 * bad name, too many names (TRACE_MAX_NAMES), out of memory (c->oom). */
long intern(struct s2t *c, struct sp_span name, const char **why);
/* The task of `pid`, created if new (its index in *index). Returns it, or
 * NULL when memory runs out (c->oom). The task table may move: pointers
 * into c->tasks are stale after a call. */
struct task *task_of(struct s2t *c, long pid, size_t *index);

/* ------------------------------------------------------------ strace_records.c */

/* A new OP_SKIP record (result unknown) of name index `name` for task
 * `task`, at the end. Returns its slot, or NONE (counted as dropped) past
 * S2T_MAX_RECORDS or when memory runs out. */
size_t new_record(struct s2t *c, uint32_t name, size_t task);
/* Fill record `slot` of task `ti` from the complete call `call` (mapped
 * through its name's table entry, extra_flags or'ed in) and count it; a
 * lifecycle record's pid becomes a task (the task table may move). */
void finish_record(struct s2t *c, size_t slot, size_t ti, const struct sp_line *call, uint8_t extra_flags);
/* "name(" + a[0..an) + b[0..bn) into c->jbuf, NUL-terminated. Returns its
 * length, or 0 when memory runs out (c->oom). */
size_t join(struct s2t *c, const char *name, const char *a, size_t an, const char *b, size_t bn);
/* Task ti's <unfinished ...> call never returned: map what its partial
 * arguments show, result unknown, flag UNFINISHED. Nothing if none pends. */
void flush_pending(struct s2t *c, size_t ti);
/* Keep p[0..n) as t's partial arguments. Returns 0, or -1 when memory runs
 * out (c->oom). */
int set_partial(struct s2t *c, struct task *t, const char *p, size_t n);

#endif /* STRACE_CONV_H */
