/* echo ARG...: print the arguments separated by spaces, as /bin/echo does. */
#include <unistd.h>

/* The line is gathered here so that it reaches the console in one write. */
static char line[1024];
static size_t len;

static void flush(void)
{
	write(1, line, len);
	len = 0;
}

static void emit(char c)
{
	if (len == sizeof line)
		flush();
	line[len++] = c;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			emit(' ');
		for (const char *s = argv[i]; *s; s++)
			emit(*s);
	}
	emit('\n');
	flush();
	return 0;
}
