/*
 * Formatted output for user programs. Each call formats into a buffer and hands
 * it to write() whole, so that lines from different processes do not mix on the
 * console; output longer than the buffer goes out in several writes.
 */
#include <inc/lib.h>

#define OUTBUF_SIZE 512

struct outbuf {
	int fd;
	size_t len;
	int total;	/* characters produced, the printf result */
	char buf[OUTBUF_SIZE];
};

/* Write all n bytes of buf to fd, retrying short writes; give up on an error. */
static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, buf, n);
		if (r <= 0)
			return;
		buf += r;
		n -= r;
	}
}

static void outbuf_flush(struct outbuf *b)
{
	write_all(b->fd, b->buf, b->len);
	b->len = 0;
}

static void outbuf_putch(int c, void *arg)
{
	struct outbuf *b = arg;
	if (b->len == OUTBUF_SIZE)
		outbuf_flush(b);
	b->buf[b->len++] = (char)c;
	b->total++;
}

int vfprintf(int fd, const char *fmt, va_list ap)
{
	struct outbuf b = { .fd = fd };
	vprintfmt(outbuf_putch, &b, fmt, ap);
	outbuf_flush(&b);
	return b.total;
}

int fprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(1, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(1, fmt, ap);
	va_end(ap);
	return r;
}

/* s and a newline, in one write. */
int puts(const char *s)
{
	return printf("%s\n", s);
}

int putchar(int c)
{
	char ch = (char)c;
	write_all(1, &ch, 1);
	return (unsigned char)c;
}
