/*
 * loader.c - turn a boot module (an ELF32 executable linked at
 * USER_LINK_BASE) into a process with its own page directory: at boot
 * (spawn_boot_module) and for spawn(). The table of boot modules is
 * boot/modules.c's.
 *
 * The module is validated before a single byte of it is trusted
 * (elf_validate). Each PT_LOAD gets fresh zeroed frames at its p_vaddr
 * (U=1, W=1 only if PF_W); the file bytes are copied into the frames through
 * the direct map, and the rest (bss) stays zero. The user stack gets
 * USER_STACK_PAGES pages below USER_STACK_TOP, with unmapped pages on both
 * sides; the heap (brk) starts at the page after the highest segment. argv
 * is laid out on the stack with copy_to_user:
 *
 *   USER_STACK_TOP ->  argument strings
 *                      argv[argc] = NULL, argv[argc-1] .. argv[0]
 *   ESP + 4        ->  argv (pointer to argv[0])
 *   ESP            ->  argc
 */
#include "debug/bochs.h"
#include "defs.h"
#include "proc/elf.h"
#include "harness/harness.h"
#include "lib/kstring.h"
#include "memlayout.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

#define CMDLINE_MAX 256

/* Copy bytes into a user address space regardless of the W bit (the pages
 * were just mapped by us, so the walk cannot fail). */
static void load_bytes(paddr_t pd, uaddr_t va, const uint8_t *src, uint32_t len)
{
    while (len > 0) {
        uint32_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        pte_t *pte = pt_lookup(pd, va);
        memcpy((uint8_t *)phys_to_virt(PTE_FRAME(*pte)) + (va & (PAGE_SIZE - 1)), src, n);
        va += n, src += n, len -= n;
        preempt_window(); /* a page per window: images can be megabytes */
    }
}

/* Map every page a segment touches; a page shared with an earlier segment
 * is reused and made writable if either needs it. */
static long map_segment(paddr_t pd, const struct elf_segment *s)
{
    uint32_t flags = PTE_U | ((s->flags & PF_W) ? PTE_W : 0);
    uint32_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE); /* <= USER_TOP: validated */
    for (uint32_t va = ALIGN_DOWN(s->vaddr, PAGE_SIZE); va < end; va += PAGE_SIZE) {
        pte_t *pte = pt_lookup(pd, va);
        if (pte && (*pte & PTE_P)) {
            *pte |= flags;
            continue;
        }
        long r = uvm_map_zeroed(&kernel_frames, pd, va, 1, flags);
        if (r < 0)
            return r;
    }
    return 0;
}

/* split_args - split @cmdline into argv words in @buf (CMDLINE_MAX bytes;
 * a longer command line is cut), leaving out harness words (harness_word:
 * expect=..., nostart), at most MAX_ARGS. Returns argc. */
static int split_args(const char *cmdline, char *buf, char **argv)
{
    int argc = 0;
    size_t len = strnlen(cmdline, CMDLINE_MAX - 1);
    memcpy(buf, cmdline, len);
    buf[len] = '\0';
    for (char *p = buf; *p && argc < MAX_ARGS;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        char *word = p;
        while (*p && *p != ' ')
            p++;
        if (!harness_word(word))
            argv[argc++] = word;
    }
    return argc;
}

/* push_args - lay out @argc strings @argv and the argv array on the new
 * user stack below USER_STACK_TOP (the layout above); *@esp: the user ESP
 * (at argc). 0; -EFAULT if the stack pages are not there. */
static long push_args(paddr_t pd, int argc, char *const *argv, uint32_t *esp)
{
    uint32_t uargv[MAX_ARGS + 1];
    uint32_t sp = USER_STACK_TOP;
    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        sp -= len;
        if (copy_to_user(pd, sp, argv[i], len) < 0)
            return -EFAULT;
        uargv[i] = sp;
    }
    uargv[argc] = 0;
    sp = ALIGN_DOWN(sp, 16) - (uint32_t)(argc + 1) * 4;
    uint32_t head[2] = { (uint32_t)argc, sp };
    if (copy_to_user(pd, sp, uargv, (uint32_t)(argc + 1) * 4) < 0 ||
        copy_to_user(pd, sp - 8, head, sizeof(head)) < 0)
        return -EFAULT;
    *esp = sp - 8;
    return 0;
}

/* build_address_space - @p's new user PD with @elf's segments from @img,
 * its heap start, stack and argv, and a trap frame that enters at the ELF
 * entry point. 0; -ENOEXEC a segment above DIRECT_MAP_BASE in
 * aspace=shared, -ENOMEM out of frames, -EFAULT. Partial work is left for
 * the caller to destroy. */
