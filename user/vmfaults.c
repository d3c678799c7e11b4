/*
 * vmfaults: run every kind of vmfault as a child and check that the kernel
 * killed it with SIGSEGV, and that we are still here to see it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

static const char *const kinds[] = {
	"after-munmap", "beyond-brk", "prot-none", "write-readonly", "stack-guard", "exec-data",
};

int main(int argc, char **argv)
{
	int failures = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char *child_argv[] = { "vmfault", (char *)kinds[i], NULL };
		int status;
		pid_t pid = spawn("vmfault", child_argv);
		if (pid < 0 || wait4(pid, &status, 0, NULL) != pid) {
			printf("vmfaults: FAIL cannot run vmfault %s\n", kinds[i]);
			failures++;
		} else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
			printf("vmfaults: FAIL vmfault %s ended with status 0x%x\n", kinds[i], status);
			failures++;
		} else {
			printf("vmfaults: %s killed by SIGSEGV as expected\n", kinds[i]);
		}
	}
	return test_verdict(failures);
}
