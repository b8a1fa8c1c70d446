/*
 * defs.h - the kernel core's cross-file functions, grouped by the file that
 * defines them (the pure modules' .c files do without it). The
 * pure modules (host-tested) keep their own headers, included here:
 * frame.h, pgtable.h, multiboot2.h, harness.h. Subsystems with internals of
 * their own keep them, and their syscalls, in their own headers, which a
 * file includes when it needs them:
 *   proc.h       processes, scheduler, IPC (ipc.c), memory syscalls (mem_syscalls.c)
 *   file.h       the open-file table, devices (dev.c), pipes (pipe.c)
 *   uaccess.h    copy-in/copy-out, the only way to user memory
 *   preempt.h runq.h fastpath.h  preempt points, the run queue, the fast path
 *   kevents.h afill.h  the benchmark's counters and TLB-fill readout
 *   debug_checks.h bochs.h  DEBUG=1 checks, Bochs breakpoints
 *   elf.h kstring.h x86.h  ELF validation, string functions, CPU primitives
 * Every public function has a comment where it is declared or defined
 * (tools/check-comments.py, in make test).
 */
#ifndef DEFS_H
#define DEFS_H

#include <stdarg.h>
#include "types.h"
#include "memlayout.h"
#include "entry/trapframe.h"
#include "mm/frame.h"
#include "mm/pgtable.h"
#include "boot/multiboot2.h"
#include "harness/harness.h"        /* the test harness's hooks and per-process records */

struct proc;

/* DEBUG=1 builds (-DDEBUG_CHECKS=1) audit every address space they create. */
#ifndef DEBUG_CHECKS
#define DEBUG_CHECKS 0
#endif

/* console.c: COM1 + port 0xE9 */
/* console_init - program COM1 for 115200 8N1, FIFO on, no interrupts; notes
 * whether a UART answers (without one, output goes to port 0xE9 only). */
void console_init(void);
/* console_putc - one byte to COM1 (waits for THR empty, gives up after 10^6
 * polls) and to the 0xE9 debug port. No translation of '\n'. */
void console_putc(char c);
/* console_write - @n bytes of @s (kernel memory) to the console, "\r\n" for each '\n'. */
void console_write(const char *s, size_t n);
void console_flush(void);   /* wait until COM1 has sent every byte */
void console_input_init(void); /* enable the receive interrupt (IRQ 4) */
/* console_irq - IRQ 4: drain the UART's receive FIFO into the line buffer
 * (echo, backspace, Ctrl-C kills the foreground process, Ctrl-D = EOF). */
void console_irq(void);
/* console_read - read(0, ...): block until a line is queued, copy out at most
 * @len bytes (a line at most) to user address @buf. Returns the byte count,
 * 0 for @len == 0 or at end of file (Ctrl-D on an empty line), -EFAULT if
 * [@buf, @buf + @len) is not writable user memory (checked before it blocks;
 * nothing is consumed) or the caller was killed while it slept. */
long console_read(uaddr_t buf, uint32_t len);
/* sys_setfg - setfg(pid): @pid becomes the process Ctrl-C kills (0: none).
 * 0; -ESRCH no live process @pid, -EPERM @pid is neither the caller nor its
 * child, or the current foreground process is someone else's (console.c). */
long sys_setfg(int pid);

/* timer.c: PIT at TIMER_HZ */
/* timer_init - PIT channel 0 in mode 2 at TIMER_HZ (100 Hz), IRQ 0 unmasked. */
void timer_init(void);
/* timer_tick - IRQ 0: count one tick. */
void timer_tick(void);
/* timer_ticks - ticks since timer_init (1 / TIMER_HZ s each; wraps after 2^32). */
uint32_t timer_ticks(void);
/* timer_tick_word - where the tick count lives (the fast path reads it). */
const volatile uint32_t *timer_tick_word(void);

