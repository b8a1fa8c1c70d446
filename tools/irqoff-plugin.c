/*
 * irqoff-plugin.c - a QEMU TCG plugin that measures how long the kernel
 * keeps interrupts off: the longest runs of instructions executed at kernel
 * addresses with no interrupt window in between (docs/security.md,
 * "Interrupt latency").
 *
 * The kernel runs with IF = 0 everywhere except ring 3, the idle loop's
 * `sti; hlt` and preempt.c's `sti; nop; cli`. So a run starts at the first
 * kernel instruction after user code or a window, and ends at the next user
 * instruction, window `nop` or idle `hlt`; its length in instructions is the
 * longest a pending IRQ can wait there (under -icount shift=0 one
 * instruction is one ns of virtual time and one TSC tick). Runs are grouped
 * by the last user instruction before them: for a system call that is the
 * `int 0x80` of its stub in src/user/lib/syscall.asm, so the report names
 * the call (look the address up in the program's .sym file).
 *
 * Build (`make test` builds it too, so it cannot rot; the v1 API it uses is
 * declared in tools/qemu-plugin-v1.h, QEMU 7.2 ships no qemu-plugin.h):
 *     make build/irqoff.so
 * Run (tools/irqoff.sh ISO KERNEL.elf does all this and names the
 * functions): window = irq_window + 1 (the nop), idle = the hlt in
 * scheduler_run, boot_end (optional) = scheduler_run, all from
 * build/kernel.elf (objdump -d), with a test ISO:
 *     qemu-system-i386 -accel tcg -icount shift=0 ... \
 *         -plugin build/irqoff.so,window=0xC01....,idle=0xC01....,boot_end=0xC01....
 * The report goes to stderr when QEMU exits. Addresses at or above
 * KERNEL_FROM count as kernel: a user program linked there (kernelva)
 * would be miscounted, so measure with an ISO without it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-v1.h"
#include "memlayout.h"          /* KERNEL_WINDOW_BASE (the Makefile passes -Isrc/kernel) */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define KERNEL_FROM KERNEL_WINDOW_BASE  /* the kernel window (image at KERNEL_VIRT_BASE) and the trampoline above */
#define MAX_KEYS    512
/* A profile of the current run (every SAMPLE_EVERY-th pc), kept for the
 * longest run of each group; printed with -plugin ...,profile=1. */
#define SAMPLE_EVERY 2048
#define SAMPLES      64

static uint64_t window_pc, idle_pc;

struct group {
    uint64_t key;                   /* last user instruction before the runs */
    uint64_t runs, max, max_start, max_end;
    uint64_t samples[SAMPLES], nsamples;
};
static struct group groups[MAX_KEYS];
static unsigned ngroups;

static uint64_t run, run_start, last_pc, last_user_pc;
/* Before the kernel first reaches boot_end (scheduler_run: the boot is
 * over), nothing is user code: the firmware (some of it at the top of the
 * address space), the boot loader and the kernel's own pre-paging code all
 * run, and every run then is keyed 0, boot. */
static uint64_t boot_end_pc;
static bool booted;

static uint64_t samples[SAMPLES], nsamples;
static bool profile;

static struct group *group_of(uint64_t key)
{
    for (unsigned i = 0; i < ngroups; i++)
        if (groups[i].key == key)
            return &groups[i];
    if (ngroups == MAX_KEYS)
        return &groups[MAX_KEYS - 1]; /* overflow: lumped together */
    groups[ngroups].key = key;
    return &groups[ngroups++];
}

static void end_run(void)
{
    struct group *g = group_of(last_user_pc);
    g->runs++;
    if (run > g->max) {
        g->max = run;
        g->max_start = run_start;
        g->max_end = last_pc;
        memcpy(g->samples, samples, sizeof(samples));
        g->nsamples = nsamples;
    }
    nsamples = 0;
    run = 0;
}

static void on_insn(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    uint64_t pc = (uintptr_t)udata;
    if (!booted && !boot_end_pc)
        booted = true;              /* no boot_end given: key by the last low address, as before */
    if (pc < KERNEL_FROM || pc == window_pc || pc == idle_pc) {
        if (run)
            end_run();
        if (pc < KERNEL_FROM && booted)
            last_user_pc = pc;
        return;
    }
    if (pc == boot_end_pc)
        booted = true;
    if (run++ == 0)
        run_start = pc;
    if (run % SAMPLE_EVERY == 0)
        samples[nsamples++ % SAMPLES] = pc;
    last_pc = pc;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS,
                                               (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
    }
}

static int by_max(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return x->max < y->max ? 1 : x->max > y->max ? -1 : 0;
}

static void on_qemu_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id, (void)udata;
    /* A run still open now ended in the power-off (the end-of-run report
     * after the last process): shown apart, it has no IRQ to delay. */
    uint64_t final = run, final_start = run_start;
    qsort(groups, ngroups, sizeof(groups[0]), by_max);
    fprintf(stderr, "irqoff: longest runs of kernel instructions without an interrupt window,\n"
                    "irqoff: by the last user instruction before them (0: boot)\n");
    fprintf(stderr, "irqoff: final run to power-off: %" PRIu64 " instructions from %#" PRIx64 "\n",
            final, final_start);
    fprintf(stderr, "irqoff: %10s %10s %10s %10s %10s\n", "user pc", "max insns", "runs", "from", "to");
    for (unsigned i = 0; i < ngroups && i < 40; i++)
        fprintf(stderr, "irqoff: %#10" PRIx64 " %10" PRIu64 " %10" PRIu64 " %#10" PRIx64 " %#10" PRIx64 "\n",
                groups[i].key, groups[i].max, groups[i].runs, groups[i].max_start, groups[i].max_end);
    for (unsigned i = 0; profile && i < ngroups && i < 8; i++) {
        fprintf(stderr, "irqoff: profile %#" PRIx64 ":", groups[i].key);
        for (uint64_t k = 0; k < groups[i].nsamples && k < SAMPLES; k++)
            fprintf(stderr, " %#" PRIx64, groups[i].samples[k]);
        fprintf(stderr, "\n");
    }
}

__attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "arg=", 4) == 0)
            a += 4;
        if (strncmp(a, "window=", 7) == 0)
            window_pc = strtoull(a + 7, NULL, 0);
        else if (strncmp(a, "idle=", 5) == 0)
            idle_pc = strtoull(a + 5, NULL, 0);
        else if (strncmp(a, "boot_end=", 9) == 0)
            boot_end_pc = strtoull(a + 9, NULL, 0);
        else if (strncmp(a, "profile=", 8) == 0)
            profile = a[8] == '1';
    }
    if (!window_pc || !idle_pc) {
        fprintf(stderr, "irqoff: need window=ADDR,idle=ADDR\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return 0;
}
