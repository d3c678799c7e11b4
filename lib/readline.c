/*
 * Line input from the raw serial console, which neither echoes nor edits.
 * Backspace or DEL erases a character; Ctrl-C drops the line typed so far and
 * gives an empty one (elk has no signals yet, so it stops nothing else);
 * Ctrl-D on an empty line, or the end of input, ends the input.
 */
#include <inc/lib.h>

#define CTRL_C 0x03
#define CTRL_D 0x04
#define BACKSPACE 0x08
#define DEL 0x7f

int readline(const char *prompt, char *buf, size_t size)
{
	size_t len = 0;

	if (prompt)
		printf("%s", prompt);
	for (;;) {
		char c;
		bool ended = read(0, &c, 1) <= 0 || (c == CTRL_D && len == 0);
		if (ended && len == 0)
			return -1;
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
	write(1, "\n", 1);
	buf[len] = '\0';
	return (int)len;
}
