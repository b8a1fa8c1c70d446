/*
 * platform.h - the PC's fixed I/O ports and IRQ lines that more than one
 * file uses, defined once.
 *
 * NASM twin: platform.inc (boot.asm's early messages, the user test
 * hostile_asm.asm). tools/check-layout.sh compares the two both ways.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#define COM1                0x3F8       /* first 16550 UART (console.c; boot.asm's early messages) */
#define DEBUGCON            0xE9        /* Bochs/QEMU debug console: a byte written is printed */
#define DEBUG_EXIT_PORT     0xF4        /* QEMU isa-debug-exit (iobase of the test runs' -device) */

/* The verdicts power_off() writes to DEBUG_EXIT_PORT. QEMU exits with
 * (code << 1) | 1: 33, 35, 37. The scripts that judge a boot read those
 * statuses from $(BUILD)/gen/qemu_exit.sh, which the Makefile derives from
 * these lines (tools/qemu-exit.sh: each must be a distinct 8-bit status). */
#define EXIT_PASS           0x10        /* every check passed, or a clean poweroff */
#define EXIT_FAIL           0x11        /* a test failed */
#define EXIT_PANIC          0x12        /* panic() */

/* 8259 PIC input lines (IBM PC/AT wiring). */
#define IRQ_TIMER           0           /* PIT channel 0 (timer.c) */
#define IRQ_COM1            4           /* COM1 (console.c) */

#endif /* PLATFORM_H */