static long build_address_space(struct proc *p, const struct elf_image *elf, const uint8_t *img,
                                int argc, char *const *argv)
{
    /* aspace=shared maps the kernel from DIRECT_MAP_BASE up in every PD. */
    for (uint32_t i = 0; i < elf->nsegs && aspace_mode == ASPACE_SHARED; i++)
        if ((uint64_t)elf->segs[i].vaddr + elf->segs[i].memsz > DIRECT_MAP_BASE)
            return -ENOEXEC;
    long r = paging_new_user_pd(&p->pd);
    if (r < 0)
        return r;
    uaddr_t image_end = 0;
    for (uint32_t i = 0; i < elf->nsegs; i++) {
        const struct elf_segment *seg = &elf->segs[i];
        r = map_segment(p->pd, seg);
        if (r < 0)
            return r;
        load_bytes(p->pd, seg->vaddr, img + seg->offset, seg->filesz);
        if (seg->vaddr + seg->memsz > image_end)
            image_end = seg->vaddr + seg->memsz;
    }
    p->heap_start = p->brk = ALIGN_UP(image_end, PAGE_SIZE);
    r = uvm_map_zeroed(&kernel_frames, p->pd, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
                       USER_STACK_PAGES, PTE_U | PTE_W);
    if (r < 0)
        return r;
    uint32_t esp;
    r = push_args(p->pd, argc, argv, &esp);
    if (r < 0)
        return r;

    struct trapframe *tf = p->tf;
    tf->eip = elf->entry;
    tf->user_esp = esp;
    tf->cs = USER_CS;
    tf->user_ss = tf->ds = tf->es = tf->fs = tf->gs = USER_DS;
    tf->eflags = EFLAGS_IF | EFLAGS_RSVD1;
    bochs_first_user_entry(tf); /* bochsbreak=user: crt0 stops in Bochs */
    return 0;
}

/*
 * spawn - a new process running boot module @m with @argc/@argv, child of
 * @parent (NULL: the kernel), with fd 0 reading and fds 1 and 2 writing
 * /dev/console. Returns it in *@out and its pid, or -ENOEXEC (invalid ELF,
 * reported on the console), -EAGAIN, -ENOMEM or -ENFILE.
 */
static int spawn(const struct boot_module *m, int argc, char *const *argv, struct proc *parent,
                 struct proc **out)
{
    if (m->end > DIRECT_MAP_SIZE) {
        kprintf("module %s: rejected: loaded above the direct map\n", m->name);
        return -ENOEXEC;
    }
    const uint8_t *img = phys_to_virt(m->start);
    struct elf_image elf;
    const char *why;
    int r = elf_validate(img, m->end - m->start, &elf, &why);
    if (r < 0) {
        kprintf("module %s: rejected: %s\n", m->name, why);
        return r;
    }
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return err;
    memcpy(p->name, m->name, PROC_NAME_MAX);
    long lr = build_address_space(p, &elf, img, argc, argv);
    if (lr == 0)
        lr = file_console_fds(p); /* fds 0, 1, 2: /dev/console */
    if (lr < 0) {
        if (p->pd)
            uvm_destroy(&kernel_frames, p->pd);
        proc_free(p);
        return (int)lr;
    }
    p->parent = parent;
    p->may_poweroff = parent && parent == initproc; /* init's own programs (docs/security.md) */
    audit_new_address_space(p);
    *out = p;
    return p->pid;
}

/*
 * spawn_boot_module - start boot module @m as a process with no parent,
 * its argv from its command line (harness words dropped), and tell the
 * harness (harness_boot_process). Queues it and returns its pid; on an
 * error (-ENOEXEC bad ELF, -EAGAIN table full, -ENOMEM, -ENFILE) reports it
 * on the console and to ktest and returns it.
 */
int spawn_boot_module(const struct boot_module *m)
{
    char buf[CMDLINE_MAX];
    char *argv[MAX_ARGS];
    int argc = split_args(m->cmdline, buf, argv);
    struct proc *p;
    int r = spawn(m, argc, argv, NULL, &p);
    if (r < 0) {
        kprintf("module %s: not started (error %d)\n", m->name, r);
        ktest_module_rejected(m, r);
        return r;
    }
    harness_boot_process(p, m);
    kprintf("module %s: pid %d\n", m->name, p->pid);
    proc_make_runnable(p);
    return r;
}

/*
 * sys_spawn - spawn(name, argv): a new child of the caller from boot module
 * @uname (user string), with @uargv (user array of user strings, NULL-ended;
 * 0 = { name }). Returns the pid; -ENOENT no such module (or a name longer
 * than MODULE_NAME_MAX), -EFAULT bad name, argv or string, -E2BIG more than
 * MAX_ARGS entries or one longer than MAX_ARG_LEN, -ENOEXEC ELF validation
 * failed, -EAGAIN process table full, -ENFILE open-file table full, -ENOMEM
 * out of frames (nothing left allocated).
 */
long sys_spawn(uaddr_t uname, uaddr_t uargv)
{
    char name[MODULE_NAME_MAX];
    long r = strncpy_from_user(current->pd, name, uname, sizeof(name));
    if (r < 0)
        return r == -ENAMETOOLONG ? -ENOENT : r;
    const struct boot_module *m = boot_module_find(name, (size_t)r);
    if (!m)
        return -ENOENT;

    static char strings[MAX_ARGS][MAX_ARG_LEN]; /* one process in the kernel at a time */
    char *argv[MAX_ARGS];
    int argc = 0;
    for (; uargv; argc++) {
        uint32_t ptr;
        if (copy_from_user(current->pd, &ptr, uargv + (uaddr_t)argc * 4, 4) < 0)
            return -EFAULT;
        if (!ptr)
            break;
        if (argc == MAX_ARGS)
            return -E2BIG;
        r = strncpy_from_user(current->pd, strings[argc], ptr, MAX_ARG_LEN);
        if (r < 0)
            return r == -ENAMETOOLONG ? -E2BIG : r;
        argv[argc] = strings[argc];
    }
    if (argc == 0) {
        memcpy(strings[0], name, sizeof(name));
        argv[argc++] = strings[0];
    }
    /* `strings` is shared by every caller: no switch until spawn is done
     * (its long loops still open interrupt windows, preempt.h). */
    struct proc *p;
    preempt_disable();
    int pid = spawn(m, argc, argv, current, &p);
    preempt_enable();
    if (pid >= 0)
        proc_make_runnable(p);
    return pid;
}
