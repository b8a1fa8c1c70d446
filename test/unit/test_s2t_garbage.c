/*
 * test_s2t_garbage.c - host tests of the converter on bad input:
 * malformed lines reported, random bytes, every truncation and byte flip of
 * real lines, huge lines, too many names (ASan/UBSan watch every read);
 * and bench/traces/tiny.log converting cleanly.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ garbage */

static void test_malformed_reported(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    char line[64];

    for (int i = 1; i <= 30; i++) {
        snprintf(line, sizeof(line), i % 2 ? "garbage %d" : "getpid() = %d", i);
        s2t_feed(c, line, strlen(line));
    }
    s2t_end_file(c);
    assert_int_equal(s2t_stats(c)->malformed, 15);
    assert_int_equal(s2t_nbad(c), 15);
    assert_int_equal(s2t_bad(c, 0)->line, 1);
    assert_int_equal(s2t_bad(c, 14)->line, 29);
    assert_string_equal(s2t_bad(c, 0)->text, "garbage 1");
    assert_int_equal(s2t_nrecords(c), 15);

    for (int i = 0; i < 30; i++)
        s2t_feed(c, "x", 1);
    assert_int_equal(s2t_stats(c)->malformed, 45);
    assert_int_equal(s2t_nbad(c), S2T_MAX_BAD);
    {
        FILE *devnull = fopen("/dev/null", "w");
        static const char *const files[] = { "a.log" };
        assert_non_null(devnull);
        s2t_summary(c, devnull, files, 1);
        fclose(devnull);
    }
    s2t_free(c);
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void feed_all_and_check(struct s2t *c)
{
    s2t_end_file(c);
    assert_int_equal(s2t_error(c), 0);
    check_image(c);
    {
        FILE *devnull = fopen("/dev/null", "w");
        assert_non_null(devnull);
        s2t_summary(c, devnull, NULL, 0);
        fclose(devnull);
    }
}

static void test_garbage_random_bytes(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    unsigned char line[512];

    for (int i = 0; i < 20000; i++) {
        size_t n = rng() % sizeof(line);
        for (size_t k = 0; k < n; k++)
            line[k] = (unsigned char)rng();
        s2t_feed(c, (const char *)line, n);
    }
    /* random bytes from the strace alphabet: far more lines get deep into the parser */
    {
        static const char alpha[] = "()[]{}\"\\,=<>.-+ 0123456789xabcdefE?/*:_ resumed unfinished ...pid";
        for (int i = 0; i < 20000; i++) {
            size_t n = rng() % 200;
            for (size_t k = 0; k < n; k++)
                line[k] = (unsigned char)alpha[rng() % (sizeof(alpha) - 1)];
            s2t_feed(c, (const char *)line, n);
        }
    }
    assert_true(s2t_stats(c)->malformed > 0);
    feed_all_and_check(c);
    s2t_free(c);
}

/* Every prefix of every real line, and every line with one byte changed. */
static void test_garbage_truncations_and_flips(void **state)
{
    (void)state;
    static const char *const real[] = {
        "6383  1795272978.391129 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 6384 <0.017061>",
        "6384  1795272978.373892 execve(\"/usr/bin/ls\", [\"ls\", \"/nonexist\"], 0x55f1d10a6cc8 /* 37 vars */ <unfinished ...>",
        "[pid  6419] read(3, \"\\177ELF\\2\\1\\1\\3\"..., 832) = -1 ENOENT (No such file or directory)",
        "newfstatat(3, \"\", {st_mode=0100644 /* S_IFREG|0644 */, st_size=2996, ...}, 0x1000 /* AT_EMPTY_PATH */) = 0",
        "6383  1795272978.391180 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6384} ---",
        "6387  1795272978.403810 +++ killed by SIGKILL +++",
        "writev(2, [{iov_base=\"ls\", iov_len=2}, {iov_base=\": \", iov_len=2}], 2) = 4",
        "brk(0x55b28c2d1000)                     = 0x55b28c2d1000 <0.000012>",
        "mmap(NULL, 57663, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f79b9841000",
        "fcntl(0x1, 0x406, 0xa) = 0xa",
    };
    static const char flips[] = "\0\"\\()[]{}<>,=-x9 ";
    struct s2t *c = s2t_new();
    char buf[256];

    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
        size_t len = strlen(real[i]);
        for (size_t k = 0; k <= len; k++) {
            /* exact-size heap copy: ASan catches any read past the end */
            char *p = malloc(k ? k : 1);
            assert_non_null(p);
            memcpy(p, real[i], k);
            s2t_feed(c, p, k);
            free(p);
        }
        for (size_t k = 0; k < len; k++) {
            for (size_t f = 0; f < sizeof(flips) - 1; f++) {
                memcpy(buf, real[i], len);
                buf[k] = flips[f];
                s2t_feed(c, buf, len);
            }
        }
        /* a resumed line for each pending call, so joins get garbage too */
        s2t_feed(c, "6383  <... wait4 resumed>) = 0", 30);
    }
    assert_true(s2t_stats(c)->malformed > 0);
    assert_true(s2t_nrecords(c) > 0);
    feed_all_and_check(c);
    s2t_free(c);
}

