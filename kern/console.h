/* The console: COM1 serial (the source of truth for tests) mirrored on VGA text. */
#ifndef ELK_KERN_CONSOLE_H
#define ELK_KERN_CONSOLE_H

#include <inc/types.h>

/* Set up COM1 and the VGA screen, with the receive interrupt still off. */
void console_init(void);
/* Turn on COM1's receive interrupt, once the IOAPIC routes it. */
void console_start_input(void);
/* Write n bytes to serial and VGA, whole (no other CPU's output in between). */
void console_write(const char *buf, size_t n);
/*
 * From now on, write without taking the output lock, starting on a fresh line:
 * for a panic, which may come while this CPU holds it (a machine check or a
 * fault in console_write), and for what a machine check prints before it.
 */
void console_break_lock(void);
/* Called from the COM1 interrupt: move received bytes into the input buffer. */
void console_intr(void);
/*
 * Read up to n > 0 bytes of console input into buf (kernel memory), sleeping until
 * at least one byte is there (unless nonblock: then -EAGAIN). Returns the count,
 * or -EINTR if the thread was interrupted first. Input is raw: no line editing.
 */
int64_t console_read(char *buf, size_t n, bool nonblock);

#endif
