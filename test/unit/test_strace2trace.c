/*
 * test_strace2trace.c - host tests for the strace -> SPLITTRC converter
 * (tools/strace_parse.c, strace_map.c, strace_conv.c) and for the trace
 * validator the kernel's replay module uses (src/kernel/uapi/trace.h).
 *
 * The strace lines below are real strace 6.1 output (x86-64 host), cut from
 * `strace -o`, `strace -f -ttt -T -o`, `strace -ff -o`, `-X raw`,
 * `-X verbose`, `-e raw=all` and strace writing to stderr, with a few edited
 * by hand for cases a short run does not show. Every conversion is also
 * serialized and passed through trace_validate(), and the image's records
 * compared with the converter's, so the format and the validator are tested
 * on every input, garbage included.
 */
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

/* ------------------------------------------------------------ helpers */

static struct sp_line parse(const char *s)
{
    struct sp_line L;
    sp_parse_line(s, strlen(s), &L);
    return L;
}

static int span_is(struct sp_span sp, const char *s)
{
    return sp.n == strlen(s) && memcmp(sp.p, s, sp.n) == 0;
}

#define assert_span(sp, s) do { \
        if (!span_is((sp), (s))) \
            fail_msg("span \"%.*s\" != \"%s\"", (int)(sp).n, (sp).p, (s)); \
    } while (0)

/* Serialize c, copy the image into an aligned buffer, validate it, and
 * check that header and records agree with the converter. */
static void check_image(const struct s2t *c)
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
static struct s2t *conv_pid(const char *text, long default_pid)
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

static struct s2t *conv(const char *text) { return conv_pid(text, 0); }

static const struct trace_record *rec(const struct s2t *c, size_t i)
{
    assert_true(i < s2t_nrecords(c));
    return &s2t_records(c)[i];
}

static const char *rname(const struct s2t *c, size_t i)
{
    return s2t_name(c, rec(c, i)->name);
}

/* One record from one line. */
static struct trace_record one(const char *line)
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

#define assert_rec(r, OP, RES, BYTES, AUX, FLAGS) do { \
        struct trace_record r_ = (r); \
        assert_int_equal(r_.op, (OP)); \
        assert_int_equal(r_.result, (RES)); \
        assert_int_equal(r_.bytes, (BYTES)); \
        assert_int_equal(r_.aux, (AUX)); \
        assert_int_equal(r_.flags, (FLAGS)); \
    } while (0)

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

    L = parse("[pid abc] close(3) = 0");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("[pid 12 close(3) = 0");
    assert_int_equal(L.kind, SP_MALFORMED);
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

    L = parse("12:34 getpid() = 5");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("1795272978. getpid() = 5");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("6383  1795272978.404080");
    assert_int_equal(L.kind, SP_MALFORMED);
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

    assert_int_equal(parse("foo() = 0x1ffffffffffffffff").kind, SP_MALFORMED);
    assert_int_equal(parse("foo() = 99999999999999999999999").kind, SP_MALFORMED);
    assert_int_equal(parse("foo() = abc").kind, SP_MALFORMED);
    assert_int_equal(parse("foo() = 12abc").kind, SP_MALFORMED);
    assert_int_equal(parse("foo() =").kind, SP_MALFORMED);
    assert_int_equal(parse("foo() 3").kind, SP_MALFORMED);
    assert_int_equal(parse("foo()").kind, SP_MALFORMED);
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

    L = parse("<... resumed>) = 0");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("<... read>) = 0");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("read(3, \"abc <unfinished ...>");
    assert_int_equal(L.kind, SP_MALFORMED);
    L = parse("read(3) = 0 <unfinished ...>");
    assert_int_equal(L.kind, SP_MALFORMED);
}

static void test_parse_signal_exit_info(void **state)
{
    (void)state;
    struct sp_line L = parse("6383  1795272978.391180 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6384, si_uid=0, si_status=2, si_utime=0, si_stime=0} ---");
    assert_int_equal(L.kind, SP_SIGNAL);
    assert_int_equal(L.pid, 6383);
    assert_int_equal(parse("--- stopped by SIGSTOP ---").kind, SP_SIGNAL);
    assert_int_equal(parse("--- SIGCHLD {si_signo=SIGCHLD").kind, SP_MALFORMED);

    assert_int_equal(parse("+++ exited with 0 +++").kind, SP_EXIT);
    assert_int_equal(parse("6387  1795272978.403810 +++ killed by SIGKILL +++").kind, SP_EXIT);
    assert_int_equal(parse("+++ killed by SIGSEGV (core dumped) +++").kind, SP_EXIT);
    assert_int_equal(parse("+++ superseded by execve in pid 1234 +++").kind, SP_EXIT);
    assert_int_equal(parse("+++ exited with 0").kind, SP_MALFORMED);

    assert_int_equal(parse("strace: Process 6419 attached").kind, SP_INFO);
    assert_int_equal(parse("[ Process PID=1234 runs in 32 bit mode. ]").kind, SP_INFO);
    assert_int_equal(parse("").kind, SP_EMPTY);
    assert_int_equal(parse("   \t  \r\n").kind, SP_EMPTY);
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

/* ------------------------------------------------------------ mapping */

static void test_map_copy_out(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 832, 832, 0);
    r = one("read(3, \"# Locale name alias data base.\\n#\"..., 4096) = 2996");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 2996, 4096, 0);
    r = one("read(3, \"\", 4096)                       = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 0, 4096, 0);
    r = one("read(0, 0x7ffc46b22260, 4096) = -1 EAGAIN (Resource temporarily unavailable)");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_ERR, 0, 4096, 0);
    assert_int_equal(r.err, 11);
    r = one("pread64(3, \"\\6\\0\\0\\0\\4\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0\"..., 784, 64) = 784");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 784, 784, 0);
    r = one("readv(3, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"\", iov_len=1024}], 2) = 3");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 3, 1027, 0);
    r = one("recvfrom(3, \"\\1\\2\", 2048, 0, NULL, NULL) = 2");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 2, 2048, 0);
    r = one("getdents64(3, 0x55b9e2e5a2d0 /* 42 entries */, 32768) = 1448");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 1448, 32768, 0);
    r = one("getrandom(\"\\xb7\\x47\\xb8\\xe3\\x31\\xe5\\x9f\\x94\", 8, GRND_NONBLOCK) = 8");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    /* -e raw=all: everything hex */
    r = one("read(0x3, 0x7ffe6dc25d28, 0x340)        = 0x340");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 0x340, 0x340, 0);
}

static void test_map_copy_in(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("write(1, \"hi\\n\", 3)                   = 3");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 3, 3, 0);
    r = one("write(1, \"partial\", 7) = 4");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 4, 7, 0);
    r = one("write(1, \"hello\", 5) = -1 EPIPE (Broken pipe)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_ERR, 5, 5, TRACE_F_FROM_ARG);
    assert_int_equal(r.err, 32);
    r = one("writev(2, [{iov_base=\"ls\", iov_len=2}, {iov_base=\": \", iov_len=2}], 2) = 4");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 4, 4, 0);
    r = one("writev(2, [{iov_base=\"ls\", iov_len=2}, {iov_base=\": \", iov_len=2}], 2) = -1 EBADF (Bad file descriptor)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_ERR, 4, 4, TRACE_F_FROM_ARG);
    r = one("sendto(3, \"\\24\\0\\0\\0\", 20, MSG_NOSIGNAL, NULL, 0) = 20");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 20, 20, 0);
    r = one("pwrite64(3, \"x\", 1, 100) = 1");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 1, 1, 0);
    r = one("sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = -1 ENOTCONN (Transport endpoint is not connected)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_ERR, 3, 3, TRACE_F_FROM_ARG);
}

