/*
 * modules.c - the table of boot modules: what GRUB loaded next to the
 * kernel (multiboot2 module tags, spec §3.6.6), by name, for kmain (start
 * them), spawn(), /mod (namespace.c) and modules(). loader.c turns one
 * into a process.
 */
#include "defs.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

struct boot_module boot_modules[MB2_MAX_MODULES];
uint32_t nboot_modules;

/* first_word - the first blank-separated word of @s into @out (@size bytes
 * with the NUL; a longer word is cut). */
static void first_word(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && n + 1 < size)
        n++;
    memcpy(out, s, n);
    out[n] = '\0';
}

/*
 * boot_modules_init - fill boot_modules[] from the module tags of @mbi, in
 * GRUB's order: each module's name is the first word of its command line
 * (cut to 15 bytes), its bytes [start, end) physical. The one named
 * kernel.sym becomes the kernel's symbol table (ksyms_init). No errors:
 * mb2_parse kept at most MB2_MAX_MODULES.
 */
void boot_modules_init(const struct mb2_info *mbi)
{
    for (uint32_t i = 0; i < mbi->nmodules; i++) {
        struct boot_module *m = &boot_modules[nboot_modules++];
        first_word(mbi->modules[i].cmdline, m->name, sizeof(m->name));
        m->cmdline = mbi->modules[i].cmdline;
        m->start = mbi->modules[i].start;
        m->end = mbi->modules[i].end;
        if (strcmp(m->name, KSYMS_MODULE) == 0)
            ksyms_init(m);
    }
}

/* boot_module_find - the first boot module named @name (@len bytes, no NUL
 * needed); NULL if none, and always for kernel.sym (the kernel's own). */
const struct boot_module *boot_module_find(const char *name, size_t len)
{
    for (uint32_t i = 0; i < nboot_modules; i++) {
        const struct boot_module *m = &boot_modules[i];
        if (strlen(m->name) == len && strncmp(m->name, name, len) == 0)
            return strcmp(m->name, KSYMS_MODULE) == 0 ? NULL : m;
    }
    return NULL;
}

/*
 * sys_modules - modules(buf, size): the names of the boot modules, each
 * once, kernel.sym left out, one per line, NUL-terminated, to user @buf
 * (at most @size bytes: cut, and then without the NUL). Returns the full
 * length in bytes without the NUL; -EFAULT bad @buf.
 */
long sys_modules(uaddr_t buf, uint32_t size)
{
    char names[MB2_MAX_MODULES * MODULE_NAME_MAX + 1];
    uint32_t n = 0;
    for (uint32_t i = 0; i < nboot_modules; i++) {
        const char *name = boot_modules[i].name;
        bool dup = strcmp(name, KSYMS_MODULE) == 0;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = strcmp(boot_modules[j].name, name) == 0;
        if (dup)
            continue;
        size_t len = strlen(name);
        memcpy(names + n, name, len);
        n += (uint32_t)len;
        names[n++] = '\n';
    }
    names[n] = '\0';
    uint32_t copy = n + 1 < size ? n + 1 : size;
    if (copy_to_user(current->pd, buf, names, copy) < 0)
        return -EFAULT;
    return (long)n;
}
