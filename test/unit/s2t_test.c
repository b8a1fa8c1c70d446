/*
 * s2t_test.c - helpers the converter's unit tests share (s2t_test.h):
 * parse and convert strace text, check the serialized image, and compare
 * records with the tables the tests are written as.
 */
#include "s2t_test.h"

struct sp_line parse(const char *s)
{
    struct sp_line L;
    sp_parse_line(s, strlen(s), &L);
    return L;
}

int span_is(struct sp_span sp, const char *s)
{
    return sp.n == strlen(s) && memcmp(sp.p, s, sp.n) == 0;
}

/* Serialize c, copy the image into an aligned buffer, validate it, and
 * check that header and records agree with the converter. */
void check_image(const struct s2t *c)
{
    unsigned char *img;
    size_t len;
    uint32_t *al, bad = 0;
    const struct trace_header *h;
    const struct trace_record *r;

    assert_int_equal(s2t_serialize(c, &img, &len), 0);
    al = malloc(len + 4);
    assert_non_null(al);
    memcpy(al, img, len);
    assert_int_equal(trace_validate(al, (uint32_t)len, &bad), TRACE_OK);
    h = (const struct trace_header *)al;
    assert_int_equal(h->nrecords, s2t_nrecords(c));
    assert_int_equal(h->nnames, s2t_nnames(c));
    r = trace_records(al);
    for (size_t i = 0; i < s2t_nrecords(c); i++)
        assert_memory_equal(&r[i], &s2t_records(c)[i], sizeof(*r));
    {
        /* walk the table once (trace_name() is O(table) per call) */
        const char *p = (const char *)al + sizeof(*h);
        uint32_t n = s2t_nnames(c);
        for (uint32_t i = 0; i < n; i++) {
            assert_string_equal(p, s2t_name(c, i));
            p += strlen(p) + 1;
        }
        if (n > 0) {
            assert_string_equal(trace_name(al, 0), s2t_name(c, 0));
            assert_string_equal(trace_name(al, n / 2), s2t_name(c, n / 2));
            assert_string_equal(trace_name(al, n - 1), s2t_name(c, n - 1));
        }
        assert_null(trace_name(al, n));
    }
    free(al);
    free(img);
}

/* Convert a multi-line text as one input file; the image is checked. */
struct s2t *conv_pid(const char *text, long default_pid)
{
    struct s2t *c = s2t_new();
    const char *p = text;

    assert_non_null(c);
    s2t_begin_file(c, default_pid);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        s2t_feed(c, p, n);
        p += n + (nl ? 1 : 0);
    }
    s2t_end_file(c);
    assert_int_equal(s2t_error(c), 0);
    check_image(c);
    return c;
}

struct s2t *conv(const char *text) { return conv_pid(text, 0); }

struct s2t *conv_clean(const char *text, size_t nrecords)
{
    struct s2t *c = conv(text);
    if (s2t_stats(c)->malformed)
        fail_msg("%llu malformed, first: %s: \"%s\"", (unsigned long long)s2t_stats(c)->malformed,
                 s2t_bad(c, 0)->why, s2t_bad(c, 0)->text);
    assert_int_equal(s2t_nrecords(c), nrecords);
    return c;
}

const struct trace_record *rec(const struct s2t *c, size_t i)
{
    assert_true(i < s2t_nrecords(c));
    return &s2t_records(c)[i];
}

const char *rname(const struct s2t *c, size_t i)
{
    return s2t_name(c, rec(c, i)->name);
}

/* One record from one line. */
struct trace_record one(const char *line)
{
    struct s2t *c = conv(line);
    struct trace_record r;
    if (s2t_nrecords(c) != 1)
        fail_msg("%zu records from: %s", s2t_nrecords(c), line);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    r = *rec(c, 0);
    s2t_free(c);
    return r;
}

void check_kinds_(const struct kind_want *w, size_t n, const char *table)
{
    for (size_t i = 0; i < n; i++) {
        struct sp_line L = parse(w[i].line);
        if (L.kind != w[i].kind)
            fail_msg("%s[%zu] (%s): kind %d, want %d", table, i, w[i].line, (int)L.kind, (int)w[i].kind);
    }
}

/* Compare one record with a row; on a mismatch fail naming both in full. */
static void want_rec(const struct trace_record *r, uint8_t op, uint8_t result, uint32_t bytes, uint32_t aux,
                     uint8_t flags, int err, const char *table, size_t row, const char *what)
{
    if (r->op == op && r->result == result && r->bytes == bytes && r->aux == aux && r->flags == flags &&
        (err == 0 || r->err == err))
        return;
    fail_msg("%s[%zu] (%s):\n"
             "      got  op %u (%s) result %u bytes %u aux %u flags %#x err %u\n"
             "      want op %u (%s) result %u bytes %u aux %u flags %#x err %d",
             table, row, what, r->op, trace_op_name(r->op), r->result, r->bytes, r->aux, r->flags, r->err,
             op, trace_op_name(op), result, bytes, aux, flags, err);
}

void check_lines_(const struct line_want *w, size_t n, const char *table)
{
    for (size_t i = 0; i < n; i++) {
        struct trace_record r = one(w[i].line);
        want_rec(&r, w[i].op, w[i].result, w[i].bytes, w[i].aux, w[i].flags, w[i].err, table, i, w[i].line);
    }
}

void check_recs_(const struct s2t *c, const struct rec_want *w, size_t n, const char *table)
{
    for (size_t k = 0; k < n; k++) {
        char what[32];
        snprintf(what, sizeof(what), "record %zu", w[k].i);
        want_rec(rec(c, w[k].i), w[k].op, w[k].result, w[k].bytes, w[k].aux, w[k].flags, 0, table, k, what);
    }
}
