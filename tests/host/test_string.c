// host-test-sources:
/*
 * Host test of kern/string.c's memory functions, included below under other
 * names so that they cannot be mistaken for the host's. memset and memcpy work
 * in 64-byte blocks of unaligned 8-byte words with a byte tail, and memmove
 * relies on memcpy copying forwards; every length up to a few blocks, at every
 * alignment of source and destination, is compared with a byte-by-byte model,
 * and the bytes around the destination must stay untouched. next_word, which
 * splits the kernel command line, is checked on quoted and unquoted words.
 */

#define memset elk_memset
#define memcpy elk_memcpy
#define memmove elk_memmove
#define memcmp elk_memcmp
#define strlen elk_strlen
#define strnlen elk_strnlen
#define strcmp elk_strcmp
#define strncmp elk_strncmp
#define strcpy elk_strcpy
#define strncpy elk_strncpy
#define strlcpy elk_strlcpy
#define strchr elk_strchr
#define strrchr elk_strrchr
#define strtol elk_strtol
#define strtoul elk_strtoul
#define atoi elk_atoi
#include "../../kern/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp

#include <string.h>

#include "check.h"

#define MAXLEN 200
#define ALIGNS 16
#define GUARD 16
#define BUFSIZE (GUARD + ALIGNS + MAXLEN + GUARD)

static unsigned char buf[BUFSIZE], src[BUFSIZE], want[BUFSIZE];

/* Fill b with bytes that differ from their neighbours and from the other buffer's. */
static void fill(unsigned char *b, unsigned seed)
{
	for (size_t i = 0; i < BUFSIZE; i++)
		b[i] = (unsigned char)(i * 7 + seed);
}

static bool same(const unsigned char *a, const unsigned char *b)
{
	for (size_t i = 0; i < BUFSIZE; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void test_memset(void)
{
	static const int values[] = { 0, 0x5a, 0xff, -1, 0x1234 };
	int bad = 0;

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t off = 0; off < ALIGNS; off++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill(buf, 1);
				fill(want, 1);
				for (size_t i = 0; i < n; i++)
					want[GUARD + off + i] = (unsigned char)values[v];
				void *r = elk_memset(buf + GUARD + off, values[v], n);
				bad += !same(buf, want) || r != buf + GUARD + off;
			}
	CHECK_EQ(bad, 0);
}

static void test_memcpy(void)
{
	int bad = 0;

	fill(src, 101);
	for (size_t doff = 0; doff < ALIGNS; doff++)
		for (size_t soff = 0; soff < ALIGNS; soff++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill(buf, 1);
				fill(want, 1);
				for (size_t i = 0; i < n; i++)
					want[GUARD + doff + i] = src[GUARD + soff + i];
				void *r = elk_memcpy(buf + GUARD + doff, src + GUARD + soff, n);
				bad += !same(buf, want) || r != buf + GUARD + doff;
			}
	CHECK_EQ(bad, 0);
}

/* Overlapping moves both ways, by every distance up to a block and a bit. */
static void test_memmove(void)
{
	int bad = 0;

	for (size_t dist = 1; dist <= 70; dist++)
		for (size_t n = 0; n + dist + GUARD + ALIGNS <= BUFSIZE - GUARD; n += 3) {
			unsigned char *lo = buf + GUARD, *hi = lo + dist;

			fill(buf, 3);
			fill(want, 3);
			for (size_t i = 0; i < n; i++)
				want[GUARD + dist + i] = (unsigned char)((GUARD + i) * 7 + 3);
			elk_memmove(hi, lo, n);
			bad += !same(buf, want);

			fill(buf, 3);
			fill(want, 3);
			for (size_t i = 0; i < n; i++)
				want[GUARD + i] = (unsigned char)((GUARD + dist + i) * 7 + 3);
			elk_memmove(lo, hi, n);
			bad += !same(buf, want);
		}
	CHECK_EQ(bad, 0);
}

/* Split line with next_word and compare the words, joined by '|', with want. */
static void check_words(const char *line, const char *want)
{
	char text[100], got[100] = "";
	char *rest = text;

	snprintf(text, sizeof(text), "%s", line);
	for (char *w = next_word(&rest); w; w = next_word(&rest)) {
		if (got[0])
			strcat(got, "|");
		strcat(got, w);
	}
	if (!CHECK(strcmp(got, want) == 0))
		printf("  next_word on '%s': got '%s', want '%s'\n", line, got, want);
}

/* Blanks split words; double quotes group blanks and are dropped; an open quote runs on. */
static void test_next_word(void)
{
	check_words("", "");
	check_words("  \t\n ", "");
	check_words("init=sh", "init=sh");
	check_words(" a  b\tc\n", "a|b|c");
	check_words("init=busybox sh -c \"echo a; echo b\"", "init=busybox|sh|-c|echo a; echo b");
	check_words("a\"b c\"d e", "ab cd|e");
	check_words("x \"\" y", "x||y");
	check_words("open \"to the end", "open|to the end");
}

int main(void)
{
	test_memset();
	test_memcpy();
	test_memmove();
	test_next_word();
	return check_summary("test_string");
}
