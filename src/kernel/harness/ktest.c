/*
 * ktest.c - results of a boot. With `test` on the kernel command line the
 * kernel reports KTAP (Documentation/dev-tools/ktap.rst in Linux) on the
 * console: one test per boot module, judged against the module's
 * expect=... word, then the kernel's own checks. User test modules print
 * their own cases as indented KTAP subtests before the kernel's line for
 * them. The verdict leaves through isa-debug-exit (33 = all passed).
 *
 * Module expectations: the expect= words of harness.h, kept per process
 * in its harness record (harness_of).
 */
#include "defs.h"
#include "fs/file.h"
#include "harness/harness.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "uapi/errno.h"
#include "x86/platform.h"
#include "x86/x86.h"

#define KERNEL_CHECKS 8

bool ktest_mode;
uint32_t ktest_modules_dropped;
static uint32_t test_number, npassed, nfailed;
static uint32_t frames_before;
static uint32_t tramp_sum_before;
static uint32_t audits_run, audit_violations;

static void report(bool ok, const char *name, const char *detail)
{
    test_number++;
    if (ok)
        npassed++;
    else
        nfailed++;
    if (ktest_mode)
        kprintf("%s %u %s # %s\n", ok ? "ok" : "not ok", test_number, name, detail);
}

void ktest_begin(uint32_t nmodules)
{
    frames_before = kernel_frames.free;
    tramp_sum_before = tramp_checksum();
    if (ktest_mode)
        kprintf("KTAP version 1\n1..%u\n", nmodules + KERNEL_CHECKS);
}

void ktest_module_rejected(const struct boot_module *m, int err)
{
    struct expectation e;
    harness_parse_expectation(m->cmdline, &e);
    char detail[64];
    ksnprintf(detail, sizeof(detail), "rejected by the loader (error %d)", err);
    report(e.kind == EXPECT_REJECT && err == -ENOEXEC, m->name, detail);
}

void ktest_process_done(struct proc *p)
{
    if (p == initproc)
        return; /* init is not one of the planned tests */
    const struct harness_proc *h = harness_of(p);
    bool ok;
    char detail[96];
    if (p->fault_vector >= 0) {
        ok = h->expect.kind == EXPECT_FAULT && h->expect.value == p->fault_vector;
        ksnprintf(detail, sizeof(detail), "pid %d killed by %s", p->pid, trap_name((uint32_t)p->fault_vector));
    } else {
        int st = p->exit_status;
        ok = h->expect.kind == EXPECT_EXIT && WIFEXITED(st) && h->expect.value == WEXITSTATUS(st);
        if (WIFKILLED(st))
            ksnprintf(detail, sizeof(detail), "pid %d killed by kill()", p->pid);
        else
            ksnprintf(detail, sizeof(detail), "pid %d exit %d", p->pid, WEXITSTATUS(st));
    }
    if (h->audit_violations) {
        ok = false;
        size_t n = strlen(detail);
        ksnprintf(detail + n, sizeof(detail) - n, ", %u audit violations", h->audit_violations);
    }
    report(ok, p->name, detail);
}

static void audit(struct proc *p)
{
    uint32_t bad = paging_audit_user(p->pd, p->name);
    harness_of(p)->audit_violations += bad;
    audit_violations += bad;
    audits_run++;
}

void audit_new_address_space(struct proc *p)
{
    if (ktest_mode || DEBUG_CHECKS)
        audit(p);
}

void audit_address_space_change(struct proc *p)
{
    if (DEBUG_CHECKS)
        audit(p);
}

void ktest_finish(void)
{
    char detail[96];
    harness_destroy_init(); /* init never exits by itself; its frames count too */
    uint32_t frames_after = kernel_frames.free;
    kprintf("frames: %u free before the modules, %u after\n", frames_before, frames_after);

    ksnprintf(detail, sizeof(detail), "load base %p from tag 21 = self-located", (void *)kernel_load_base);
    report(true, "boot.load_base", detail); /* boot.asm halts on a mismatch */
    ksnprintf(detail, sizeof(detail), "%u modules beyond MB2_MAX_MODULES ignored", ktest_modules_dropped);
    report(ktest_modules_dropped == 0, "boot.every_module_recorded", detail);
    report(paging_audit_kernel() == 0, "paging.kernel_pd_maps_nothing_below_direct_map", "identity map removed, VA 0 unmapped");
    ksnprintf(detail, sizeof(detail), "%u free before, %u after", frames_before, frames_after);
    report(frames_after == frames_before, "frames.returned_to_baseline", detail);
    ksnprintf(detail, sizeof(detail), "%u open-file entries still in use", files_in_use());
    report(files_in_use() == 0, "files.every_open_file_closed", detail);
    report(tramp_checksum() == tramp_sum_before, "trampoline.gdt_idt_tss_unchanged", "FNV-1a checksum");
    ksnprintf(detail, sizeof(detail), "%u address spaces audited, %u violations", audits_run, audit_violations);
    report(audit_violations == 0 && (audits_run > 0 || !ktest_mode), "paging.audit_every_address_space", detail);

    /* boot.asm wrote CR0_BOOT; desc.c adds EM (x87 off). Nothing else may
     * have changed, and caching must be on: CD = NW = 0 (SDM Vol. 3A §11.5.1). */
    uint32_t cr0 = read_cr0();
    uint32_t cr0_fixed = CR0_BOOT | CR0_CD | CR0_NW;
    ksnprintf(detail, sizeof(detail), "cr0 %p: CD=%u NW=%u PG=%u WP=%u NE=%u ET=%u PE=%u", (void *)cr0,
              !!(cr0 & CR0_CD), !!(cr0 & CR0_NW), !!(cr0 & CR0_PG), !!(cr0 & CR0_WP), !!(cr0 & CR0_NE),
              !!(cr0 & CR0_ET), !!(cr0 & CR0_PE));
    report((cr0 & cr0_fixed) == CR0_BOOT, "boot.cr0_caching_on_and_explicit", detail);

    if (ktest_mode)
        kprintf("# ktap totals: %u passed, %u failed\n", npassed, nfailed);
    power_off(nfailed == 0 ? EXIT_PASS : EXIT_FAIL);
}
