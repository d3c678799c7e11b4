/*
 * muslhello: an ordinary static Linux program, built with Debian's musl-gcc and
 * knowing nothing of elk. Its C library sets up thread-local storage with
 * arch_prctl and set_tid_address, asks ioctl whether stdout is a terminal, and
 * prints with writev; the checks below use printf's %f, malloc and free in
 * many sizes (brk and mmap), a __thread variable, readv and writev on a pipe,
 * and ioctl's answers. It prints "muslhello: ok" and exits 0, on elk as on
 * Linux.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ARCH_GET_FS 0x1003	/* <asm/prctl.h>, which musl-gcc does not see */

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("muslhello: FAIL %s\n", what);
		failures++;
	}
}

static __thread int tls_value = 42;

/* printf's floating point, through snprintf so the bytes can be compared. */
static void formatting(void)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%f %.3e %g %5.1f|%-6d|%x", 1.5, 12345.678, 0.0001, -2.25, 7, 255);
	check(strcmp(buf, "1.500000 1.235e+04 0.0001  -2.2|7     |ff") == 0, "printf formatting");
}

/* Many blocks of many sizes, each filled and verified before it is freed. */
static void allocation(void)
{
	enum { N = 2000 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	unsigned seed = 1;
	int bad = 0;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			seed = seed * 1103515245 + 12345;
			sizes[i] = (seed >> 8) % (i % 50 == 0 ? 300000 : 2000) + 1;
			blocks[i] = malloc(sizes[i]);
			if (!blocks[i]) {
				bad++;
				continue;
			}
			memset(blocks[i], (unsigned char)(i + round), sizes[i]);
		}
		for (int i = 0; i < N; i++) {
			if (!blocks[i])
				continue;
			for (size_t k = 0; k < sizes[i]; k += 97)
				bad += blocks[i][k] != (unsigned char)(i + round);
			bad += blocks[i][sizes[i] - 1] != (unsigned char)(i + round);
			free(blocks[i]);
		}
	}
	check(bad == 0, "malloc'd blocks keep their contents");
}

/* The thread pointer musl set with arch_prctl is what the kernel reports. */
static void thread_local(void)
{
	uintptr_t self, base = 0;

	check(tls_value == 42, "a __thread variable's initial value");
	tls_value = 7;
	check(tls_value == 7, "a __thread variable keeps what is stored");
	__asm__ volatile("movq %%fs:0, %0" : "=r"(self));
	check(syscall(SYS_arch_prctl, ARCH_GET_FS, &base) == 0, "arch_prctl(ARCH_GET_FS)");
	check(base == self, "the FS base is musl's thread pointer");
	check(syscall(SYS_arch_prctl, 0x9999, 0) == -1 && errno == EINVAL,
	      "arch_prctl with an unknown code is EINVAL");
}

/* writev and readv through a pipe, and what ioctl says of a pipe. */
static void vectors(void)
{
	int fds[2];
	char a[4] = { 0 }, b[8] = { 0 };
	struct iovec out[3] = { { "abc", 3 }, { "", 0 }, { "defg", 4 } };
	struct iovec in[2] = { { a, 3 }, { b, 7 } };
	struct winsize ws;

	check(pipe(fds) == 0, "pipe");
	check(writev(fds[1], out, 3) == 7, "writev of three buffers");
	ssize_t got = readv(fds[0], in, 2);
	check(got >= 3 && strcmp(a, "abc") == 0, "readv's first buffer");
	if (got == 3)
		got += read(fds[0], b, 7);	/* a read may return less: the rest is there */
	check(got == 7 && strcmp(b, "defg") == 0, "readv's second buffer");
	check(writev(fds[1], out, -1) == -1 && errno == EINVAL, "writev with a negative count");
	/* Data for the first buffer only: readv returns it rather than wait for more. */
	check(write(fds[1], "xyz", 3) == 3, "write three bytes");
	memset(a, 0, sizeof(a));
	check(readv(fds[0], in, 2) == 3 && strcmp(a, "xyz") == 0, "readv returns what is there");
	check(ioctl(fds[0], TIOCGWINSZ, &ws) == -1 && errno == ENOTTY, "TIOCGWINSZ on a pipe");
	int held = -1;
	check(write(fds[1], "pq", 2) == 2, "write two bytes");
	check(ioctl(fds[0], FIONREAD, &held) == 0 && held == 2, "FIONREAD on the read end");
	held = -1;
	check(ioctl(fds[1], FIONREAD, &held) == 0 && held == 2, "FIONREAD on the write end");
	check(ioctl(fds[0], FIONREAD, (int *)8) == -1 && errno == EFAULT, "FIONREAD to a bad pointer");
	close(fds[0]);
	close(fds[1]);
}

/* Who the program runs as, and what uname says of the machine. */
static void identity(void)
{
	struct utsname u;

	check(getuid() == geteuid() && getgid() == getegid(), "real and effective ids agree");
	check(uname(&u) == 0, "uname");
	check(strcmp(u.machine, "x86_64") == 0, "uname's machine is x86_64");
	check(u.sysname[0] && u.release[0] >= '1' && u.release[0] <= '9',
	      "uname names a system and a release that starts with its version");
}

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* ts plus ns nanoseconds (ns below a second). */
static struct timespec later(struct timespec ts, long ns)
{
	ts.tv_nsec += ns;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

/* Sleeps end no earlier than asked, relative or at a time on the clock. */
static void sleeping(void)
{
	struct timespec t0, t1, d = { 0, 5000000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == 0, "a relative clock_nanosleep");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(ns_of(&t1) - ns_of(&t0) >= 5000000, "it lasted at least what was asked");
	struct timespec at = later(t1, 5000000);
	check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == 0,
	      "clock_nanosleep until a time");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(ns_of(&t1) >= ns_of(&at), "it ended at that time or after");
	clock_gettime(CLOCK_REALTIME, &t0);
	check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t0, NULL) == 0,
	      "until a wall-clock time already past");
	struct timespec wall = later(t0, 20000000);
	check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wall, NULL) == 0,
	      "until a wall-clock time to come");
	clock_gettime(CLOCK_REALTIME, &t1);
	check(ns_of(&t1) >= ns_of(&wall), "it ended at that wall-clock time or after");
	struct timespec bad = { 0, 1000000000 };
	check(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL) == EINVAL, "tv_nsec out of range");
	check(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL) == EINVAL,
	      "a clock one cannot sleep on");
}

int main(int argc, char **argv)
{
	identity();
	sleeping();
	formatting();
	allocation();
	thread_local();
	vectors();
	check(syscall(SYS_set_tid_address, &tls_value) == getpid(), "set_tid_address returns the tid");
	printf("muslhello: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