/* kprintf.c (on src/lib/fmt.c): %d %i %u %x %X %p %s %c %%, widths and 0-padding; no floats. */
/* kprintf - format to the console (console_write). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ksnprintf, kvsnprintf - format into @buf of @size bytes, always
 * NUL-terminated when @size > 0 (truncated if need be). Return the length
 * the whole output would have, in bytes without the NUL, like snprintf:
 * >= @size means it was truncated. The kernel's names for fmt_snprintf and
 * fmt_vsnprintf (src/lib/fmt.c, shared with the user runtime). */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __asm__("fmt_snprintf")
    __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __asm__("fmt_vsnprintf");

/* cmdline.c: words of the kernel's and the boot modules' command lines
 * (blank-separated; NUL-terminated strings in kernel memory) */
/* cmdline_word - search @cmdline, from @from on (@cmdline <= @from), for a
 * word that is @word (a whole word) or, if @word ends in '=' (a key such as
 * "aspace="), that starts with it. Returns the character after @word in
 * that word (a key's value; the blank or NUL after a whole word); NULL if
 * there is none. Pass the result as @from to find the next one. */
const char *cmdline_word(const char *cmdline, const char *from, const char *word);
/* cmdline_has - @cmdline contains @word as a whole word (or, for a key
 * ending in '=', a word starting with it). */
bool cmdline_has(const char *cmdline, const char *word);

/* paging.c: address-space modes (kernel command line aspace=..., docs/benchmarking.md) */
enum aspace_mode {
    ASPACE_SPLIT,           /* the design: separate PDs, CR3 switch on every entry and exit */
    ASPACE_SPLIT_GLOBAL,    /* the same, trampoline PTEs Global (CR4.PGE): they survive CR3 writes */
    ASPACE_SHARED,          /* baseline: kernel mapped supervisor-only in every user PD, no CR3 switch */
};
extern enum aspace_mode aspace_mode;
extern const char *const aspace_names[3];

/* paging.c: the kernel PD, the trampoline mapping, user PD creation */
extern paddr_t kernel_cr3;          /* physical address of the kernel PD */
extern paddr_t kernel_load_base;    /* where GRUB put the image */
extern paddr_t kernel_image_end;    /* one past its last byte, physical */
extern struct frame_pool kernel_frames;
/* paging_init - finish the kernel PD that boot.asm built for an image GRUB
 * loaded at physical @load_base: map the trampoline window (Global PTEs
 * under aspace=split-global), drop the identity map, make .text read-only,
 * set CR4.PGE if needed (Global pages: SDM Vol. 3A §4.10.2.4), load the
 * kernel CR3. Sets kernel_cr3, kernel_load_base and kernel_image_end; once,
 * from kmain, before any other paging call. */
void paging_init(paddr_t load_base);
/* kernel_virt_to_phys - the physical address behind kernel pointer @va: the
 * direct map, the kernel image window, or the trampoline window. Panics on
 * any other address (a user address, an unmapped hole): a kernel bug, never
 * user input. */
paddr_t kernel_virt_to_phys(const void *va);
/* direct_alias - the same bytes as @image_ptr (a pointer into the kernel
 * image's .data or .bss) seen through the direct map, whose 4 MiB pages
 * also hold the kernel stacks and page tables: data reached this way loads
 * no 4 KiB translation of its own (docs/benchmarking.md "Path trace").
 * After paging_init(); panics if the image lies beyond the direct map. */
static inline void *direct_alias(void *image_ptr)
{
    return phys_to_virt(kernel_virt_to_phys(image_ptr));
}
/* paging_new_user_pd - a new user page directory holding only the trampoline PTEs
 * (U=0; under aspace=shared also the kernel's supervisor-only PDEs).
 * Stores its physical address in *@pd (4 KiB aligned). Two frames: the PD
 * and the trampoline's page table. Returns 0, or -ENOMEM (no frame;
 * nothing allocated). */
