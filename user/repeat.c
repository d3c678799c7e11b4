/*
 * repeat N PROG [ARGS...]: run PROG with ARGS N times, one run after another
 * (Weenix's stress helper). Stops at the first run that does not exit 0, says
 * which run and how it ended, and exits 1; exits 0 after N good runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <inc/lib.h>

int main(int argc, char **argv)
{
	char *end;
	long n = argc >= 3 ? strtol(argv[1], &end, 10) : -1;

	if (argc < 3 || *end != '\0' || n < 0) {
		printf("usage: repeat N PROG [ARGS...]\n");
		return 2;
	}
	for (long i = 1; i <= n; i++) {
		pid_t pid = spawn(argv[2], argv + 2);
		if (pid < 0) {
			printf("repeat: cannot fork: error %d\n", -pid);
			return 1;
		}
		if (reap_child(pid, argv[2]) != 0) {
			printf("repeat: run %ld of %ld failed\n", i, n);
			return 1;
		}
	}
	return 0;
}
