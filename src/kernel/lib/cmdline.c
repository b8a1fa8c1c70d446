/*
 * cmdline.c - the one scanner for command-line words: the kernel's (GRUB's
 * `multiboot2 /boot/kernel.elf WORDS`: test, panictest, aspace=,
 * bochsbreak=) and each boot module's (`module2 /mod/NAME NAME WORDS`:
 * expect=, nostart). Words are separated by single blanks (' ');
 * boot_bochs.inc has its own NASM copy for bochsbreak=paging, which runs
 * before C.
 */
#include "defs.h"
#include "lib/kstring.h"

const char *cmdline_word(const char *cmdline, const char *from, const char *word)
{
    size_t n = strlen(word);
    bool key = n > 0 && word[n - 1] == '=';
    for (const char *p = from; *p; p++) {
        if ((p != cmdline && p[-1] != ' ') || strncmp(p, word, n) != 0)
            continue;
        if (key || p[n] == ' ' || p[n] == '\0')
            return p + n;
    }
    return NULL;
}

bool cmdline_has(const char *cmdline, const char *word)
{
    return cmdline_word(cmdline, cmdline, word) != NULL;
}
