/*
 * trace.h - the binary syscall trace format ("SPLITTRC", version 1).
 *
 * Written on the host by tools/strace2trace from strace text output, read by
 * the kernel's replay module. docs/trace-format.md describes it byte by byte
 * and gives the Linux syscall -> operation mapping.
 *
 * Layout (all integers little-endian, all offsets from the start of the file):
 *
 *     0                       struct trace_header (24 bytes)
 *     24                      name table: names_bytes bytes, NUL-terminated
 *                             syscall names, NUL-padded to a multiple of 4
 *     24 + names_bytes        nrecords x struct trace_record (16 bytes each)
 *     24 + names_bytes + 16 * nrecords == file size, exactly
 *
 * Every field is naturally aligned when the file is loaded at a 4-byte
 * aligned address, so a freestanding 32-bit reader can use plain struct
 * reads. trace_validate() below checks everything a reader relies on; after
 * it returns TRACE_OK, trace_records() and trace_name() are safe to use.
 *
 * Shared by the kernel (freestanding, -m32) and the host tools: no libc,
 * only <stdint.h> types, no function that is not static inline.
 */
#ifndef UAPI_TRACE_H
#define UAPI_TRACE_H

#include <stdint.h>

#define TRACE_MAGIC      "SPLITTRC"  /* 8 bytes, no NUL in the file */
#define TRACE_MAGIC_LEN  8
#define TRACE_VERSION    3           /* 2: ops 13..16 (the process lifecycle); 3: ops 20..21 (futex pairs) */
#define TRACE_PAGE_SIZE  4096u       /* OP_MAP / OP_UNMAP lengths are rounded up to this */
#define TRACE_NAME_MAX   64          /* bytes in a syscall name, NUL included */
#define TRACE_MAX_NAMES  65535u      /* name indexes are u16 */

/*
 * Kernel operation a record replays. The value is the record's `op` byte;
 * docs/trace-format.md gives `bytes` and `aux` for each one.
 */
enum trace_op {
    OP_SKIP     = 0,  /* no mapping: kept so per-name counts stay complete; bytes = aux = 0 */
    OP_NULL     = 1,  /* a call with no user memory traffic (getpid, ...) */
    OP_COPY_IN  = 2,  /* user -> kernel copy of `bytes` (write, ...) */
    OP_COPY_OUT = 3,  /* kernel -> user copy of `bytes` (read, ...) */
    OP_PATH     = 4,  /* copy-in of a path of `bytes` chars (+ NUL); aux = bytes copied out after */
    OP_STAT_OUT = 5,  /* copy-out of a stat-like struct of `bytes` (fstat, ...) */
    OP_MAP      = 6,  /* map `aux` zeroed pages (`bytes` = aux * 4096) */
    OP_UNMAP    = 7,  /* unmap `aux` pages */
    OP_BRK      = 8,  /* move the break by `bytes` (up, or down with TRACE_F_SHRINK); aux = heap size */
    OP_CLOSE    = 9,  /* an fd operation with no copy */
    OP_SEEK     = 10, /* lseek: no copy (bytes = 8 for _llseek's loff_t copy-out) */
    OP_DUP      = 11, /* dup, dup2, dup3, fcntl(F_DUPFD) */
    OP_PIPE     = 12, /* pipe, pipe2: copy-out of two fds, bytes = 8 on success */
    /* The process lifecycle: each task (`task`) is a process of the replay
     * (docs/trace-format.md, "Processes"). */
    OP_FORK     = 13, /* clone, clone3, fork, vfork: aux = the child's task (TRACE_TASK_NONE: unknown) */
    OP_EXIT     = 14, /* exit, exit_group: the task ends */
    OP_WAIT     = 15, /* wait4, waitpid, waitid: aux = the child's task, TRACE_TASK_ANY or TRACE_TASK_NONE;
                       * bytes = status bytes copied out (4) */
    OP_EXEC     = 16, /* execve, execveat: bytes = argv + envp string bytes (NULs included;
                       * TRACE_F_NOSTRING: envp or argv not shown), aux = path length */
    /* Memory at the traced addresses: `bytes` is a page index into the trace
     * arena (TRACE_ARENA_PAGES: the traced address minus the task's first
     * mapping, in pages, plus TRACE_ARENA_PAGES / 2, wrapped into the
     * arena); `aux` is TRACE_AT_PAGES pages | TRACE_AT_READ/WRITE bits. */
    OP_MAP_AT     = 17, /* mmap at that place: replaces what is there (MAP_FIXED), demand-paged */
    OP_UNMAP_AT   = 18, /* munmap of that range */
    OP_PROTECT_AT = 19, /* mprotect of that range to the aux access bits */
    /* futex (docs/trace-format.md, "Futex pairs"): `aux` names the replay
     * word (< TRACE_FUTEX_WORDS). A wait that blocked and the wake that
     * ended it share a word; a failed wait (EAGAIN) and a wake of nobody
     * (or of waiters not paired) use TRACE_FUTEX_IDLE. Other futex calls
     * stay OP_COPY_IN of the 4-byte word. */
    OP_FUTEX_WAIT = 20, /* FUTEX_WAIT: result OK = slept until its paired OP_FUTEX_WAKE;
                         * result ERR = the word differed (replayed: -EAGAIN); bytes = 4 */
    OP_FUTEX_WAKE = 21, /* FUTEX_WAKE that woke `bytes` waiters (its return value) */
    OP_COUNT    = 22
};

