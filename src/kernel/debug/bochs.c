/*
 * bochs.c - the Bochs magic breakpoints chosen on the kernel command line
 * (bochsbreak=paging,cr3,user; bochs.h). `paging` is taken before C runs,
 * by boot_bochs.inc, which reads the command line itself.
 */
#include "debug/bochs.h"
#include "defs.h"
#include "lib/kstring.h"
#include "uapi/syscall.h"   /* BOCHSBREAK_USER_MAGIC */

uint32_t bochsbreak_places;

/* The places named by the word bochsbreak=a,b,c of @cmdline (BOCHSBREAK_*). */
static uint32_t parse_bochsbreak(const char *cmdline)
{
    static const struct { const char *name; uint32_t bit; } places[] = {
        { "paging", BOCHSBREAK_PAGING }, { "cr3", BOCHSBREAK_CR3 }, { "user", BOCHSBREAK_USER },
    };
    uint32_t bits = 0;
    const char *p = cmdline_word(cmdline, cmdline, "bochsbreak=");
    while (p && *p && *p != ' ') {
        for (size_t i = 0; i < ARRAY_SIZE(places); i++) {
            size_t n = strlen(places[i].name);
            if (strncmp(p, places[i].name, n) == 0 && (p[n] == ',' || p[n] == ' ' || !p[n]))
                bits |= places[i].bit;
        }
        while (*p && *p != ',' && *p != ' ')
            p++;
        if (*p == ',')
            p++;
    }
    return bits;
}

void bochs_init(const char *cmdline)
{
    bochsbreak_places = parse_bochsbreak(cmdline);
}

void bochs_at_kernel_cr3(void)
{
    if (bochsbreak_places & BOCHSBREAK_CR3) {
        bochsbreak_places &= ~(uint32_t)BOCHSBREAK_CR3; /* the first time only */
        BOCHS_BREAK(); /* the trampoline has just loaded the kernel CR3 */
    }
}

void bochs_first_user_entry(struct trapframe *tf)
{
    if (bochsbreak_places & BOCHSBREAK_USER) {
        bochsbreak_places &= ~(uint32_t)BOCHSBREAK_USER; /* the first process only */
        tf->eax = BOCHSBREAK_USER_MAGIC;
    }
}
