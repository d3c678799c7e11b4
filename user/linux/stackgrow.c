/*
 * stackgrow: the main thread's stack grows on demand as far as RLIMIT_STACK,
 * set before execve, lets it, as on Linux; past the limit, or into another
 * mapping, a touch is SIGSEGV, which kills or reaches a handler on an
 * alternate stack.
 *
 * stackgrow                 run the checks: each in a child that sets the
 *                           stack limit and executes this program again, and
 *                           one in a child that lowers it without execve (the
 *                           lowered limit stops the running stack, as "caught")
 * stackgrow deep MIB        recurse MIB MiB deep, fork at the bottom, and check
 *                           every frame on the way back in both processes
 * stackgrow over FD         recurse without end, writing to FD how deep (KiB)
 *                           at every 64 KiB: must die of SIGSEGV
 * stackgrow caught          recurse without end; exit 42 from the SIGSEGV
 *                           handler if the fault is where the limit says
 * stackgrow mapping         map a page 4 MiB under the stack, recurse without
 *                           end; exit 42 from the handler if the fault is above it
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "self_path.h"

#define FRAME 1024
#define MIB (1UL << 20)
#define KIB 1024UL

static int failures;
static const char *program;
static char *top;		/* a local of main: depth is measured from it */
static size_t target = SIZE_MAX;	/* how deep descend goes, in bytes */
static int progress_fd = -1;	/* "over": where to report the depth */
static size_t reported;		/* "over": the depth last reported, KiB */
static uintptr_t fault_lo, fault_hi;	/* "caught", "mapping": where the fault must be */
static int bad_frames;
static pid_t child_at_bottom;	/* "deep": the child forked at the bottom, in the parent */
static int in_child;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("stackgrow: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

/* At the deepest frame of "deep": fork; both sides then check every frame. */
static void at_bottom(void)
{
	pid_t pid = fork();
	if (pid == 0)
		in_child = 1;
	else
		child_at_bottom = pid;
}

/* How far below top the address p is. */
static size_t depth_of(const volatile void *p)
{
	return (size_t)(top - (const char *)p);
}

/* Report the depth of frame to progress_fd each time it passes another 64 KiB. */
static void report(const volatile void *frame)
{
	size_t kib = depth_of(frame) / KIB;

	if (progress_fd < 0 || kib < reported + 64)
		return;
	reported = kib / 64 * 64;
	uint32_t v = (uint32_t)reported;
	if (write(progress_fd, &v, sizeof(v)) != sizeof(v))
		_exit(3);
}

/*
 * Fill a FRAME-byte frame with a pattern of depth, go one deeper until
 * target is reached (then at_bottom), and check the pattern on the way back.
 * Returns the depth reached.
 */
static long descend(long depth, void (*bottom)(void))
{
	volatile unsigned char frame[FRAME];

	for (int i = 0; i < FRAME; i++)
		frame[i] = (unsigned char)(depth * 7 + i);
	report(frame);
	long reached;
	if (depth_of(frame) < target) {
		reached = descend(depth + 1, bottom);
	} else {
		if (bottom)
			bottom();
		reached = depth;
	}
	for (int i = 0; i < FRAME; i++)
		if (frame[i] != (unsigned char)(depth * 7 + i))
			bad_frames++;
	return reached;
}

/* "deep": grow the stack by mib MiB, fork there, check both copies. */
static int deep(size_t mib)
{
	target = mib * MIB;
	long reached = descend(0, at_bottom);
	if (in_child)
		_exit(bad_frames ? 1 : 0);
	check(bad_frames == 0, "every frame kept its pattern");
	check(reached > 0 && child_at_bottom > 0, "reached the bottom and forked there");
	int status;
	check(waitpid(child_at_bottom, &status, 0) == child_at_bottom, "waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child saw every frame too");
	/* A new mapping lands below the grown stack, not inside it. */
	char *m = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(m != MAP_FAILED && m + MIB <= top - target, "mmap places nothing in the stack");
	return failures ? 1 : 0;
}

/* The SIGSEGV handler of "caught" and "mapping": exit 42 if the fault is in range. */
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	uintptr_t a = (uintptr_t)si->si_addr;
	if (sig == SIGSEGV && a >= fault_lo && a < fault_hi)
		_exit(42);
	dprintf(1, "stackgrow: FAIL fault at %#lx, not in [%#lx, %#lx)\n", (unsigned long)a,
		(unsigned long)fault_lo, (unsigned long)fault_hi);
	_exit(43);
}

