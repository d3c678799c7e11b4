/* The console: COM1 serial (the source of truth for tests) mirrored on VGA text. */
#ifndef ELK_KERN_CONSOLE_H
#define ELK_KERN_CONSOLE_H

#include <inc/types.h>

struct termios;

/* Set up COM1 and the VGA screen, with the receive interrupt still off. */
void console_init(void);
/* Turn on COM1's receive interrupt, once the IOAPIC routes it. */
void console_start_input(void);
/*
 * Write n bytes to serial and VGA, whole (no other CPU's output in between),
 * NL as CR NL: the kernel's own messages.
 */
void console_write(const char *buf, size_t n);
/* The same for a program's write: NL as CR NL only if OPOST and ONLCR are set. */
void console_write_tty(const char *buf, size_t n);
/*
 * From now on, write without taking the output lock, starting on a fresh line:
 * for a panic, which may come while this CPU holds it (a machine check or a
 * fault in console_write), and for what a machine check prints before it.
 */
void console_break_lock(void);
/* Called from the COM1 interrupt: pass received bytes to the line discipline. */
void console_intr(void);
/*
 * Read up to n > 0 bytes of console input into buf (kernel memory) as the
 * terminal settings say (kern/ldisc.h: a line, or raw bytes), sleeping until a
 * read can return (unless nonblock: then -EAGAIN). Returns the count (0: end
 * of file, VEOF at a line's start, or VMIN 0 with nothing typed), or -EINTR if
 * the thread was interrupted first.
 */
int64_t console_read(char *buf, size_t n, bool nonblock);
/* The console's settings (TCGETS), and new ones (TCSETS; with flush, TCSETSF). */
void console_get_termios(struct termios *tio);
void console_set_termios(const struct termios *tio, bool flush);
/* Drop typed input not yet read (TCFLSH). */
void console_flush_input(void);
/* Whether poll finds the console readable (kern/ldisc.h). */
bool console_poll_readable(void);
/* Bytes a read could take now (FIONREAD). */
size_t console_pending(void);

/* Set by the first kernel panic (kern/printf.c): the other CPUs then stop. */
extern volatile bool panicking;

#endif
