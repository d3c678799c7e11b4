/*
 * fdlimit: fill the descriptor table until open, dup and pipe fail with -EMFILE;
 * recover by closing; check that a full table is inherited by fork, and that pipes,
 * descriptors and forked tables give back every page they took.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define NOFILE 64	/* the kernel's descriptors per process */
#define ROUNDS 50

/* Open /dev/null until it fails; returns how many opened, checking the failure is -EMFILE. */
static int fill_table(void)
{
	int opened = 0, fd;

	while ((fd = open("/dev/null", O_RDONLY, 0)) >= 0)
		opened++;
	expect("open on a full table", sysret(fd), -EMFILE);
	return opened;
}

/* With the table full, a child still has every descriptor, and its closes are its own. */
static void test_fork_full_table(void)
{
	pid_t child = fork();

	if (child == 0) {
		int ok = sysret(dup(0)) == -EMFILE;
		ok &= close(5) == 0 && dup(0) == 5;
		exit(ok ? 0 : 1);
	}
	int status;
	expect("wait for the child with a full table", wait4(child, &status, 0, NULL), child);
	expect("its status", status, 0);
	struct stat st;
	expect("fd 5 still open in the parent", fstat(5, &st), 0);
}

static void test_limit(void)
{
	int fds[2];

	expect("descriptors opened after 0, 1, 2", fill_table(), NOFILE - 3);
	expect("dup on a full table", sysret(dup(0)), -EMFILE);
	expect("pipe on a full table", sysret(pipe(fds)), -EMFILE);
	expect("open of a file on a full table", sysret(open("/bin/hello", O_RDONLY)), -EMFILE);
	test_fork_full_table();

	expect("close 10", close(10), 0);
	expect("pipe with one free descriptor", sysret(pipe(fds)), -EMFILE);
	expect("the free descriptor is reused", open("/dev/zero", O_RDONLY), 10);
	expect("close 10", close(10), 0);
	expect("close 20", close(20), 0);
	expect("pipe with two free descriptors", pipe(fds), 0);
	expect("pipe's read end", fds[0], 10);
	expect("pipe's write end", fds[1], 20);

	int closed = 0;
	for (int fd = 3; fd < NOFILE; fd++)
		closed += close(fd) == 0;
	expect("descriptors closed", closed, NOFILE - 3);
	expect("lowest descriptor after closing all", open("/dev/null", O_RDONLY, 0), 3);
	close(3);
}

/* Pipes, full tables and their copies in forked children leave no page behind. */
static void test_no_leak(void)
{
	int fds[2];
	char buf[100];

	/* Warm up once, so that allocator caches are in their steady state. */
	expect("pipe", pipe(fds), 0);
	close(fds[0]);
	close(fds[1]);
	struct memuse before = memuse();
	for (int i = 0; i < ROUNDS; i++) {
		if (pipe(fds) < 0 || write(fds[1], buf, sizeof(buf)) != sizeof(buf)) {
			expect("pipe and write in round", i, -1);
			return;
		}
		close(fds[0]);
		close(fds[1]);
	}
	int opened = fill_table();
	for (int i = 0; i < ROUNDS / 5; i++) {
		pid_t child = fork();
		if (child == 0)
			exit(0);
		wait4(child, NULL, 0, NULL);
	}
	for (int fd = 3; fd < 3 + opened; fd++)
		close(fd);
	struct memuse after = memuse();
	expect("pages in use after the rounds", after.pages, before.pages);
	expect("kernel objects after the rounds", after.objects, before.objects);
}

int main(int argc, char **argv)
{
	test_limit();
	test_no_leak();
	return test_verdict(test_failures);
}
