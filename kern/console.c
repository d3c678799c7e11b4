/*
 * Console: output goes to COM1 (16550 UART) and the VGA text buffer; input comes
 * from COM1 through its receive interrupt into the line discipline (kern/ldisc.c),
 * which edits and echoes it as the terminal settings say, and readers sleep on.
 */
#include <inc/errno.h>
#include <inc/x86.h>
#include <inc/memlayout.h>
#include <inc/string.h>
#include <kern/console.h>
#include <kern/ldisc.h>
#include <kern/pgrp.h>
#include <kern/poll.h>
#include <kern/spinlock.h>
#include <kern/sched.h>

#define COM1          0x3f8
#define COM_RBR       0	/* receive buffer (read) */
#define COM_THR       0	/* transmit holding (write) */
#define COM_IER       1	/* interrupt enable */
#define COM_IIR       2	/* interrupt identification (read) */
#define COM_IIR_FIFOS 0xc0	/* both bits set: the FIFOs are on */
#define COM_FCR       2	/* FIFO control (write) */
#define COM_FCR_ENABLE 0x01	/* FIFOs on, no clear, interrupt at 1 byte */
#define COM_LCR       3	/* line control */
#define COM_MCR       4	/* modem control */
#define COM_LSR       5	/* line status */
#define COM_LSR_DATA  0x01
#define COM_LSR_TXRDY 0x20

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700

static volatile uint16_t *const vga = (uint16_t *)(DMAPBASE + 0xb8000);
static int vga_pos;

/* Output lock: whole console_write calls stay unbroken when several CPUs print. */
static struct spinlock out_lock = SPINLOCK_INIT("console-out", LOCK_CONSOLE_OUT);
/* Set by a panic, after which output no longer takes out_lock (console_break_lock). */
static volatile bool out_lock_broken;
/* Whether the last character written ended a line; out_lock protects it. */
static bool at_line_start = true;

/*
 * Input: the line discipline, its settings and in_waiters, under in_lock. Its
 * echo takes out_lock, which ranks after in_lock.
 */
static struct spinlock in_lock = SPINLOCK_INIT("console-in", LOCK_CONSOLE_IN);
static struct ldisc tty;
static struct waitq in_waiters = WAITQ_INIT(in_waiters);

/* Output processing of the settings now in force: NL as CR NL? in_lock held. */
static bool tty_crlf(void)
{
	return (tty.tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
}

static void write_whole(const char *buf, size_t n, bool crlf);

/* The line discipline's echo: console output as a program's would be. in_lock held. */
static void tty_echo(void *arg, const char *s, size_t n)
{
	write_whole(s, n, tty_crlf());
}

/*
 * Pass every byte the UART holds to the line discipline. Returns the signal
 * the last signal character asked for, or 0. Caller holds in_lock.
 */
static int receive_pending(void)
{
	int sig = 0;

	while (inb(COM1 + COM_LSR) & COM_LSR_DATA) {
		int s = ldisc_input(&tty, (char)inb(COM1 + COM_RBR));
		if (s)
			sig = s;
	}
	return sig;
}

/*
 * Set up COM1 and clear the VGA screen, keeping what was typed during boot. The
 * receive interrupt stays off until console_start_input.
 */
void console_init(void)
{
	ldisc_init(&tty, tty_echo, NULL);
	outb(COM1 + COM_IER, 0);
	outb(COM1 + COM_LCR, 0x80);	/* divisor latch: 115200 baud */
	outb(COM1 + 0, 1);
	outb(COM1 + 1, 0);
	outb(COM1 + COM_LCR, 0x03);	/* 8 data bits, no parity, 1 stop bit */
	/*
	 * Turning the FIFOs on or off empties them, and input typed (or piped)
	 * during boot is already streaming in: each byte read lets the next one
	 * in, so one can land between any drain and the FCR write. So leave them
	 * off when the loader did (QEMU -kernel); QEMU never overruns the
	 * one-byte holding register, it waits until it is read. When the loader
	 * turned them on (GRUB), ask for an interrupt per byte without a clear.
	 */
	if ((inb(COM1 + COM_IIR) & COM_IIR_FIFOS) == COM_IIR_FIFOS)
		outb(COM1 + COM_FCR, COM_FCR_ENABLE);
	outb(COM1 + COM_MCR, 0x0b);	/* DTR, RTS, OUT2 (routes the IRQ) */

	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga[i] = VGA_ATTR | ' ';
}

/*
 * Turn on the receive interrupt; call once the IOAPIC routes COM1. An I/O APIC
 * ignores an edge on a masked pin, and a 16550 keeps its line raised until it
 * is read, so an interrupt raised earlier would leave input stuck with no new
 * edge. Bytes waiting in the UART raise the interrupt as soon as it is on.
 */
void console_start_input(void)
{
	outb(COM1 + COM_IER, 0x01);
}

static void serial_putc(int c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + COM_LSR) & COM_LSR_TXRDY); i++)
		cpu_relax();
	outb(COM1 + COM_THR, (uint8_t)c);
}

