/*
 * s2t_test.h - what the converter's unit tests share: the strace ->
 * SPLITTRC library (tools/strace_parse.h, its public interface only), the
 * conversion helpers of s2t_test.c, and the tables the mapping checks are
 * written as.
 *
 * The tests, one binary per concern (test/unit/Makefile links each with
 * s2t_test.c and the converter's sources):
 *   test_s2t_parse    sp_parse_line() line shapes, the argument helpers
 *   test_s2t_map      the syscall -> op table (files, fds, traffic model, start-up calls)
 *   test_s2t_memory   mmap/munmap/mprotect/mremap/brk: OP_*_AT page indexes, the break
 *   test_s2t_tasks    -f/-ff traces: joining <unfinished ...>, tasks, fork/exit/wait/exec
 *   test_s2t_futex    FUTEX_WAIT/FUTEX_WAKE pairs
 *   test_s2t_formats  strace options' output (-i -n -Y -k -e read= -C, detached, raw=all)
 *   test_s2t_image    the binary format and trace_validate() (src/kernel/uapi/trace.h)
 *   test_s2t_garbage  malformed and random input, limits, bench/traces/tiny.log
 *
 * The strace lines are real strace 6.1 output (x86-64 host), cut from
 * `strace -o`, `strace -f -ttt -T -o`, `strace -ff -o`, `-X raw`,
 * `-X verbose`, `-e raw=all` and strace writing to stderr, with a few edited
 * by hand for cases a short run does not show. Every conversion is also
 * serialized and passed through trace_validate(), and the image's records
 * compared with the converter's, so the format and the validator are tested
 * on every input, garbage included.
 */
#ifndef S2T_TEST_H
#define S2T_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strace_parse.h"
#include "uapi/trace.h"

#ifndef REPO_ROOT
#define REPO_ROOT "."
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* parse - sp_parse_line() of a NUL-terminated line; the parsed line. */
struct sp_line parse(const char *s);

/* span_is - 1 if the span holds exactly the string s, else 0. */
int span_is(struct sp_span sp, const char *s);

#define assert_span(sp, s) do { \
        if (!span_is((sp), (s))) \
            fail_msg("span \"%.*s\" != \"%s\"", (int)(sp).n, (sp).p, (s)); \
    } while (0)

/* check_image - serialize c, copy the image into an aligned buffer, check
 * that trace_validate() accepts it and that its header, name table and
 * records agree with the converter's. Fails the test otherwise. */
void check_image(const struct s2t *c);

/* conv_pid - convert a multi-line text (lines end in '\n') as one input
 * file whose unprefixed lines belong to default_pid; no memory error, and
 * the image checked (check_image). The caller frees it (s2t_free). */
struct s2t *conv_pid(const char *text, long default_pid);

/* conv - conv_pid(text, 0). */
struct s2t *conv(const char *text);

/* conv_clean - conv(text), and check that no line was malformed (else the
 * test fails naming the first) and that there are nrecords records. */
struct s2t *conv_clean(const char *text, size_t nrecords);

/* rec - record i of c (fails the test if there are not that many). */
const struct trace_record *rec(const struct s2t *c, size_t i);

/* rname - the syscall name of record i of c. */
const char *rname(const struct s2t *c, size_t i);

/* one - the one record a single line converts to; fails the test if the
 * line gives another number of records or is malformed. */
struct trace_record one(const char *line);

#define assert_rec(r, OP, RES, BYTES, AUX, FLAGS) do { \
        struct trace_record r_ = (r); \
        assert_int_equal(r_.op, (OP)); \
        assert_int_equal(r_.result, (RES)); \
        assert_int_equal(r_.bytes, (BYTES)); \
        assert_int_equal(r_.aux, (AUX)); \
        assert_int_equal(r_.flags, (FLAGS)); \
    } while (0)

/* A line and the kind sp_parse_line() must give it. */
struct kind_want {
    const char *line;
    enum sp_kind kind;
};

/* check_kinds - parse(w[i].line) for each row; a kind other than the row's
 * fails the test naming the row, the line and both kinds. */
void check_kinds_(const struct kind_want *w, size_t n, const char *table);
#define check_kinds(w) check_kinds_((w), NELEM(w), #w)

/* A line and the record it must convert to. err is compared only when it
 * is not 0 (the Linux errno of a failed call). */
struct line_want {
    const char *line;
    uint8_t op;          /* enum trace_op */
    uint8_t result;      /* TRACE_RES_* */
    uint32_t bytes, aux;
    uint8_t flags;       /* TRACE_F_* */
    uint8_t err;
};

/* check_lines - one(w[i].line) for each row, its fields compared with the
 * row's; a mismatch fails the test naming the row, the line and every field. */
void check_lines_(const struct line_want *w, size_t n, const char *table);
#define check_lines(w) check_lines_((w), NELEM(w), #w)

/* Record i of a conversion and what it must be. */
struct rec_want {
    size_t i;
    uint8_t op, result;
    uint32_t bytes, aux;
    uint8_t flags;
};

/* check_recs - compare records w[k].i of c with the rows, as check_lines. */
void check_recs_(const struct s2t *c, const struct rec_want *w, size_t n, const char *table);
#define check_recs(c, w) check_recs_((c), (w), NELEM(w), #w)

#endif /* S2T_TEST_H */
