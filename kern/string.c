/* Memory and string functions, compiled into both the kernel and user programs. */
#include <inc/string.h>

/*
 * memset and memcpy move 64 bytes per loop trip, eight bytes at a time: under
 * QEMU's software emulation each trip through a loop (or each iteration of a
 * rep-prefixed instruction) costs a jump through translated code, so a page
 * costs 64 trips rather than 4096.
 */
typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;

	for (; n >= 64; n -= 64, d += 64) {
		word_t *w = (word_t *)d;
		w[0] = pattern; w[1] = pattern; w[2] = pattern; w[3] = pattern;
		w[4] = pattern; w[5] = pattern; w[6] = pattern; w[7] = pattern;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n >= 64; n -= 64, d += 64, s += 64) {
		word_t *w = (word_t *)d;
		const word_t *r = (const word_t *)s;
		w[0] = r[0]; w[1] = r[1]; w[2] = r[2]; w[3] = r[3];
		w[4] = r[4]; w[5] = r[5]; w[6] = r[6]; w[7] = r[7];
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

/* C's strncpy: pads with NULs, and leaves dst unterminated if src is too long. */
char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

/* Copy at most n-1 characters and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (n > 0) {
		size_t k = MIN(len, n - 1);
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

char *next_word(char **sp)
{
	char *s = *sp;
	bool quoted = false;

	while (is_blank(*s))
		s++;
	if (!*s)
		return NULL;
	char *word = s, *out = s;
	for (; *s && (quoted || !is_blank(*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			*out++ = *s;
	}
	if (*s)
		s++;
	*out = '\0';
	*sp = s;
	return word;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'z') return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
	return 99;
}

/* C's strtoul: base 0 picks 8, 10 or 16 from the prefix; no overflow detection. */
unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;
	while (is_blank(*s))
		s++;
	if (*s == '+')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*s) < base; s++)
		v = v * base + digit_value(*s);
	if (end)
		*end = (char *)s;
	return v;
}

long strtol(const char *s, char **end, int base)
{
	while (is_blank(*s))
		s++;
	if (*s == '-')
		return -(long)strtoul(s + 1, end, base);
	return (long)strtoul(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
