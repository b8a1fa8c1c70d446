/*
 * strace_parse.h - the library behind tools/strace2trace: strace text in,
 * SPLITTRC records (src/kernel/uapi/trace.h) out. No file I/O here except
 * s2t_summary(), so the unit tests drive it from strings.
 *
 *   strace_parse.c  sp_parse_line(): one line of strace output -> struct sp_line;
 *                   argument helpers (split, numbers, strings, flag words)
 *   strace_map.c    the Linux syscall -> kernel operation table, sp_map_call(),
 *                   Linux errno names
 *   strace_conv.c   struct s2t: pids, <unfinished ...>/<... resumed> joining,
 *                   the name table, records, serialization, the summary
 */
#ifndef STRACE_PARSE_H
#define STRACE_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "uapi/trace.h"

/* ------------------------------------------------------------ line parser */

struct sp_span {
    const char *p;
    size_t n;
};

enum sp_kind {
    SP_EMPTY,       /* blank line */
    SP_CALL,        /* name(args) = result */
    SP_UNFINISHED,  /* name(partial args <unfinished ...> */
    SP_RESUMED,     /* <... name resumed>rest of args) = result */
    SP_SIGNAL,      /* --- SIGCHLD {...} --- */
    SP_EXIT,        /* +++ exited with 0 +++, +++ killed by SIGKILL +++ */
    SP_INFO,        /* strace's own notes: "strace: Process 12 attached", "[ Process PID=... ]" */
    SP_STACK,       /* -k: " > /lib/libc.so.6(read+0xd) [0xf82ad]", a frame of the call above */
    SP_DUMP,        /* -e read=/write=: " | 00000  7f 45 4c 46 ...  .ELF |", the data above */
    SP_SUMMARY,     /* -c/-C: the "% time ... syscall" header, a dashed rule, a row (see summary_row) */
    SP_MALFORMED,
};

struct sp_line {
    enum sp_kind kind;
    long pid;                /* "1234  " or "[pid 1234] " prefix; -1 if none */
    int has_ts;              /* -t/-tt/-ttt/-r timestamp seen */
    double ts;               /* seconds (-t/-tt: since midnight) */
    int has_dur;             /* -T "<0.000012>" seen */
    double dur;
    struct sp_span name;     /* CALL, UNFINISHED, RESUMED */
    struct sp_span args;     /* CALL: between the parentheses; UNFINISHED: after '(' up to
                              * the marker; RESUMED: everything after "resumed>" (duration
                              * stripped) */
    uint8_t result;          /* CALL: TRACE_RES_* */
    uint8_t restart;         /* CALL: "= ? ERESTART..." */
    uint8_t detached;        /* UNFINISHED: ended by "<detached ...>" (strace let go of the
                              * process), not "<unfinished ...>": no result will follow */
    uint8_t summary_row;     /* SUMMARY: a row ("  9.80  0.000016  1  16  read"), not the header
                              * or a rule: only a summary inside a table is one */
    uint16_t err;            /* CALL, TRACE_RES_ERR: errno if known, else 0 */
    int64_t ret;             /* CALL, TRACE_RES_OK: the value (hex ones as their 64-bit pattern) */
    const char *why;         /* MALFORMED: a static description */
};

#define SP_NAME_MAX (TRACE_NAME_MAX - 1)  /* characters in a syscall name */

/* Parse one line (no newline needed; any bytes, NULs included, are safe). Returns out->kind. */
enum sp_kind sp_parse_line(const char *s, size_t n, struct sp_line *out);

/* Split an argument list at top-level commas (outside strings, comments and
 * brackets), each argument trimmed. Stores at most max; returns how many there are. */
size_t sp_split_args(struct sp_span args, struct sp_span *out, size_t max);

/* A number argument: decimal, 0x hex, 0-octal, negative, or NULL (0), optionally
 * followed by a comment (-X verbose). 0 on success, -1 if not a number. */
int sp_arg_num(struct sp_span a, uint64_t *v);

/* A quoted string argument: *len = decoded bytes shown, *trunc = 1 if strace
 * marked it truncated ("..."...). 0 on success, -1 if not a string. */
int sp_arg_str(struct sp_span a, uint32_t *len, int *trunc);

