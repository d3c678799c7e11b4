/* User-level panic: report where and why on stderr in one write, then exit(1). */
#include <inc/lib.h>

void _panic(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(2, "panic: %s:%d: %s\n", file, line, msg);
	exit(1);
}
