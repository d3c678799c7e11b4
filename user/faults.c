/*
 * faults: run every fault_* program in turn and check that the kernel killed
 * each with the signal that matches its fault, and that we survived to see it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

static const struct {
	const char *prog;
	int signo;
} cases[] = {
	{ "fault_null",      SIGSEGV },
	{ "fault_nullwrite", SIGSEGV },
	{ "fault_text",      SIGSEGV },
	{ "fault_kernel",    SIGSEGV },
	{ "fault_gp",        SIGSEGV },
	{ "fault_priv",      SIGSEGV },
	{ "fault_stack",     SIGSEGV },
	{ "fault_div",       SIGFPE },
	{ "fault_ud",        SIGILL },
	{ "fault_int3",      SIGTRAP },
};

/* Run prog and report whether it died of signo; says what happened either way. */
static bool killed_as_expected(const char *prog, int signo)
{
	char *argv[] = { (char *)prog, NULL };
	int status;

	pid_t pid = spawn(prog, argv);
	if (pid < 0) {
		printf("faults: fork for %s failed: %d\n", prog, pid);
		return false;
	}
	pid_t r = wait4(pid, &status, 0, NULL);
	if (r != pid) {
		printf("faults: wait4 for %s returned %d\n", prog, r);
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == signo) {
		printf("faults: %s killed by %s as expected\n", prog, signame(signo));
		return true;
	}
	if (WIFSIGNALED(status))
		printf("faults: %s killed by signal %d (%s), expected %s\n", prog,
		       WTERMSIG(status), signame(WTERMSIG(status)), signame(signo));
	else
		printf("faults: %s exited with status %d, expected %s\n", prog,
		       WEXITSTATUS(status), signame(signo));
	return false;
}

int main(int argc, char **argv)
{
	int ok = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ok += killed_as_expected(cases[i].prog, cases[i].signo);
	if (ok != (int)ARRAY_SIZE(cases)) {
		printf("faults: %d of %d failed\n", (int)ARRAY_SIZE(cases) - ok,
		       (int)ARRAY_SIZE(cases));
		return 1;
	}
	printf("faults: all %d ok\n", ok);
	return 0;
}
