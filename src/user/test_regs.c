/*
 * test_regs - every register except EAX, the arithmetic flags, DF and the
 * segment registers come back from a syscall unchanged. Twelve rounds with
 * different magic values, alternating nop, getpid, an unknown number and
 * close (of a bad fd): the fast, slow and general paths.
 */
#include "ulib.h"
#include "regs.h"
#include "entry/trapframe.h"      /* USER_DS, EFLAGS_IF */

void regs_syscall(const struct regs *in, struct regs *out);

#define FLAGS_CHECKED 0x0CD5u  /* CF PF AF ZF SF DF OF */

static int round_ok(int round)
{
    uint32_t magic = 0x9E3779B9u * (uint32_t)(round + 1);
    /* The fast path (nop, getpid), the slow path (an unknown number) and the
     * general path (close of a bad fd: EBX is no fd), whose exit pops
     * neither FS nor GS and leaves by its own tail. */
    static const long numbers[] = { SYS_nop, SYS_getpid, 0x7777, SYS_close };
    long nr = numbers[round % 4];
    struct regs in = {
        .eax = (uint32_t)nr, .ebx = magic ^ 0x11111111, .ecx = magic ^ 0x22222222,
        .edx = magic ^ 0x33333333, .esi = magic ^ 0x44444444, .edi = magic ^ 0x55555555,
        .ebp = magic ^ 0x66666666,
        .eflags = 0x2 | EFLAGS_IF | (round & 1 ? FLAGS_CHECKED : 0x0041 /* CF ZF */),
        .ds = USER_DS, .es = USER_DS,
        .fs = round & 4 ? 0 : USER_DS, /* a null selector must survive too */
        .gs = round & 8 ? 0 : USER_DS, /* (close: both, then FS, then GS null) */
    };
    struct regs out;
    memset(&out, 0, sizeof(out));
    regs_syscall(&in, &out);

    long expect_eax = nr == SYS_nop ? 0 : nr == SYS_getpid ? getpid() : nr == SYS_close ? -EBADF : -ENOSYS;
    int ok = (long)out.eax == expect_eax && out.ebx == in.ebx && out.ecx == in.ecx &&
             out.edx == in.edx && out.esi == in.esi && out.edi == in.edi && out.ebp == in.ebp &&
             out.esp == out.esp_before && (out.eflags & FLAGS_CHECKED) == (in.eflags & FLAGS_CHECKED) &&
             (out.eflags & EFLAGS_IF) && (out.ds & 0xFFFF) == in.ds && (out.es & 0xFFFF) == in.es &&
             (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs;
    if (!ok)
        printf("    # round %d: eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x esp %x/%x eflags %x "
               "ds %x es %x fs %x gs %x\n", round, out.eax, out.ebx, out.ecx, out.edx, out.esi, out.edi,
               out.ebp, out.esp, out.esp_before, out.eflags, out.ds, out.es, out.fs, out.gs);
    return ok;
}

/* The sysenter path gives the same answers as int 0x80 (argument 3 in EDI:
 * a write of three arguments). */
static int sysenter_same_results(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER))
        return 1; /* no SEP: nothing to compare (reported by bench) */
    static const char msg[] = "    # sysenter: write with three arguments\n";
    return sysenter_call(SYS_getpid, 0, 0, 0, 0, 0) == getpid() &&
           sysenter_call(SYS_nop, 0, 0, 0, 0, 0) == 0 &&
           sysenter_call(SYS_write, 1, (long)msg, sizeof(msg) - 1, 0, 0) == (long)sizeof(msg) - 1 &&
           sysenter_call(SYS_write, 7, (long)msg, 1, 0, 0) == -EBADF &&
           sysenter_call(9999, 0, 0, 0, 0, 0) == -ENOSYS &&
           sysenter_call(SYS_sysinfo, (long)&si, 0, 0, 0, 0) == 0 && si.pid == (unsigned)getpid();
}

long sysenter_with_esp(long nr, long a1, long a2, long a3, uint32_t esp);

/* Arguments 4 and 5 are read at ESP + SYSENTER_ARG4_OFFSET: unmapped,
 * kernel and trampoline addresses, and one that wraps past 4 GiB, must give
 * -EFAULT (and run nothing); calls with up to three arguments never look. */
static int sysenter_bad_stack_efault(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER))
        return 1;
    static char reply[8];
    const uint32_t at = SYSENTER_ARG4_OFFSET;
    return sysenter_with_esp(SYS_ipc_call, -2, 0, 0, 0) == -EFAULT &&
           sysenter_with_esp(SYS_ipc_call, -2, 0, 0, KERNEL_VIRT_BASE - at) == -EFAULT &&
           sysenter_with_esp(SYS_ipc_call, -2, 0, 0, TRAMPOLINE_BASE + 2 * PAGE_SIZE - at) == -EFAULT &&
           sysenter_with_esp(SYS_ipc_call, -2, 0, 0, 0u - at + 4) == -EFAULT &&
           sysenter_with_esp(SYS_ipc_recv, -2, (long)reply, sizeof(reply), 0xFFFFFFF0u) == -EFAULT &&
           sysenter_with_esp(SYS_write, 1, (long)reply, 0, 0) == 0 &&
           sysenter_with_esp(SYS_getpid, 0, 0, 0, 0) == getpid();
}

