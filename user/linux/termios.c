/*
 * termios: an unmodified static musl program driving the console's line
 * discipline through the C library (isatty, tcgetattr, tcsetattr, cfmakeraw,
 * tcflush): a canonical line edited by the kernel, raw bytes without echo or
 * editing, and Ctrl-D as end of file. The test types after each prompt.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("termios: FAIL %s\n", what);
		failures++;
	}
}

/* Print a prompt without a newline: the test types once it shows. */
static void prompt(const char *p)
{
	fputs(p, stdout);
	fflush(stdout);
}

int main(void)
{
	struct termios saved, raw, now;
	char buf[64];

	check(isatty(0), "the console is a terminal");
	check(tcgetattr(0, &saved) == 0, "tcgetattr");
	check((saved.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG),
	      "the console starts canonical, echoing, with signal characters");
	check(saved.c_cc[VERASE] == 0177 && saved.c_cc[VEOF] == 4 && saved.c_cc[VINTR] == 3,
	      "the usual control characters");

	prompt("canonical: ");
	ssize_t n = read(0, buf, sizeof(buf));
	check(n == 3 && memcmp(buf, "ac\n", 3) == 0, "a line comes edited, through its newline");

	raw = saved;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 3;
	check(tcsetattr(0, TCSANOW, &raw) == 0, "tcsetattr raw");
	check(tcgetattr(0, &now) == 0 && !(now.c_lflag & (ICANON | ECHO)), "raw reads back");
	prompt("raw: ");
	n = read(0, buf, sizeof(buf));
	check(n == 3 && memcmp(buf, "xy\177", 3) == 0, "raw bytes come as typed, three at once");

	check(tcsetattr(0, TCSAFLUSH, &saved) == 0, "tcsetattr back");
	check(tcgetattr(0, &now) == 0 && now.c_lflag == saved.c_lflag &&
	      now.c_iflag == saved.c_iflag, "the settings read back as they were");
	check(tcflush(0, TCIFLUSH) == 0, "tcflush");
	prompt("eof: ");
	check(read(0, buf, sizeof(buf)) == 0, "Ctrl-D on an empty line is end of file");

	printf(failures ? "\ntermios: %d failures\n" : "\ntermios: ok\n", failures);
	return failures != 0;
}
