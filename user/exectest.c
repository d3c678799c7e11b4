/*
 * exectest: execve with arguments and environment, and what wait4 reports:
 * exit statuses, deaths by signal (SIGFPE, and SIGBUS for a read past the end
 * of a file mapping), WNOHANG with a child still running, -ECHILD with none
 * (neither writes the status or rusage), and orphans adopted by init.
 */
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

/* What status and rusage hold before a wait4 that must not write them. */
#define UNTOUCHED 0x5a
#define RUSAGE_SIZE 144	/* struct rusage on Linux x86-64 */

static unsigned char rusage[RUSAGE_SIZE];

static bool rusage_untouched(void)
{
	for (size_t i = 0; i < sizeof(rusage); i++)
		if (rusage[i] != UNTOUCHED)
			return false;
	return true;
}

/* Run a child that does what, and return its wait status. */
static int status_of(void (*what)(void))
{
	int status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		what();
		exit(0);
	}
	wait4(pid, &status, 0, NULL);
	return status;
}

static void exit_42(void)
{
	exit(42);
}

static void divide_by_zero(void)
{
	volatile int zero = 0;
	printf("%d\n", 100 / zero);
}

/* A private mapping of a file, read one page past the file's last page. */
static void read_beyond_eof(void)
{
	int fd = open("/bin/hello", O_RDONLY, 0);
	off_t size = lseek(fd, 0, SEEK_END);
	size_t pages = ROUNDUP((size_t)size, 4096) / 4096;
	volatile char *p = mmap(NULL, (pages + 1) * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd < 0 || size <= 0 || ptr_failed((void *)p))
		exit(98);
	(void)p[pages * 4096];
}

static void exec_echo(void)
{
	char *argv[] = { "echo", "exec", "with", "arguments", NULL };
	char *envp[] = { NULL };
	execve("/bin/echo", argv, envp);
	exit(99);
}

/* args prints its environment: tests/cases.py expects these two variables. */
static void exec_args_with_env(void)
{
	char *argv[] = { "args", "from-exectest", NULL };
	char *envp[] = { "ELK=1", "MODE=exectest", NULL };
	execve("/bin/args", argv, envp);
	exit(99);
}

/* The write end of the pipe on which the orphan reports its parent's pid. */
static int orphan_report;

/*
 * A grandchild whose parent exits first must end up with init as its parent.
 * It reports getppid() to us through a pipe, since init, not we, reaps it.
 * The end of file on its pipe says the parent is exiting: its descriptors are
 * closed before its children are handed to init (as on Linux), so until
 * getppid() changes it yields.
 */
static void orphan(void)
{
	int fds[2];
	pipe(fds);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);	/* end of file once the parent is exiting */
		while (getppid() == parent)
			sched_yield();
		parent = getppid();
		write(orphan_report, &parent, sizeof(parent));
		exit(0);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	int st = status_of(exit_42);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exit(42) reads as exited with 42");
	st = status_of(divide_by_zero);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE, "a divide error reads as killed by SIGFPE");
	st = status_of(read_beyond_eof);
	check(st == SIGBUS, "a read past the end of a file mapping reads as killed by SIGBUS");
	st = status_of(exec_echo);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve of echo with arguments");
	st = status_of(exec_args_with_env);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve of args with an environment");

	int fds[2];
	pipe(fds);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(fds[0], &c, 1);
		exit(3);
	}
	st = UNTOUCHED;
	memset(rusage, UNTOUCHED, sizeof(rusage));
	check(wait4(pid, &st, WNOHANG, (struct rusage *)rusage) == 0, "WNOHANG with the child running returns 0");
	check(st == UNTOUCHED && rusage_untouched(), "WNOHANG's 0 leaves status and rusage alone");
	write(fds[1], "x", 1);
	check(wait4(pid, &st, 0, (struct rusage *)rusage) == pid && WEXITSTATUS(st) == 3, "then wait4 reaps it");
	check(rusage[0] == 0 && rusage[sizeof(rusage) - 1] == 0, "a reaping wait4 zero-fills rusage");
	st = UNTOUCHED;
	memset(rusage, UNTOUCHED, sizeof(rusage));
	check(sysret(wait4(-1, &st, 0, (struct rusage *)rusage)) == -ECHILD, "-ECHILD with no children");
	check(st == UNTOUCHED && rusage_untouched(), "-ECHILD leaves status and rusage alone");
	check(sysret(wait4(-1, &st, 0x1000, NULL)) == -EINVAL, "-EINVAL for unknown options");

	int report[2];
	pipe(report);
	orphan_report = report[1];
	st = status_of(orphan);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the orphan's parent exits");
	close(report[1]);	/* so that a silent orphan reads as end of file */
	pid_t parent = 0;
	check(read(report[0], &parent, sizeof(parent)) == sizeof(parent), "the orphan reports");
	if (parent == 1)
		printf("exectest: orphan adopted by init\n");
	else
		printf("exectest: FAIL orphan's parent is %d, not init\n", parent);
	test_failures += parent != 1;
	return test_verdict(test_failures);
}
