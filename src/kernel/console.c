/*
 * console.c - the kernel log: every byte goes to COM1 and to port 0xE9
 * (the Bochs/QEMU debug console). COM1 is polled: each byte waits for the
 * transmit holding register to empty (16550 LSR bit 5), so nothing is lost
 * when the machine powers off right after the last line.
 */
#include "defs.h"
#include "x86.h"

#define COM1        0x3F8
#define UART_THR    0   /* transmit holding register (DLAB = 0) */
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_THRE    0x20    /* transmit holding register empty */
#define LSR_TEMT    0x40    /* transmitter empty: the last bit has left */
#define DEBUGCON    0xE9

static bool uart_present;

void console_init(void)
{
    outb(COM1 + UART_IER, 0x00);       /* no interrupts */
    outb(COM1 + UART_LCR, 0x80);       /* DLAB: set the divisor */
    outb(COM1 + 0, 1);                 /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03);       /* 8N1 */
    outb(COM1 + UART_FCR, 0xC7);       /* FIFO on, cleared */
    outb(COM1 + UART_MCR, 0x03);       /* DTR, RTS */
    uart_present = inb(COM1 + UART_LSR) != 0xFF;
}

void console_putc(char c)
{
    if (uart_present) {
        for (uint32_t spin = 0; spin < 1000000 && !(inb(COM1 + UART_LSR) & LSR_THRE); spin++)
            ;
        outb(COM1 + UART_THR, (uint8_t)c);
    }
    outb(DEBUGCON, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            console_putc('\r');
        console_putc(s[i]);
    }
}

void console_flush(void)
{
    for (uint32_t spin = 0; uart_present && spin < 1000000 && !(inb(COM1 + UART_LSR) & LSR_TEMT); spin++)
        ;
}
