/* The console: COM1 serial (the source of truth for tests) mirrored on VGA text. */
#ifndef ELK_KERN_CONSOLE_H
#define ELK_KERN_CONSOLE_H

#include <inc/types.h>

/* Set up COM1 and the VGA screen, with the receive interrupt still off. */
void console_init(void);
/* Turn on COM1's receive interrupt, once the IOAPIC routes it. */
void console_start_input(void);
void console_putc(int c);
void console_write(const char *buf, size_t n);
/* Called from the COM1 interrupt: move received bytes into the input buffer. */
void console_intr(void);
/*
 * Read up to n > 0 bytes of console input into buf (kernel memory), sleeping until
 * at least one byte is there. Returns the count, or -EINTR if the thread was
 * interrupted first. Input is raw: no line editing.
 */
int64_t console_read(char *buf, size_t n);

#endif
