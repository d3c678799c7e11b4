/*
 * The kernel's formatted output (kern/printfmt.c, kern/printf.c). User programs
 * have musl's printf.
 */
#ifndef ELK_INC_STDIO_H
#define ELK_INC_STDIO_H

#include <inc/types.h>
#include <stdarg.h>

/*
 * vprintfmt: format fmt with ap, handing each character to putch(c, arg).
 * Knows %d %i %u %x %X %o %p %s %c %%, the flags '-' '0' ' ' '+', a width and a
 * precision (also '*'), and the length modifiers l, ll, z, h, hh.
 */
void vprintfmt(void (*putch)(int c, void *arg), void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef ELK_KERNEL
/* Kernel console output. */
int cprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vcprintf(const char *fmt, va_list ap);
#endif

#endif
