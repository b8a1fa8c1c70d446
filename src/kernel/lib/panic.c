/*
 * panic.c - stop the kernel with everything a developer needs: the message,
 * the full register state, CR0/CR2/CR3/CR4, the symbolized EIP and a
 * frame-pointer backtrace. Exits QEMU with EXIT_PANIC (status 37).
 */
#include <stdarg.h>
#include "defs.h"
#include "memlayout.h"
#include "x86/platform.h"
#include "x86/x86.h"

static void print_symbol(uint32_t addr)
{
    uint32_t off;
    const char *name = ksyms_lookup(addr, &off);
    if (name)
        kprintf("%p <%s+0x%x>", (void *)addr, name, off);
    else
        kprintf("%p", (void *)addr);
}

static void backtrace(uint32_t ebp)
{
    kprintf("backtrace:\n");
    for (int depth = 0; depth < 16 && ebp >= DIRECT_MAP_BASE && ebp < TRAMPOLINE_BASE && ebp % 4 == 0; depth++) {
        uint32_t *frame = (uint32_t *)(uintptr_t)ebp;
        kprintf("  ");
        print_symbol(frame[1]);
        kprintf("\n");
        ebp = frame[0];
    }
}

void panic(const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cli();
    kprintf("\nKERNEL PANIC: %s\n", msg);
    uint32_t ebp;
    __asm__ volatile("mov %%ebp, %0" : "=r"(ebp));
    kprintf("cr0 %p cr2 %p cr3 %p cr4 %p\n", (void *)read_cr0(), (void *)read_cr2(),
            (void *)read_cr3(), (void *)read_cr4());
    backtrace(ebp);
    power_off(EXIT_PANIC);
}

void panic_trap(const struct trapframe *tf, uint32_t cr3_at_trap, const char *why)
{
    cli();
    kprintf("\nKERNEL PANIC: %s: %s (vector %u, error code %p)\n", why, trap_name(tf->vector),
            tf->vector, (void *)tf->err);
    kprintf("eip ");
    print_symbol(tf->eip);
    kprintf(" cs %04x eflags %08x\n", tf->cs, tf->eflags);
    kprintf("eax %08x ebx %08x ecx %08x edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    kprintf("esi %08x edi %08x ebp %08x esp %08x\n", tf->esi, tf->edi, tf->ebp,
            (uint32_t)(uintptr_t)&tf->user_esp);
    kprintf("ds %04x es %04x fs %04x gs %04x\n", tf->ds, tf->es, tf->fs, tf->gs);
    kprintf("cr0 %08x cr2 %08x cr3 %08x at the trap (kernel PD %08x) cr4 %08x\n", read_cr0(),
            read_cr2(), cr3_at_trap, kernel_cr3, read_cr4());
    backtrace(tf->ebp);
    power_off(EXIT_PANIC);
}
