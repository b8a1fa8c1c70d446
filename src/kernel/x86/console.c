/*
 * console.c - the kernel log: every byte goes to COM1 and to port 0xE9
 * (the Bochs/QEMU debug console). COM1 is polled: each byte waits for the
 * transmit holding register to empty (16550 LSR bit 5), so nothing is lost
 * when the machine powers off right after the last line.
 *
 * Input: the UART's receive interrupt (IRQ 4) feeds a line discipline with
 * echo and backspace; a completed line (or a full line buffer) moves to the
 * input queue that read(0, ...) drains. Reads block until a line is there.
 * Control keys:
 *   Ctrl-C (0x03)  drops the line being edited, echoes ^C, and kills the
 *                  foreground process (setfg(); as kill() does); with none,
 *                  a reader blocked in read() gets an empty line ("\n");
 *   Ctrl-D (0x04)  end of file, as on Unix: the line so far goes to read()
 *                  without a newline; on an empty line read() returns 0;
 *   ESC sequences  (arrow and function keys: ESC [ params final, ESC O x;
 *                  ECMA-48 §5.4) are dropped whole, never put in the line;
 *   other control characters are ignored.
 */
#include "defs.h"
#include "x86/platform.h"     /* COM1, DEBUGCON, IRQ_COM1 */
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "x86/x86.h"

#define UART_THR    0   /* transmit holding register (DLAB = 0) */
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_THRE    0x20    /* transmit holding register empty */
#define LSR_TEMT    0x40    /* transmitter empty: the last bit has left */
#define LSR_DR      0x01    /* receive data ready */
#define IER_RDA     0x01    /* interrupt on received data */
#define MCR_OUT2    0x08    /* gates the UART's IRQ line on PCs */

#define LINE_MAX    256     /* bytes in the line being edited */
#define INPUT_SIZE  1024    /* bytes of completed lines waiting for read() */

static char line[LINE_MAX];
static uint32_t line_len;
static char input[INPUT_SIZE];
static uint32_t input_head, input_count;    /* ring buffer */

static bool uart_present;

#define CTRL_C      0x03
#define CTRL_D      0x04
#define ESC         0x1B
#define EOF_MARK    '\0'    /* in input[]: one end of file (NUL cannot be typed: ignored) */

static int fg_pid;                  /* setfg(): Ctrl-C kills it; 0 = none */
static uint32_t readers_waiting;    /* processes asleep in console_read */
static enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 } esc_state;

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

void console_input_init(void)
{
    if (!uart_present)
        return;
    while (inb(COM1 + UART_LSR) & LSR_DR)
        (void)inb(COM1 + UART_THR);          /* drop what arrived before us */
    outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
    outb(COM1 + UART_IER, IER_RDA);
    pic_unmask(IRQ_COM1);
}

static void queue_byte(char c)
{
    if (input_count < INPUT_SIZE) {
        input[(input_head + input_count) % INPUT_SIZE] = c;
        input_count++;
    }
}

static void commit_line(void)
{
    for (uint32_t i = 0; i < line_len; i++)
        queue_byte(line[i]);
    line_len = 0;
    proc_wakeup(input);
}

/*
 * sys_setfg - setfg(pid): make @pid the console's foreground process, the
 * one Ctrl-C kills (pid 0: none). The caller may name only itself or one of
 * its children (kill()'s rule), and may replace the foreground process only
 * if there is none (or it has ended), or it is the caller or the caller's
 * child: a background program cannot take Ctrl-C away from the shell's job.
 * Returns 0, -ESRCH (no live process @pid) or -EPERM.
 */
long sys_setfg(int pid)
{
    struct proc *old = fg_pid ? proc_find(fg_pid) : NULL;
    if (old && old != current && old->parent != current)
        return -EPERM;
    if (pid == 0) {
        fg_pid = 0;
        return 0;
    }
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    if (p != current && p->parent != current)
        return -EPERM;
    fg_pid = pid;
    return 0;
}

/* Ctrl-C: kill the foreground process, or give a blocked reader an empty line. */
static void interrupt(void)
{
    line_len = 0;
    console_write("^C\n", 3);
    struct proc *p = fg_pid ? proc_find(fg_pid) : NULL;
    if (p) {
        proc_kill(p);
        return;
    }
    if (readers_waiting) {
        queue_byte('\n');
        proc_wakeup(input);
    }
}

/* Drop ESC sequences (ECMA-48 §5.4: CSI = ESC [, parameter bytes 0x30-0x3F,
 * intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E; SS3 = ESC O and
 * one byte). True if @c belonged to one. */
static bool in_escape(char c)
{
    switch (esc_state) {
    case ESC_NONE:
        if (c != ESC)
            return false;
        esc_state = ESC_START;
        return true;
    case ESC_START:
        esc_state = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
        return true;
    case ESC_CSI:
        if (c < 0x20 || c > 0x3F)
            esc_state = ESC_NONE; /* the final byte (or garbage): the sequence ends */
        return true;
    case ESC_SS3:
        esc_state = ESC_NONE;
        return true;
    }
    return false;
}

/* The line discipline, for one received byte. */
static void receive(char c)
{
    if (c == CTRL_C) {
        esc_state = ESC_NONE;
        interrupt();
        return;
    }
    if (in_escape(c))
        return;
    if (c == CTRL_D) {
        if (line_len == 0)
            queue_byte(EOF_MARK);
        commit_line(); /* the line so far, without a newline */
        return;
    }
    if (c == '\r')
        c = '\n';
    if (c == 0x7F || c == '\b') {
        if (line_len > 0) {
            line_len--;
            console_write("\b \b", 3);
        }
        return;
    }
    if (c != '\n' && (c < ' ' || c > '~'))
        return; /* other control characters are ignored */
    line[line_len++] = c;
    console_write(&c, 1);
    if (c == '\n' || line_len == LINE_MAX)
        commit_line();
}

void console_irq(void)
{
    while (uart_present && (inb(COM1 + UART_LSR) & LSR_DR))
        receive((char)inb(COM1 + UART_THR));
}

/* read(0, buf, len): the bytes of the first queued line, at most @len; 0 at an
 * end of file (Ctrl-D on an empty line). */
long console_read(uaddr_t buf, uint32_t len)
{
    if (len == 0)
        return 0;
    if (user_range_ok(current->pd, buf, len, true) < 0)
        return -EFAULT;
    while (input_count == 0) {
        readers_waiting++;
        proc_sleep(input);
        readers_waiting--;
        if (current->killed)
            return -EFAULT; /* the process ends on its way out */
    }
    if (input[input_head] == EOF_MARK) { /* Ctrl-D on an empty line: end of file */
        input_head = (input_head + 1) % INPUT_SIZE;
        input_count--;
        return 0;
    }
    char chunk[LINE_MAX];
    uint32_t n = 0;
    while (n < len && n < LINE_MAX && input_count > 0 && input[input_head] != EOF_MARK) {
        char c = input[input_head];
        input_head = (input_head + 1) % INPUT_SIZE;
        input_count--;
        chunk[n++] = c;
        if (c == '\n')
            break;
    }
    copy_to_user(current->pd, buf, chunk, n); /* checked above */
    return (long)n;
}
