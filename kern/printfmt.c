/*
 * The formatting engine behind the kernel's cprintf and the user's printf.
 * It only formats: where the characters go is the caller's putch.
 */
#include <inc/stdio.h>
#include <inc/string.h>

struct spec {
	bool left;	/* '-': pad on the right */
	bool zero;	/* '0': pad numbers with zeros */
	char sign;	/* '+' or ' ' for non-negative signed numbers, else 0 */
	int width;
	int precision;	/* -1 when none was given */
};

static void pad(void (*putch)(int, void *), void *arg, int c, int n)
{
	while (n-- > 0)
		putch(c, arg);
}

/* Emit the digits of v in base, with sign/prefix, honouring width and precision. */
static void print_number(void (*putch)(int, void *), void *arg, const struct spec *sp,
			 unsigned long long v, unsigned base, bool negative,
			 bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->precision == 0 && n == 1 && buf[0] == '0')
		n = 0;

	char signc = negative ? '-' : sp->sign;
	int ndigits = MAX(n, sp->precision);
	int len = ndigits + (signc != 0) + (int)strlen(prefix);
	bool zero_pad = sp->zero && !sp->left && sp->precision < 0;

	if (!sp->left && !zero_pad)
		pad(putch, arg, ' ', sp->width - len);
	if (signc)
		putch(signc, arg);
	for (const char *p = prefix; *p; p++)
		putch(*p, arg);
	if (zero_pad)
		pad(putch, arg, '0', sp->width - len);
	pad(putch, arg, '0', ndigits - n);
	while (n > 0)
		putch(buf[--n], arg);
	if (sp->left)
		pad(putch, arg, ' ', sp->width - len);
}

static void print_string(void (*putch)(int, void *), void *arg, const struct spec *sp,
			 const char *s)
{
	if (!s)
		s = "(null)";
	int len = (int)strnlen(s, sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1);
	if (!sp->left)
		pad(putch, arg, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		putch(s[i], arg);
	if (sp->left)
		pad(putch, arg, ' ', sp->width - len);
}

void vprintfmt(void (*putch)(int, void *), void *arg, const char *fmt, va_list ap)
{
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putch(*fmt, arg);
			continue;
		}
		struct spec sp = { .precision = -1 };
		for (;; fmt++) {
			char f = fmt[1];
			if (f == '-') sp.left = true;
			else if (f == '0') sp.zero = true;
			else if (f == '+') sp.sign = '+';
			else if (f == ' ' && sp.sign != '+') sp.sign = ' ';
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(args, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				int given = va_arg(args, int);	/* once: MAX evaluates twice */
				sp.precision = MAX(given, -1);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.precision = sp.precision * 10 + (*fmt++ - '0');
		}
		int longness = 0;	/* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j' || *fmt == 't') longness++;
			else if (*fmt == 'h') longness--;
			else break;
		}
		if (longness > 2)
			longness = 2;

		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = longness >= 1 ? va_arg(args, long long) : va_arg(args, int);
			if (longness == -1) v = (short)v;
			if (longness == -2) v = (signed char)v;
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			print_number(putch, arg, &sp, mag, 10, v < 0, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v = longness >= 1 ? va_arg(args, unsigned long long)
							      : va_arg(args, unsigned int);
			if (longness == -1) v = (unsigned short)v;
			if (longness == -2) v = (unsigned char)v;
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			sp.sign = 0;
			print_number(putch, arg, &sp, v, base, false, *fmt == 'X', "");
			break;
		}
		case 'p':
			sp.sign = 0;
			print_number(putch, arg, &sp, (uintptr_t)va_arg(args, void *), 16, false,
				     false, "0x");
			break;
		case 's':
			print_string(putch, arg, &sp, va_arg(args, const char *));
			break;
		case 'c':
			putch(va_arg(args, int), arg);
			break;
		case '%':
			putch('%', arg);
			break;
		case '\0':
			fmt--;	/* a lone '%' at the end: stop at the terminator */
			break;
		default:
			putch('%', arg);
			putch(*fmt, arg);
			break;
		}
	}
	va_end(args);
}

struct sbuf {
	char *buf;
	size_t size;
	size_t len;	/* characters the whole output needs, even past size */
};

static void sbuf_putch(int c, void *arg)
{
	struct sbuf *b = arg;
	if (b->len + 1 < b->size)
		b->buf[b->len] = (char)c;
	b->len++;
}

/* Like C's vsnprintf: returns the length the full output needs; writes at most n bytes. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, n, 0 };
	vprintfmt(sbuf_putch, &b, fmt, ap);
	if (n > 0)
		buf[MIN(b.len, n - 1)] = '\0';
	return (int)b.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