static void test_map_path(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 16, 0, 0);
    r = one("open(\"/etc/passwd\", O_RDONLY) = -1 ENOENT (No such file or directory)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 11, 0, 0);
    assert_int_equal(r.err, 2);
    r = one("access(\"/etc/ld.so.preload\", R_OK)      = -1 ENOENT (No such file or directory)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 18, 0, 0);
    r = one("stat(\"/tmp\", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 4, 96, 0);
    r = one("lstat(\"/nonexist\", 0x7ffc46b22260) = -1 ENOENT (No such file or directory)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 9, 0, 0);
    r = one("newfstatat(AT_FDCWD, \"/usr/bin/ls\", {st_mode=S_IFREG|0755, st_size=151344, ...}, 0) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 11, 96, 0);
    r = one("readlink(\"/usr/bin/gcc\", \"gcc-12\", 1023) = 6");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 12, 6, 0);
    r = one("readlink(\"/usr\", 0x7fff237868a0, 1023) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 4, 0, 0);
    r = one("faccessat2(AT_FDCWD, \"/x\", X_OK, AT_EACCESS) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 2, 0, 0);
    r = one("rename(\"/tmp/a\", \"/tmp/bb\") = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 13, 0, 0);
    r = one("renameat2(AT_FDCWD, \"a\", AT_FDCWD, \"bb\", RENAME_NOREPLACE) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 3, 0, 0);
    r = one("statfs(\"/\", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ...}) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 1, 84, 0);
    /* escapes count decoded bytes; a truncated string counts what is shown */
    r = one("openat(AT_FDCWD, \"/tmp/a\\nb\\x41\", O_RDONLY) = 3");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 9, 0, 0);
    r = one("openat(AT_FDCWD, \"/a/very/long/path/that/strace/cut\"..., O_RDONLY) = 3");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 33, 0, TRACE_F_TRUNCATED);
    /* -e raw=all: a pointer instead of the path */
    r = one("openat(0xffffff9c, 0x7f364fd2d0b1, 0x80000, 0) = 0x3");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 0, 0, TRACE_F_NOSTRING);
    /* -X verbose */
    r = one("openat(-100 /* AT_FDCWD */, \"/etc/ld.so.cache\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 16, 0, 0);
    r = one("utimensat(3, NULL, [UTIME_NOW, UTIME_NOW], 0) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 0, 0, TRACE_F_NOSTRING);
}

static void test_map_stat_out(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=57663, ...}, AT_EMPTY_PATH) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("newfstatat(3, \"\", {st_mode=0100644, st_size=57663, ...}, 0x1000) = 0");            /* -X raw */
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("newfstatat(3, \"\", {st_mode=0100644 /* S_IFREG|0644 */, st_size=2996, ...}, 0x1000 /* AT_EMPTY_PATH */) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("newfstatat(0x3, 0x7f364fd2dc99, 0x7ffe6dc25bc0, 0x1000) = 0");                    /* -e raw=all */
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("newfstatat(99, \"\", 0x7ffe6dc25bc0, AT_EMPTY_PATH) = -1 EBADF (Bad file descriptor)");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_ERR, 0, 96, 0);
    r = one("statx(3, \"\", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_BASIC_STATS, ...}) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 256, 256, 0);
    r = one("statx(AT_FDCWD, \"/usr/bin\", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE, {stx_mask=STATX_BASIC_STATS, ...}) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 8, 256, 0);
    r = one("fstatat64(3, \"\", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("fstat(3, {st_mode=S_IFREG|0644, st_size=2996, ...}) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("fstat64(3, {st_mode=S_IFREG|0644, st_size=2996, ...}) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    r = one("fstatfs(3, {f_type=TMPFS_MAGIC, ...}) = 0");
    assert_rec(r, OP_STAT_OUT, TRACE_RES_OK, 84, 84, 0);
    /* a non-empty path with AT_EMPTY_PATH is still a path */
    r = one("newfstatat(3, \"x\", 0x7ffe6dc25bc0, AT_EMPTY_PATH) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 1, 96, 0);
}

static void test_map_memory(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f6b13a3d000");
    /* A task's first mapping sits in the middle of the trace arena. */
    assert_rec(r, OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0);
    r = one("mmap(NULL, 57663, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f79b9841000");
    assert_rec(r, OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15 | TRACE_AT_READ, 0);
    r = one("mmap(0, 0xe13f, 0x1, 0x2, 0x3, 0)       = 0x7f364fceb000");                       /* raw */
    assert_rec(r, OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15 | TRACE_AT_READ, 0);
    r = one("mmap2(NULL, 4097, PROT_READ|PROT_EXEC, MAP_PRIVATE, 3, 0) = 0xb7f00000");
    assert_rec(r, OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 2 | TRACE_AT_READ, 0);
    r = one("mmap(NULL, 1099511627776, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = -1 ENOMEM (Cannot allocate memory)");
    assert_rec(r, OP_MAP, TRACE_RES_ERR, 0xFFFFF000u, 0x10000000u, TRACE_F_TRUNCATED);
    r = one("munmap(0x7f79b9841000, 57663)           = 0");
    assert_rec(r, OP_UNMAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 15, 0);
    r = one("mprotect(0x7f79b982e000, 16384, PROT_READ) = 0");
    assert_rec(r, OP_PROTECT_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 4 | TRACE_AT_READ, 0);
    r = one("mprotect(0x7f79b982e000, 4096, PROT_NONE) = -1 ENOMEM (Cannot allocate memory)");
    assert_rec(r, OP_PROTECT_AT, TRACE_RES_ERR, TRACE_ARENA_PAGES / 2, 1, 0);
    r = one("munmap(0x7f79b982e001, 4096)            = -1 EINVAL (Invalid argument)");   /* misaligned */
    assert_rec(r, OP_UNMAP, TRACE_RES_ERR, 4096, 1, 0);
    r = one("mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 3, 0) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_MAP, TRACE_RES_ERR, 0, 0, 0);
}

/* OP_*_AT: addresses become page indexes from the task's first mapping
 * (half the arena up), below it too, wrapped into the arena; each task has
 * its own anchor; exec forgets it. */
static void test_map_at_addresses(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000\n"
        "100 mmap(NULL, 40960, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000000000\n"
        "100 mmap(0x7f0000002000, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, 3, 0x1000) = 0x7f0000002000\n"
        "100 mprotect(0x7f0000004000, 4096, PROT_NONE) = 0\n"
        "100 munmap(0x7f0000010000, 8192) = 0\n"
        "100 munmap(0x7f0100000000, 4096) = 0\n"
        "200 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f5500000000\n");
    const uint32_t mid = TRACE_ARENA_PAGES / 2;
    assert_int_equal(s2t_nrecords(c), 7);
    assert_rec(*rec(c, 0), OP_MAP_AT, TRACE_RES_OK, mid, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0);
    assert_rec(*rec(c, 1), OP_MAP_AT, TRACE_RES_OK, mid - 16, 10 | TRACE_AT_READ, 0);
    assert_rec(*rec(c, 2), OP_MAP_AT, TRACE_RES_OK, mid - 14, 2 | TRACE_AT_READ | TRACE_AT_WRITE, 0);
    assert_rec(*rec(c, 3), OP_PROTECT_AT, TRACE_RES_OK, mid - 12, 1, 0);
    assert_rec(*rec(c, 4), OP_UNMAP_AT, TRACE_RES_OK, mid, 2, 0);
    /* 2^20 - 16 pages up (4 GiB less 64 KiB): wrapped into the arena */
    assert_rec(*rec(c, 5), OP_UNMAP_AT, TRACE_RES_OK, (mid + (1u << 20) - 16) % TRACE_ARENA_PAGES, 1, 0);
    assert_rec(*rec(c, 6), OP_MAP_AT, TRACE_RES_OK, mid, 1 | TRACE_AT_READ, 0);   /* its own anchor */
    s2t_free(c);
}

static void test_map_brk(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "100  brk(NULL)       = 0x55f1d10a6000\n"
        "100  brk(0x55f1d10c7000) = 0x55f1d10c7000\n"
        "200  brk(NULL)       = 0x5586868e3000\n"
        "100  brk(0x55f1d10b7000) = 0x55f1d10b7000\n"
        "100  brk(0x7fffffffffff) = 0x55f1d10b7000\n"
        "100  execve(\"/bin/true\", [\"true\"], 0x7ffc /* 3 vars */) = 0\n"
        "100  brk(NULL)       = 0x5600000000\n"
        "100  brk(0x5600001000) = 0x5600001000\n"
        "100  +++ exited with 0 +++\n"
        "100  brk(NULL)       = 0x5700000000\n");

    assert_int_equal(s2t_nrecords(c), 9);
    assert_rec(*rec(c, 0), OP_BRK, TRACE_RES_OK, 0, 0, 0);
    assert_rec(*rec(c, 1), OP_BRK, TRACE_RES_OK, 0x21000, 0x21000, 0);
    assert_rec(*rec(c, 2), OP_BRK, TRACE_RES_OK, 0, 0, 0);          /* another pid: its own base */
    assert_int_equal(rec(c, 2)->task, 1);
    assert_rec(*rec(c, 3), OP_BRK, TRACE_RES_OK, 0x10000, 0x11000, TRACE_F_SHRINK);
    assert_rec(*rec(c, 4), OP_BRK, TRACE_RES_OK, 0, 0x11000, 0);    /* refused: break unchanged */
    assert_rec(*rec(c, 6), OP_BRK, TRACE_RES_OK, 0, 0, 0);          /* new image, new base */
    assert_rec(*rec(c, 7), OP_BRK, TRACE_RES_OK, 0x1000, 0x1000, 0);
    assert_rec(*rec(c, 8), OP_BRK, TRACE_RES_OK, 0, 0, 0);          /* pid reused */
    s2t_free(c);
}

static void test_map_fd_and_null(void **state)
{
    (void)state;
    static const char *const nulls[] = {
        "getpid() = 6418", "getppid() = 6413", "getuid() = 0", "geteuid() = 0", "getgid() = 0",
        "getegid() = 0", "gettid() = 12", "getuid32() = 0", "sched_yield() = 0", "umask(022) = 022",
        "set_tid_address(0x7f79b965ca10)         = 6358", "getpgrp() = 1",
    };
    struct trace_record r;

    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
        r = one(nulls[i]);
        assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    }
    r = one("close(3)                                = 0");
    assert_rec(r, OP_CLOSE, TRACE_RES_OK, 0, 0, 0);
    r = one("close(-1) = -1 EBADF (Bad file descriptor)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);
    assert_int_equal(r.err, 9);
    r = one("lseek(3, 0, SEEK_SET) = 0");
    assert_rec(r, OP_SEEK, TRACE_RES_OK, 0, 0, 0);
    r = one("_llseek(3, 0, [0], SEEK_SET) = 0");
    assert_rec(r, OP_SEEK, TRACE_RES_OK, 8, 0, 0);
    r = one("dup(1) = 3");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("dup2(4, 1) = 1");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("dup3(4, 1, O_CLOEXEC) = 1");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(1, F_DUPFD, 10) = 10");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(1, F_DUPFD_CLOEXEC, 10) = 10");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(0x1, 0x406, 0xa) = 0xa");                          /* -e raw=all */
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(0, F_GETFD) = 0");                                /* fd flags: no memory */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl64(3, F_SETFD, FD_CLOEXEC) = 0");
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(0x3, 0x3) = 0x8002");                               /* F_GETFL, -e raw=all */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("fcntl(3, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0");
    assert_rec(r, OP_SKIP, TRACE_RES_OK, 0, 0, 0);
    r = one("pipe2([3, 4], 0) = 0");
    assert_rec(r, OP_PIPE, TRACE_RES_OK, 8, 0, 0);
    r = one("pipe([3, 4]) = 0");
    assert_rec(r, OP_PIPE, TRACE_RES_OK, 8, 0, 0);
    r = one("pipe2(0x1, 0) = -1 EFAULT (Bad address)");
    assert_rec(r, OP_PIPE, TRACE_RES_ERR, 0, 0, 0);
}

/* The traffic model: small struct copies replayed as a copy of the same bytes. */
static void test_map_traffic_model(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 390, 390, 0);
    r = one("uname(NULL) = -1 EFAULT (Bad address)");
    assert_rec(r, OP_NULL, TRACE_RES_ERR, 0, 0, 0);
    /* act copied in, oldact copied out: one copy of both */
    r = one("rt_sigaction(SIGINT, {sa_handler=0x55a1, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f}, "
            "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 40, 40, 0);
    r = one("rt_sigaction(SIGQUIT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 20, 20, 0);
    r = one("rt_sigaction(SIGKILL, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, NULL, 8) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_ERR, 20, 20, 0);
    r = one("rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 16, 16, 0);
    r = one("rt_sigprocmask(SIG_BLOCK, NULL, [], 8) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    r = one("rt_sigprocmask(0x2, 0, 0, 0x8) = 0");                     /* -e raw=all: nothing moves */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 16, 16, 0);
    r = one("futex(0x7f9a4c1fe910, FUTEX_WAKE_PRIVATE, 1) = 0");     /* a wake of nobody: its own call */
    assert_rec(r, OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0);
    r = one("futex(0x55e0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)");
    assert_rec(r, OP_FUTEX_WAIT, TRACE_RES_ERR, 4, TRACE_FUTEX_IDLE, 0);  /* a wait that failed: -EAGAIN */
    r = one("futex(0x55e0, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, 0x55e4, 2) = 1");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 4, 4, 0);                 /* other ops: the word's copy-in */
    r = one("poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN}], 2, -1) = 1 ([{fd=3, revents=POLLIN}])");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 32, 32, 0);
    r = one("ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 16, 16, 0);
    r = one("ioctl(1, TCGETS, {B38400 opost isig icanon echo ...}) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 36, 36, 0);
    r = one("ioctl(3, TCGETS, 0x7ffc4d2c8b40) = -1 ENOTTY (Inappropriate ioctl for device)");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_ERR, 0, 36, 0);
    r = one("ioctl(0x1, 0x5413, 0x7ffd1e0f2a40) = 0");                 /* TIOCGWINSZ, -e raw=all */
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    r = one("ioctl(1, TCSETSW, {B38400 opost isig icanon echo ...}) = 0");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 36, 36, 0);
    r = one("ioctl(3, BTRFS_IOC_CLONE or FICLONE, 4) = 0");
    assert_rec(r, OP_SKIP, TRACE_RES_OK, 0, 0, 0);
}

/* Process start-up: arch_prctl, set_robust_list, rseq (Linux kernel/rseq.c),
 * set_thread_area (arch/x86/kernel/tls.c), and fadvise64. */
static void test_map_startup_calls(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("arch_prctl(ARCH_SET_FS, 0x7fb451ea6740) = 0");
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("arch_prctl(0x1002 /* ARCH_SET_FS */, 0x7fb451ea6740) = 0");        /* -X verbose */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("arch_prctl(ARCH_GET_FS, [0x7fb451ea6740]) = 0");                   /* an unsigned long out */
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    r = one("arch_prctl(0x1004, 0x7ffe2f5d8a50) = -1 EFAULT (Bad address)");    /* ARCH_GET_GS, -X raw */
    assert_rec(r, OP_COPY_OUT, TRACE_RES_ERR, 0, 8, 0);
    r = one("arch_prctl(0x3001 /* ARCH_??? */, 0x7ffe2f5d8a50) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);                           /* fails before any copy */
    r = one("arch_prctl(0x3001 /* ARCH_??? */, 0x7ffe2f5d8a50) = 0");           /* unknown and succeeded */
    assert_rec(r, OP_SKIP, TRACE_RES_OK, 0, 0, 0);

    r = one("set_robust_list(0x7fb451ea6a20, 24) = 0");                         /* the kernel keeps the pointer */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("set_robust_list(0x7fb451ea6a20, 23) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);

    r = one("rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = 0");     /* rseq_cs read, cpu_id_start + cpu_id written */
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 16, 16, 0);
    r = one("rseq(0x7fb451ea7060, 0x20, RSEQ_FLAG_UNREGISTER, 0x53053053) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    r = one("rseq(0x7fb451ea7060, 0x20, 0x1, 0x53053053) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0);
    r = one("rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = -1 EBUSY (Device or resource busy)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);
    r = one("rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = -1 ENOSYS (Function not implemented)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);

    r = one("set_thread_area({entry_number=-1, base_addr=0xf7d8a6c0, limit=0x0fffff, seg_32bit=1, "
            "contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=12)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 20, 20, 0);           /* struct user_desc in, entry_number out */
    r = one("set_thread_area({entry_number=12, base_addr=0xf7d8a6c0, limit=0x0fffff, seg_32bit=1, "
            "contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 16, 16, 0);
    r = one("set_thread_area(0xffd4a3b0) = 0");                                 /* not shown: glibc's -1 */
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 20, 20, 0);
    r = one("set_thread_area({entry_number=-1, base_addr=0, limit=0}) = -1 ESRCH (No such process)");
    assert_rec(r, OP_COPY_IN, TRACE_RES_ERR, 16, 20, 0);

    r = one("fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0");
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
    r = one("fadvise64(5, 0, 0, POSIX_FADV_SEQUENTIAL) = -1 ESPIPE (Illegal seek)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);
    r = one("fadvise64_64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0");                /* i386 */
    assert_rec(r, OP_NULL, TRACE_RES_OK, 0, 0, 0);
}

/* sysinfo / getrusage copy a struct out (i386 sizes: 64, 72). */
static void test_map_struct_out_calls(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("sysinfo({uptime=3381, loads=[191584, 114176, 98496], totalram=25276514304, freeram=23571652608, "
            "sharedram=8998912, bufferram=3641344, totalswap=0, freeswap=0, procs=113, totalhigh=0, freehigh=0, "
            "mem_unit=1}) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 64, 64, 0);
    r = one("sysinfo(0xdead) = -1 EFAULT (Bad address)");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_ERR, 0, 64, 0);          /* replayed as a failing read */
    r = one("getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=4401}, ...}) = 0");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_OK, 72, 72, 0);
    r = one("getrusage(0x7 /* RUSAGE_??? */, 0x7ffd1e0f2a40) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_COPY_OUT, TRACE_RES_ERR, 0, 72, 0);          /* replayed as a failing read */
}

/* socket: an fd, no copy; connect: the sockaddr in, then (AF_UNIX) a lookup. */
static void test_map_socket_calls(void **state)
{
    (void)state;
    struct trace_record r;

    r = one("socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 6");
    assert_rec(r, OP_DUP, TRACE_RES_OK, 0, 0, 0);
    r = one("socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = -1 EAFNOSUPPORT (Address family not supported by protocol)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);
    /* nscd: 110 bytes copied in, the path lookup fails: a 109-byte path + NUL that does not exist */
    r = one("connect(6, {sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}, 110) = -1 ENOENT (No such file or directory)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 109, 0, 0);
    assert_int_equal(r.err, 2);
    r = one("connect(3, {sa_family=AF_UNIX, sun_path=\"/run/dbus/system_bus_socket\"}, 110) = 0");
    assert_rec(r, OP_PATH, TRACE_RES_OK, 109, 0, 0);
    r = one("connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"127.0.0.53\")}, 16) = 0");
    assert_rec(r, OP_COPY_IN, TRACE_RES_OK, 16, 16, 0);
    r = one("connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = "
            "-1 ECONNREFUSED (Connection refused)");
    assert_rec(r, OP_PATH, TRACE_RES_ERR, 15, 0, 0);              /* 16 bytes in, then a failure */
    r = one("connect(9, {sa_family=AF_UNIX, sun_path=\"/x\"}, 110) = -1 EBADF (Bad file descriptor)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);              /* fdget() fails first: no copy */
    r = one("connect(3, 0x7ffd1e0f2a40, 4096) = -1 EINVAL (Invalid argument)");
    assert_rec(r, OP_CLOSE, TRACE_RES_ERR, 0, 0, 0);              /* addrlen > sockaddr_storage */
}

/* mremap: grown in place maps the added pages, shrunk unmaps the cut ones, moved maps the new range. */
static void test_map_mremap(void **state)
{
    (void)state;
    const uint32_t mid = TRACE_ARENA_PAGES / 2, rw = TRACE_AT_READ | TRACE_AT_WRITE;
    struct s2t *c = conv(
        "mmap(NULL, 335872, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fa9e0904000\n"
        "mremap(0x7fa9e0904000, 335872, 667648, MREMAP_MAYMOVE) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 667648, 675840, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 675840, 8192, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 8192, 8000, 0) = 0x7fa9e0861000\n"
        "mremap(0x7fa9e0861000, 8192, 1073741824, 0) = -1 ENOMEM (Cannot allocate memory)\n"
        "mremap(0x7fa9e0861001, 8192, 16384, 0) = -1 EINVAL (Invalid argument)\n"
        "mremap(0x7fa9e0861000, 8192) = 0x7fa9e0861000\n");

    assert_int_equal(s2t_nrecords(c), 8);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_rec(*rec(c, 0), OP_MAP_AT, TRACE_RES_OK, mid, 82 | rw, 0);
    /* moved 163 pages down: its new range ends where the old one began */
    assert_rec(*rec(c, 1), OP_MAP_AT, TRACE_RES_OK, mid - 163, 163 | rw, 0);
    assert_rec(*rec(c, 2), OP_MAP_AT, TRACE_RES_OK, mid - 163 + 163, 2 | rw, 0);   /* grown in place */
    assert_rec(*rec(c, 3), OP_UNMAP_AT, TRACE_RES_OK, mid - 163 + 2, 163, 0);      /* 165 -> 2 pages */
    assert_rec(*rec(c, 4), OP_NULL, TRACE_RES_OK, 0, 0, 0);                        /* same page count */
    assert_rec(*rec(c, 5), OP_MAP, TRACE_RES_ERR, 1073741824, 262144, 0);          /* refused */
    assert_rec(*rec(c, 6), OP_MAP, TRACE_RES_ERR, 16384, 4, 0);
    assert_rec(*rec(c, 7), OP_SKIP, TRACE_RES_OK, 0, 0, 0);                        /* lengths not shown */
    s2t_free(c);
}

static void test_map_skip_is_kept_and_counted(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "kill(1234, SIGTERM) = 0\n"
        "getpid() = 1\n"
        "kill(1235, SIGTERM) = 0\n"
        "syscall_0x1b4(0x1, 0x2) = -1 ENOSYS (Function not implemented)\n"
        "rt_sigreturn({mask=[]}) = 0\n"
        "exit_group(0) = ?\n"
        "+++ exited with 0 +++\n");

    assert_int_equal(s2t_nrecords(c), 6);
    assert_int_equal(s2t_stats(c)->per_op[OP_SKIP], 4);
    assert_int_equal(s2t_stats(c)->per_op[OP_NULL], 1);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXIT], 1);
    assert_int_equal(s2t_stats(c)->exits, 1);
    assert_string_equal(rname(c, 0), "kill");
    assert_int_equal(rec(c, 0)->op, OP_SKIP);
    assert_int_equal(rec(c, 0)->name, rec(c, 2)->name);
    assert_int_equal(s2t_name_count(c, rec(c, 0)->name), 2);
    assert_string_equal(rname(c, 3), "syscall_0x1b4");
    assert_int_equal(rec(c, 3)->err, 38);
    assert_int_equal(rec(c, 5)->result, TRACE_RES_UNKNOWN);
    assert_int_equal(s2t_nnames(c), 5);
    s2t_free(c);
}

/* Every table name is unique and has a valid op, and docs/trace-format.md names it. */
static void test_map_table_sane_and_documented(void **state)
{
    (void)state;
    FILE *f = fopen(REPO_ROOT "/docs/trace-format.md", "rb");
    char *doc;
    long len;

    for (size_t i = 0; i < sp_map_table_len; i++) {
        const struct sp_map_entry *e = &sp_map_table[i];
        assert_true(e->op < OP_COUNT);
        assert_true(strlen(e->name) <= SP_NAME_MAX);
        assert_ptr_equal(sp_map_lookup(e->name, strlen(e->name)), e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(sp_map_table[j].name, e->name) == 0)
                fail_msg("duplicate table entry %s", e->name);
    }
    assert_null(sp_map_lookup("kill", 4));
    assert_null(sp_map_lookup("rea", 3));
    assert_null(sp_map_lookup("reads", 5));

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    doc = calloc(1, (size_t)len + 1);
    assert_non_null(doc);
    assert_int_equal(fread(doc, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    for (size_t i = 0; i < sp_map_table_len; i++) {
        char want[80];
        snprintf(want, sizeof(want), "`%s`", sp_map_table[i].name);
        if (strstr(doc, want) == NULL)
            fail_msg("docs/trace-format.md does not mention %s", want);
    }
    for (unsigned op = 0; op < OP_COUNT; op++) {
        char want[40];
        if (trace_op_name(op)[0] == '?')
            fail_msg("op %u has no name in trace_op_name()", op);
        snprintf(want, sizeof(want), "OP_%s", trace_op_name(op));
        if (strstr(doc, want) == NULL)
            fail_msg("docs/trace-format.md does not mention %s", want);
    }
    free(doc);
}

/* ------------------------------------------------------------ -f traces: joining */

/* Real `strace -f -ttt -T -o` output of `sh -c 'ls /nonexist; ...'`, cut. */
static const char fork_log[] =
    "6383  1795272978.373515 rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], NULL, 8) = 0 <0.000043>\n"
    "6383  1795272978.373615 vfork( <unfinished ...>\n"
    "6384  1795272978.373768 rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0 <0.000045>\n"
    "6384  1795272978.373892 execve(\"/usr/bin/ls\", [\"ls\", \"/nonexist\"], 0x55f1d10a6cc8 /* 37 vars */ <unfinished ...>\n"
    "6383  1795272978.374013 <... vfork resumed>) = 6384 <0.000391>\n"
    "6383  1795272978.374061 wait4(-1,  <unfinished ...>\n"
    "6384  1795272978.374238 <... execve resumed>) = 0 <0.000332>\n"
    "6384  1795272978.374321 brk(NULL)       = 0x5586868e3000 <0.000046>\n"
    "6384  1795272978.390850 exit_group(2)   = ?\n"
    "6384  1795272978.391090 +++ exited with 2 +++\n"
    "6383  1795272978.391129 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 6384 <0.017061>\n"
    "6383  1795272978.391180 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6384, si_uid=0, si_status=2, si_utime=0, si_stime=0} ---\n"
    "6383  1795272978.391760 newfstatat(AT_FDCWD, \"/root/.cargo/bin/cat\",  <unfinished ...>\n"
    "6385  1795272978.391775 close(3 <unfinished ...>\n"
    "6383  1795272978.391790 <... newfstatat resumed>0x7ffc46b22260, 0) = -1 ENOENT (No such file or directory) <0.000020>\n"
    "6385  1795272978.391816 <... close resumed>) = 0 <0.000034>\n"
    "6385  1795272978.392034 write(1, \"hi\\n\", 3 <unfinished ...>\n"
    "6383  1795272978.392115 newfstatat(AT_FDCWD, \"/usr/bin/cat\",  <unfinished ...>\n"
    "6385  1795272978.392087 <... write resumed>) = 3 <0.000043>\n"
    "6383  1795272978.392146 <... newfstatat resumed>{st_mode=S_IFREG|0755, st_size=44016, ...}, 0) = 0 <0.000022>\n"
    "6383  1795272978.392168 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
    "6385  1795272978.392125 exit_group(0 <unfinished ...>\n"
    "6385  1795272978.392177 <... exit_group resumed>) = ?\n"
    "6385  1795272978.392268 +++ exited with 0 +++\n"
    "6383  1795272978.392291 <... clone resumed>, child_tidptr=0x7fd955007a10) = 6386 <0.000116>\n"
    "6383  1795272978.403688 kill(6387, SIGKILL <unfinished ...>\n"
    "6387  1795272978.403699 set_robust_list(0x7fd955007a20, 24 <unfinished ...>\n"
    "6383  1795272978.403721 <... kill resumed>) = 0 <0.000024>\n"
    "6387  1795272978.403751 <... set_robust_list resumed>) = ?\n"
    "6387  1795272978.403810 +++ killed by SIGKILL +++\n"
    "6383  1795272978.403822 rt_sigsuspend([], 8) = ? ERESTARTNOHAND (To be restarted if no handler) <0.000006>\n"
    "6383  1795272978.403981 exit_group(0)   = ?\n"
    "6383  1795272978.404080 +++ exited with 0 +++\n";

static void test_join_fork_log(void **state)
{
    (void)state;
    struct s2t *c = conv(fork_log);
    const struct s2t_stats *st = s2t_stats(c);
    static const char *const order[] = {
        "rt_sigprocmask", "vfork", "rt_sigprocmask", "execve", "wait4", "brk", "exit_group",
        "newfstatat", "close", "write", "newfstatat", "clone", "exit_group", "kill",
        "set_robust_list", "rt_sigsuspend", "exit_group",
    };

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->lines, 33);
    assert_int_equal(st->unfinished, 11);
    assert_int_equal(st->joined, 11);
    assert_int_equal(st->lost, 0);
    assert_int_equal(st->signals, 1);
    assert_int_equal(st->exits, 4);
    assert_true(st->has_ts);
    assert_int_equal(st->ndur, 13);
    assert_int_equal(s2t_nrecords(c), sizeof(order) / sizeof(order[0]));
    /* records in the order the calls were entered */
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        assert_string_equal(rname(c, i), order[i]);
    /* tasks numbered by first appearance, as a prefix or as a clone's return
     * value: 6383 -> 0, 6384 -> 1, 6385 -> 2, 6386 -> 3 (clone), 6387 -> 4 */
    assert_int_equal(rec(c, 0)->task, 0);
    assert_int_equal(rec(c, 2)->task, 1);
    assert_int_equal(rec(c, 8)->task, 2);
    assert_int_equal(rec(c, 14)->task, 4);

    /* vfork -> task 1, whose records came before the vfork returned */
    assert_rec(*rec(c, 1), OP_FORK, TRACE_RES_OK, 0, 1, TRACE_F_JOINED);
    /* execve: "ls\0/nonexist\0" = 13 bytes of argv, envp not shown; aux = the path */
    assert_rec(*rec(c, 3), OP_EXEC, TRACE_RES_OK, 13, 11, TRACE_F_JOINED | TRACE_F_NOSTRING);
    /* wait4(-1, [status], ...) = 6384: task 1, the status word copied out */
    assert_rec(*rec(c, 4), OP_WAIT, TRACE_RES_OK, 4, 1, TRACE_F_JOINED);
    assert_rec(*rec(c, 6), OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0);                  /* exit_group(2) = ? */
    assert_rec(*rec(c, 11), OP_FORK, TRACE_RES_OK, 0, 3, TRACE_F_JOINED);         /* clone = 6386 */
    assert_rec(*rec(c, 7), OP_PATH, TRACE_RES_ERR, 20, 0, TRACE_F_JOINED);        /* newfstatat */
    assert_int_equal(rec(c, 7)->err, 2);
    assert_rec(*rec(c, 8), OP_CLOSE, TRACE_RES_OK, 0, 0, TRACE_F_JOINED);
    assert_rec(*rec(c, 9), OP_COPY_IN, TRACE_RES_OK, 3, 3, TRACE_F_JOINED);       /* write */
    assert_rec(*rec(c, 10), OP_PATH, TRACE_RES_OK, 12, 96, TRACE_F_JOINED);
    assert_rec(*rec(c, 12), OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED);    /* exit_group = ? */
    /* set_robust_list, killed in the call: no copy either way */
    assert_rec(*rec(c, 14), OP_NULL, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED);
    assert_rec(*rec(c, 15), OP_SKIP, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_RESTART);   /* rt_sigsuspend */
    s2t_free(c);
}

static void test_join_unfinished_never_resumed(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "[pid  200] write(1, \"hello\", 5 <unfinished ...>\n"
        "[pid  201] read(0,  <unfinished ...>\n"
        "[pid  200] +++ killed by SIGKILL +++\n"
        "[pid  202] openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY <unfinished ...>\n"
        "[pid  203] select(4, [3] <unfinished ...>\n"
        "[pid  201] <... read resumed>\"x\", 10) = 1\n");
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->lost, 3);
    assert_int_equal(st->joined, 1);
    assert_int_equal(s2t_nrecords(c), 4);
    /* the write's count is known from its partial arguments */
    assert_rec(*rec(c, 0), OP_COPY_IN, TRACE_RES_UNKNOWN, 5, 5, TRACE_F_UNFINISHED | TRACE_F_FROM_ARG);
    assert_rec(*rec(c, 1), OP_COPY_OUT, TRACE_RES_OK, 1, 10, TRACE_F_JOINED);
    /* flushed at the end of the log */
    assert_rec(*rec(c, 2), OP_PATH, TRACE_RES_UNKNOWN, 10, 0, TRACE_F_UNFINISHED);
    assert_rec(*rec(c, 3), OP_SKIP, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_UNFINISHED);
    s2t_free(c);
}

static void test_join_resumed_unfinished_again(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "300  futex(0x7f00, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "300  <... futex resumed> <unfinished ...>\n"
        "300  <... futex resumed>) = 0\n"
        "301  read(3, <unfinished ...>\n"
        "301  <... read resumed> <unfinished ...>) = ?\n");

    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_nrecords(c), 2);
    assert_rec(*rec(c, 0), OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED);     /* the futex word */
    assert_rec(*rec(c, 1), OP_COPY_OUT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED);
    s2t_free(c);
}

/* ------------------------------------------------------------ futex pairs */

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
    struct s2t *c = conv(
        "500  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "501  write(1, \"x\", 1) = 1\n"
        "501  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n"
        "500  <... futex resumed>) = 0\n"
        "500  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 0\n");
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_nrecords(c), 4);
    assert_int_equal(s2t_stats(c)->futex_pairs, 1);
    assert_rec(*rec(c, 0), OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED);
    assert_rec(*rec(c, 1), OP_COPY_IN, TRACE_RES_OK, 1, 1, 0);
    assert_rec(*rec(c, 2), OP_FUTEX_WAKE, TRACE_RES_OK, 1, 0, 0);
    assert_rec(*rec(c, 3), OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0);  /* woke nobody */
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
    struct s2t *c = conv(
        "600  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "601  futex(0x5604, FUTEX_WAKE_PRIVATE, 1) = 1\n"           /* another word */
        "601  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 0\n"           /* woke nobody */
        "600  <... futex resumed>) = 0\n"
        "601  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n"           /* after the resume */
        "602  futex(0x5700, FUTEX_WAIT, 0, NULL <unfinished ...>\n"
        "602  <... futex resumed>) = -1 EAGAIN (Resource temporarily unavailable)\n"
        "603  futex(0x5700, FUTEX_WAKE, 1) = 1\n");
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_nrecords(c), 6);
    assert_int_equal(s2t_stats(c)->futex_pairs, 0);
    assert_rec(*rec(c, 0), OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED);  /* unpaired: a copy-in */
    assert_rec(*rec(c, 1), OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0);
    assert_rec(*rec(c, 2), OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0);
    assert_rec(*rec(c, 3), OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0);
    assert_rec(*rec(c, 4), OP_FUTEX_WAIT, TRACE_RES_ERR, 4, TRACE_FUTEX_IDLE, TRACE_F_JOINED);
    assert_rec(*rec(c, 5), OP_FUTEX_WAKE, TRACE_RES_OK, 1, TRACE_FUTEX_IDLE, 0);
    s2t_free(c);

    c = conv(                                                      /* the waiter's own task */
        "610  futex(0x5600, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "610  <... futex resumed>) = 0\n"
        "610  futex(0x5600, FUTEX_WAKE_PRIVATE, 1) = 1\n");
    assert_int_equal(s2t_stats(c)->futex_pairs, 0);
    assert_rec(*rec(c, 0), OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED);
    s2t_free(c);
}

/* A broadcast that woke two: both waits pair with it, on its word; two
 * wakes of one each: each wait gets its own wake and word, first come
 * first served. */
static void test_futex_pair_counts(void **state)
{
    (void)state;
    struct s2t *c = conv(
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
        "701  <... futex resumed>) = 0\n");
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_nrecords(c), 7);
    assert_int_equal(s2t_stats(c)->futex_pairs, 4);
    assert_rec(*rec(c, 0), OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED);
    assert_rec(*rec(c, 1), OP_FUTEX_WAIT, TRACE_RES_OK, 4, 0, TRACE_F_JOINED);
    assert_rec(*rec(c, 2), OP_FUTEX_WAKE, TRACE_RES_OK, 2, 0, 0);
    assert_rec(*rec(c, 3), OP_FUTEX_WAIT, TRACE_RES_OK, 4, 1, TRACE_F_JOINED);
    assert_rec(*rec(c, 4), OP_FUTEX_WAIT, TRACE_RES_OK, 4, 2, TRACE_F_JOINED);
    assert_rec(*rec(c, 5), OP_FUTEX_WAKE, TRACE_RES_OK, 1, 1, 0);
    assert_rec(*rec(c, 6), OP_FUTEX_WAKE, TRACE_RES_OK, 1, 2, 0);
    check_image(c);
    s2t_free(c);
}

static void test_join_errors(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "<... read resumed>\"abc\", 10) = 3\n"                     /* lone resumed */
        "400  read(3,  <unfinished ...>\n"
        "400  <... write resumed>) = 3\n"                          /* another name */
        "401  read(3,  <unfinished ...>\n"
        "401  <... read resumed>\"abc, 10) = 3\n"                  /* joined does not parse */
        "402  close(3 <unfinished ...>\n"
        "402  close(4) = 0\n");                                    /* new call while pending */
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 3);
    assert_int_equal(s2t_nbad(c), 3);
    assert_int_equal(s2t_bad(c, 0)->line, 1);
    assert_int_equal(s2t_bad(c, 1)->line, 3);
    assert_int_equal(s2t_bad(c, 2)->line, 5);
    assert_string_equal(s2t_bad(c, 2)->why, "unterminated string");
    assert_null(s2t_bad(c, 3));
    /* the unfinished calls are kept, flagged */
    assert_int_equal(s2t_nrecords(c), 4);
    assert_int_equal(rec(c, 0)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 1)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 2)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 3)->flags, 0);
    assert_int_equal(st->lost, 3);
    s2t_free(c);
}

/* strace -f writing to stderr: "strace: Process N attached" cuts a line, and
 * the pid prefix is left out while only one process is traced. */
static void test_stderr_form(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 6452 attached\n"
        ", child_tidptr=0x7f47b5b10a10) = 6452\n"
        "[pid  6452] set_robust_list(0x7f47b5b10a20, 24) = 0\n"
        "[pid  6451] wait4(-1,  <unfinished ...>\n"
        "[pid  6452] exit_group(0)               = ?\n"
        "[pid  6452] +++ exited with 0 +++\n"
        "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 6452\n"
        "rt_sigsuspend([], 8strace: Process 9879 attached\n"
        " <unfinished ...>\n"
        "<... rt_sigsuspend resumed>)            = ? ERESTARTNOHAND (To be restarted if no handler)\n"
        "strace: Process 9880 attached\n");
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->info, 3);
    assert_int_equal(st->joined, 2);
    assert_int_equal(s2t_nrecords(c), 5);
    assert_string_equal(rname(c, 0), "clone");
    assert_int_equal(rec(c, 0)->result, TRACE_RES_OK);
    assert_string_equal(rname(c, 2), "wait4");
    assert_int_equal(rec(c, 2)->flags, TRACE_F_JOINED);
    assert_string_equal(rname(c, 4), "rt_sigsuspend");
    assert_int_equal(rec(c, 4)->flags, TRACE_F_JOINED | TRACE_F_RESTART);
    /* after the unique match, unprefixed lines belong to 6451 */
    assert_int_equal(rec(c, 4)->task, rec(c, 2)->task);
    s2t_free(c);
}

/* A 32-bit (i386) program traced on the x86-64 host: i386 syscall names. */
static void test_i386_names(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "execve(\"./m32\", [\"./m32\"], 0x7ffe250a4c30 /* 37 vars */) = 0\n"
        "[ Process PID=14918 runs in 32 bit mode. ]\n"
        "brk(NULL)                               = 0x9b85000\n"
        "brk(0x9b85880)                          = 0x9b85880\n"
        "set_thread_area({entry_number=-1, base_addr=0x9b85380, limit=0x0fffff, seg_32bit=1, contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=12)\n"
        "ugetrlimit(RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM_INFINITY}) = 0\n"
        "getuid32()                              = 0\n"
        "_llseek(3, 0, [0], SEEK_SET)            = 0\n"
        "mmap2(NULL, 200704, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf7f2d000\n"
        "fstat64(3, {st_mode=S_IFREG|0644, st_size=3, ...}) = 0\n"
        "fcntl64(3, F_DUPFD_CLOEXEC, 0)          = 4\n"
        "statx(1, \"\", AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT|AT_EMPTY_PATH, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}) = 0\n"
        "exit_group(0)                           = ?\n"
        "+++ exited with 0 +++\n");

    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_stats(c)->info, 1);
    assert_int_equal(s2t_nrecords(c), 12);
    assert_rec(*rec(c, 2), OP_BRK, TRACE_RES_OK, 0x880, 0x880, 0);
    /* set_thread_area: struct user_desc in (16), entry_number=-1 -> 12 written back (4) */
    assert_rec(*rec(c, 3), OP_COPY_IN, TRACE_RES_OK, 20, 20, 0);
    assert_rec(*rec(c, 5), OP_NULL, TRACE_RES_OK, 0, 0, 0);
    assert_rec(*rec(c, 6), OP_SEEK, TRACE_RES_OK, 8, 0, 0);
    assert_rec(*rec(c, 7), OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 49 | TRACE_AT_READ | TRACE_AT_WRITE, 0);
    assert_rec(*rec(c, 8), OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0);
    assert_rec(*rec(c, 9), OP_DUP, TRACE_RES_OK, 0, 0, 0);
    assert_rec(*rec(c, 10), OP_STAT_OUT, TRACE_RES_OK, 256, 256, 0);
    s2t_free(c);
}

