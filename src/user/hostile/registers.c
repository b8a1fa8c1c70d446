/*
 * registers.c - syscall numbers, registers and segments: unknown
 * numbers (-ENOSYS, every register kept), EFLAGS TF, NT, AC and IOPL across
 * a syscall and a sysenter, ESP anywhere, null and RPL-0 data selectors.
 * (hostile.h: what the scenarios share; test_hostile.c runs them.)
 */
#include "hostile.h"

void unknown_numbers_preserve_registers(void)
{
    static const uint32_t numbers[] = { 0xFFFFFFFFu, NR_SYSCALLS, 0x80000000u, 0x7FFFFFFFu, 0xFFFF, 0x100 + SYS_getpid };
    for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        uint32_t magic = 0x9E3779B9u * (i + 3);
        struct regs in = {
            .eax = numbers[i], .ebx = magic ^ 0x11111111, .ecx = magic ^ 0x22222222,
            .edx = magic ^ 0x33333333, .esi = magic ^ 0x44444444, .edi = magic ^ 0x55555555,
            .ebp = magic ^ 0x66666666, .eflags = 0x2 | EFLAGS_IF | (i & 1 ? FLAGS_ARITH : EFLAGS_CF),
            .ds = USER_DS, .es = USER_DS, .fs = USER_DS, .gs = i & 1 ? 0 : USER_DS,
        }, out;
        memset(&out, 0, sizeof(out));
        hx_regs_syscall(&in, &out);
        int good = out.eax == (uint32_t)-ENOSYS && out.ebx == in.ebx && out.ecx == in.ecx &&
                   out.edx == in.edx && out.esi == in.esi && out.edi == in.edi && out.ebp == in.ebp &&
                   out.esp == out.esp_before && (out.eflags & FLAGS_ARITH) == (in.eflags & FLAGS_ARITH) &&
                   (out.ds & 0xFFFF) == in.ds && (out.es & 0xFFFF) == in.es &&
                   (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs;
        EXPECT(good, "nr %x: eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x esp %x/%x eflags %x "
               "ds %x es %x fs %x gs %x", numbers[i], out.eax, out.ebx, out.ecx, out.edx, out.esi,
               out.edi, out.ebp, out.esp, out.esp_before, out.eflags, out.ds, out.es, out.fs, out.gs);
    }
}

static struct regs plain_regs(uint32_t nr)
{
    return (struct regs){ .eax = nr, .ebx = 0xB0B0B0B0, .ecx = 0xC0C0C0C0, .edx = 0xD0D0D0D0,
                           .esi = 0x51515151, .edi = 0xD1D1D1D1, .ebp = 0xBEBEBEBE,
                           .eflags = 0x2 | EFLAGS_IF, .ds = USER_DS, .es = USER_DS, .fs = USER_DS, .gs = USER_DS };
}

static int same_gprs(const struct regs *in, const struct regs *out)
{
    return out->ebx == in->ebx && out->ecx == in->ecx && out->edx == in->edx && out->esi == in->esi &&
           out->edi == in->edi && out->ebp == in->ebp && out->esp == out->esp_before;
}

/* NT and AC are the user's (trap.c clears only IOPL and VM): they survive a
 * syscall, including one that switches to another process and back. The
 * interrupt gate clears NT for the kernel, so its iret is never a task return. */
void eflags_nt_ac_preserved(void)
{
    long me = getpid();
    static const uint32_t nrs[] = { SYS_getpid, SYS_yield, 0x7777 };
    for (int i = 0; i < 3; i++) {
        struct regs in = plain_regs(nrs[i]), out;
        in.eflags |= EFLAGS_NT | EFLAGS_AC | EFLAGS_CF | EFLAGS_DF;
        memset(&out, 0, sizeof(out));
        hx_regs_syscall(&in, &out);
        long want = nrs[i] == SYS_getpid ? me : nrs[i] == SYS_yield ? 0 : -ENOSYS;
        EXPECT((long)out.eax == want && same_gprs(&in, &out), "nr %x: eax %x, registers changed",
               nrs[i], out.eax);
        uint32_t kept = EFLAGS_NT | EFLAGS_AC | EFLAGS_CF | EFLAGS_DF | EFLAGS_IF;
        EXPECT((out.eflags & kept) == kept, "nr %x: eflags %x, expected NT AC CF DF IF (%x) kept",
               nrs[i], out.eflags, kept);
    }
}

