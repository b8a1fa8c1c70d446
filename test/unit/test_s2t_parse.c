/*
 * test_s2t_parse.c - host tests of the strace line parser
 * (tools/strace_parse.c): sp_parse_line() on every line shape strace writes,
 * and the argument helpers sp_split_args(), sp_arg_num(), sp_arg_str(),
 * sp_has_word(), sp_sum_field().
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ line shapes */

static void test_parse_plain_call(void **state)
{
    (void)state;
    struct sp_line L = parse("read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, -1);
    assert_false(L.has_ts);
    assert_false(L.has_dur);
    assert_span(L.name, "read");
    assert_span(L.args, "3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832");
    assert_int_equal(L.result, TRACE_RES_OK);
    assert_int_equal(L.ret, 832);

    L = parse("exit_group(0)                           = ?");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.result, TRACE_RES_UNKNOWN);
    assert_false(L.restart);

    L = parse("getpid()                                = 6418\r\n");
    assert_int_equal(L.kind, SP_CALL);
    assert_span(L.args, "");
    assert_int_equal(L.ret, 6418);
}

static void test_parse_pid_prefixes(void **state)
{
    (void)state;
    struct sp_line L = parse("6383  brk(NULL)       = 0x55f1d10a6000");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, 6383);

    L = parse("[pid  6419] set_robust_list(0x7f945ec48a20, 24) = 0");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, 6419);
    assert_span(L.name, "set_robust_list");

    L = parse("[pid 12345] close(3)                    = 0");
    assert_int_equal(L.pid, 12345);
    assert_int_equal(L.kind, SP_CALL);

    L = parse("[pid 12] +++ exited with 0 +++");
    assert_int_equal(L.kind, SP_EXIT);
    assert_int_equal(L.pid, 12);

    static const struct kind_want kinds[] = {
        { "[pid abc] close(3) = 0", SP_MALFORMED },
        { "[pid 12 close(3) = 0", SP_MALFORMED },
    };
    check_kinds(kinds);
}

static void test_parse_timestamps_durations(void **state)
{
    (void)state;
    struct sp_line L = parse("6383  1795272978.367157 brk(NULL)       = 0x55f1d10a6000 <0.000046>");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, 6383);
    assert_true(L.has_ts);
    assert_true(L.ts > 1795272978.367 && L.ts < 1795272978.368);
    assert_true(L.has_dur);
    assert_true(L.dur > 0.0000455 && L.dur < 0.0000465);
    assert_int_equal(L.result, TRACE_RES_OK);
    assert_int_equal((uint64_t)L.ret, 0x55f1d10a6000ull);

    /* -ttt without -f */
    L = parse("1795272978.367157 getuid() = 0 <0.000005>");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, -1);
    assert_true(L.has_ts);
    assert_true(L.has_dur);
    assert_int_equal(L.ret, 0);

    /* -t, -tt, -r */
    L = parse("12:34:56 getpid() = 5");
    assert_int_equal(L.kind, SP_CALL);
    assert_true(L.ts == 12 * 3600 + 34 * 60 + 56);
    L = parse("12:34:56.500000 getpid() = 5");
    assert_int_equal(L.kind, SP_CALL);
    assert_true(L.ts > 45296.49 && L.ts < 45296.51);
    L = parse("     0.000123 getpid() = 5");
    assert_int_equal(L.kind, SP_CALL);
    assert_true(L.has_ts);

    /* unfinished lines have no duration; exit lines with -ttt */
    L = parse("6383  1795272978.404080 +++ exited with 0 +++");
    assert_int_equal(L.kind, SP_EXIT);
    assert_true(L.has_ts);

    /* not durations: -y path decoration, "<unavailable>" */
    L = parse("openat(AT_FDCWD, \"/dev/null\", O_RDONLY) = 3</dev/null>");
    assert_int_equal(L.kind, SP_CALL);
    assert_false(L.has_dur);
    assert_int_equal(L.ret, 3);
    L = parse("[pid  6419] <... set_robust_list resumed>) = ? <unavailable>");
    assert_int_equal(L.kind, SP_RESUMED);
    assert_false(L.has_dur);

    static const struct kind_want kinds[] = {
        { "12:34 getpid() = 5", SP_MALFORMED },
        { "1795272978. getpid() = 5", SP_MALFORMED },
        { "6383  1795272978.404080", SP_MALFORMED },
    };
    check_kinds(kinds);
}

