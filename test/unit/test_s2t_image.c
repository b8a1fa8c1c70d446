/*
 * test_s2t_image.c - host tests of the SPLITTRC binary format:
 * s2t_serialize()'s bytes, and trace_validate() (src/kernel/uapi/trace.h,
 * the kernel's replay module uses it) on broken and mutated images.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ the binary format */

static uint32_t rd32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_format_bytes(void **state)
{
    (void)state;
    struct s2t *c = conv("100  read(3, \"abc\", 4096) = 3\n"
                         "100  openat(AT_FDCWD, \"/x\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
                         "101  read(3, \"\", 10) = 0\n");
    unsigned char *img;
    size_t len;
    const unsigned char *r;

    assert_int_equal(s2t_serialize(c, &img, &len), 0);
    /* "read\0openat\0" = 12 bytes: already a multiple of 4 */
    assert_int_equal(len, 24 + 12 + 3 * 16);
    assert_memory_equal(img, "SPLITTRC", 8);
    assert_int_equal(rd32(img + 8), TRACE_VERSION);
    assert_int_equal(rd32(img + 12), 3);
    assert_int_equal(rd32(img + 16), 2);
    assert_int_equal(rd32(img + 20), 12);
    assert_memory_equal(img + 24, "read\0openat\0", 12);
    r = img + 36;
    /* read: name 0, COPY_OUT, ok, bytes 3, aux 4096, task 0, err 0, flags 0 */
    static const unsigned char r0[16] = { 0, 0, OP_COPY_OUT, TRACE_RES_OK, 3, 0, 0, 0,
                                          0x00, 0x10, 0, 0, 0, 0, 0, 0 };
    static const unsigned char r1[16] = { 1, 0, OP_PATH, TRACE_RES_ERR, 2, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 2, 0 };
    static const unsigned char r2[16] = { 0, 0, OP_COPY_OUT, TRACE_RES_OK, 0, 0, 0, 0,
                                          10, 0, 0, 0, 1, 0, 0, 0 };
    assert_memory_equal(r, r0, 16);
    assert_memory_equal(r + 16, r1, 16);
    assert_memory_equal(r + 32, r2, 16);
    free(img);
    s2t_free(c);

    /* name table padding: "brk\0" (4) + "mmap\0" (5) = 9 -> 12 */
    c = conv("brk(NULL) = 0x1000\nmmap(NULL, 1, PROT_READ, MAP_PRIVATE, 3, 0) = 0x2000\n");
    assert_int_equal(s2t_serialize(c, &img, &len), 0);
    assert_int_equal(rd32(img + 20), 12);
    assert_memory_equal(img + 24, "brk\0mmap\0\0\0\0", 12);
    assert_int_equal(len, 24 + 12 + 2 * 16);
    free(img);
    s2t_free(c);

    /* nothing at all: a valid empty trace */
    c = conv("");
    assert_int_equal(s2t_serialize(c, &img, &len), 0);
    assert_int_equal(len, 24);
    free(img);
    s2t_free(c);
}

/* A valid 2-name, 2-record image to break in the validator tests. */
static size_t build_valid(uint32_t *buf)
{
    unsigned char *b = (unsigned char *)buf;
    struct trace_header h = { .magic = "SPLITTRC", .version = TRACE_VERSION, .nrecords = 2, .nnames = 2,
                              .names_bytes = 12 };
    struct trace_record r[2] = {
        { .name = 0, .op = OP_NULL, .result = TRACE_RES_OK },
        { .name = 1, .op = OP_PIPE, .result = TRACE_RES_ERR, .bytes = 0, .err = 24 },
    };
    memcpy(b, &h, sizeof(h));
    memcpy(b + 24, "getpid\0pipe\0", 12);
    memcpy(b + 36, r, sizeof(r));
    return 24 + 12 + 32;
}