#define TRACE_ARENA_PAGES  16384u      /* 64 MiB: OP_*_AT page indexes are below this */
#define TRACE_AT_PAGES(aux) ((aux) & 0x0FFFFFFFu)  /* pages, clamped to 2^28 - 1 */
#define TRACE_AT_READ      0x10000000u /* aux bit: PROT_READ (and PROT_EXEC) */
#define TRACE_AT_WRITE     0x20000000u /* aux bit: PROT_WRITE */

#define TRACE_FUTEX_WORDS  1024u     /* OP_FUTEX_* aux: replay words (one page of 32-bit words) */
#define TRACE_FUTEX_IDLE   (TRACE_FUTEX_WORDS - 1) /* aux of an unpaired call: a word nobody sleeps on */

/* OP_FORK / OP_WAIT `aux` values that name no task. */
#define TRACE_TASK_ANY   0xFFFFFFFFu  /* OP_WAIT: any child (pid -1, P_ALL) */
#define TRACE_TASK_NONE  0xFFFFFFFEu  /* OP_FORK: child pid unknown; OP_WAIT: reaped nothing (WNOHANG = 0) */

/* Result class of the traced Linux call: the record's `result` byte. */
#define TRACE_RES_OK       0  /* "= N" or "= 0x..." */
#define TRACE_RES_ERR      1  /* "= -1 EXXX (...)"; `err` holds the errno when known */
#define TRACE_RES_UNKNOWN  2  /* "= ?", or the call never returned in the log */
#define TRACE_RES_COUNT    3

/* The record's `flags` byte. Every bit is defined. */
#define TRACE_F_TRUNCATED  0x01 /* bytes counts a string strace showed truncated ("abc"...): a lower bound */
#define TRACE_F_NOSTRING   0x02 /* a string bytes needs was not shown (NULL, raw pointer): counted as 0 */
#define TRACE_F_UNFINISHED 0x04 /* "<unfinished ...>" never resumed: arguments partial, result unknown */
#define TRACE_F_FROM_ARG   0x08 /* bytes comes from the count argument, not the return value */
#define TRACE_F_RESTART    0x10 /* "= ? ERESTART..." (interrupted by a signal) */
#define TRACE_F_PROTECT    0x20 /* OP_MAP from mprotect (older converters; now OP_PROTECT_AT): protection only */
#define TRACE_F_SHRINK     0x40 /* OP_BRK that lowered the break */
#define TRACE_F_JOINED     0x80 /* joined from an "<unfinished ...>" / "<... resumed>" pair */

struct trace_header {
    char     magic[TRACE_MAGIC_LEN]; /* "SPLITTRC" */
    uint32_t version;                /* TRACE_VERSION */
    uint32_t nrecords;               /* records after the name table */
    uint32_t nnames;                 /* names in the name table (<= TRACE_MAX_NAMES) */
    uint32_t names_bytes;            /* name table size, a multiple of 4, padding included */
};

struct trace_record {
    uint16_t name;    /* index into the name table (< nnames): the Linux syscall name */
    uint8_t  op;      /* enum trace_op */
    uint8_t  result;  /* TRACE_RES_* */
    uint32_t bytes;   /* the byte count that crosses the boundary (per op) */
    uint32_t aux;     /* per op: buffer size asked for, pages, heap size, bytes copied out */
    uint16_t task;    /* Linux pid, renumbered 0, 1, ... in order of first appearance */
    uint8_t  err;     /* Linux errno when result == TRACE_RES_ERR and known (1..255), else 0 */
    uint8_t  flags;   /* TRACE_F_* */
};

_Static_assert(sizeof(struct trace_header) == 24, "trace_header is 24 bytes");
_Static_assert(sizeof(struct trace_record) == 16, "trace_record is 16 bytes");