long paging_new_user_pd(paddr_t *pd);
/* paging_audit_user - check every entry of the user PD at @pd against the
 * rules of pgtable.h's uvm_audit (no kernel frame user-visible, trampoline
 * PTEs exact, ...); prints one "AUDIT FAIL @name" line per violation and
 * returns their count (0 = clean). */
uint32_t paging_audit_user(paddr_t pd, const char *name);
/* paging_audit_kernel - the number of present PDEs below the direct map in
 * the kernel PD (0 once paging_init dropped the identity map); prints each. */
uint32_t paging_audit_kernel(void);
/* tramp_checksum - FNV-1a over the GDT, IDT and TSS in the trampoline
 * (ktest compares it before and after the user programs ran). */
uint32_t tramp_checksum(void);

/* memmap.c: the allocator fed from the multiboot2 memory map */
/* memmap_init - fill kernel_frames with the available RAM of the multiboot2
 * memory map in @mbi (type 1 entries, multiboot2 spec §3.6.8; whole 4 KiB
 * frames inside them), minus the first MiB, the kernel image, the MBI itself
 * (at physical @mbi_pa, mbi->total_size bytes) and every boot module; turn
 * on reference counts (shared memory). Needs kernel_load_base/image_end. */
void memmap_init(const struct mb2_info *mbi, paddr_t mbi_pa);

/* desc.c: GDT, IDT and TSS in the trampoline */
/* desc_init - fill and load the GDT, IDT (tramp_vectors) and TSS in the
 * trampoline window, set the sysenter MSRs if CPUID has SEP
 * (sysenter_available), and turn the x87 off (CR0.EM). Flat 4 GiB segments
 * (SDM Vol. 3A §3.4.5), 32-bit interrupt gates, DPL 3 only for the vectors
 * ring 3 may raise with int N (§6.12.1.1), the TSS's ESP0 at the entry
 * stack and no I/O bitmap (§7.2.1; Vol. 1 "I/O Permission Bit Map": ring 3
 * gets #GP on in/out), SYSENTER_CS/ESP/EIP MSRs (Vol. 2B "SYSENTER"). Once,
 * after paging_init. */
void desc_init(void);

/* pic.c: the two 8259As */
/* pic_init - remap IRQ 0-15 to vectors IRQ_BASE.., every line masked. */
void pic_init(void);
/* pic_unmask - let IRQ @irq (0-15) through; for 8-15 also the cascade, IRQ 2. */
void pic_unmask(uint32_t irq);
/* pic_eoi - end of interrupt for IRQ @irq (0-15): slave and master for 8-15. */
void pic_eoi(uint32_t irq);

/* trap.c */
/* KERNEL_HOT_TEXT (types.h): the functions every system call runs, on one
 * page with the common handlers (types.h lists them). */
/* trap_from_user - C entry for every general-path trap from ring 3 (the
 * trampoline, src/trampoline/entry.asm, calls it with the kernel CR3 loaded
 * and ESP on the current process's kernel stack). @tf: the trap frame,
 * TRAPFRAME_SIZE bytes, on the entry stack where the CPU and the stub left
 * it; @cr3_at_entry: the user CR3 the CPU came in with (checked in DEBUG
 * builds only; otherwise the user's EBX). Dispatches syscalls, device IRQs
 * (preempting at the end of the slice) and exceptions (which kill the
 * process); ends the process if it was killed; leaves by trap_return().
 * Never returns. */
void trap_from_user(struct trapframe *tf, uint32_t cr3_at_entry) __attribute__((noreturn));
/* trap_from_kernel - a trap taken at CPL 0, on the stack in use: an IRQ in
 * an interrupt window (handled, then back), a #DB from the user's TF on the
 * sysenter entry (TF cleared, remembered in the process), a fault on the
 * exit path's pops or iret (the process is killed); anything else panics
 * with the frame and @cr3_at_trap (the CR3 found at the trap). Returns only
 * for the first two. */
