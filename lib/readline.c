/*
 * Line input with its own echo and editing, as a shell's line editor does: it
 * turns the terminal's editing, echo and signal characters off (TCSETS) while
 * it reads, and back on after. Backspace or DEL erases a character; Ctrl-C (a
 * byte here, with the signal characters off) drops the line typed so far and
 * gives an empty one; Ctrl-D on an empty line, or the end of input, ends the
 * input.
 */
#include <stdio.h>
#include <termios.h>
#include <unistd.h>
#include <inc/lib.h>

#define CTRL_C 0x03
#define CTRL_D 0x04
#define BACKSPACE 0x08
#define DEL 0x7f

int readline(const char *prompt, char *buf, size_t size)
{
	struct termios saved, raw;
	bool terminal = tcgetattr(0, &saved) == 0;
	size_t len = 0;
	bool at_end = false;

	if (terminal) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_cc[VMIN] = 1;
		tcsetattr(0, TCSANOW, &raw);
	}
	if (prompt)
		printf("%s", prompt);
	fflush(stdout);	/* the prompt, and anything before it, ahead of the echo */
	for (;;) {
		char c;
		bool ended = read(0, &c, 1) <= 0 || (c == CTRL_D && len == 0);
		at_end = ended && len == 0;
		if (ended || c == '\r' || c == '\n')
			break;
		if (c == CTRL_C) {
			write(1, "^C", 2);
			len = 0;
			break;
		}
		if (c == BACKSPACE || c == DEL) {
			if (len > 0) {
				len--;
				write(1, "\b \b", 3);
			}
		} else if (c >= ' ' && len + 1 < size) {
			buf[len++] = c;
			write(1, &c, 1);
		}
	}
	if (!at_end)
		write(1, "\n", 1);
	if (terminal)
		tcsetattr(0, TCSANOW, &saved);
	buf[len] = '\0';
	return at_end ? -1 : (int)len;
}