/* 1 if the word (an identifier) appears in a, outside strings, as a whole token. */
int sp_has_word(struct sp_span a, const char *word);

/* Sum of every "field=N" outside strings (e.g. "iov_len"). *found = occurrences. */
uint64_t sp_sum_field(struct sp_span a, const char *field, unsigned *found);

/* ------------------------------------------------------------ the mapping (strace_map.c) */

enum sp_method {
    M_NONE,     /* bytes = 0 */
    M_RET_OUT,  /* bytes = return value on success, else 0; aux = count argument */
    M_RET_IN,   /* bytes = return value on success, else the count argument; aux = count */
    M_PATH,     /* bytes = path length(s); aux = `out` (or the return value) on success */
    M_PATH_AT,  /* like M_PATH, but "" + AT_EMPTY_PATH makes it OP_STAT_OUT of `out` bytes */
    M_STAT,     /* bytes = `out` on success, else 0; aux = `out` */
    M_MAP,      /* bytes = length argument rounded up to pages; aux = pages; with the
                 * address known (mmap's result, munmap's/mprotect's argument 0):
                 * OP_MAP_AT / OP_UNMAP_AT / OP_PROTECT_AT (uapi/trace.h) */
    M_BRK,      /* bytes = |break delta|, aux = heap size */
    M_FIXED,    /* bytes = `out` on success, else 0 */
    M_FCNTL,    /* OP_DUP for F_DUPFD / F_DUPFD_CLOEXEC, OP_NULL for F_GETFD/SETFD/GETFL/SETFL,
                 * else OP_SKIP */
    M_TRAFFIC,  /* the traffic model: `out` bytes copied in if pointer argument a1 is not NULL
                 * (a1 == SP_ALWAYS: always), `out` bytes copied out on success if pointer
                 * argument a2 is not NULL: one copy of the sum (OP_COPY_IN if anything is
                 * copied in, else OP_COPY_OUT; OP_NULL if nothing moves) */
    M_POLL,     /* the traffic model: nfds (argument a1) struct pollfd copied in, and out on
                 * success */
    M_IOCTL,    /* the traffic model for the terminal requests in argument a1 (TCGETS, ...);
                 * other requests OP_SKIP */
    M_FORK,     /* OP_FORK: aux = the child's task, filled in by the converter from the return
                 * value (sp_map_pid) */
    M_WAIT,     /* OP_WAIT: a1 = pid argument, a2 = status pointer (4 bytes copied out on
                 * success); aux = the child's task (sp_map_pid) */
    M_WAITID,   /* OP_WAIT for waitid: a1 = idtype, a2 = id; aux as M_WAIT */
    M_EXEC,     /* OP_EXEC: a1 = path, a2 = argv, aflags = envp: bytes = the strings of argv and
                 * envp (each + NUL), aux = path length */
    M_NOCOPY,   /* no user memory: OP_NULL; a failed call OP_CLOSE of a bad fd (a failure
                 * before any copy) */
    M_SOCKET,   /* a new fd, no copy: OP_DUP; failed: as M_NOCOPY */
    M_CONNECT,  /* a1 = addrlen: the sockaddr copied in; AF_UNIX or a failed call: OP_PATH of
                 * addrlen - 1 bytes (the copy, then a lookup that fails as traced); else
                 * OP_COPY_IN of addrlen; EBADF or addrlen > 128: as M_NOCOPY */
    M_ARCH_PRCTL, /* a1 = code: ARCH_SET_FS/GS ... as M_NOCOPY, ARCH_GET_FS/GS 8 bytes out */
    M_RSEQ,     /* a1 = flags: registration reads rseq_cs and writes cpu_id_start/cpu_id on
                 * the return to user (8 in + 8 out); unregistration writes 8 */
    M_TLS,      /* set_thread_area: struct user_desc (16) in, entry_number (4) out if it was -1 */
    M_MREMAP,   /* OP_MAP_AT of the added pages (grown in place) or of the new range (moved),
                 * OP_UNMAP_AT of the cut pages (shrunk); failed: OP_MAP (refused) */
};

#define SP_ALWAYS (-2)           /* M_TRAFFIC a1: the call always copies in */

