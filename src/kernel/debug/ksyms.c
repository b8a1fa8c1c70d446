/*
 * ksyms.c - symbolize kernel addresses with kernel.sym, which GRUB loads as
 * a module (the build writes it with nm: one "ADDRESS NAME" line per
 * symbol, address in hex, the same format Bochs's ldsym reads).
 */
#include "defs.h"
#include "lib/kstring.h"

static const char *sym_text;
static size_t sym_size;
static char found[64];

void ksyms_init(const struct boot_module *m)
{
    sym_text = phys_to_virt(m->start);
    sym_size = m->end - m->start;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const char *ksyms_lookup(uint32_t addr, uint32_t *offset)
{
    uint32_t best = 0;
    const char *best_name = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < sym_size;) {
        uint32_t a = 0;
        size_t j = i;
        if (j + 1 < sym_size && sym_text[j] == '0' && (sym_text[j + 1] == 'x' || sym_text[j + 1] == 'X'))
            j += 2;
        for (; j < sym_size && hexval(sym_text[j]) >= 0; j++)
            a = a << 4 | (uint32_t)hexval(sym_text[j]);
        while (j < sym_size && sym_text[j] == ' ')
            j++;
        size_t name = j;
        while (j < sym_size && sym_text[j] != '\n')
            j++;
        if (j > name && a <= addr && a >= best) {
            best = a;
            best_name = sym_text + name;
            best_len = j - name;
        }
        i = j + 1;
    }
    if (!best_name)
        return NULL;
    if (best_len >= sizeof(found))
        best_len = sizeof(found) - 1;
    memcpy(found, best_name, best_len);
    found[best_len] = '\0';
    *offset = addr - best;
    return found;
}