/* Arguments 4 and 5 reach the kernel through sysenter: an ipc_call (five
 * arguments) to an echo server gets its message back in the reply buffer
 * (argument 4) of the size given (argument 5). */
static int sysenter_five_arguments(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER))
        return 1;
    char *argv[] = { "child", "pong", NULL };
    long pid = spawn("child", argv);
    if (pid <= 0)
        return 0;
    char reply[8] = { 0 }, bye[8] = { 0 };
    long n = sysenter_call(SYS_ipc_call, pid, (long)"hello", 5, (long)reply, sizeof(reply));
    long q = sysenter_call(SYS_ipc_call, pid, (long)"quit", 4, (long)bye, sizeof(bye));
    int status = -1;
    long w = wait((int)pid, &status);
    if (n != 5 || memcmp(reply, "hello", 5) != 0 || q != 4)
        printf("    # sysenter ipc_call: %d '%s', quit %d\n", (int)n, reply, (int)q);
    return n == 5 && memcmp(reply, "hello", 5) == 0 && q == 4 && memcmp(bye, "bye!", 4) == 0 &&
           w == pid && status == 0;
}

/* The trampoline's fast path (src/kernel/entry/fastpath.h) counts what the slow
 * path counts: @n getppid calls through @how (0 int 0x80, 1 sysenter) add at
 * least n + 1 system calls (the second kevents() is counted before its
 * snapshot) and, in the split modes, at least 2n + 2 CR3 writes, an even
 * number (timer interrupts and other processes only add pairs). */
static int fast_calls_counted(int how)
{
    enum { N = 200 };
    struct sysinfo si;
    struct kevents k0, k1;
    if (sysinfo(&si) < 0 || (how && !(si.features & SYSINFO_SYSENTER)))
        return 1;
    int split = SYSINFO_ASPACE(si.features) != 2; /* 2: shared, no CR3 write */
    kevents(&k0);
    for (int i = 0; i < N; i++)
        if (how)
            sysenter_call(SYS_getppid, 0, 0, 0, 0, 0);
        else
            getppid();
    kevents(&k1);
    uint32_t calls = k1.syscalls - k0.syscalls, writes = k1.cr3_writes - k0.cr3_writes;
    int ok = calls >= N + 1 && (!split || (writes >= 2 * N + 2 && writes % 2 == 0));
    if (!ok)
        printf("    # %s: %u calls, %u CR3 writes for %d getppid\n", how ? "sysenter" : "int80", calls, writes, N);
    return ok;
}

/* getppid answers from a copy of the parent's pid that the scheduler
 * refreshes: after the parent exits, an orphan sees init's pid (never the
 * dead parent's; 0 once init is gone), through int 0x80 and sysenter alike. The grandchild
 * reports through a pipe, since init reaps it. */
static int getppid_after_reparent(void)
{
    int fds[2], go[2];
    if (pipe(fds) < 0 || pipe(go) < 0)
        return 0;
    long child = fork();
    if (child == 0) {
        long me = getpid();
        long grandchild = fork();
        if (grandchild == 0) {
            /* First call while the parent lives, so that a stale copy would show. */
            char verdict = getppid() == me ? 'n' : 'p';
            write(go[1], &verdict, 1);
            for (int i = 0; i < 1000 && getppid() == me; i++)
                yield();
            long p = getppid();
            long q = sysenter_call(SYS_getppid, 0, 0, 0, 0, 0);
            struct sysinfo si;
            int sep = sysinfo(&si) == 0 && (si.features & SYSINFO_SYSENTER);
            if (verdict == 'n' && p != me && (p == 1 || p == 0) && (!sep || q == p))
                verdict = 'y';
            write(fds[1], &verdict, 1);
            exit(0);
        }
        char started;
        if (grandchild > 0)
            read(go[0], &started, 1); /* exit only once the grandchild has asked */
        exit(grandchild > 0 ? 0 : 1);
    }
    int status = -1;
    close(fds[1]);
    close(go[0]);
    close(go[1]);
    if (child < 0 || wait((int)child, &status) != child || status != 0)
        return 0;
    char v = 0;
    long n = read(fds[0], &v, 1);
    close(fds[0]);
    if (v != 'y')
        printf("    # orphan's getppid: read %d, verdict %c\n", (int)n, v ? v : '?');
    return n == 1 && v == 'y';
}

int main(void)
{
    ktap_plan(18);
    ktap_result(fast_calls_counted(0), "fast_path_counts_calls_and_cr3_writes_int80");
    ktap_result(fast_calls_counted(1), "fast_path_counts_calls_and_cr3_writes_sysenter");
    ktap_result(getppid_after_reparent(), "getppid_after_reparent_is_init");
    ktap_result(sysenter_same_results(), "sysenter_same_results_as_int80");
    ktap_result(sysenter_bad_stack_efault(), "sysenter_bad_user_stack_efault");
    ktap_result(sysenter_five_arguments(), "sysenter_five_arguments");
    for (int round = 0; round < 12; round++) {
        char name[48];
        snprintf(name, sizeof(name), "registers_preserved_round_%d", round);
        ktap_result(round_ok(round), name);
    }
    return ktap_failures();
}
