/* readline: read one line from the console and print it back; for interactive checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

int main(int argc, char **argv)
{
	char line[256];

	if (readline("type a line: ", line, sizeof line) < 0) {
		printf("readline: end of input\n");
		return 1;
	}
	printf("got: %s\n", line);
	return 0;
}