void trap_from_kernel(struct trapframe *tf, uint32_t cr3_at_trap);
/* trap_return - leave the kernel for @p's ring 3: sanitise its frame's
 * CS/SS/EFLAGS (IF on, IOPL 0, no VM: iret at CPL 0 would load them from
 * the frame, SDM Vol. 2A "IRET"), then the trampoline's exit loads @p's PD
 * and irets (or sysexits, for a sysenter frame with TF clear: sysexit
 * takes ESP/EIP from ECX/EDX, SDM Vol. 2B "SYSEXIT"). @p must be current
 * with an address space (DEBUG builds panic otherwise, debug_check_exit).
 * Never returns. */
void trap_return(struct proc *p) __attribute__((noreturn));
/* EFLAGS bits ring 3 may not hold, which trap_return clears: interrupts
 * stay on, no I/O privilege, no virtual-8086 mode. The rest (CF..OF, DF,
 * TF, NT, AC, ...) are the user's. */
#define EFLAGS_FORCED_CLEAR (EFLAGS_IOPL | EFLAGS_VM)
/* trap_name - a short name for IDT vector @vector ("#PF page fault",
 * "syscall", "IRQ", ...), for reports; never NULL. */
const char *trap_name(uint32_t vector);
/* syscall_finish_slow - the general path's end (entry.asm) when the
 * process has slow work pending after its call (tramp_fast_limit == 0):
 * stores @result in the frame's EAX (current->tf: the frame may have
 * moved), ends the process if it was killed, else trap_return(). Kernel
 * stack, kernel CR3. Never returns. */
void syscall_finish_slow(long result) __attribute__((noreturn));
/* syscall_check_entry, syscall_check_exit - DEBUG builds: the general
 * path's entry checks (@cr3_at_entry: the CR3 the CPU came in with) and
 * exit checks (the frame on the entry stack, untouched but for EAX, the
 * PD the trampoline will load), the same as trap_from_user's and
 * trap_return's (debug_checks.c). Panic on a failure. */
void syscall_check_entry(uint32_t cr3_at_entry);
void syscall_check_exit(void);

/* syscall.c */
/* syscall_dispatch - run the system call in @tf (EAX = number, arguments as
 * in uapi/syscall.h for int 0x80 and sysenter) and store its result in
 * current->tf->eax (the frame may have moved if the call slept): >= 0, or
 * -errno; an unknown number gets -ENOSYS, a bad sysenter argument pointer
 * -EFAULT. exit() does not return. */
void syscall_dispatch(struct trapframe *tf);
/* syscall_fn - a handler in syscall_table[]: the five argument words in
 * ABI order (uapi/syscall.h); returns the result, >= 0 or -errno. The
 * handlers are syscall.c's sc_NAME, one per row of uapi/syscalls.def: each
 * passes its arguments on to sys_NAME (whose comment lists its errors: here,
 * proc.h, kevents.h, afill.h, syscall.c for sysinfo and poweroff) and
 * returns its result unchanged. Those that
 * answer inline cannot fail: getpid, getppid (0 without a parent), ticks
 * (timer_ticks), nop and yield (0); exit never returns; number 0 and any
 * number >= NR_SYSCALLS get -ENOSYS. */
typedef long syscall_fn(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e);
/* syscall_table[nr] - the handler of call nr (< NR_SYSCALLS; 0: -ENOSYS);
 * syscall_nargs[nr] - how many arguments it takes. In .rodata.hot, on the
 * hot text page; the trampoline's general path calls through the table. */
extern syscall_fn *const syscall_table[NR_SYSCALLS];
extern const uint8_t syscall_nargs[NR_SYSCALLS];
/* syscall_sysenter_table[nr] - the same for the sysenter general path, whose
 * args 4 and 5 wait on the user stack: a call with four or five arguments
 * has syscall_sysenter_args45 there, which copies them in (-EFAULT, and no
 * call, if it cannot) and calls syscall_table[nr] with them as @d, @e. */