/* trace_validate() results. */
#define TRACE_OK         0
#define TRACE_E_ALIGN    1  /* buffer not 4-byte aligned */
#define TRACE_E_SHORT    2  /* smaller than the header */
#define TRACE_E_MAGIC    3
#define TRACE_E_VERSION  4
#define TRACE_E_SIZE     5  /* names_bytes / nrecords disagree with the size */
#define TRACE_E_NAMES    6  /* bad name table: count, terminator, characters, padding */
#define TRACE_E_RECORD   7  /* a record with a bad name index, op, result */

static inline int trace_name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Check a whole trace of `size` bytes at `buf`. Every loop is bounded by
 * `size`; nothing outside [buf, buf + size) is read. On TRACE_E_RECORD,
 * *bad_record (if not null) is the index of the first bad record.
 */
static inline int trace_validate(const void *buf, uint32_t size, uint32_t *bad_record)
{
    const unsigned char *p = (const unsigned char *)buf;
    const struct trace_header *h = (const struct trace_header *)buf;
    const struct trace_record *r;
    uint32_t rest, i, pos, names;

    if (((uintptr_t)buf & 3) != 0)
        return TRACE_E_ALIGN;
    if (size < sizeof(struct trace_header))
        return TRACE_E_SHORT;
    for (i = 0; i < TRACE_MAGIC_LEN; i++)
        if (p[i] != (unsigned char)TRACE_MAGIC[i])
            return TRACE_E_MAGIC;
    if (h->version != TRACE_VERSION)
        return TRACE_E_VERSION;
    rest = size - (uint32_t)sizeof(struct trace_header);
    if ((h->names_bytes & 3) != 0 || h->names_bytes > rest)
        return TRACE_E_SIZE;
    rest -= h->names_bytes;
    if (rest % sizeof(struct trace_record) != 0 || rest / sizeof(struct trace_record) != h->nrecords)
        return TRACE_E_SIZE;
    if (h->nnames > TRACE_MAX_NAMES || (h->nnames == 0 && h->nrecords != 0))
        return TRACE_E_NAMES;

    /* Exactly nnames non-empty [A-Za-z0-9_] names, each NUL-terminated,
     * then 0-3 NUL bytes of padding. */
    p += sizeof(struct trace_header);
    pos = 0;
    for (names = 0; names < h->nnames; names++) {
        uint32_t start = pos;
        while (pos < h->names_bytes && p[pos] != 0) {
            if (!trace_name_char_ok((char)p[pos]) || pos - start >= TRACE_NAME_MAX - 1)
                return TRACE_E_NAMES;
            pos++;
        }
        if (pos >= h->names_bytes || pos == start)
            return TRACE_E_NAMES;  /* unterminated or empty */
        pos++;                     /* the NUL */
    }
    if (h->names_bytes - pos > 3)
        return TRACE_E_NAMES;
    for (; pos < h->names_bytes; pos++)
        if (p[pos] != 0)
            return TRACE_E_NAMES;

    r = (const struct trace_record *)(p + h->names_bytes);
    for (i = 0; i < h->nrecords; i++) {
        if (r[i].name >= h->nnames || r[i].op >= OP_COUNT || r[i].result >= TRACE_RES_COUNT) {
            if (bad_record)
                *bad_record = i;
            return TRACE_E_RECORD;
        }
    }
    return TRACE_OK;
}

/* The records of a validated trace. */
static inline const struct trace_record *trace_records(const void *buf)
{
    const struct trace_header *h = (const struct trace_header *)buf;
    return (const struct trace_record *)((const unsigned char *)buf + sizeof(*h) + h->names_bytes);
}

/* Name `idx` of a validated trace (a NUL-terminated string), or 0 if idx >= nnames.
 * Walks the table: O(names_bytes). */
static inline const char *trace_name(const void *buf, uint32_t idx)
{
    const struct trace_header *h = (const struct trace_header *)buf;
    const char *t = (const char *)buf + sizeof(*h);
    uint32_t pos = 0, n;

    if (idx >= h->nnames)
        return 0;
    for (n = 0; n < idx; n++) {
        while (pos < h->names_bytes && t[pos] != 0)
            pos++;
        pos++;
    }
    return pos < h->names_bytes ? t + pos : 0;
}

/* "COPY_OUT" etc. for an op, "?" if out of range. */
static inline const char *trace_op_name(uint32_t op)
{
    static const char *const names[OP_COUNT] = {
        "SKIP", "NULL", "COPY_IN", "COPY_OUT", "PATH", "STAT_OUT", "MAP",
        "UNMAP", "BRK", "CLOSE", "SEEK", "DUP", "PIPE", "FORK", "EXIT", "WAIT", "EXEC",
        "MAP_AT", "UNMAP_AT", "PROTECT_AT", "FUTEX_WAIT", "FUTEX_WAKE",
    };
    return op < OP_COUNT ? names[op] : "?";
}

#endif /* UAPI_TRACE_H */
