/*
 * oom: a child touches page after page of a mapping bigger than the machine's
 * memory; the kernel must kill it (out of memory, SIGKILL) and go on: the next
 * child runs, and the memory comes back.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define HUGE (1UL << 30)

int main(int argc, char **argv)
{
	long before = kstat(KSTAT_FREE_PAGES);
	pid_t pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (size_t off = 0; off < HUGE; off += 4096)
			p[off] = 1;
		printf("oom: FAIL touched all of 1 GiB\n");
		exit(1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	int failures = 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		printf("oom: FAIL child ended with status 0x%x\n", status);
		failures++;
	}
	pid = fork();
	if (pid == 0)
		exit(7);
	wait4(pid, &status, 0, NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
		printf("oom: FAIL the next child did not run\n");
		failures++;
	}
	long after = kstat(KSTAT_FREE_PAGES);
	printf("oom: free pages before %ld, after %ld\n", before, after);
	return test_verdict(failures);
}