/* ------------------------------------------------------------ the process lifecycle */

/* One call each: fork, exit, wait and exec records and their fields. */
static void test_lifecycle_one_line(void **state)
{
    (void)state;
    struct trace_record r;

    /* a child pid never seen on a line of its own still gets a task: 1 */
    r = one("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 4242");
    assert_rec(r, OP_FORK, TRACE_RES_OK, 0, 1, 0);
    r = one("fork() = 77");
    assert_rec(r, OP_FORK, TRACE_RES_OK, 0, 1, 0);
    r = one("vfork() = 78");
    assert_rec(r, OP_FORK, TRACE_RES_OK, 0, 1, 0);
    r = one("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
            "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0xf7, parent_tid=0xf7, "
            "exit_signal=0, stack=0xf7, stack_size=0x7fff00, tls=0xf7} => {parent_tid=[4243]}, 88) = 4243");
    assert_rec(r, OP_FORK, TRACE_RES_OK, 0, 1, 0);          /* a thread: a process here */
    r = one("clone(child_stack=NULL, flags=SIGCHLD) = -1 EAGAIN (Resource temporarily unavailable)");
    assert_rec(r, OP_FORK, TRACE_RES_ERR, 0, TRACE_TASK_NONE, 0);
    r = one("exit_group(3) = ?");
    assert_rec(r, OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0);
    r = one("exit(0) = ?");
    assert_rec(r, OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0);
    r = one("wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 12");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 4, 1, 0);
    r = one("wait4(-1, NULL, 0, NULL) = 12");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 0, 1, 0);
    r = one("wait4(-1, 0x7ffc, WNOHANG, NULL) = 0");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 0, TRACE_TASK_NONE, 0);
    r = one("wait4(-1, 0x7ffc, 0, NULL) = -1 ECHILD (No child processes)");
    assert_rec(r, OP_WAIT, TRACE_RES_ERR, 0, TRACE_TASK_ANY, 0);
    r = one("waitpid(55, NULL, 0) = -1 ECHILD (No child processes)");
    assert_rec(r, OP_WAIT, TRACE_RES_ERR, 0, 1, 0);          /* the pid argument */
    r = one("waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=31, si_uid=0, si_status=0, "
            "si_utime=0, si_stime=0}, WEXITED, NULL) = 0");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 0, 1, 0);
    r = one("waitid(P_PID, 31, {}, WEXITED|WNOHANG, NULL) = 0");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 0, 1, 0);
    r = one("waitid(P_ALL, 0, {}, WEXITED|WNOHANG, NULL) = 0");
    assert_rec(r, OP_WAIT, TRACE_RES_OK, 0, TRACE_TASK_NONE, 0);
    /* execve: "cat\0/etc/hostname\0" = 18 bytes, envp not shown (no -v) */
    r = one("execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff40c6de38 /* 37 vars */) = 0");
    assert_rec(r, OP_EXEC, TRACE_RES_OK, 18, 12, TRACE_F_NOSTRING);
    /* strace -v: envp shown: + "A=1\0" + "HOME=/\0" */
    r = one("execve(\"/bin/true\", [\"true\"], [\"A=1\", \"HOME=/\"]) = 0");
    assert_rec(r, OP_EXEC, TRACE_RES_OK, 5 + 4 + 7, 9, 0);
    r = one("execve(\"/bin/true\", [], []) = 0");
    assert_rec(r, OP_EXEC, TRACE_RES_OK, 0, 9, 0);
    /* a cut string and a cut list: lower bounds */
    r = one("execve(\"/bin/sh\", [\"sh\", \"-c\", \"abc\"...], [\"X=1\", ...]) = 0");
    assert_rec(r, OP_EXEC, TRACE_RES_OK, 3 + 3 + 4 + 4, 7, TRACE_F_TRUNCATED);
    r = one("execve(\"/nope\", [\"a\"], [/* 2 vars */]) = -1 ENOENT (No such file or directory)");
    assert_rec(r, OP_EXEC, TRACE_RES_ERR, 2, 5, TRACE_F_NOSTRING);
    assert_int_equal(r.err, 2);
    r = one("execveat(3, \"\", [\"x\"], [\"A=1\"], AT_EMPTY_PATH) = 0");
    assert_rec(r, OP_EXEC, TRACE_RES_OK, 2 + 4, 0, 0);
}

