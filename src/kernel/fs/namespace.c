/*
 * namespace.c - the read-only namespace (docs/files.md): path lookup.
 *
 * The namespace is fixed, built from the boot modules and three devices:
 *
 *   /              directory
 *   /mod           directory: one regular file per boot module (kernel.sym
 *                  excepted, as for spawn), its bytes, read-only
 *   /dev           directory: null, zero, console (dev.c)
 *
 * Paths are absolute; repeated slashes collapse; "." and ".." are not
 * supported (-ENOENT). Pipes (pipe.c) have no name.
 */
#include "defs.h"
#include "fs/file.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

/* A boot module /mod can show: reachable through the direct map. */
static bool module_visible(const struct boot_module *m)
{
    return m->end <= DIRECT_MAP_SIZE && m->start <= m->end;
}

/* name_is - @name (@len bytes, no NUL) equals the string @want. */
static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncmp(name, want, len) == 0;
}

/* The entry @name (@len bytes, no NUL) of directory @dir. 0 or -ENOENT. */
static long lookup_child(uint32_t dir, const char *name, size_t len, struct node *out)
{
    *out = (struct node){ 0 };
    switch (dir) {
    case DIR_ROOT:
        out->type = N_DIR;
        if (name_is(name, len, "mod"))
            out->dir = DIR_MOD;
        else if (name_is(name, len, "dev"))
            out->dir = DIR_DEV;
        else
            return -ENOENT;
        return 0;
    case DIR_DEV:
        if (name_is(name, len, "null"))
            out->type = N_NULL;
        else if (name_is(name, len, "zero"))
            out->type = N_ZERO;
        else if (name_is(name, len, "console"))
            out->type = N_CONSOLE;
        else
            return -ENOENT;
        return 0;
    case DIR_MOD: {
        const struct boot_module *m = boot_module_find(name, len); /* the one spawn() picks */
        if (!m || !module_visible(m))
            return -ENOENT;
        out->type = N_MOD;
        out->mod = m;
        return 0;
    }
    default:
        return -ENOENT;
    }
}

/*
 * lookup - the node of absolute @path. -ENOENT: relative or empty path, or
 * a name that does not exist; -ENOTDIR: a component other than the last is
 * not a directory, or a trailing slash follows a file.
 */
static long lookup(const char *path, struct node *out)
{
    if (path[0] != '/')
        return -ENOENT;
    *out = (struct node){ .type = N_DIR, .dir = DIR_ROOT };
    const char *p = path;
    for (;;) {
        bool slash = *p == '/';
        while (*p == '/')
            p++;
        if (!*p)
            return slash && out->type != N_DIR ? -ENOTDIR : 0;
        if (out->type != N_DIR)
            return -ENOTDIR;
        size_t len = 0;
        while (p[len] && p[len] != '/')
            len++;
        long r = lookup_child(out->dir, p, len, out);
        if (r < 0)
            return r;
        p += len;
    }
}

/*
 * ns_lookup_user - copy in the NUL-terminated user path at @upath (at most
 * PATH_MAX bytes with the NUL) and look it up: *@out is its node. 0;
 * -EFAULT bad @upath, -ENAMETOOLONG too long, -ENOENT relative or empty
 * path or no such name, -ENOTDIR a non-directory used as one.
 */
long ns_lookup_user(uaddr_t upath, struct node *out)
{
    char path[PATH_MAX];
    long r = strncpy_from_user(current->pd, path, upath, sizeof(path));
    if (r < 0)
        return r; /* -EFAULT, -ENAMETOOLONG */
    return lookup(path, out);
}