extern syscall_fn *const syscall_sysenter_table[NR_SYSCALLS];
long syscall_sysenter_args45(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e);

/* sched.c: the scheduler (the process table and life cycle: proc/proc.h) */
/* scheduler_run - run processes from the run queue until none is left alive
 * (or the test run is over), halting with interrupts on while the queue is
 * empty; then print the boot summary (harness_run_over) and return.
 * Kernel stack of kmain; a process that ends never runs again (proc_exit
 * panics if a zombie is switched to). */
void scheduler_run(void);

/* boot/modules.c: the table of boot modules (GRUB's module tags) */
struct boot_module {
    char name[16];              /* first word of the GRUB module command line */
    const char *cmdline;        /* the whole command line */
    paddr_t start, end;         /* physical bytes [start, end) */
};
extern struct boot_module boot_modules[];
extern uint32_t nboot_modules;
/* boot_modules_init - fill boot_modules[] from @mbi's module tags (name: the
 * first word of each command line); kernel.sym becomes the symbol table. */
void boot_modules_init(const struct mb2_info *mbi);
/* boot_module_find - the first boot module named @name (@len bytes, no NUL
 * needed), or NULL; kernel.sym is never found (it is the kernel's). */
const struct boot_module *boot_module_find(const char *name, size_t len);
/* sys_modules - modules(buf, size): the boot module names, one per line,
 * NUL-terminated, copied to user @buf (at most @size bytes, truncated).
 * Returns the full length in bytes without the NUL; -EFAULT bad buffer. */
long sys_modules(uaddr_t buf, uint32_t size);

/* proc/loader.c: a boot module's ELF image to a process */
/* spawn_boot_module - start boot module @m as a process with no parent, argv
 * from its command line (harness words dropped), and tell the harness
 * (harness_boot_process: its expect= outcome). Returns the pid, or the loader's error (-ENOEXEC bad
 * ELF, -EAGAIN table full, -ENOMEM, -E2BIG), which is also reported to ktest. */
int spawn_boot_module(const struct boot_module *m);
/* sys_spawn - spawn(name, argv): a new child of the caller from boot module
 * @name (user string), with @argv (user array of user strings, NULL-ended;
 * 0 = { name }). Returns the pid; -ENOENT no such module (or the name is
 * longer than MODULE_NAME_MAX), -EFAULT bad name, argv or string, -E2BIG more
 * than MAX_ARGS entries or one longer than MAX_ARG_LEN, -ENOEXEC ELF
 * validation failed, -EAGAIN process table full, -ENFILE open-file table
 * full, -ENOMEM out of frames (nothing left allocated). */
long sys_spawn(uaddr_t name, uaddr_t argv);

/* fs/: fd.c (descriptors, the open-file table, close/dup/pipe), namespace.c (/, /mod, /dev),
 * file_syscalls.c (the other calls); file.h has the table's internals, dev.c the
 * devices, pipe.c the pipes */
int file_console_fds(struct proc *p);   /* fd 0 reads, fds 1 and 2 write /dev/console: 0 or -ENFILE */
void files_fork(struct proc *parent, struct proc *child);  /* the child shares every open file */
void files_close_all(struct proc *p);   /* close every descriptor (exit) */
/*
 * The file syscalls (docs/files.md). Common errors: -EFAULT a path, buffer or
 * out pointer that is not valid user memory; -ENAMETOOLONG no NUL within
 * PATH_MAX bytes; -ENOENT empty, relative or unknown path; -ENOTDIR a
 * component after a file; -EBADF an fd that is negative, >= NOFILE, not
 * open, or open for the other direction.
 */
/* sys_open - open(path, flags): the lowest free fd for @path. -EINVAL flags
 * other than O_RDONLY/O_WRONLY/O_RDWR, -EROFS /mod/NAME for writing, -EISDIR
 * a directory for writing, -EMFILE NOFILE fds open, -ENFILE table full. */