/* strace -f with [pid N] prefixes: a clone whose child runs (and exits)
 * before the parent's clone returns, then a wait for it. */
static void test_lifecycle_f_prefixes(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "execve(\"/bin/sh\", [\"sh\", \"-c\", \"ls\"], 0x7ffd /* 3 vars */) = 0\n"
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
        "[pid   901] execve(\"/bin/ls\", [\"ls\"], 0x7ffd /* 3 vars */) = 0\n"
        "[pid   901] write(1, \"a\\n\", 2) = 2\n"
        "[pid   901] exit_group(0) = ?\n"
        "[pid   901] +++ exited with 0 +++\n"
        "<... clone resumed>, child_tidptr=0x7f) = 901\n"
        "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 901\n"
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=901, si_uid=0, si_status=0} ---\n"
        "exit_group(0) = ?\n"
        "+++ exited with 0 +++\n");

    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_nrecords(c), 7);
    assert_string_equal(rname(c, 1), "clone");
    /* the clone's slot comes first (entered first), its child is task 1 */
    assert_int_equal(rec(c, 1)->task, 0);
    assert_rec(*rec(c, 1), OP_FORK, TRACE_RES_OK, 0, 1, TRACE_F_JOINED);
    assert_int_equal(rec(c, 2)->task, 1);
    assert_int_equal(rec(c, 2)->op, OP_EXEC);
    assert_int_equal(rec(c, 4)->task, 1);
    assert_int_equal(rec(c, 4)->op, OP_EXIT);
    assert_rec(*rec(c, 5), OP_WAIT, TRACE_RES_OK, 4, 1, 0);
    assert_int_equal(rec(c, 6)->op, OP_EXIT);
    assert_int_equal(rec(c, 6)->task, 0);
    assert_int_equal(s2t_stats(c)->per_op[OP_FORK], 1);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXIT], 2);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXEC], 2);
    check_image(c);
    s2t_free(c);
}

