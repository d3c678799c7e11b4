// host-test-sources: kern/ldisc.c
/*
 * Host test of the console's line discipline (kern/ldisc.c): canonical lines
 * with erase, word erase and kill, VEOF as end of file and as a read's end,
 * CR mapping, echo with ^X, signal characters dropping input, raw reads with
 * VMIN, and the edited line surviving a switch out of ICANON.
 */
#include "check.h"
#include <kern/ldisc.h>
#include <inc/signal.h>
#include <string.h>

static char echoed[1024];
static size_t nechoed;

static void record_echo(void *arg __attribute__((unused)), const char *s, size_t n)
{
	memcpy(echoed + nechoed, s, n);
	nechoed += n;
	echoed[nechoed] = '\0';
}

static struct ldisc l;

static void reset(void)
{
	ldisc_init(&l, record_echo, NULL);
	nechoed = 0;
	echoed[0] = '\0';
}

static void type(const char *s)
{
	while (*s)
		CHECK(ldisc_input(&l, *s++) == 0);
}

/* Read up to n bytes and compare with want (a NUL-free string). */
static void read_is(size_t n, const char *want)
{
	char buf[LDISC_BUF + 1];
	size_t got = ldisc_read(&l, buf, n);
	buf[got] = '\0';
	CHECK(got == strlen(want) && strcmp(buf, want) == 0);
}

static void test_canonical(void)
{
	reset();
	type("hellp");
	CHECK(!ldisc_can_read(&l, 10));
	type("\x7fo wrld\x17world\r");
	CHECK(ldisc_can_read(&l, 10));
	read_is(100, "hello world\n");
	CHECK(strcmp(echoed, "hellp\b \bo wrld\b \b\b \b\b \b\b \bworld\n") == 0);

	/* A read takes at most one line; a short read leaves the rest of it. */
	type("one");
	CHECK(!ldisc_poll_readable(&l));
	type("\ntwo\n");
	CHECK(ldisc_poll_readable(&l));
	read_is(2, "on");
	read_is(100, "e\n");
	read_is(100, "two\n");
	CHECK(ldisc_pending(&l) == 0);

	/* Kill rubs out the line (ECHOKE); without ECHOKE it echoes ^U and NL. */
	nechoed = 0;
	type("junk\x15ok\n");
	read_is(100, "ok\n");
	CHECK(strcmp(echoed, "junk\b \b\b \b\b \b\b \bok\n") == 0);
	struct termios t = l.tio;
	t.c_lflag &= ~ECHOKE;
	ldisc_set(&l, &t, false);
	nechoed = 0;
	type("junk\x15ok\n");
	read_is(100, "ok\n");
	CHECK(strcmp(echoed, "junk^U\nok\n") == 0);
}

static void test_eof(void)
{
	reset();
	type("\x04");
	CHECK(ldisc_can_read(&l, 1));
	read_is(100, "");		/* at a line's start: end of file */
	type("abc\x04");
	read_is(100, "abc");		/* mid-line: the read ends, no byte for it */
	CHECK(!ldisc_can_read(&l, 1));
	CHECK(strcmp(echoed, "abc") == 0);
}

static void test_mapping_and_echo(void)
{
	reset();
	type("a\tb\x01\r");
	read_is(100, "a\tb\x01\n");
	CHECK(strcmp(echoed, "a\tb^A\n") == 0);
	struct termios t = l.tio;
	t.c_iflag = IGNCR;
	t.c_lflag &= ~ECHO;
	ldisc_set(&l, &t, false);
	nechoed = 0;
	type("x\ry\n");
	read_is(100, "xy\n");
	CHECK(nechoed == 0);
}

static void test_signals(void)
{
	reset();
	type("half a line");
	CHECK(ldisc_input(&l, 0x03) == SIGINT);
	CHECK(ldisc_pending(&l) == 0 && l.linelen == 0);
	CHECK(strcmp(echoed + strlen("half a line"), "^C") == 0);
	CHECK(ldisc_input(&l, 0x1c) == SIGQUIT);
	CHECK(ldisc_input(&l, 0x1a) == SIGTSTP);
	struct termios t = l.tio;
	t.c_lflag &= ~ISIG;
	ldisc_set(&l, &t, false);
	CHECK(ldisc_input(&l, 0x03) == 0);	/* now an ordinary byte */
	type("\n");
	read_is(100, "\x03\n");
}

static void test_raw(void)
{
	reset();
	type("ab");
	struct termios t = l.tio;
	t.c_lflag &= ~(ICANON | ECHO);
	ldisc_set(&l, &t, false);
	/* The edited line is handed to reads, not lost. */
	CHECK(ldisc_can_read(&l, 1));
	read_is(100, "ab");
	CHECK(!ldisc_can_read(&l, 1));
	type("\x7f\x15q");
	read_is(100, "\x7f\x15q");
	t.c_cc[VMIN] = 3;
	ldisc_set(&l, &t, false);
	type("xy");
	CHECK(!ldisc_can_read(&l, 10) && ldisc_can_read(&l, 2));
	CHECK(!ldisc_poll_readable(&l));
	type("z");
	CHECK(ldisc_can_read(&l, 10) && ldisc_poll_readable(&l));
	read_is(2, "xy");
	read_is(10, "z");
	t.c_cc[VMIN] = 0;
	ldisc_set(&l, &t, false);
	CHECK(ldisc_can_read(&l, 10));	/* VMIN 0: a read returns at once */
	CHECK(!ldisc_poll_readable(&l));	/* but poll waits for a byte */
	read_is(10, "");
	type("drop");
	ldisc_set(&l, &t, true);
	CHECK(ldisc_pending(&l) == 0);
}

static void test_full(void)
{
	reset();
	for (int i = 0; i < 2 * LDISC_BUF; i++)
		type("x");
	CHECK(l.linelen == LDISC_BUF - 1);
	type("\n");
	CHECK(ldisc_pending(&l) == LDISC_BUF);
	type("more\n");			/* no room: dropped */
	CHECK(ldisc_pending(&l) == LDISC_BUF);
	char buf[LDISC_BUF];
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == LDISC_BUF && buf[LDISC_BUF - 1] == '\n');
}

int main(void)
{
	test_canonical();
	test_eof();
	test_mapping_and_echo();
	test_signals();
	test_raw();
	test_full();
	return check_summary("ldisc");
}
