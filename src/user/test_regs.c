/*
 * test_regs - every register except EAX, the arithmetic flags, DF and the
 * segment registers come back from a syscall unchanged. Ten rounds with
 * different magic values, alternating nop, getpid and an unknown number.
 */
#include "ulib.h"

struct regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags, ds, es, fs, gs, esp_before;
};

void regs_syscall(const struct regs *in, struct regs *out);

#define USER_DS 0x23
#define FLAGS_CHECKED 0x0CD5u  /* CF PF AF ZF SF DF OF */
#define FLAGS_IF      0x0200u

static int round_ok(int round)
{
    uint32_t magic = 0x9E3779B9u * (uint32_t)(round + 1);
    static const long numbers[] = { SYS_nop, SYS_getpid, 0x7777 };
    long nr = numbers[round % 3];
    struct regs in = {
        .eax = (uint32_t)nr, .ebx = magic ^ 0x11111111, .ecx = magic ^ 0x22222222,
        .edx = magic ^ 0x33333333, .esi = magic ^ 0x44444444, .edi = magic ^ 0x55555555,
        .ebp = magic ^ 0x66666666,
        .eflags = 0x2 | FLAGS_IF | (round & 1 ? FLAGS_CHECKED : 0x0041 /* CF ZF */),
        .ds = USER_DS, .es = USER_DS,
        .fs = round & 1 ? 0 : USER_DS, /* a null selector must survive too */
        .gs = round & 2 ? 0 : USER_DS,
    };
    struct regs out;
    memset(&out, 0, sizeof(out));
    regs_syscall(&in, &out);

    long expect_eax = nr == SYS_nop ? 0 : nr == SYS_getpid ? getpid() : -ENOSYS;
    int ok = (long)out.eax == expect_eax && out.ebx == in.ebx && out.ecx == in.ecx &&
             out.edx == in.edx && out.esi == in.esi && out.edi == in.edi && out.ebp == in.ebp &&
             out.esp == out.esp_before && (out.eflags & FLAGS_CHECKED) == (in.eflags & FLAGS_CHECKED) &&
             (out.eflags & FLAGS_IF) && (out.ds & 0xFFFF) == in.ds && (out.es & 0xFFFF) == in.es &&
             (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs;
    if (!ok)
        printf("    # round %d: eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x esp %x/%x eflags %x "
               "ds %x es %x fs %x gs %x\n", round, out.eax, out.ebx, out.ecx, out.edx, out.esi, out.edi,
               out.ebp, out.esp, out.esp_before, out.eflags, out.ds, out.es, out.fs, out.gs);
    return ok;
}

int main(void)
{
    ktap_plan(10);
    for (int round = 0; round < 10; round++) {
        char name[48];
        snprintf(name, sizeof(name), "registers_preserved_round_%d", round);
        ktap_result(round_ok(round), name);
    }
    return ktap_failures();
}