static void vga_putc(int c)
{
	if (c == '\n') {
		vga_pos += VGA_COLS - vga_pos % VGA_COLS;
	} else if (c == '\b') {
		if (vga_pos > 0)
			vga[--vga_pos] = VGA_ATTR | ' ';
	} else if (c != '\r') {
		vga[vga_pos++] = VGA_ATTR | (uint8_t)c;
	}
	if (vga_pos >= VGA_COLS * VGA_ROWS) {
		memmove((void *)vga, (void *)(vga + VGA_COLS),
			sizeof(uint16_t) * VGA_COLS * (VGA_ROWS - 1));
		for (int i = 0; i < VGA_COLS; i++)
			vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
		vga_pos -= VGA_COLS;
	}
}

/* Write c to serial and VGA, NL as CR NL if crlf. Caller holds out_lock (or broke it). */
static void putc_unlocked(int c, bool crlf)
{
	at_line_start = c == '\n';
	if (c == '\n' && crlf)
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
}

/* Write n bytes whole, NL as CR NL if crlf. */
static void write_whole(const char *buf, size_t n, bool crlf)
{
	bool locking = !out_lock_broken;

	if (locking)
		spin_lock(&out_lock);
	for (size_t i = 0; i < n; i++)
		putc_unlocked(buf[i], crlf);
	if (locking)
		spin_unlock(&out_lock);
}

void console_break_lock(void)
{
	out_lock_broken = true;
	/* A write cut short mid-line would run into the next line: end it. */
	if (!at_line_start)
		putc_unlocked('\n', true);
}

void console_write(const char *buf, size_t n)
{
	write_whole(buf, n, true);
}

void console_write_tty(const char *buf, size_t n)
{
	spin_lock(&in_lock);
	bool crlf = tty_crlf();
	spin_unlock(&in_lock);
	write_whole(buf, n, crlf);
}

void console_intr(void)
{
	spin_lock(&in_lock);
	int sig = receive_pending();
	wakeup_all(&in_waiters);
	spin_unlock(&in_lock);
	poll_wakeup();
	pid_t pgrp = sig ? console_foreground_group() : 0;
	if (pgrp)
		signal_send_group(pgrp, sig);
}

bool console_poll_readable(void)
{
	spin_lock(&in_lock);
	bool r = ldisc_poll_readable(&tty);
	spin_unlock(&in_lock);
	return r;
}

int64_t console_read(char *buf, size_t n, bool nonblock)
{
	spin_lock(&in_lock);
	while (!ldisc_can_read(&tty, n) && !thread_interrupted()) {
		if (nonblock) {
			spin_unlock(&in_lock);
			return -EAGAIN;
		}
		sleep_on_interruptible(&in_waiters, &in_lock);
	}
	int64_t r = ldisc_can_read(&tty, n) ? (int64_t)ldisc_read(&tty, buf, n) : -EINTR;
	spin_unlock(&in_lock);
	return r;
}

void console_get_termios(struct termios *tio)
{
	spin_lock(&in_lock);
	*tio = tty.tio;
	spin_unlock(&in_lock);
}

void console_set_termios(const struct termios *tio, bool flush)
{
	spin_lock(&in_lock);
	ldisc_set(&tty, tio, flush);
	wakeup_all(&in_waiters);	/* a read may return under the new settings */
	spin_unlock(&in_lock);
	poll_wakeup();
}

void console_flush_input(void)
{
	spin_lock(&in_lock);
	ldisc_flush(&tty);
	spin_unlock(&in_lock);
}

size_t console_pending(void)
{
	spin_lock(&in_lock);
	size_t n = ldisc_pending(&tty);
	spin_unlock(&in_lock);
	return n;
}