static void test_parse_results(void **state)
{
    (void)state;
    struct sp_line L = parse("openat(AT_FDCWD, \"/usr/lib/locale/locale-archive\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.result, TRACE_RES_ERR);
    assert_int_equal(L.err, 2);

    L = parse("wait4(-1, 0x7ffed3b9a6ec, WNOHANG, NULL) = -1 ECHILD (No child processes)");
    assert_int_equal(L.err, 10);
    L = parse("read(0, 0x7ffc, 10) = -1 EWOULDBLOCK (Resource temporarily unavailable)");
    assert_int_equal(L.err, 11);
    L = parse("foo() = -1 ENOTSUPP (Operation not supported)");   /* kernel-internal 524 */
    assert_int_equal(L.result, TRACE_RES_ERR);
    assert_int_equal(L.err, 0);
    L = parse("foo() = -1 (errno 512)");
    assert_int_equal(L.result, TRACE_RES_ERR);
    assert_int_equal(L.err, 512);

    L = parse("rt_sigsuspend([], 8) = ? ERESTARTNOHAND (To be restarted if no handler)");
    assert_int_equal(L.result, TRACE_RES_UNKNOWN);
    assert_true(L.restart);

    L = parse("mmap(NULL, 8192, 0x3, 0x22, -1, 0)      = 0x7f79b9850000");
    assert_int_equal(L.result, TRACE_RES_OK);
    assert_int_equal((uint64_t)L.ret, 0x7f79b9850000ull);
    L = parse("openat(0xffffff9c, 0x7f364fd2d0b1, 0x80000, 0) = 0x3");
    assert_int_equal(L.ret, 3);

    L = parse("poll([{fd=3, events=POLLIN}], 1, 0) = 0 (Timeout)");
    assert_int_equal(L.result, TRACE_RES_OK);
    L = parse("fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
    assert_int_equal(L.ret, 1);
    L = parse("lseek(3, -60, SEEK_CUR) = 54 <0.000030>");
    assert_int_equal(L.ret, 54);
    L = parse("foo() = -5");
    assert_int_equal(L.result, TRACE_RES_OK);
    assert_int_equal(L.ret, -5);
    L = parse("foo() = 0xffffffffffffffff");
    assert_int_equal((uint64_t)L.ret, UINT64_MAX);

    static const struct kind_want kinds[] = {
        { "foo() = 0x1ffffffffffffffff", SP_MALFORMED },
        { "foo() = 99999999999999999999999", SP_MALFORMED },
        { "foo() = abc", SP_MALFORMED },
        { "foo() = 12abc", SP_MALFORMED },
        { "foo() =", SP_MALFORMED },
        { "foo() 3", SP_MALFORMED },
        { "foo()", SP_MALFORMED },
    };
    check_kinds(kinds);
}

static void test_parse_unfinished_resumed(void **state)
{
    (void)state;
    struct sp_line L = parse("6383  1795272978.374061 wait4(-1,  <unfinished ...>");
    assert_int_equal(L.kind, SP_UNFINISHED);
    assert_int_equal(L.pid, 6383);
    assert_span(L.name, "wait4");
    assert_span(L.args, "-1,  ");

    L = parse("6383  1795272978.373615 vfork( <unfinished ...>");
    assert_int_equal(L.kind, SP_UNFINISHED);
    assert_span(L.args, " ");

    L = parse("6383  1795272978.391129 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 6384 <0.017061>");
    assert_int_equal(L.kind, SP_RESUMED);
    assert_span(L.name, "wait4");
    assert_span(L.args, "[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 6384");
    assert_true(L.has_dur);

    /* older strace: a blank after "resumed>" */
    L = parse("[pid  1234] <... read resumed> \"abc\", 4096) = 3");
    assert_int_equal(L.kind, SP_RESUMED);
    assert_span(L.args, " \"abc\", 4096) = 3");

    static const struct kind_want kinds[] = {
        { "<... resumed>) = 0", SP_MALFORMED },
        { "<... read>) = 0", SP_MALFORMED },
        { "read(3, \"abc <unfinished ...>", SP_MALFORMED },
        { "read(3) = 0 <unfinished ...>", SP_MALFORMED },
    };
    check_kinds(kinds);
}

static void test_parse_signal_exit_info(void **state)
{
    (void)state;
    struct sp_line L = parse("6383  1795272978.391180 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6384, si_uid=0, si_status=2, si_utime=0, si_stime=0} ---");
    assert_int_equal(L.kind, SP_SIGNAL);
    assert_int_equal(L.pid, 6383);
    static const struct kind_want kinds[] = {
        { "--- stopped by SIGSTOP ---", SP_SIGNAL },
        { "--- SIGCHLD {si_signo=SIGCHLD", SP_MALFORMED },
        { "+++ exited with 0 +++", SP_EXIT },
        { "6387  1795272978.403810 +++ killed by SIGKILL +++", SP_EXIT },
        { "+++ killed by SIGSEGV (core dumped) +++", SP_EXIT },
        { "+++ superseded by execve in pid 1234 +++", SP_EXIT },
        { "+++ exited with 0", SP_MALFORMED },
        { "strace: Process 6419 attached", SP_INFO },
        { "[ Process PID=1234 runs in 32 bit mode. ]", SP_INFO },
        { "", SP_EMPTY },
        { "   \t  \r\n", SP_EMPTY },
    };
    check_kinds(kinds);
}

static void test_parse_raw_and_verbose(void **state)
{
    (void)state;
    struct sp_line L = parse("newfstatat(0x3, 0x7f364fd2dc99, 0x7ffe6dc25bc0, 0x1000) = 0");
    assert_int_equal(L.kind, SP_CALL);
    L = parse("openat(-100 /* AT_FDCWD */, \"/etc/ld.so.cache\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.ret, 3);
    /* a comment holding brackets and a quote does not unbalance anything */
    L = parse("foo(1 /* ) ] } \" */, 2) = 0");
    assert_int_equal(L.kind, SP_CALL);
    assert_span(L.args, "1 /* ) ] } \" */, 2");
    L = parse("prlimit64(0, 0x3 /* RLIMIT_STACK */, NULL, {rlim_cur=8388608 /* 8192*1024 */, rlim_max=18446744073709551615 /* RLIM64_INFINITY */}) = 0");
    assert_int_equal(L.kind, SP_CALL);
    L = parse("restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0");
    assert_int_equal(L.kind, SP_CALL);
    assert_span(L.name, "restart_syscall");
}

static void test_parse_unbalanced(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "read(3, \"abc, 10) = 3",           /* unterminated string */
        "read(3, \"abc\\\", 10) = 3",       /* escaped closing quote */
        "read(3, [1, 2, 10) = 3",           /* unclosed [ */
        "read(3, [1, 2), 10) = 3",          /* mismatched */
        "read(3, {a=1], 10) = 3",
        "read(3, 10)) = 3",                 /* extra ) -> no '=' after the call */
        "read(3, 10]) = 3",
        "read(3, /* abc, 10) = 3",          /* unterminated comment */
        "read(3, 10",
        "read(",
        "read",
        "(3) = 0",
        "= 0",
        "garbage line",
        "?\?\?() = 0",
        "1234",
        "[pid",
        "<...",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sp_line L = parse(bad[i]);
        if (L.kind != SP_MALFORMED)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(L.why);
    }
}

static void test_parse_nul_bytes_and_long_names(void **state)
{
    (void)state;
    struct sp_line L;
    char buf[200];
    static const char with_nul[] = "read(3, \"a\0b\", 3) = 3";

    assert_int_equal(sp_parse_line(with_nul, sizeof(with_nul) - 1, &L), SP_CALL);
    assert_int_equal(L.ret, 3);
    assert_int_equal(sp_parse_line("read\0(3) = 0", 12, &L), SP_MALFORMED);

    memset(buf, 'a', 63);
    strcpy(buf + 63, "() = 0");
    assert_int_equal(parse(buf).kind, SP_CALL);
    memset(buf, 'a', 64);
    strcpy(buf + 64, "() = 0");
    L = parse(buf);
    assert_int_equal(L.kind, SP_MALFORMED);
    assert_string_equal(L.why, "name too long");

    /* 64 levels of nesting parse, 65 do not */
    {
        char deep[400];
        size_t k = 0;
        k += (size_t)sprintf(deep, "f(");
        for (int d = 0; d < 64; d++)
            deep[k++] = '[';
        for (int d = 0; d < 64; d++)
            deep[k++] = ']';
        strcpy(deep + k, ") = 0");
        assert_int_equal(parse(deep).kind, SP_CALL);
        k = (size_t)sprintf(deep, "f(");
        for (int d = 0; d < 65; d++)
            deep[k++] = '[';
        for (int d = 0; d < 65; d++)
            deep[k++] = ']';
        strcpy(deep + k, ") = 0");
        assert_int_equal(parse(deep).kind, SP_MALFORMED);
    }
}

/* ------------------------------------------------------------ argument helpers */

static void test_split_args(void **state)
{
    (void)state;
    struct sp_span a[8];
    struct sp_span in;
    const char *s = "AT_FDCWD, \"/a, b\", {st_mode=S_IFREG|0644, st_size=3, ...}, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0x1000 /* a, b */";

    in.p = s;
    in.n = strlen(s);
    assert_int_equal(sp_split_args(in, a, 8), 5);
    assert_span(a[0], "AT_FDCWD");
    assert_span(a[1], "\"/a, b\"");
    assert_span(a[2], "{st_mode=S_IFREG|0644, st_size=3, ...}");
    assert_span(a[3], "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]");
    assert_span(a[4], "0x1000 /* a, b */");
    assert_int_equal(sp_split_args(in, a, 2), 5);   /* counts past max */

    in.p = "  ";
    in.n = 2;
    assert_int_equal(sp_split_args(in, a, 8), 0);
    in.p = "1,";
    in.n = 2;
    assert_int_equal(sp_split_args(in, a, 8), 2);
    assert_span(a[1], "");
}

static struct sp_span sp(const char *s)
{
    struct sp_span r = { s, strlen(s) };
    return r;
}

static void test_arg_num_str_word(void **state)
{
    (void)state;
    uint64_t v;
    uint32_t len;
    int trunc;
    unsigned found;

    assert_int_equal(sp_arg_num(sp("8192"), &v), 0);
    assert_int_equal(v, 8192);
    assert_int_equal(sp_arg_num(sp("0xe13f"), &v), 0);
    assert_int_equal(v, 0xe13f);
    assert_int_equal(sp_arg_num(sp("0644"), &v), 0);
    assert_int_equal(v, 0644);
    assert_int_equal(sp_arg_num(sp("0"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(sp_arg_num(sp("-1"), &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(sp_arg_num(sp("NULL"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(sp_arg_num(sp("0x3 /* PROT_READ|PROT_WRITE */"), &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(sp_arg_num(sp("PROT_READ"), &v), -1);
    assert_int_equal(sp_arg_num(sp("NULLX"), &v), -1);
    assert_int_equal(sp_arg_num(sp("12 34"), &v), -1);
    assert_int_equal(sp_arg_num(sp("0x"), &v), -1);
    assert_int_equal(sp_arg_num(sp("089"), &v), -1);
    assert_int_equal(sp_arg_num(sp("99999999999999999999"), &v), -1);
    assert_int_equal(sp_arg_num(sp("0x12345678123456789"), &v), -1);
    assert_int_equal(sp_arg_num(sp(""), &v), -1);
    assert_int_equal(sp_arg_num(sp("5 /* unterminated"), &v), -1);

    assert_int_equal(sp_arg_str(sp("\"/etc/ld.so.cache\""), &len, &trunc), 0);
    assert_int_equal(len, 16);
    assert_false(trunc);
    assert_int_equal(sp_arg_str(sp("\"\""), &len, &trunc), 0);
    assert_int_equal(len, 0);
    /* \177 \2 \0 \x41 \n \\ \" = 7 bytes */
    assert_int_equal(sp_arg_str(sp("\"\\177\\2\\0\\x41\\n\\\\\\\"\""), &len, &trunc), 0);
    assert_int_equal(len, 7);
    assert_int_equal(sp_arg_str(sp("\"# Locale name alias data base.\\n#\"..."), &len, &trunc), 0);
    assert_int_equal(len, 32);
    assert_true(trunc);
    assert_int_equal(sp_arg_str(sp("\"abc\" /* comment */"), &len, &trunc), 0);
    assert_int_equal(len, 3);
    assert_int_equal(sp_arg_str(sp("0x7f364fd2d0b1"), &len, &trunc), -1);
    assert_int_equal(sp_arg_str(sp("NULL"), &len, &trunc), -1);
    assert_int_equal(sp_arg_str(sp("\"abc"), &len, &trunc), -1);
    assert_int_equal(sp_arg_str(sp("\"abc\\"), &len, &trunc), -1);
    assert_int_equal(sp_arg_str(sp("\"a\"b"), &len, &trunc), -1);
    assert_int_equal(sp_arg_str(sp("\""), &len, &trunc), -1);

    assert_true(sp_has_word(sp("F_DUPFD_CLOEXEC"), "F_DUPFD_CLOEXEC"));
    assert_false(sp_has_word(sp("F_DUPFD_CLOEXEC"), "F_DUPFD"));
    assert_true(sp_has_word(sp("AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH"), "AT_EMPTY_PATH"));
    assert_true(sp_has_word(sp("0x1000 /* AT_EMPTY_PATH */"), "AT_EMPTY_PATH"));
    assert_false(sp_has_word(sp("\"AT_EMPTY_PATH\""), "AT_EMPTY_PATH"));

    assert_int_equal(sp_sum_field(sp("[{iov_base=\"ab\", iov_len=2}, {iov_base=\"iov_len=9\"..., iov_len=4096}]"),
                                  "iov_len", &found), 4098);
    assert_int_equal(found, 2);
    assert_int_equal(sp_sum_field(sp("0x7ffc12345678"), "iov_len", &found), 0);
    assert_int_equal(found, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_plain_call),
        cmocka_unit_test(test_parse_pid_prefixes),
        cmocka_unit_test(test_parse_timestamps_durations),
        cmocka_unit_test(test_parse_results),
        cmocka_unit_test(test_parse_unfinished_resumed),
        cmocka_unit_test(test_parse_signal_exit_info),
        cmocka_unit_test(test_parse_raw_and_verbose),
        cmocka_unit_test(test_parse_unbalanced),
        cmocka_unit_test(test_parse_nul_bytes_and_long_names),
        cmocka_unit_test(test_split_args),
        cmocka_unit_test(test_arg_num_str_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
