/*
 * The kernel's panic and assert: say where, say what, stop. (A user program's
 * panic is inc/lib.h's.)
 */
#ifndef ELK_INC_ASSERT_H
#define ELK_INC_ASSERT_H

void _panic(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define panic(...) _panic(__FILE__, __LINE__, __VA_ARGS__)
#define assert(x) \
	do { if (!(x)) panic("assertion failed: %s", #x); } while (0)

#endif
