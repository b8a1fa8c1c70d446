/*
 * main.c - kmain: from the boot page tables to running the boot modules.
 *
 * Boot modules: every module is started at boot, `init` first, except
 * kernel.sym and modules whose command line has the word `nostart` (those
 * wait for spawn()). Kernel command line words (GRUB `multiboot2
 * /boot/kernel.elf WORDS`):
 *   test       report KTAP results and exit through isa-debug-exit
 *   panictest  fault in the kernel after start-up (tests the panic path)
 *   bochsbreak=paging,cr3,user   Bochs magic breakpoints (docs/debugging.md)
 *   aspace=split|split-global|shared   address-space mode (docs/benchmarking.md)
 */
#include "debug/bochs.h"
#include "defs.h"
#include "entry/fastpath.h"
#include "fs/file.h"
#include "lib/kstring.h"
#include "memlayout.h"
#include "proc/proc.h"

/* A module the kernel starts at boot: not kernel.sym, not marked nostart. */
static bool starts_at_boot(const struct boot_module *m)
{
    return strcmp(m->name, KSYMS_MODULE) != 0 && !harness_module_nostart(m);
}

/* init first (it adopts orphans), then every other module that starts at
 * boot, in GRUB's order. Modules marked nostart wait for spawn(). */
static void start_boot_processes(void)
{
    const struct boot_module *init = NULL;
    uint32_t planned = 0;
    for (uint32_t i = 0; i < nboot_modules; i++) {
        if (!starts_at_boot(&boot_modules[i]))
            continue;
        if (!init && strcmp(boot_modules[i].name, "init") == 0)
            init = &boot_modules[i];
        else
            planned++;
    }
    ktest_begin(planned);
    if (init) {
        int pid = spawn_boot_module(init);
        initproc = pid > 0 ? proc_find(pid) : NULL;
    }
    for (uint32_t i = 0; i < nboot_modules; i++)
        if (starts_at_boot(&boot_modules[i]) && &boot_modules[i] != init)
            spawn_boot_module(&boot_modules[i]);
}

/* parse_aspace - the mode of the word aspace=split|split-global|shared of
 * the kernel command line @cmdline (default split; an unknown value is
 * reported and the next aspace= word, if any, is tried). */
static enum aspace_mode parse_aspace(const char *cmdline)
{
    for (const char *v = cmdline_word(cmdline, cmdline, "aspace="); v; v = cmdline_word(cmdline, v, "aspace=")) {
        for (int m = ASPACE_SHARED; m >= ASPACE_SPLIT; m--) {
            size_t n = strlen(aspace_names[m]);
            if (strncmp(v, aspace_names[m], n) == 0 && (v[n] == ' ' || !v[n]))
                return (enum aspace_mode)m;
        }
        kprintf("boot: unknown %s: using aspace=split\n", v - 7);
    }
    return ASPACE_SPLIT;
}

static const struct mb2_info *read_boot_info(paddr_t mbi_pa, paddr_t load_base)
{
    static struct mb2_info mbi;
    const char *err;
    if (mbi_pa >= DIRECT_MAP_SIZE - MB2_MAX_SIZE)
        panic("multiboot2 information at %p is beyond the direct map", (void *)mbi_pa);
    if (mb2_parse(phys_to_virt(mbi_pa), MB2_MAX_SIZE, &mbi, &err) < 0)
        panic("bad multiboot2 information: %s", err);
    if (!mbi.has_load_base || mbi.load_base != load_base)
        panic("load base tag disagrees with boot.asm");
    ktest_modules_dropped = mbi.nmodules_dropped;
    if (mbi.nmodules_dropped)
        kprintf("boot: %u modules beyond the first %u ignored\n", mbi.nmodules_dropped, MB2_MAX_MODULES);
    return &mbi;
}

/*
 * kmain - the C kernel's entry, called once by boot.asm on the boot stack
 * with paging on (kernel_pd in CR3), interrupts off. @mbi_pa: the physical
 * address of the multiboot2 boot information GRUB passed in EBX (multiboot2
 * spec §3.3, "I386 machine state"; the tags of §3.6); @load_base: the
 * physical address, in bytes, where GRUB loaded the image (boot.asm found
 * it; it must equal the spec's load base tag, §3.6.23). Sets up paging,
 * descriptor tables, frames, the boot modules and the timer, runs the
 * processes (scheduler_run) until nothing can run again, and ends the run
 * (ktest_finish: powers off in a test boot; if it returns, boot.asm halts).
 * Panics if the boot information is beyond the direct map,
 * malformed (mb2_parse's -EINVAL) or disagrees with @load_base.
 */
void kmain(paddr_t mbi_pa, paddr_t load_base)
{
    console_init();
    kprintf("\nsplit: i686 kernel with split address spaces and a trampoline page\n");
    const struct mb2_info *mbi = read_boot_info(mbi_pa, load_base);
    kprintf("boot: load base %p (multiboot2 tag 21, self-location agrees), linked for %p\n",
            (void *)load_base, (void *)KERNEL_LINK_PHYS);
    kprintf("boot: command line \"%s\"\n", mbi->cmdline);
    aspace_mode = parse_aspace(mbi->cmdline);
    kprintf("boot: aspace=%s\n", aspace_names[aspace_mode]);

    paging_init(load_base);
    proc_table_init();      /* the tables the system calls read, through the direct map */
    fd_table_init();
    dev_init();
    desc_init();
    fastpath_init();
    pic_init();
    memmap_init(mbi, mbi_pa);
    kprintf("paging: kernel PD %p, image %p-%p, trampoline %p-%p (%u pages)\n", (void *)kernel_cr3,
            (void *)load_base, (void *)kernel_image_end, (void *)TRAMPOLINE_BASE,
            (void *)__trampoline_end, ((uint32_t)(uintptr_t)__trampoline_end - TRAMPOLINE_BASE) / PAGE_SIZE);

    ktest_mode = cmdline_has(mbi->cmdline, "test");
    bochs_init(mbi->cmdline);
    boot_modules_init(mbi);
    start_boot_processes();
    timer_init();
    console_input_init();

    if (cmdline_has(mbi->cmdline, "panictest")) {
        kprintf("panictest: writing to an unmapped kernel address\n");
        *(volatile uint32_t *)0x00400000 = 0xDEAD; /* the removed identity map */
    }

    scheduler_run();
    ktest_finish();
}