/* The same across sysenter (ABI: src/user/lib/sysenter.asm): NT, AC, DF
 * and ID come back as they were on every route, the fast path (getpid),
 * the general path (close, write of three arguments in registers, yield,
 * which gives up the CPU), and the slow path (an unknown number); so do
 * EBX, ESI, EDI, EBP, ESP and DS, ES, FS, GS (FS and GS null in one pass:
 * the general path's exit does not pop them). With NT or DF set the general path sends the
 * call the slow way, whose popfd loads clean kernel flags; with only AC and
 * ID it runs C under the user's EFLAGS and leaves without a popfd. */
void sysenter_eflags_kept(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER)) {
        DIAG("no sysenter on this CPU: nothing to check");
        return;
    }
    long me = getpid();
    static const uint32_t nrs[] = { SYS_getpid, SYS_close, SYS_write, SYS_yield, 0x7777 };
    static const uint32_t sets[] = { EFLAGS_NT | EFLAGS_AC | EFLAGS_DF | EFLAGS_ID, EFLAGS_AC | EFLAGS_ID, 0 };
    const uint32_t watched = EFLAGS_NT | EFLAGS_AC | EFLAGS_DF | EFLAGS_ID | EFLAGS_TF | EFLAGS_IF;
    for (unsigned s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
        for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
            struct regs in = plain_regs(nrs[i]), out; /* EBX 0xB0B0B0B0: not an fd */
            in.eflags |= sets[s] | EFLAGS_CF;
            if (s == 1)
                in.fs = in.gs = 0;
            memset(&out, 0, sizeof(out));
            hx_regs_sysenter(&in, &out);
            long want = nrs[i] == SYS_getpid ? me : nrs[i] == SYS_yield ? 0
                      : nrs[i] == 0x7777 ? -ENOSYS : -EBADF;
            EXPECT((long)out.eax == want && out.ebx == in.ebx && out.esi == in.esi && out.edi == in.edi &&
                   out.ebp == in.ebp && out.esp == out.esp_before,
                   "nr %x flags %x: eax %x, registers changed", nrs[i], sets[s], out.eax);
            EXPECT((out.ds & 0xFFFF) == in.ds && (out.es & 0xFFFF) == in.es && (out.fs & 0xFFFF) == in.fs &&
                   (out.gs & 0xFFFF) == in.gs, "nr %x: ds %x es %x fs %x gs %x, expected %x %x %x %x", nrs[i],
                   out.ds, out.es, out.fs, out.gs, in.ds, in.es, in.fs, in.gs);
            EXPECT((out.eflags & watched) == (sets[s] | EFLAGS_IF), "nr %x: eflags %x, expected %x of %x",
                   nrs[i], out.eflags, sets[s] | EFLAGS_IF, watched);
        }
    }
}

/* popfd at CPL 3 cannot raise IOPL, and the kernel would clear it anyway. */
void eflags_iopl_stays_0(void)
{
    struct regs in = plain_regs(SYS_yield), out;
    in.eflags |= EFLAGS_IOPL;
    memset(&out, 0, sizeof(out));
    hx_regs_syscall(&in, &out);
    EXPECT(out.eax == 0 && (out.eflags & EFLAGS_IOPL) == 0, "eax %x eflags %x", out.eax, out.eflags);
    EXPECT_EQ(child_status(hx_cli, 0), STATUS_FAULT(13));
}

/* TF set across int 0x80: the gate clears TF, so the kernel runs the call
 * to its end; the iret brings TF back and the single-step trap after the
 * first instruction in ring 3 kills the process with #DB (vector 1). The
 * call is an ipc_send to us, so we see that it completed first. */
void eflags_tf_across_syscall(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    static const char msg[4] = "tf!";
    long c = fork();
    if (c == 0) {
        hx_tf_syscall(SYS_ipc_send, me, (long)(uintptr_t)msg, 4);
        exit(251);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0) {
        char b[8];
        int s;
        memset(b, 0, sizeof(b));
        EXPECT_EQ(ipc_recv((int)c, b, sizeof(b), &s), 4);
        EXPECT(memcmp(b, "tf!", 4) == 0, "message \"%s\"", b);
        EXPECT_EQ(wait_status(c), STATUS_FAULT(1));
    }
    c = fork();
    if (c == 0) {
        hx_tf_syscall(SYS_getpid, 0, 0, 0);
        exit(251);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), STATUS_FAULT(1));
    EXPECT_FRAMES(f0);
}

