/*
 * poll: poll and ppoll on pipes, devices and the console, with Linux's
 * answers: readiness, hang-up and error bits, ignored and closed descriptors,
 * timeouts, a poller woken by another process's write, argument checks,
 * ppoll's temporary signal mask, and the same call posted on a syscall page.
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

/*
 * The raw calls, whose arguments this checks: musl's ppoll and sigprocmask
 * take a sigset_t and pass its size themselves.
 */
static long raw_ppoll(struct pollfd *fds, unsigned long n, const struct timespec *timeout,
		      const void *mask, size_t size)
{
	return syscall6(SYS_ppoll, (long)fds, (long)n, (long)timeout, (long)mask, (long)size, 0);
}

static long raw_sigprocmask(int how, const ksigset_t *set, ksigset_t *old, size_t size)
{
	return syscall6(SYS_rt_sigprocmask, how, (long)set, (long)old, (long)size, 0, 0);
}

static short revents_of(int fd, short events, int timeout_ms, int *count)
{
	struct pollfd p = { fd, events, 0x7fff };
	*count = poll(&p, 1, timeout_ms);
	return p.revents;
}

static void check_pipe_states(void)
{
	int fds[2], n;

	expect("pipe", pipe(fds), 0);
	expect("an empty pipe's read end", revents_of(fds[0], POLLIN, 0, &n), 0);
	expect("poll's count when nothing is ready", n, 0);
	expect("an empty pipe's write end", revents_of(fds[1], POLLOUT, 0, &n), POLLOUT);
	expect("poll's count for one ready", n, 1);
	expect("write", write(fds[1], "x", 1), 1);
	expect("a pipe with data", revents_of(fds[0], POLLIN | POLLOUT, 0, &n), POLLIN);
	expect("a 50 ms wait on what is ready", revents_of(fds[0], POLLIN, 50, &n), POLLIN);

	struct pollfd two[3] = { { fds[0], POLLIN, 0 }, { -1, POLLIN, 0x55 }, { fds[1], POLLIN, 0 } };
	expect("three descriptors, one ignored", poll(two, 3, 0), 1);
	expect("the readable one", two[0].revents, POLLIN);
	expect("a negative fd's revents", two[1].revents, 0);
	expect("a write end asked for POLLIN", two[2].revents, 0);

	char c;
	expect("read", read(fds[0], &c, 1), 1);
	expect("a 30 ms wait on an empty pipe", revents_of(fds[0], POLLIN, 30, &n), 0);
	expect("the wait timed out", n, 0);

	close(fds[1]);
	expect("a read end with no writer hangs up, asked or not", revents_of(fds[0], 0, 0, &n),
	       POLLHUP);
	close(fds[0]);
	expect("a closed descriptor", revents_of(fds[0], POLLIN, 0, &n), POLLNVAL);
	expect("POLLNVAL counts", n, 1);

	expect("pipe", pipe(fds), 0);
	close(fds[0]);
	expect("a write end with no reader is in error", revents_of(fds[1], POLLOUT, 0, &n),
	       POLLOUT | POLLERR);
	close(fds[1]);
}

/* A poller with no timeout wakes when a child writes, whichever comes first. */
static void check_wakeup(void)
{
	int fds[2], n;

	expect("pipe", pipe(fds), 0);
	pid_t child = fork();
	if (child == 0) {
		sched_yield();
		exit(write(fds[1], "w", 1) == 1 ? 0 : 1);
	}
	expect("a poll woken by the child's write", revents_of(fds[0], POLLIN, -1, &n), POLLIN);
	int status;
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child's write", status, 0);
	close(fds[0]);
	close(fds[1]);
}

static void check_devices_and_console(void)
{
	int null = open("/dev/null", O_RDWR, 0), n;
	expect("/dev/null", revents_of(null, POLLIN | POLLOUT, 0, &n), POLLIN | POLLOUT);
	close(null);
	expect("the console with nothing typed", revents_of(1, POLLIN | POLLOUT, 0, &n), POLLOUT);
}