#define SP_OUT_RET 0xFFFFFFFFu   /* M_PATH out: the return value (readlink) */
#define SP_X_EXEC   0x01         /* success starts a new image: forget the break */
#define SP_X_PROT   0x02         /* OP_MAP from mprotect: TRACE_F_PROTECT */

struct sp_map_entry {
    const char *name;
    uint8_t op;        /* enum trace_op */
    uint8_t method;    /* enum sp_method */
    int8_t a1;         /* count / path / length / cmd argument index, -1 none */
    int8_t a2;         /* iovec argument (M_RET_*) or second path (M_PATH), -1 none */
    int8_t aflags;     /* M_PATH_AT: the flags argument */
    uint8_t x;         /* SP_X_* */
    uint32_t out;      /* struct size / fixed copy-out */
};

extern const struct sp_map_entry sp_map_table[];
extern const size_t sp_map_table_len;

/* The entry for a syscall name, or NULL (OP_SKIP). */
const struct sp_map_entry *sp_map_lookup(const char *name, size_t n);

/* Per-task break state for OP_BRK, and the anchor of OP_*_AT addresses:
 * the task's first mapping (page indexes count from it, uapi/trace.h). */
struct sp_brk {
    int known;
    uint64_t base, cur;
    int vm_known;
    uint64_t vm_anchor;
};

/* Fill op, result, err, bytes, aux, flags of r from a parsed SP_CALL line
 * (name and task are the caller's). e == NULL: OP_SKIP. */
void sp_map_call(const struct sp_map_entry *e, const struct sp_line *call, struct sp_brk *brk,
                 struct trace_record *r);

/* The pid a lifecycle record names, for the converter to turn into a task
 * (e = the record's entry, L its parsed call): OP_FORK the child's pid (the
 * return value; 0 if unknown or the call failed); OP_WAIT the child waited
 * for (the returned pid, else the pid argument), -1 for any child, 0 if the
 * call reaped nothing (WNOHANG returned 0, or it failed on no pid). Other
 * ops: 0. */
long sp_map_pid(const struct sp_map_entry *e, const struct sp_line *L);

/* Linux errno number of an "EXXX" name, 0 if unknown. */
int sp_errno_lookup(const char *name, size_t n);

/* ------------------------------------------------------------ converter (strace_conv.c and
 * strace_tables.c, strace_records.c, strace_summary.c; strace_conv.h inside) */

#define S2T_MAX_BAD      20        /* malformed lines remembered for the report */
#define S2T_BAD_TEXT     60
#define S2T_MAX_LINE     (16u << 20)
#define S2T_MAX_RECORDS  (64u << 20) /* keeps the file far below 4 GiB */

struct s2t_bad {
    uint32_t file;       /* s2t_begin_file() count, from 0 */
    uint64_t line;       /* 1-based within the file */
    const char *why;
    char text[S2T_BAD_TEXT + 1];  /* the start of the line, non-printables as '?' */
};

struct s2t_stats {
    uint64_t lines, empty, calls, unfinished, joined, lost, signals, exits, info, malformed;
    uint64_t stack, dump, summary;   /* -k frames, -e read=/write= dump lines, -c/-C summary lines */
    uint64_t detached;               /* calls cut by "<detached ...>" (kept, TRACE_F_UNFINISHED) */
    uint64_t nostring;               /* records with TRACE_F_NOSTRING: a path of unknown length
                                      * (-e raw=all pointers, NULL), replayed as 0 path bytes */
    uint64_t exec_nostring;          /* OP_EXEC records whose argv or envp strings were not shown
                                      * (envp needs strace -v): bytes is a lower bound */
    uint64_t dropped;                /* records over S2T_MAX_RECORDS (never in practice) */
    uint64_t futex_pairs;            /* blocked FUTEX_WAITs paired with their FUTEX_WAKE */
    uint64_t per_op[OP_COUNT];
    uint64_t ndur;                   /* lines with a -T duration */
    double dur_sum;                  /* their sum, seconds */
    int has_ts;
    double ts_first, ts_last;        /* earliest, latest timestamp */
};

/* ------------------------------------------------------------ futex pairs (strace_futex.c) */