/* strace -ff: the child's file read before the parent's; the clone's
 * return value names the child's file pid. */
static void test_lifecycle_ff_child_first(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    static const char *const child[] = { "write(1, \"x\", 1) = 1", "exit_group(0) = ?", "+++ exited with 0 +++" };
    static const char *const parent[] = { "clone(child_stack=NULL, flags=SIGCHLD) = 7001",
                                          "wait4(7001, NULL, 0, NULL) = 7001", "exit_group(0) = ?" };

    s2t_begin_file(c, 7001);
    for (size_t i = 0; i < 3; i++)
        s2t_feed(c, child[i], strlen(child[i]));
    s2t_end_file(c);
    s2t_begin_file(c, 7000);
    for (size_t i = 0; i < 3; i++)
        s2t_feed(c, parent[i], strlen(parent[i]));
    s2t_end_file(c);
    assert_int_equal(s2t_nrecords(c), 5);
    assert_int_equal(rec(c, 0)->task, 0);            /* 7001: first seen */
    assert_int_equal(rec(c, 2)->task, 1);            /* 7000 */
    assert_rec(*rec(c, 2), OP_FORK, TRACE_RES_OK, 0, 0, 0);
    assert_rec(*rec(c, 3), OP_WAIT, TRACE_RES_OK, 0, 0, 0);
    check_image(c);
    s2t_free(c);
}