static void test_garbage_long_lines(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    size_t big = 1u << 20;
    char *s = malloc(big + 64);
    size_t k;

    assert_non_null(s);
    /* a 1 MiB string argument: fine */
    k = (size_t)sprintf(s, "write(1, \"");
    memset(s + k, 'a', big);
    k += big;
    k += (size_t)sprintf(s + k, "\", %zu) = %zu", big, big);
    s2t_feed(c, s, k);
    assert_int_equal(s2t_nrecords(c), 1);
    assert_int_equal(rec(c, 0)->bytes, big);
    /* 1 MiB of open parens, of quotes, of spaces, of digits */
    memset(s, '(', big);
    s2t_feed(c, s, big);
    memset(s, '"', big);
    s2t_feed(c, s, big);
    memset(s, ' ', big);
    s2t_feed(c, s, big);
    memset(s, '7', big);
    s2t_feed(c, s, big);
    memcpy(s, "read(", 5);
    memset(s + 5, '[', big - 5);
    s2t_feed(c, s, big);
    s2t_feed_overlong(c, "read(3, \"", 9);
    assert_int_equal(s2t_stats(c)->malformed, 5);  /* the spaces are a blank line */
    assert_int_equal(s2t_stats(c)->empty, 1);
    free(s);
    feed_all_and_check(c);
    s2t_free(c);
}

static void test_too_many_names(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    char line[64];

    for (unsigned i = 0; i < TRACE_MAX_NAMES + 10; i++) {
        snprintf(line, sizeof(line), "sys_%u() = 0", i);
        s2t_feed(c, line, strlen(line));
    }
    assert_int_equal(s2t_nnames(c), TRACE_MAX_NAMES);
    assert_int_equal(s2t_stats(c)->malformed, 10);
    assert_string_equal(s2t_bad(c, 0)->why, "too many distinct syscall names");
    feed_all_and_check(c);
    s2t_free(c);
}

/* bench/traces/tiny.log, the smoke-test trace, converts cleanly. */
static void test_tiny_log(void **state)
{
    (void)state;
    FILE *f = fopen(REPO_ROOT "/bench/traces/tiny.log", "rb");
    struct s2t *c;
    char line[8192];

    if (f == NULL)
        skip();
    c = s2t_new();
    while (fgets(line, sizeof(line), f))
        s2t_feed(c, line, strlen(line));
    fclose(f);
    s2t_end_file(c);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_true(s2t_nrecords(c) >= 20);
    assert_int_equal(s2t_stats(c)->exits, 1);
    assert_string_equal(rname(c, 0), "execve");
    check_image(c);
    s2t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_reported),
        cmocka_unit_test(test_garbage_random_bytes),
        cmocka_unit_test(test_garbage_truncations_and_flips),
        cmocka_unit_test(test_garbage_long_lines),
        cmocka_unit_test(test_too_many_names),
        cmocka_unit_test(test_tiny_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
