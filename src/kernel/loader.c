/*
 * loader.c - turn a boot module (an ELF32 executable linked at
 * USER_LINK_BASE) into a process with its own page directory.
 *
 * The module is validated before a single byte of it is trusted
 * (elf_validate). Each PT_LOAD gets fresh zeroed frames at its p_vaddr
 * (U=1, W=1 only if PF_W); the file bytes are copied into the frames through
 * the direct map, and the rest (bss) stays zero. The user stack gets
 * USER_STACK_PAGES pages below USER_STACK_TOP, with unmapped pages on both
 * sides. argv is laid out on it with copy_to_user:
 *
 *   USER_STACK_TOP ->  argument strings
 *                      argv[argc] = NULL, argv[argc-1] .. argv[0]
 *   ESP + 4        ->  argv (pointer to argv[0])
 *   ESP            ->  argc
 */
#include "defs.h"
#include "elf.h"
#include "kstring.h"
#include "memlayout.h"
#include "proc.h"
#include "uaccess.h"
#include "uapi/errno.h"

#define MAX_ARGS    16
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

/* Split @cmdline into argv words in @buf; "expect=..." words are for the
 * test harness and are left out. Returns argc. */
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
        if (strncmp(p, "expect=", 7) != 0)
            argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

static long push_args(paddr_t pd, int argc, char **argv, uint32_t *esp)
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

static long build_address_space(struct proc *p, const struct elf_image *elf, const uint8_t *img,
                                const char *cmdline)
{
    long r = uvm_create(&p->pd);
    if (r < 0)
        return r;
    for (uint32_t i = 0; i < elf->nsegs; i++) {
        r = map_segment(p->pd, &elf->segs[i]);
        if (r < 0)
            return r;
        load_bytes(p->pd, elf->segs[i].vaddr, img + elf->segs[i].offset, elf->segs[i].filesz);
    }
    r = uvm_map_zeroed(&kernel_frames, p->pd, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
                       USER_STACK_PAGES, PTE_U | PTE_W);
    if (r < 0)
        return r;

    char buf[CMDLINE_MAX];
    char *argv[MAX_ARGS];
    int argc = split_args(cmdline, buf, argv);
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
    return 0;
}

int spawn_module(const struct boot_module *m)
{
    if (m->end > DIRECT_MAP_SIZE) {
        kprintf("module %s: rejected: loaded above the direct map\n", m->name);
        ktest_module_rejected(m, -ENOEXEC);
        return -ENOEXEC;
    }
    const uint8_t *img = phys_to_virt(m->start);
    struct elf_image elf;
    const char *why;
    int r = elf_validate(img, m->end - m->start, &elf, &why);
    if (r < 0) {
        kprintf("module %s: rejected: %s\n", m->name, why);
        ktest_module_rejected(m, r);
        return r;
    }

    int err;
    struct proc *p = proc_alloc(&err);
    if (!p) {
        kprintf("module %s: cannot start: %s\n", m->name, err == -EAGAIN ? "process table full" : "out of memory");
        ktest_module_rejected(m, err);
        return err;
    }
    memcpy(p->name, m->name, PROC_NAME_MAX);
    p->pd = 0;
    long lr = build_address_space(p, &elf, img, m->cmdline);
    if (lr < 0) {
        kprintf("module %s: cannot start: error %ld\n", m->name, lr);
        if (p->pd)
            uvm_destroy(&kernel_frames, p->pd);
        proc_free(p);
        ktest_module_rejected(m, (int)lr);
        return (int)lr;
    }
    ktest_parse_expectation(m->cmdline, &p->expect);
    if (ktest_mode || DEBUG_CHECKS)
        p->audit_violations = paging_audit_user(p->pd, p->name);
    p->state = P_RUNNABLE;
    kprintf("module %s: pid %d, entry %p, %u segment(s)\n", m->name, p->pid, (void *)elf.entry, elf.nsegs);
    return p->pid;
}
