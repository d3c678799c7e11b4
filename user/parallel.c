/*
 * parallel CMD1 CMD2 ...: start every command at once, each CMD one argument
 * holding a program and its arguments separated by blanks, then reap them all
 * (Weenix's stress helper). Each command that
 * does not exit 0 is named with how it ended; the exit status is 0 only if
 * every one exited 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <inc/lib.h>

#define MAXCMDS 32
#define MAXWORDS 32

int main(int argc, char **argv)
{
	pid_t pids[MAXCMDS];
	char *names[MAXCMDS];
	int failed = 0;

	if (argc < 2 || argc - 1 > MAXCMDS) {
		printf("usage: parallel CMD1 CMD2 ... (at most %d)\n", MAXCMDS);
		return 2;
	}
	for (int c = 0; c < argc - 1; c++) {
		char *words[MAXWORDS + 1], *rest, *w = strtok_r(argv[c + 1], " \t", &rest);
		int n = 0;
		for (; n < MAXWORDS && w; w = strtok_r(NULL, " \t", &rest))
			words[n++] = w;
		words[n] = NULL;
		names[c] = n ? words[0] : "(empty)";
		pids[c] = n ? spawn(words[0], words) : -EINVAL;
		if (pids[c] < 0) {
			printf("parallel: cannot run command %d: error %d\n", c + 1, -pids[c]);
			failed = 1;
		}
	}
	for (int c = 0; c < argc - 1; c++)
		if (pids[c] >= 0 && reap_child(pids[c], names[c]) != 0)
			failed = 1;
	return failed;
}