/* strace -ff: one file per pid, no prefixes. */
static void test_ff_files(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    static const char *const f1[] = { "execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 3 vars */) = 0",
                                      "pipe2([3, 4], 0) = 0", "exit_group(0) = ?", "+++ exited with 0 +++" };
    static const char *const f2[] = { "close(3) = 0", "write(4, \"x\", 1) = 1", "exit_group(0) = ?",
                                      "+++ exited with 0 +++" };

    s2t_begin_file(c, 6427);
    for (size_t i = 0; i < 4; i++)
        s2t_feed(c, f1[i], strlen(f1[i]));
    s2t_end_file(c);
    s2t_begin_file(c, 6428);
    for (size_t i = 0; i < 4; i++)
        s2t_feed(c, f2[i], strlen(f2[i]));
    s2t_end_file(c);
    assert_int_equal(s2t_nrecords(c), 6);
    assert_int_equal(rec(c, 0)->task, 0);
    assert_int_equal(rec(c, 3)->task, 1);
    assert_int_equal(rec(c, 1)->op, OP_PIPE);
    assert_int_equal(rec(c, 4)->op, OP_COPY_IN);
    check_image(c);
    s2t_free(c);
}

/* ------------------------------------------------------------ strace output formats (issue 12) */

/* Convert `fmt` and `plain` (the same calls without the option's text) and
 * check that they give the same records and no malformed line. */
