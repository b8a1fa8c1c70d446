/*
 * test_s2t_futex.c - host tests of the futex pairs
 * (tools/strace_futex.c): sp_futex_kind(), and blocked FUTEX_WAITs paired
 * with the FUTEX_WAKE that ended them, on one replay word.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

static void test_futex_kind(void **state)
{
    (void)state;
    struct { const char *op; int kind; } k[] = {
        { "FUTEX_WAIT", SP_FUTEX_WAIT }, { "FUTEX_WAIT_PRIVATE", SP_FUTEX_WAIT },
        { "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", SP_FUTEX_WAIT },
        { "FUTEX_WAKE", SP_FUTEX_WAKE }, { "FUTEX_WAKE_PRIVATE", SP_FUTEX_WAKE },
        { "FUTEX_WAKE_BITSET_PRIVATE", SP_FUTEX_WAKE }, { "FUTEX_WAKE_OP_PRIVATE", SP_FUTEX_OTHER },
        { "FUTEX_WAIT_REQUEUE_PI_PRIVATE", SP_FUTEX_OTHER }, { "FUTEX_CMP_REQUEUE", SP_FUTEX_OTHER },
        { "FUTEX_LOCK_PI", SP_FUTEX_OTHER }, { "0x80", SP_FUTEX_OTHER },
    };
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        struct sp_span a = { k[i].op, strlen(k[i].op) };
        if (sp_futex_kind(a) != k[i].kind)
            fail_msg("%s: kind %d, want %d", k[i].op, sp_futex_kind(a), k[i].kind);
    }
}

/* A wait that blocked, the wake from another thread that ended it: a pair on one word. */
static void test_futex_pair_basic(void **state)
{
    (void)state;
    struct s2t *c = conv_clean(
        "500  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "501  write(1, \"x\", 1) = 1\n"
        "501  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n"
        "500  <... futex resumed>) = 0\n"
        "500  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 0\n", 4);
    assert_int_equal(s2t_stats(c)->futex_pairs, 1);
    const struct rec_want recs[] = {
        { 0, OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED },
        { 1, OP_COPY_IN, TRACE_RES_OK, 1, 1, 0 },
        { 2, OP_FUTEX_WAKE, TRACE_RES_OK, 1, 0, 0 },
        { 3, OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0 }, /* woke nobody */
    };
    check_recs(c, recs);
    assert_int_equal(s2t_stats(c)->per_op[OP_FUTEX_WAIT], 1);
    assert_int_equal(s2t_stats(c)->per_op[OP_FUTEX_WAKE], 2);
    assert_int_equal(s2t_stats(c)->per_op[OP_COPY_IN], 1);
    check_image(c);
    s2t_free(c);
}

/* No pair: another address, the waiter's own task, a wake that woke
 * nobody, a wake after the resume, a wait that failed or timed out. */
static void test_futex_pair_none(void **state)
{
    (void)state;
    struct s2t *c = conv_clean(
        "600  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "601  futex(0x5604, FUTEX_WAKE_PRIVATE, 1) = 1\n"           /* another word */
        "601  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 0\n"           /* woke nobody */
        "600  <... futex resumed>) = 0\n"
        "601  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n"           /* after the resume */
        "602  futex(0x5700, FUTEX_WAIT, 0, NULL <unfinished ...>\n"
        "602  <... futex resumed>) = -1 EAGAIN (Resource temporarily unavailable)\n"
        "603  futex(0x5700, FUTEX_WAKE, 1) = 1\n", 6);
    assert_int_equal(s2t_stats(c)->futex_pairs, 0);
    const struct rec_want recs2[] = {
        { 0, OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED }, /* unpaired: a copy-in */
        { 1, OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0 },
        { 2, OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0 },
        { 3, OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0 },
        { 4, OP_FUTEX_WAIT, TRACE_RES_ERR, 4, TRACE_FUTEX_IDLE, TRACE_F_JOINED },
        { 5, OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0 },
    };
    check_recs(c, recs2);
    s2t_free(c);

    c = conv(                                                      /* the waiter's own task */
        "610  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "610  <... futex resumed>) = 0\n"
        "610  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n");
    assert_int_equal(s2t_stats(c)->futex_pairs, 0);
    const struct rec_want recs3[] = {
        { 0, OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED },
    };
    check_recs(c, recs3);
    s2t_free(c);
}

/* A broadcast that woke two: both waits pair with it, on its word; two
 * wakes of one each: each wait gets its own wake and word, first come
 * first served. */
static void test_futex_pair_counts(void **state)
{
    (void)state;
    struct s2t *c = conv_clean(
        "700  futex(0x5600, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
        "701  futex(0x5600, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
        "702  futex(0x5600, FUTEX_WAKE_PRIVATE, 2147483647) = 2\n"
        "700  <... futex resumed>) = 0\n"
        "701  <... futex resumed>) = 0\n"
        "700  futex(0x5608, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
        "701  futex(0x5608, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
        "702  futex(0x5608, FUTEX_WAKE_PRIVATE, 1) = 1\n"
        "700  <... futex resumed>) = 0\n"
        "702  futex(0x5608, FUTEX_WAKE_PRIVATE, 1) = 1\n"
        "701  <... futex resumed>) = 0\n", 7);
    assert_int_equal(s2t_stats(c)->futex_pairs, 4);
    const struct rec_want recs4[] = {
        { 0, OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED },
        { 1, OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED },
        { 2, OP_FUTEX_WAKE, TRACE_RES_OK, 2, 0, 0 },
        { 3, OP_FUTEX_WAIT, TRACE_RES_OK, 4, 1, TRACE_F_JOINED },
        { 4, OP_FUTEX_WAIT, TRACE_RES_OK, 4, 2, TRACE_F_JOINED },
        { 5, OP_FUTEX_WAKE, TRACE_RES_OK, 1, 1, 0 },
        { 6, OP_FUTEX_WAKE, TRACE_RES_OK, 1, 2, 0 },
    };
    check_recs(c, recs4);
    check_image(c);
    s2t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_futex_kind),
        cmocka_unit_test(test_futex_pair_basic),
        cmocka_unit_test(test_futex_pair_none),
        cmocka_unit_test(test_futex_pair_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
