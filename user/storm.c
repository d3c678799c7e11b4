/*
 * storm N P: P workers fork, exec `true`, exit and wait, N processes in all,
 * side by side on however many CPUs run. Every child must exit 0 and every
 * worker must account for all its children. Run under leakcheck.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>

/* Start n children one after another, each running true; 0 if all exited 0. */
static int worker(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *argv[] = { "true", NULL }, *envp[] = { NULL };
			execve("/bin/true", argv, envp);
			exit(127);
		}
		int status = -1;
		if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || status != 0) {
			printf("storm: child %ld: pid %d, status 0x%x\n", i, pid, status);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: storm N P\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10), p = strtol(argv[2], NULL, 10);
	if (n < 1 || p < 1 || p > 16)
		return 2;
	for (long w = 0; w < p; w++)
		if (fork() == 0)
			exit(worker(n / p + (w < n % p)));
	int failed = 0;
	for (long w = 0; w < p; w++) {
		int status = -1;
		wait4(-1, &status, 0, NULL);
		failed += status != 0;
	}
	expect("workers that failed", failed, 0);
	printf("storm: %ld processes by %ld workers on %ld CPUs\n", n, p, kstat(KSTAT_NCPUS));
	return test_verdict(test_failures);
}