static void check_arguments(void)
{
	struct pollfd many[65];
	int fds[2];

	memset(many, 0, sizeof(many));
	expect("more descriptors than RLIMIT_NOFILE", sysret(poll(many, 65, 0)), -EINVAL);
	expect("no descriptors, no wait", poll(NULL, 0, 0), 0);
	expect("pipe", pipe(fds), 0);
	struct pollfd p = { fds[0], POLLIN, 0 };
	struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 };
	uint64_t mask = 0;
	expect("ppoll with a zero timeout", raw_ppoll(&p, 1, &zero, NULL, 0), 0);
	expect("ppoll with a malformed timeout", raw_ppoll(&p, 1, &bad, NULL, 0), -EINVAL);
	expect("ppoll with a wrong sigset size", raw_ppoll(&p, 1, &zero, &mask, 4), -EINVAL);
	expect("ppoll with a signal mask", raw_ppoll(&p, 1, &zero, &mask, 8), 0);
	write(fds[1], "y", 1);
	expect("ppoll without a timeout on what is ready", raw_ppoll(&p, 1, NULL, NULL, 0), 1);
	close(fds[0]);
	close(fds[1]);
}

static volatile int usr1_caught;

static void catch_usr1(int sig)
{
	usr1_caught++;
}

/*
 * ppoll's mask holds only while it waits: a pending SIGUSR1 the caller blocks
 * stays pending under a mask that blocks it too, and interrupts the wait
 * (its handler runs) under one that lets it through; afterwards the caller's
 * own mask is back.
 */
static void check_ppoll_mask(void)
{
	int fds[2];
	ksigset_t usr1 = SIGBIT(SIGUSR1), none = 0, all = ~0ULL, now;
	struct timespec zero = { 0, 0 };

	expect("pipe", pipe(fds), 0);
	struct sigaction sa = { .sa_handler = catch_usr1 };
	expect("sigaction", sysret(sigaction(SIGUSR1, &sa, NULL)), 0);
	expect("block SIGUSR1", raw_sigprocmask(SIG_BLOCK, &usr1, NULL, sizeof(usr1)), 0);
	expect("kill", kill(getpid(), SIGUSR1), 0);
	struct pollfd p = { fds[0], POLLIN, 0 };
	expect("ppoll under a mask that blocks it", raw_ppoll(&p, 1, &zero, &all, 8), 0);
	expect("no handler ran", usr1_caught, 0);
	expect("ppoll under a mask that lets it through", raw_ppoll(&p, 1, NULL, &none, 8), -EINTR);
	expect("the handler ran once", usr1_caught, 1);
	expect("rt_sigprocmask", raw_sigprocmask(SIG_BLOCK, NULL, &now, sizeof(now)), 0);
	check(now & usr1, "the caller's mask is back after ppoll");
	expect("unblock SIGUSR1", raw_sigprocmask(SIG_UNBLOCK, &usr1, NULL, sizeof(usr1)), 0);
	close(fds[0]);
	close(fds[1]);
}

/* The same call through a syscall page. */
static void check_on_page(void)
{
	static struct flexsc_ring ring;
	int fds[2];

	expect("flexsc_setup", flexsc_setup(&ring, 1, 1), 0);
	expect("pipe", pipe(fds), 0);
	struct pollfd p = { fds[0], POLLIN, 0 };
	expect("flex_poll on an empty pipe", flex_poll(&p, 1, 0), 0);
	write(fds[1], "z", 1);
	expect("flex_poll on a pipe with data", flex_poll(&p, 1, -1), 1);
	expect("flex_poll's revents", p.revents, POLLIN);
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	check_pipe_states();
	check_wakeup();
	check_devices_and_console();
	check_arguments();
	check_ppoll_mask();
	check_on_page();
	return test_verdict(test_failures);
}