/* Catch SIGSEGV on an alternate stack (the main one is what has run out). */
static void catch_segv(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	if (sigaltstack(&ss, NULL) < 0 || sigaction(SIGSEGV, &sa, NULL) < 0)
		_exit(4);
}

/* "caught": the fault comes within the limit's reach below top. */
static int caught(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_STACK, &lim) < 0)
		return 5;
	fault_lo = (uintptr_t)top - lim.rlim_cur - 64 * KIB;
	fault_hi = (uintptr_t)top - lim.rlim_cur / 2;
	catch_segv();
	descend(0, NULL);
	return 6;
}

/* "mapping": a page mapped under the stack stops its growth above the page. */
static int mapping(void)
{
	uintptr_t want = ((uintptr_t)top & ~(uintptr_t)4095) - 4 * MIB;
	char *m = mmap((void *)want, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (m != (char *)want) {
		printf("stackgrow: FAIL mmap at the hint %#lx gave %p\n", (unsigned long)want, m);
		return 7;
	}
	fault_lo = want + 4096;
	fault_hi = (uintptr_t)top - 2 * MIB;
	catch_segv();
	descend(0, NULL);
	return 8;
}

/* Start this program with args in a child whose soft stack limit is limit; its pid. */
static pid_t spawn_with_limit(rlim_t limit, char *const args[])
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit lim;
		if (getrlimit(RLIMIT_STACK, &lim) < 0)
			_exit(90);
		lim.rlim_cur = limit;
		if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < limit)
			lim.rlim_max = limit;
		if (setrlimit(RLIMIT_STACK, &lim) < 0)
			_exit(91);
		execv(program, args);
		_exit(92);
	}
	check(pid > 0, "fork");
	return pid;
}

/* The wait status of child pid. */
static int wait_for(pid_t pid)
{
	int status = -1;

	check(waitpid(pid, &status, 0) == pid, "waitpid");
	return status;
}

/* "over" under a 1 MiB limit: SIGSEGV once the frames reach about 1 MiB. */
static void check_over(void)
{
	int fds[2];
	char fdarg[16];

	check(pipe(fds) == 0, "pipe");
	snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
	char *args[] = { (char *)program, "over", fdarg, NULL };
	pid_t pid = spawn_with_limit(MIB, args);
	close(fds[1]);
	uint32_t v, last = 0;
	while (read(fds[0], &v, sizeof(v)) == sizeof(v))
		last = v;
	close(fds[0]);
	int status = wait_for(pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "growth past the limit is SIGSEGV");
	check(last >= 512 && last < 1024, "the frames reached 512 KiB to 1 MiB");
	printf("stackgrow: 1 MiB limit: frames reached %u KiB, then SIGSEGV\n", last);
}

/* A limit lowered while the program runs (no execve) stops its stack's further growth. */
static void check_lowered(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit lim;
		if (getrlimit(RLIMIT_STACK, &lim) < 0)
			_exit(90);
		lim.rlim_cur = MIB;
		if (setrlimit(RLIMIT_STACK, &lim) < 0)
			_exit(91);
		_exit(caught());
	}
	check(pid > 0, "fork");
	int st = wait_for(pid);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "a limit lowered at run time stops the running stack");
}

/* Run this program with args under a soft stack limit of limit; its wait status. */
static int run_with_limit(rlim_t limit, char *const args[])
{
	return wait_for(spawn_with_limit(limit, args));
}

int main(int argc, char **argv)
{
	char here;

	top = &here;
	program = self_path(argv[0]);
	if (argc == 3 && strcmp(argv[1], "deep") == 0)
		return deep((size_t)atol(argv[2]));
	if (argc == 3 && strcmp(argv[1], "over") == 0) {
		progress_fd = atoi(argv[2]);
		descend(0, NULL);
		return 9;
	}
	if (argc == 2 && strcmp(argv[1], "caught") == 0)
		return caught();
	if (argc == 2 && strcmp(argv[1], "mapping") == 0)
		return mapping();

	char *deep_args[] = { (char *)program, "deep", "12", NULL };
	int st = run_with_limit(32 * MIB, deep_args);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "12 MiB of stack under a 32 MiB limit");
	check_over();
	char *caught_args[] = { (char *)program, "caught", NULL };
	st = run_with_limit(MIB, caught_args);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "a handler on an altstack sees the fault");
	check_lowered();
	char *mapping_args[] = { (char *)program, "mapping", NULL };
	st = run_with_limit(32 * MIB, mapping_args);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "a mapping under the stack stops it");
	if (failures)
		return 1;
	printf("stackgrow: ok\n");
	return 0;
}
