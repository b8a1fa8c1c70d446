/*
 * harness.h - the test harness's data about processes and boot modules,
 * kept out of struct proc and out of the ELF loader. The core reaches it
 * through a few named hooks:
 *
 *   harness_word(w)            loader.c: a module command-line word that is
 *                              for the harness (expect=..., nostart), not argv
 *   harness_module_nostart(m)  main.c: the module waits for spawn()
 *   harness_boot_process(p, m) loader.c: @p was started from boot module @m
 *   harness_is_boot(p)         @p is a boot process (its end is a test
 *                              result and a line of the boot summary)
 *   harness_process_ended(p)   proc.c (proc_exit): @p has just ended
 *   harness_run_over()         sched.c (scheduler_run): print the boot summary
 *   harness_destroy_init()     ktest.c (ktest_finish): end init
 *
 * and ktest.c (the KTAP verdicts) reads and writes the records below.
 *
 * Module command-line words (GRUB module lines, tools/mkiso.sh):
 *   expect=exit:N    exits by itself with status N (the default, N = 0)
 *   expect=fault:V   is killed by CPU exception vector V
 *   expect=reject    is refused by the loader
 *   nostart          not started at boot; a program spawn()s it
 */
#ifndef HARNESS_H
#define HARNESS_H

#include "types.h"

struct proc;
struct boot_module;

/* What the test harness expects of a boot process (expect=...). */
enum expect_kind { EXPECT_EXIT, EXPECT_FAULT, EXPECT_REJECT };
struct expectation {
    enum expect_kind kind;
    int value;                  /* exit status, or fault vector */
};

/* The harness's record of one process (one per process-table slot, valid
 * for the pid it names: a new process in the slot starts a fresh one). */
struct harness_proc {
    int pid;
    bool boot;                  /* started by the kernel from a boot module */
    uint32_t audit_violations;  /* found when its address space was built or changed */
    struct expectation expect;  /* boot processes: from the module's expect= word */
};

/* harness_of - @p's harness record (zeroed the first time @p is asked about). */
struct harness_proc *harness_of(const struct proc *p);

/* harness_word - true if the NUL- or blank-terminated word @w is a harness
 * word (expect=..., nostart), which the loader leaves out of argv. */
bool harness_word(const char *w);

/* harness_module_nostart - true if boot module @m's command line has the
 * word nostart: the kernel does not start it at boot. */
bool harness_module_nostart(const struct boot_module *m);

/* harness_parse_expectation - the expect=exit:N | fault:V | reject word of
 * module command line @cmdline into *@out; no such word: exit status 0. */
void harness_parse_expectation(const char *cmdline, struct expectation *out);

/* harness_boot_process - @p was just started from boot module @m: mark it
 * a boot process and record the module's expectation. */
void harness_boot_process(const struct proc *p, const struct boot_module *m);

/* harness_is_boot - true if @p was started from a boot module. */
bool harness_is_boot(const struct proc *p);

/* harness_process_ended - @p has just ended (proc_exit; its exit status
 * is set, its address space gone, it is not a zombie yet). A boot process
 * gets a line in the boot summary and its KTAP result (ktest_process_done);
 * any other process: nothing. */
void harness_process_ended(struct proc *p);

/* harness_run_over - the run is over (scheduler_run, nothing can run
 * again): print the boot summary, "summary: N boot processes finished"
 * and one line per finished boot process (the first 64), how it ended. */
void harness_run_over(void);

/* harness_destroy_init - for ktest at the end of a run: free the zombie
 * children init has not waited for, init's address space and its slot, so
 * that the free-frame count covers them. No-op without init. Panics if init
 * is still queued to run (scheduler_run returns only with init asleep). */
void harness_destroy_init(void);

#endif /* HARNESS_H */