enum { SP_FUTEX_OTHER, SP_FUTEX_WAIT, SP_FUTEX_WAKE };

/* One futex call as the converter saw it. */
struct sp_futex {
    size_t rec;              /* its record */
    uint64_t addr;           /* argument 0: the word's address */
    uint32_t task;
    uint8_t kind;            /* SP_FUTEX_* of argument 1 */
    uint8_t blocked;         /* WAIT joined from <unfinished ...>/<... resumed> that returned 0 */
    uint8_t paired;          /* set by sp_futex_pair */
    int64_t ret;             /* the return value (-1 if it failed or is unknown) */
    size_t resume;           /* records started when it completed (its record + 1 if not joined) */
    uint64_t credited;       /* WAKE: waits paired with it so far */
    uint32_t word;           /* WAKE, once paired: its replay word */
};

/* The SP_FUTEX_* kind of a futex op argument ("FUTEX_WAIT_PRIVATE", ...):
 * WAIT for FUTEX_WAIT and FUTEX_WAIT_BITSET (with _PRIVATE or clock flags),
 * WAKE for FUTEX_WAKE and FUTEX_WAKE_BITSET, OTHER for the rest. */
int sp_futex_kind(struct sp_span op);

/* Pair each blocked WAIT in f[0..nf) (in record order) with the WAKE that
 * ended it (see strace_futex.c) and rewrite both records of rec[0..nrec) as
 * OP_FUTEX_WAIT / OP_FUTEX_WAKE, keeping per_op[] (counts by op) right.
 * Already paired entries are left alone, so it may run again after more
 * calls. Returns the waits paired by this call. */
size_t sp_futex_pair(struct trace_record *rec, size_t nrec, struct sp_futex *f, size_t nf, uint64_t *per_op);

struct s2t;

/* A new, empty converter; NULL if memory ran out. Free it with s2t_free. */
struct s2t *s2t_new(void);
/* Free c and all it holds (its records and names too); NULL is ignored. */
void s2t_free(struct s2t *c);

/* Start an input file: lines without a pid prefix belong to default_pid
 * (strace -ff writes one file per pid, NAME.PID, without prefixes). */
void s2t_begin_file(struct s2t *c, long default_pid);
/* Feed one line (without its newline). */
void s2t_feed(struct s2t *c, const char *s, size_t n);
/* A line longer than S2T_MAX_LINE: counted as malformed, its start shown. */
void s2t_feed_overlong(struct s2t *c, const char *start, size_t n);
/* End of an input file: calls still <unfinished ...> are kept with TRACE_F_UNFINISHED. */
void s2t_end_file(struct s2t *c);

/* 0 if all went well, -1 if memory ran out (results are then incomplete). */
int s2t_error(const struct s2t *c);

/* s2t_stats, s2t_nrecords, s2t_records, s2t_nnames, s2t_name, s2t_name_count,
 * s2t_nbad, s2t_bad - what c holds, valid until the next feed or s2t_free:
 * its counts; its records (in the order their calls started); its syscall
 * names (index idx, in order of first appearance; NULL past the end) and the
 * records of each (0 past the end); its kept malformed lines (i-th, NULL
 * past the end). */
const struct s2t_stats *s2t_stats(const struct s2t *c);
size_t s2t_nrecords(const struct s2t *c);
const struct trace_record *s2t_records(const struct s2t *c);
uint32_t s2t_nnames(const struct s2t *c);
const char *s2t_name(const struct s2t *c, uint32_t idx);
uint64_t s2t_name_count(const struct s2t *c, uint32_t idx);     /* records with that name */
size_t s2t_nbad(const struct s2t *c);                            /* <= S2T_MAX_BAD */
const struct s2t_bad *s2t_bad(const struct s2t *c, size_t i);

/* The SPLITTRC image: malloc'ed, *len bytes. 0 on success, -1 on error. */
int s2t_serialize(const struct s2t *c, unsigned char **out, size_t *len);

/* The summary report (lines, records, per-op counts, skipped names, malformed lines). */
void s2t_summary(const struct s2t *c, FILE *f, const char *const *files, size_t nfiles);

#endif /* STRACE_PARSE_H */
