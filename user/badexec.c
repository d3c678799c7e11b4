/*
 * badexec: execve of each malformed ELF in the initrd (made by tools/mkbadelf.py)
 * must fail with -ENOEXEC and leave the caller running; a missing program must
 * fail with -ENOENT. Each attempt runs in a child, which reports by exit status.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

static const char *const bad_elves[] = {
	"badelf-magic", "badelf-class", "badelf-machine", "badelf-entry",
	"badelf-kernaddr", "badelf-overlap", "badelf-filesz", "badelf-overflow",
	"badelf-truncated",
};

/* In a child, execve prog and check it fails with want; true if it did. */
static bool exec_fails_with(const char *prog, int want)
{
	char *argv[] = { (char *)prog, NULL };
	int status;

	pid_t pid = fork();
	if (pid < 0)
		panic("fork: %d", -errno);
	if (pid == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/bin/%s", prog);
		int r = (int)sysret(execve(path, argv, environ));
		if (r == want)
			exit(0);
		printf("badexec: FAIL execve(%s) returned %d, expected %d\n", prog, r, want);
		exit(1);
	}
	if (wait4(pid, &status, 0, NULL) != pid)
		panic("wait4 for %s failed", prog);
	if (WIFSIGNALED(status))
		printf("badexec: FAIL child exec'ing %s killed by signal %d\n", prog,
		       WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	int failures = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bad_elves); i++)
		failures += !exec_fails_with(bad_elves[i], -ENOEXEC);
	failures += !exec_fails_with("no-such-program", -ENOENT);
	if (failures) {
		printf("badexec: %d failures\n", failures);
		return 1;
	}
	printf("badexec: ok\n");
	return 0;
}
