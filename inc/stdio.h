/* Formatted output, shared by kernel (cprintf) and user (printf). */
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
#else
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(int fd, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
#endif

#endif