long sys_open(uaddr_t path, uint32_t flags);
/* sys_close - close(fd): 0, or -EBADF. The last reference releases the node
 * (a pipe end closes). */
long sys_close(int fd);
/* sys_read - read(fd, buf, len): bytes read into user @buf (0 = end of
 * file); may block (console, pipe). -EBADF, -EISDIR a directory, -EFAULT. */
long sys_read(int fd, uaddr_t buf, uint32_t len);
/* sys_write - write(fd, buf, len): bytes written from user @buf; may block
 * (pipe). -EBADF, -EFAULT, -EPIPE a pipe with no read end and nothing written. */
long sys_write(int fd, uaddr_t buf, uint32_t len);
/* sys_lseek - lseek(fd, offset, whence): the new offset in bytes from the
 * start. -EBADF, -EINVAL bad @whence or a result below 0 or above 2^31 - 1,
 * -ESPIPE a pipe or /dev/console. */
long sys_lseek(int fd, int32_t offset, int whence);
/* sys_stat - stat(path, out): 0 with struct stat at user @out; the path
 * errors above (-EFAULT, -ENAMETOOLONG, -ENOENT, -ENOTDIR), -EFAULT @out. */
long sys_stat(uaddr_t path, uaddr_t out);
/* sys_fstat - fstat(fd, out): 0 with struct stat at user @out; -EBADF, -EFAULT. */
long sys_fstat(int fd, uaddr_t out);
/* sys_dup - dup(fd): the lowest free fd, sharing @fd's open file; -EBADF, -EMFILE. */
long sys_dup(int fd);
/* sys_pipe - pipe(fds): 0, fds[0] the read end, fds[1] the write end, stored
 * at user @fds (2 ints). -EFAULT, -EMFILE fewer than two free fds, -ENFILE
 * table full, -ENOMEM no frame for the buffer; nothing is left open on error. */
long sys_pipe(uaddr_t fds);

/* ksyms.c: kernel.sym (loaded as a module) for symbolized addresses */
#define KSYMS_MODULE "kernel.sym"
/* ksyms_init - use boot module @m ("ADDRESS NAME" lines, nm -n, address in
 * hex) as the symbol table, read in place through the direct map (module
 * bytes [start, end)); nothing is checked until ksyms_lookup parses it. */
void ksyms_init(const struct boot_module *m);
/* ksyms_lookup - the name of the symbol at or below @addr, *@offset = @addr
 * minus its address (bytes); NULL (and *@offset untouched) if none or no
 * table. The name lives in a static buffer (63 chars at most) until the next call. */
const char *ksyms_lookup(uint32_t addr, uint32_t *offset);

/* ktest.c: KTAP results of a `test` boot, and the end-of-run summary (the
 * harness's per-process records and module words: harness.h, harness.c) */
extern bool ktest_mode;
extern uint32_t ktest_modules_dropped;  /* a test boot with dropped modules fails */
/* ktest_begin - note the free frames and the trampoline checksum before the
 * run; in a test boot, print the KTAP header for @nmodules module results
 * plus the kernel's own checks. */
void ktest_begin(uint32_t nmodules);
/* ktest_module_rejected - KTAP result for module @m the loader refused with
 * @err: passes only if it was expect=reject and @err is -ENOEXEC. */
void ktest_module_rejected(const struct boot_module *m, int err);
/* ktest_process_done - KTAP result for boot process @p as it ends: its exit
 * status or fault vector against its expectation, failed by any address
 * space audit violation. Nothing for init. */
void ktest_process_done(struct proc *p);
/* audit_new_address_space, audit_address_space_change - run
 * paging_audit_user on @p's PD (it must have one) and add its violations to
 * @p's harness record and the run's total, which ktest_process_done and
 * ktest_finish fail on. The first in a test boot or a DEBUG build (each new
 * address space: spawn, fork), the second in DEBUG builds only (after each
 * change: brk, map, unmap, protect, shm_map); otherwise no-ops. */
