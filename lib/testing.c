/*
 * What test programs share: the trap paths to try calls on, leak checks, checks
 * that count failures, the last line, and small helpers no C library has.
 */
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

const struct trap_path trap_paths[NTRAP_PATHS] = {
	{ "syscall", syscall6 },
	{ "int $0x80", int80_syscall6 },
};

struct memuse memuse(void)
{
	struct memuse m;
	/*
	 * A page paged out moves from memory to a swap slot: both count, but a
	 * slot that only copies a page in memory does not.
	 */
	m.pages = kstat(KSTAT_TOTAL_PAGES) - kstat(KSTAT_FREE_PAGES) - kstat(KSTAT_KMALLOC_PAGES) +
		  kstat(KSTAT_SWAP_TOTAL) - kstat(KSTAT_SWAP_FREE) - kstat(KSTAT_SWAP_COPIES);
	m.objects = kstat(KSTAT_KMALLOC_OBJECTS);
	return m;
}

bool memuse_equal(struct memuse a, struct memuse b)
{
	return a.pages == b.pages && a.objects == b.objects;
}

int test_failures;

void check(bool ok, const char *what)
{
	if (!ok) {
		printf("%s: FAIL %s\n", progname, what);
		test_failures++;
	}
}

void expect(const char *what, long got, long want)
{
	if (got != want) {
		printf("%s: FAIL %s: got %ld, want %ld\n", progname, what, got, want);
		test_failures++;
	}
}

int pin_to_cpu(int cpu)
{
	uint64_t mask = 1ULL << cpu;
	return (int)syscall6(SYS_sched_setaffinity, 0, sizeof(mask), (long)&mask, 0, 0, 0);
}

int test_verdict(int failures)
{
	if (failures) {
		printf("%s: %d failures\n", progname, failures);
		return 1;
	}
	printf("%s: ok\n", progname);
	return 0;
}

/* One write for the whole line, so that it is not broken by other output. */
void _panic(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fflush(stdout);
	dprintf(2, "panic: %s:%d: %s\n", file, line, msg);
	exit(1);
}

uint64_t monotonic_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		panic("clock_gettime(CLOCK_MONOTONIC) failed");
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

const char *signame(int signo)
{
	switch (signo) {
	case SIGILL:  return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS:  return "SIGBUS";
	case SIGFPE:  return "SIGFPE";
	case SIGSEGV: return "SIGSEGV";
	default:      return "SIG?";
	}
}

/*
 * fork, then execve in the child: prog is a path, or without a '/' a program
 * in /bin. The child cannot report a failed execve to the parent other than by
 * its exit status, so it says why on stderr and exits 127, the status shells
 * use for a command that could not be run.
 */
pid_t spawn(const char *prog, char *const argv[])
{
	char path[256];

	fflush(stdout);
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : pid;
	snprintf(path, sizeof(path), "%s%s", strchr(prog, '/') ? "" : "/bin/", prog);
	execve(path, argv, environ);
	if (errno == ENOENT)
		fprintf(stderr, "%s: %s: not found\n", progname, prog);
	else
		fprintf(stderr, "%s: %s: cannot execute (error %d)\n", progname, prog, -errno);
	_exit(127);
}

int reap_child(pid_t pid, const char *name)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		printf("%s: %s: wait4 failed\n", progname, name);
		return -1;
	}
	if (WIFSIGNALED(status))
		printf("%s: %s killed by signal %d\n", progname, name, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		printf("%s: %s exited %d\n", progname, name, WEXITSTATUS(status));
	return status;
}
