/*
 * defs.h - table of contents of the kernel: every function one file offers
 * another, grouped by file. The pure modules (host-tested) keep their own
 * headers, included here.
 */
#ifndef DEFS_H
#define DEFS_H

#include <stdarg.h>
#include "types.h"
#include "memlayout.h"
#include "trapframe.h"
#include "frame.h"
#include "pgtable.h"
#include "multiboot2.h"

struct proc;

/* DEBUG=1 builds (-DDEBUG_CHECKS=1) audit every address space they create. */
#ifndef DEBUG_CHECKS
#define DEBUG_CHECKS 0
#endif

/* console.c: COM1 + port 0xE9 */
void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);
void console_flush(void);   /* wait until COM1 has sent every byte */
void console_input_init(void); /* enable the receive interrupt (IRQ 4) */
void console_irq(void);
long console_read(uaddr_t buf, uint32_t len);
long sys_setfg(int pid);    /* the foreground process Ctrl-C kills (0: none): 0, -ESRCH, -EPERM */

/* timer.c: PIT at TIMER_HZ */
void timer_init(void);
void timer_tick(void);
uint32_t timer_ticks(void);
/* timer_tick_word - where the tick count lives (the fast path reads it). */
const volatile uint32_t *timer_tick_word(void);

/* kprintf.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

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
void paging_init(paddr_t load_base);
paddr_t kernel_virt_to_phys(const void *va);
long uvm_create(paddr_t *pd);
uint32_t paging_audit_user(paddr_t pd, const char *name);
uint32_t paging_audit_kernel(void);
uint32_t trampoline_checksum(void);

/* frames.c: the allocator fed from the multiboot2 memory map */
void frames_init(const struct mb2_info *mbi, paddr_t mbi_pa);

/* desc.c: GDT, IDT and TSS in the trampoline */
void desc_init(void);

/* pic.c */
void pic_init(void);
void pic_unmask(uint32_t irq);
void pic_eoi(uint32_t irq);

/* trap.c */
/* Every system call runs these: one text page at the start of .text
 * (link/kernel.ld), so a call loads one translation for them. */
#define KERNEL_HOT_TEXT __attribute__((section(".text.hot")))
void trap_from_user(struct trapframe *tf, uint32_t cr3_at_entry) __attribute__((noreturn));
void trap_from_kernel(struct trapframe *tf, uint32_t cr3_at_trap);
void trap_return(struct proc *p) __attribute__((noreturn));
const char *trap_name(uint32_t vector);

/* syscall.c */
void syscall_dispatch(struct trapframe *tf);

/* proc.c: process table and scheduler */
void scheduler_run(void);

/* loader.c: boot modules to processes */
struct boot_module {
    char name[16];              /* first word of the GRUB module command line */
    const char *cmdline;        /* the whole command line */
    paddr_t start, end;         /* physical bytes [start, end) */
};
extern struct boot_module boot_modules[];
extern uint32_t nboot_modules;
bool module_has_word(const struct boot_module *m, const char *word);
int spawn_boot_module(const struct boot_module *m);
/* boot_module_find - the first boot module named @name (@len bytes, no NUL
 * needed), or NULL; kernel.sym is never found (it is the kernel's). */
const struct boot_module *boot_module_find(const char *name, size_t len);
long sys_spawn(uaddr_t name, uaddr_t argv);
long sys_modules(uaddr_t buf, uint32_t size);

/* file.c: descriptors, the open-file table, /mod and /dev, the file syscalls
 * (file.h has the table's internals, dev.c the devices, pipe.c the pipes) */
int file_console_fds(struct proc *p);   /* fd 0 reads, fds 1 and 2 write /dev/console: 0 or -ENFILE */
void files_fork(struct proc *parent, struct proc *child);  /* the child shares every open file */
void files_close_all(struct proc *p);   /* close every descriptor (exit) */
long sys_open(uaddr_t path, uint32_t flags);
long sys_close(int fd);
long sys_read(int fd, uaddr_t buf, uint32_t len);
long sys_write(int fd, uaddr_t buf, uint32_t len);
long sys_lseek(int fd, int32_t offset, int whence);
long sys_stat(uaddr_t path, uaddr_t out);
long sys_fstat(int fd, uaddr_t out);
long sys_dup(int fd);
long sys_pipe(uaddr_t fds);

/* ksyms.c: kernel.sym (loaded as a module) for symbolized addresses */
#define KSYMS_MODULE "kernel.sym"
void ksyms_init(const struct boot_module *m);
const char *ksyms_lookup(uint32_t addr, uint32_t *offset);

/* main.c: kernel command line bochsbreak=PLACES (comma-separated) */
#define BOCHSBREAK_PAGING 0x1   /* before paging goes on (boot.asm reads it itself) */
#define BOCHSBREAK_CR3    0x2   /* after the first switch to the kernel CR3 from ring 3 */
#define BOCHSBREAK_USER   0x4   /* at the first user instruction (crt0) */
extern uint32_t bochsbreak_places;

/* ktest.c: KTAP results of a `test` boot, and the end-of-run summary */
struct expectation;
extern bool ktest_mode;
extern uint32_t ktest_modules_dropped;  /* a test boot with dropped modules fails */
void ktest_parse_expectation(const char *cmdline, struct expectation *out);
void ktest_begin(uint32_t nmodules);
void ktest_module_rejected(const struct boot_module *m, int err);
void ktest_process_done(struct proc *p);
void audit_new_address_space(struct proc *p);      /* test and DEBUG builds */
void audit_address_space_change(struct proc *p);   /* DEBUG builds */
void ktest_finish(void) __attribute__((noreturn));

/* panic.c */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void panic_trap(const struct trapframe *tf, uint32_t cr3_at_trap, const char *why) __attribute__((noreturn));

/* power.c */
#define EXIT_PASS  0x10     /* isa-debug-exit: QEMU exits (0x10 << 1) | 1 = 33 */
#define EXIT_FAIL  0x11     /* 35 */
#define EXIT_PANIC 0x12     /* 37 */
void power_off(uint8_t exit_code) __attribute__((noreturn));

/* Trampoline symbols (src/trampoline/, linked at TRAMPOLINE_BASE). */
extern const uint32_t trampoline_vectors[IDT_VECTORS];
extern uint64_t tramp_gdt[GDT_ENTRIES], tramp_idt[IDT_VECTORS];
extern uint8_t tramp_tss[104];
extern uint32_t tramp_kernel_cr3, tramp_kstack_top, tramp_switch_cr3;
extern uint8_t tramp_entry_stack[], tramp_entry_stack_top[];
extern char trampoline_exit_to_user[], trampoline_exit_end[];
void trampoline_return_to_user(const struct trapframe *tf, paddr_t cr3) __attribute__((noreturn));
void trampoline_sysexit_to_user(const struct trapframe *tf, paddr_t cr3) __attribute__((noreturn));
extern char trampoline_sysenter_entry[], trampoline_sysenter_end[];
extern char trampoline_sysexit_window[], trampoline_sysexit_end[];
extern bool sysenter_available;     /* CPUID.1:EDX.SEP, MSRs set up (desc.c) */

/* Linker symbols (link/kernel.ld). */
extern char __kernel_image_start[], __text_start[], __data_start[], __bss_start[], __bss_end[];
extern char __trampoline_start[], __trampoline_text_end[], __trampoline_data_end[], __trampoline_end[];
extern char __trampoline_lma_start[], __kernel_image_end_lma[];

/* boot.asm */
extern pde_t kernel_pd[TABLE_ENTRIES];

#endif /* DEFS_H */