/* Issue 10: the single-step state of a sysenter belongs to the process
 * that made it. A sysenter ring trip (EAX = SYSENTER_RING_TRIP) with TF set
 * takes the kernel's #DB at the entry but never reaches C: TF is dropped
 * (it comes back clear) and nothing is left behind. It was a kernel global,
 * and the next ordinary sysenter anywhere, here process B, came back with
 * TF and was killed by #DB. The same process's own next sysenters too. */
void sysenter_tf_ring_trip_stays_in_its_process(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER)) {
        DIAG("no sysenter on this CPU: nothing to check");
        return;
    }
    unsigned f0 = frames_free();
    long a = fork();
    if (a == 0)
        exit(hx_tf_ring_trip() & EFLAGS_TF ? 2 : 0);        /* then exit by int 0x80 */
    EXPECT(a > 0, "fork() = %d", (int)a);
    if (a > 0)
        EXPECT_EQ(wait_status(a), 0);
    long b = fork();
    if (b == 0)
        exit(sysenter_call(SYS_getpid, 0, 0, 0, 0, 0) == getpid() ? 0 : 3);
    EXPECT(b > 0, "fork() = %d", (int)b);
    if (b > 0)
        EXPECT_EQ(wait_status(b), 0);                       /* was STATUS_FAULT(1) */
    long c = fork();
    if (c == 0) {
        hx_tf_ring_trip();
        long r1 = sysenter_call(SYS_getpid, 0, 0, 0, 0, 0);
        long r2 = sysenter_call(SYS_getppid, 0, 0, 0, 0, 0);
        exit(r1 == getpid() && r2 == getppid() ? 0 : 4);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);
    EXPECT_EQ(sysenter_call(SYS_getpid, 0, 0, 0, 0, 0), getpid());
    EXPECT_FRAMES(f0);
}


/* The kernel never touches the user stack: a syscall with ESP anywhere
 * (0, the guard page, unmapped, the trampoline, the kernel's link address)
 * returns normally, with ESP as it was; yield switches away and back. */
void syscall_with_hostile_esp(void)
{
    static const uint32_t esps[] = { 0, 4, USER_STACK_TOP + 0xFFF, 0x50000000u, TRAMPOLINE_BASE,
                                     KERNEL_VIRT_BASE, 0xFFFFFFFCu, 0xFFFFFFFFu };
    long me = getpid();
    for (unsigned i = 0; i < sizeof(esps) / sizeof(esps[0]); i++) {
        uint32_t after = 0x0BADBAD0;
        EXPECT_AT(esps[i], hx_syscall_esp(SYS_getpid, esps[i], &after), me);
        EXPECT_AT(esps[i], after, esps[i]);
        after = 0x0BADBAD0;
        EXPECT_AT(esps[i], hx_syscall_esp(SYS_yield, esps[i], &after), 0);
        EXPECT_AT(esps[i], after, esps[i]);
    }
}

/* Data segment registers the CPU lets ring 3 load: null, and USER_DS with
 * RPL 0 (max(CPL, RPL) <= DPL 3). They come back as they were: iret nulls
 * only a data segment whose DPL is below the new CPL, and USER_DS's is 3. */
void syscall_with_odd_selectors(void)
{
    long me = getpid();
    static const uint32_t sels[][4] = {
        { 0, 0, 0, 0 },
        { USER_DS_RPL0, USER_DS_RPL0, USER_DS_RPL0, USER_DS_RPL0 },
        { 0, USER_DS_RPL0, USER_DS, 0 },
    };
    static const uint32_t nrs[] = { SYS_getpid, SYS_yield };
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 2; j++) {
            struct regs in = plain_regs(nrs[j]), out;
            in.ds = sels[k][0], in.es = sels[k][1], in.fs = sels[k][2], in.gs = sels[k][3];
            memset(&out, 0, sizeof(out));
            hx_regs_syscall(&in, &out);
            long want = nrs[j] == SYS_getpid ? me : 0;
            EXPECT((long)out.eax == want && same_gprs(&in, &out) && (out.ds & 0xFFFF) == in.ds &&
                   (out.es & 0xFFFF) == in.es && (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs,
                   "nr %d with ds %x es %x fs %x gs %x: eax %x, came back ds %x es %x fs %x gs %x",
                   (int)nrs[j], in.ds, in.es, in.fs, in.gs, out.eax, out.ds, out.es, out.fs, out.gs);
        }
}
