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

/* 8259 PIC input lines (IBM PC/AT wiring). */
#define IRQ_TIMER           0           /* PIT channel 0 (timer.c) */
#define IRQ_COM1            4           /* COM1 (console.c) */

#endif /* PLATFORM_H */