void audit_new_address_space(struct proc *p);
void audit_address_space_change(struct proc *p);
/* ktest_finish - destroy init, run the kernel's end-of-run checks (frames
 * back to baseline, files closed, trampoline unchanged, audits, CR0), print
 * the totals and power off: QEMU exit 33 if everything passed, 35 if not. */
void ktest_finish(void) __attribute__((noreturn));

/* panic.c */
/* panic - interrupts off, print "KERNEL PANIC: " and the message (160 bytes
 * at most), CR0/CR2/CR3/CR4 and a symbolized frame-pointer backtrace, then
 * power off with EXIT_PANIC (QEMU exit 37). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* panic_trap - panic for an exception in ring 0: @why, the vector's name and
 * error code, every register of trap frame @tf (EIP symbolized), CR0/CR2/CR4,
 * @cr3_at_trap next to the kernel PD, a backtrace; powers off with EXIT_PANIC. */
void panic_trap(const struct trapframe *tf, uint32_t cr3_at_trap, const char *why) __attribute__((noreturn));

/* power.c */
/* power_off - flush COM1, write @exit_code (EXIT_*, x86/platform.h) to isa-debug-exit (QEMU
 * exits (@exit_code << 1) | 1), then try ACPI (QEMU, Bochs) and the Bochs
 * 0x8900 shutdown port; halts forever if all of them are absent. */
void power_off(uint8_t exit_code) __attribute__((noreturn));

/* Trampoline symbols (src/trampoline/, linked at TRAMPOLINE_BASE). */
extern const uint32_t tramp_vectors[IDT_VECTORS];
extern uint64_t tramp_gdt[GDT_ENTRIES], tramp_idt[IDT_VECTORS];
extern uint8_t tramp_tss[104];
extern uint32_t tramp_kernel_cr3, tramp_kstack_top, tramp_switches_cr3;
extern uint8_t tramp_entry_stack[], tramp_entry_stack_top[];
/* [tramp_syscall_return, tramp_restore_iret_end): the iret tails' pops (a
 * fault there is the user's bad state: trap.c). */
extern char tramp_syscall_return[], tramp_restore_iret_end[];
/* tramp_iret_to_user, tramp_sysexit_to_user (entry.asm) - leave
 * the kernel: copy trap frame @tf to the entry stack, load @cr3 (the
 * process's PD, physical address), restore every register from the frame and
 * iret, or sysexit for a sysenter frame with EFLAGS.TF clear (trap_return
 * chooses; SDM Vol. 2A "IRET", Vol. 2B "SYSEXIT"). Called with the kernel
 * CR3 and interrupts off. docs/trampoline.md. */
void tramp_iret_to_user(const struct trapframe *tf, paddr_t cr3) __attribute__((noreturn));
void tramp_sysexit_to_user(const struct trapframe *tf, paddr_t cr3) __attribute__((noreturn));
extern char tramp_sysenter_entry[], tramp_sysenter_end[];
/* [tramp_sysenter_return, tramp_sysexit_end): the two sysexit tails' pops (a
 * fault there is the user's bad state: trap.c). */
extern char tramp_sysenter_return[], tramp_sysexit_end[];
extern bool sysenter_available;     /* CPUID.1:EDX.SEP, MSRs set up (desc.c) */

/* Linker symbols (link/kernel.ld). */
extern char __kernel_image_start[], __text_start[], __data_start[], __bss_start[], __bss_end[];
extern char __trampoline_start[], __trampoline_text_end[], __trampoline_data_end[], __trampoline_end[];
extern char __trampoline_afill_start[], __trampoline_afill_end[];
extern char __trampoline_lma_start[], __kernel_image_end_lma[];

/* boot.asm */
extern pde_t kernel_pd[TABLE_ENTRIES];

#endif /* DEFS_H */
