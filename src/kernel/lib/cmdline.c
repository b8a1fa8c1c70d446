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

/*
 * cmdline_word - search @cmdline from @from on (@cmdline <= @from <= its
 * NUL) for a word that is @word, or, when @word ends in '=' (a key such as
 * "aspace="), a word that starts with it. A word starts at @cmdline or
 * after a blank. Returns a pointer into @cmdline just past @word in the
 * match (a key's value; after a whole word, the blank or NUL); NULL if
 * there is none. Passing the result back as @from finds the next match.
 */
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

/* cmdline_has - whether @cmdline has the word @word (a key ending in '='
 * matches any value). */
bool cmdline_has(const char *cmdline, const char *word)
{
    return cmdline_word(cmdline, cmdline, word) != NULL;
}