static struct s2t *same_as_plain(const char *fmt, const char *plain)
{
    struct s2t *a = conv(fmt), *b = conv(plain);

    if (s2t_stats(a)->malformed)
        fail_msg("%llu malformed, first: %s: \"%s\"", (unsigned long long)s2t_stats(a)->malformed,
                 s2t_bad(a, 0)->why, s2t_bad(a, 0)->text);
    assert_int_equal(s2t_stats(b)->malformed, 0);
    assert_true(s2t_nrecords(b) > 0);
    assert_int_equal(s2t_nrecords(a), s2t_nrecords(b));
    assert_memory_equal(s2t_records(a), s2t_records(b), s2t_nrecords(b) * sizeof(struct trace_record));
    for (uint32_t i = 0; i < s2t_nnames(b); i++)
        assert_string_equal(s2t_name(a, i), s2t_name(b, i));
    s2t_free(b);
    return a;
}

/* strace -i: "[ip] " before the call, also on resumed and exit lines. */
static void test_format_i(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "[00007fa049909ad7] execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff6fec9f40 /* 41 vars */) = 0\n"
        "[00007f0497678c47] brk(NULL)            = 0x5623abf9f000\n"
        "25594 [00007f49cf4b03b8] vfork( <unfinished ...>\n"
        "25594 [00007f49cf4b03b8] <... vfork resumed>) = 25598\n"
        "[00007f049755de67] close(1)             = 0\n"
        "[00007f0497535409] exit_group(0)        = ?\n"
        "[????????????????] +++ exited with 0 +++\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff6fec9f40 /* 41 vars */) = 0\n"
        "brk(NULL)            = 0x5623abf9f000\n"
        "25594 vfork( <unfinished ...>\n"
        "25594 <... vfork resumed>) = 25598\n"
        "close(1)             = 0\n"
        "exit_group(0)        = ?\n"
        "+++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->exits, 1);
    s2t_free(c);
    /* an -i prefix is 8 or 16 hex digits; anything else is not one */
    assert_int_equal(parse("[0007f0] close(1) = 0").kind, SP_MALFORMED);
    assert_int_equal(parse("[00007f049755de67]").kind, SP_MALFORMED);
}

/* strace -n: "[ nnn] " (the syscall number, padded) before the call. */
static void test_format_n(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "[  59] execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffd760e0010 /* 41 vars */) = 0\n"
        "[  12] brk(NULL)                        = 0x55e251cb1000\n"
        "[   9] mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f97dd561000\n"
        "[1234] foo() = 0\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffd760e0010 /* 41 vars */) = 0\n"
        "brk(NULL)                        = 0x55e251cb1000\n"
        "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f97dd561000\n"
        "foo() = 0\n");
    s2t_free(c);
}