static void test_validator_rejects(void **state)
{
    (void)state;
    uint32_t buf[32];
    unsigned char *b = (unsigned char *)buf;
    struct trace_header *h = (struct trace_header *)buf;
    struct trace_record *r = (struct trace_record *)(b + 36);
    size_t n = build_valid(buf);
    uint32_t bad = 99;

    assert_int_equal(trace_validate(buf, (uint32_t)n, &bad), TRACE_OK);
    assert_string_equal(trace_name(buf, 0), "getpid");
    assert_string_equal(trace_name(buf, 1), "pipe");
    assert_null(trace_name(buf, 2));
    assert_int_equal(trace_records(buf)[1].op, OP_PIPE);

    assert_int_equal(trace_validate(b + 1, (uint32_t)n - 1, NULL), TRACE_E_ALIGN);
    assert_int_equal(trace_validate(buf, 23, NULL), TRACE_E_SHORT);
    assert_int_equal(trace_validate(buf, 0, NULL), TRACE_E_SHORT);
    assert_int_equal(trace_validate(buf, (uint32_t)n - 1, NULL), TRACE_E_SIZE);
    assert_int_equal(trace_validate(buf, (uint32_t)n - 16, NULL), TRACE_E_SIZE);
    assert_int_equal(trace_validate(buf, (uint32_t)n + 16, NULL), TRACE_E_SIZE);

#define BREAK(stmt, want) do { \
        n = build_valid(buf); \
        stmt; \
        assert_int_equal(trace_validate(buf, (uint32_t)n, &bad), (want)); \
    } while (0)
    BREAK(b[0] = 's', TRACE_E_MAGIC);
    BREAK(b[7] = 0, TRACE_E_MAGIC);
    BREAK(h->version = TRACE_VERSION + 1, TRACE_E_VERSION);
    BREAK(h->version = 0, TRACE_E_VERSION);
    BREAK(h->nrecords = 3, TRACE_E_SIZE);
    BREAK(h->nrecords = 0xFFFFFFFFu, TRACE_E_SIZE);
    BREAK(h->names_bytes = 13, TRACE_E_SIZE);
    BREAK(h->names_bytes = 16, TRACE_E_SIZE);
    BREAK(h->names_bytes = 0xFFFFFFFCu, TRACE_E_SIZE);
    BREAK(h->nnames = 3, TRACE_E_NAMES);           /* only 2 names in the table */
    BREAK(h->nnames = 1, TRACE_E_NAMES);           /* "pipe\0" is then more than padding */
    BREAK(h->nnames = 0, TRACE_E_NAMES);           /* records but no names */
    BREAK(h->nnames = 70000, TRACE_E_NAMES);
    BREAK(b[24 + 11] = 'x', TRACE_E_NAMES);        /* last name unterminated */
    BREAK(b[24 + 2] = '/', TRACE_E_NAMES);         /* bad character */
    BREAK(b[24 + 6] = 'x', TRACE_E_NAMES);         /* two names run together */
    BREAK(memcpy(b + 24, "\0etpid\0pipe\0", 12), TRACE_E_NAMES);  /* empty name */
    BREAK(r[1].name = 2, TRACE_E_RECORD);
    assert_int_equal(bad, 1);
    BREAK(r[0].op = OP_COUNT, TRACE_E_RECORD);
    assert_int_equal(bad, 0);
    BREAK(r[0].result = TRACE_RES_COUNT, TRACE_E_RECORD);
    BREAK(r[1].name = 0xFFFF, TRACE_E_RECORD);
#undef BREAK

    /* padding must be NUL, at most 3 bytes: "getpid\0pip\0" + 1 pad */
    n = build_valid(buf);
    memcpy(b + 24, "getpid\0pip\0\0", 12);
    assert_int_equal(trace_validate(buf, (uint32_t)n, NULL), TRACE_OK);
    memcpy(b + 24, "getpid\0pip\0x", 12);
    assert_int_equal(trace_validate(buf, (uint32_t)n, NULL), TRACE_E_NAMES);

    /* a 63-character name is fine, 64 is not */
    {
        uint32_t big[64];
        unsigned char *bb = (unsigned char *)big;
        struct trace_header hh = { .magic = "SPLITTRC", .version = TRACE_VERSION, .nrecords = 0, .nnames = 1,
                                   .names_bytes = 64 };
        memset(big, 0, sizeof(big));
        memcpy(bb, &hh, sizeof(hh));
        memset(bb + 24, 'a', 63);
        assert_int_equal(trace_validate(big, 24 + 64, NULL), TRACE_OK);
        hh.names_bytes = 68;
        memcpy(bb, &hh, sizeof(hh));
        memset(bb + 24, 'a', 64);
        assert_int_equal(trace_validate(big, 24 + 68, NULL), TRACE_E_NAMES);
    }
}

/* Flip every byte of a valid image to every value: the validator never
 * reads outside the buffer (ASan) and never accepts a record it would reject. */
static void test_validator_mutations(void **state)
{
    (void)state;
    uint32_t buf[32];
    unsigned char *b = (unsigned char *)buf;
    size_t n = build_valid(buf);

    for (size_t i = 0; i < n; i++) {
        for (unsigned v = 0; v < 256; v++) {
            unsigned char *copy;
            uint32_t *al;
            build_valid(buf);
            b[i] = (unsigned char)v;
            /* an exact-size heap copy, so ASan sees any overread */
            al = malloc(n);
            assert_non_null(al);
            copy = (unsigned char *)al;
            memcpy(copy, b, n);
            if (trace_validate(al, (uint32_t)n, NULL) == TRACE_OK) {
                const struct trace_header *h = (const struct trace_header *)al;
                const struct trace_record *r = trace_records(al);
                for (uint32_t k = 0; k < h->nrecords; k++) {
                    assert_true(r[k].name < h->nnames);
                    assert_non_null(trace_name(al, r[k].name));
                }
            }
            free(al);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_validator_rejects),
        cmocka_unit_test(test_validator_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