/* strace -Y: "pid<comm>" prefixes and "= pid<comm>" results; with -f -n -i -ttt -T all at once. */
static void test_format_Y(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "9416<strace> execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"cat /etc/hostname\"], 0x7fff16a41090 /* 41 vars */) = 0\n"
        "9416<sh> brk(NULL)                      = 0x562104868000\n"
        "9416<sh> wait4(-1,  <unfinished ...>\n"
        "9417<cat> exit_group(0) = ?\n"
        "9417<cat> +++ exited with 0 +++\n"
        "9416<sh> <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 9417<cat>\n"
        "[pid  9511<sh>] [00007f8072598dd4] rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0\n"
        "[00007f80725de4e7] getpid()             = 9510<sh>\n"
        "9443<sh> 1796244791.867693 [  58] [00007f61dba483b8] vfork( <unfinished ...>\n"
        "9443<sh> 1796244791.868032 [  58] [00007f61dba483b8] <... vfork resumed>) = 9444<cat> <0.000329>\n"
        "9443<sh> 1796244791.873129 [ 231] [00007f61dba48409] exit_group(0) = ?\n"
        "9443<sh> 1796244791.873326 [ 231] [????????????????] +++ exited with 0 +++\n",
        "9416 execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"cat /etc/hostname\"], 0x7fff16a41090 /* 41 vars */) = 0\n"
        "9416 brk(NULL)                      = 0x562104868000\n"
        "9416 wait4(-1,  <unfinished ...>\n"
        "9417 exit_group(0) = ?\n"
        "9417 +++ exited with 0 +++\n"
        "9416 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 9417\n"
        "[pid  9511] rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0\n"
        "getpid()             = 9510\n"
        "9443 1796244791.867693 vfork( <unfinished ...>\n"
        "9443 1796244791.868032 <... vfork resumed>) = 9444 <0.000329>\n"
        "9443 1796244791.873129 exit_group(0) = ?\n"
        "9443 1796244791.873326 +++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->joined, 2);
    assert_int_equal(s2t_stats(c)->ndur, 1);
    s2t_free(c);
    struct sp_line L = parse("[pid  9511<sh>] close(3) = 0");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, 9511);
}

/* strace -k: " > frame" lines after each call. */
static void test_format_k_stack(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffe7b5d3970 /* 41 vars */) = 0\n"
        " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x26f0) [0x1ab70]\n"
        "brk(NULL)                               = 0x55d93b53d000\n"
        " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x77c7) [0x1fc47]\n"
        " > /usr/lib/x86_64-linux-gnu/libc.so.6(__read_nocancel+0x4) [0xfd104]\n"
        " > unexpected_backtracing_error [0x7f0be11ff000]\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffe7b5d3970 /* 41 vars */) = 0\n"
        "brk(NULL)                               = 0x55d93b53d000\n");
    assert_int_equal(s2t_stats(c)->stack, 4);
    s2t_free(c);
}

/* strace -e read=all -e write=all: " | 00000  hex  text |" after the call. */
static void test_format_read_write_dump(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "18401 read(3, \"vm\\n\", 131072)           = 3\n"
        " | 00000  76 6d 0a                                          vm.              |\n"
        "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832\n"
        " | 00000  7f 45 4c 46 02 01 01 03  00 00 00 00 00 00 00 00  .ELF............ |\n"
        " | 00010  03 00 3e 00 01 00 00 00  10 74 02 00 00 00 00 00  ..>......t...... |\n",
        "18401 read(3, \"vm\\n\", 131072)           = 3\n"
        "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832\n");
    assert_int_equal(s2t_stats(c)->dump, 3);
    s2t_free(c);
}

/* strace -C: the -c summary table after the calls. */
static void test_format_C_summary(void **state)
{
    (void)state;
    static const char *const table =
        "% time     seconds  usecs/call     calls    errors syscall\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        " 33.88    0.000767          24        31        13 openat\n"
        "  0.00    0.000000           0         2           pread64\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        "100.00    0.000000           0       118        14 total\n";
    char text[1024];
    struct s2t *c;

    snprintf(text, sizeof(text), "close(1) = 0\nexit_group(0) = ?\n+++ exited with 0 +++\n%s", table);
    c = same_as_plain(text, "close(1) = 0\nexit_group(0) = ?\n+++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->summary, 6);
    s2t_free(c);
    /* strace -c alone: the summary and nothing else, no record */
    c = conv(table);
    assert_int_equal(s2t_nrecords(c), 0);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_stats(c)->summary, 6);
    s2t_free(c);
    /* a row without the header is not taken for one */
    c = conv(" 33.88    0.000767          24        31        13 openat\n");
    assert_int_equal(s2t_stats(c)->malformed, 1);
    s2t_free(c);
}

/* strace -p PID, then ^C: the call in progress ends "<detached ...>". */
static void test_format_detached(void **state)
{
    (void)state;
    struct s2t *c = conv("read(0,  <detached ...>\n");
    assert_int_equal(s2t_nrecords(c), 1);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_stats(c)->detached, 1);
    assert_rec(*rec(c, 0), OP_COPY_OUT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_UNFINISHED);
    assert_string_equal(rname(c, 0), "read");
    s2t_free(c);
    c = conv("restart_syscall(<... resuming interrupted read ...> <detached ...>\n");
    assert_int_equal(s2t_nrecords(c), 1);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_string_equal(rname(c, 0), "restart_syscall");
    s2t_free(c);
    /* a pending call, then detached in its resumed line: one record */
    c = conv("12 write(1, \"abc\", 3 <unfinished ...>\n12 <... write resumed> <detached ...>\n");
    assert_int_equal(s2t_nrecords(c), 1);
    assert_int_equal(s2t_stats(c)->detached, 1);
    assert_rec(*rec(c, 0), OP_COPY_IN, TRACE_RES_UNKNOWN, 3, 3, TRACE_F_UNFINISHED | TRACE_F_FROM_ARG);
    s2t_free(c);
}

/* strace -e raw=all: paths are pointers; every such record is counted. */
static void test_format_raw_all_counted(void **state)
{
    (void)state;
    struct s2t *c = conv("execve(0x7ffd9d069c40, 0x7ffd9d06b0e0, 0x7ffd9d06b0f8) = 0\n"
                         "access(0x7f47279ac2a0, 0x4)             = -1 ENOENT (No such file or directory)\n"
                         "openat(0xffffff9c, 0x7f47279ab0b1, 0x80000, 0) = 0x3\n"
                         "newfstatat(0x3, 0x7f47279abc99, 0x7fff3ca80310, 0x1000) = 0\n"
                         "close(0x3)                              = 0\n");
    assert_int_equal(s2t_nrecords(c), 5);
    assert_int_equal(s2t_stats(c)->malformed, 0);
    /* access, openat: paths of unknown length; newfstatat is the fd form;
     * execve: its strings not shown, counted apart */
    assert_int_equal(s2t_stats(c)->nostring, 2);
    assert_int_equal(s2t_stats(c)->exec_nostring, 1);
    assert_int_equal(rec(c, 0)->op, OP_EXEC);
    assert_int_equal(rec(c, 0)->flags & TRACE_F_NOSTRING, TRACE_F_NOSTRING);
    assert_int_equal(rec(c, 2)->flags & TRACE_F_NOSTRING, TRACE_F_NOSTRING);
    assert_int_equal(rec(c, 3)->op, OP_STAT_OUT);
    s2t_free(c);
}

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
        cmocka_unit_test(test_map_copy_out),
        cmocka_unit_test(test_map_copy_in),
        cmocka_unit_test(test_map_path),
        cmocka_unit_test(test_map_stat_out),
        cmocka_unit_test(test_map_memory),
        cmocka_unit_test(test_map_at_addresses),
        cmocka_unit_test(test_map_brk),
        cmocka_unit_test(test_map_fd_and_null),
        cmocka_unit_test(test_map_traffic_model),
        cmocka_unit_test(test_map_startup_calls),
        cmocka_unit_test(test_map_struct_out_calls),
        cmocka_unit_test(test_map_socket_calls),
        cmocka_unit_test(test_map_mremap),
        cmocka_unit_test(test_map_skip_is_kept_and_counted),
        cmocka_unit_test(test_map_table_sane_and_documented),
        cmocka_unit_test(test_join_fork_log),
        cmocka_unit_test(test_lifecycle_one_line),
        cmocka_unit_test(test_lifecycle_f_prefixes),
        cmocka_unit_test(test_lifecycle_ff_child_first),
        cmocka_unit_test(test_join_unfinished_never_resumed),
        cmocka_unit_test(test_join_resumed_unfinished_again),
        cmocka_unit_test(test_futex_kind),
        cmocka_unit_test(test_futex_pair_basic),
        cmocka_unit_test(test_futex_pair_none),
        cmocka_unit_test(test_futex_pair_counts),
        cmocka_unit_test(test_join_errors),
        cmocka_unit_test(test_stderr_form),
        cmocka_unit_test(test_i386_names),
        cmocka_unit_test(test_ff_files),
        cmocka_unit_test(test_format_i),
        cmocka_unit_test(test_format_n),
        cmocka_unit_test(test_format_Y),
        cmocka_unit_test(test_format_k_stack),
        cmocka_unit_test(test_format_read_write_dump),
        cmocka_unit_test(test_format_C_summary),
        cmocka_unit_test(test_format_detached),
        cmocka_unit_test(test_format_raw_all_counted),
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_validator_rejects),
        cmocka_unit_test(test_validator_mutations),
        cmocka_unit_test(test_malformed_reported),
        cmocka_unit_test(test_garbage_random_bytes),
        cmocka_unit_test(test_garbage_truncations_and_flips),
        cmocka_unit_test(test_garbage_long_lines),
        cmocka_unit_test(test_too_many_names),
        cmocka_unit_test(test_tiny_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
