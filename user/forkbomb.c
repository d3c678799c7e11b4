/*
 * forkbomb: both limits on processes must be reached, each with -EAGAIN, and the
 * kernel must survive them. One parent forking until refused gets exactly
 * MAXCHILDREN children (zombies count) while the table still has room. A tree
 * whose every member forks a few children that do the same fills the table: its
 * forks are refused exactly when NPROC processes exist. Afterwards the process
 * count is back where it started and fork works again (leakcheck checks that the
 * memory came back).
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

#define MAXCHILDREN 32	/* the kernel's cap on one process's children (kern/proc.h) */
#define NPROC 64	/* the kernel's process table (kern/proc.h) */
#define FANOUT 4	/* children per member of the tree, far below MAXCHILDREN */
#define LEVELS 3	/* 1 + 4 + 16 + 64 members wanted: more than the table holds */

/* Reap every child; returns how many there were. */
static int reap_all(void)
{
	int n = 0;

	while (wait4(-1, NULL, 0, NULL) > 0)
		n++;
	return n;
}

/* Fork children that exit at once until fork says no: the per-process cap. */
static void per_process_cap(void)
{
	int children = 0;
	pid_t pid;

	while ((pid = (pid_t)sysret(fork())) > 0)
		children++;
	if (pid == 0)
		exit(0);
	long procs = kstat(KSTAT_NPROCS);
	expect("fork once the children are at the cap", pid, -EAGAIN);
	expect("children one parent may have", children, MAXCHILDREN);
	if (procs >= NPROC) {
		printf("forkbomb: FAIL the table was full (%ld processes), not the cap reached\n", procs);
		test_failures++;
	}
	expect("children reaped", reap_all(), children);
	printf("forkbomb: one parent got %d children, then %s\n", children,
	       pid == -EAGAIN ? "-EAGAIN" : "another error");
}

/* What a refused member of the tree reports: fork's error and the processes then. */
struct refusal {
	int err;
	int procs;
};

/*
 * A member of the tree at level: fork up to FANOUT members of the level below,
 * reporting a refusal on report; then wait on hold until every member has
 * stopped forking (end of file, once all have closed its write end), so that no
 * slot frees while the others still fork; then reap the children. Returns the
 * member's exit status: 0 if every child was reaped.
 */
static int member(int level, int hold[2], int report)
{
	int children = 0;

	for (int i = 0; i < FANOUT && level > 0; i++) {
		pid_t pid = (pid_t)sysret(fork());
		if (pid == 0)
			exit(member(level - 1, hold, report));
		if (pid < 0) {
			struct refusal r = { pid, (int)kstat(KSTAT_NPROCS) };
			write(report, &r, sizeof(r));
			break;
		}
		children++;
	}
	close(hold[1]);
	char c;
	read(hold[0], &c, 1);
	return reap_all() == children ? 0 : 1;
}

/* A tree of members fills the process table: the system-wide cap. */
static void system_cap(void)
{
	int hold[2], report[2];

	pipe(hold);
	pipe(report);
	pid_t root = fork();
	if (root == 0) {
		close(report[0]);
		exit(member(LEVELS, hold, report[1]));
	}
	close(hold[1]);
	close(report[1]);
	struct refusal r;
	int refusals = 0, wrong = 0;
	while (read(report[0], &r, sizeof(r)) == sizeof(r)) {
		refusals++;
		if (r.err != -EAGAIN || r.procs != NPROC) {
			printf("forkbomb: FAIL a fork was refused with %d at %d processes\n", r.err,
			       r.procs);
			wrong++;
		}
	}
	close(report[0]);
	close(hold[0]);
	int status = -1;
	expect("the tree's root reaped", wait4(root, &status, 0, NULL), root);
	expect("the tree's exit status", status, 0);
	if (refusals == 0) {
		printf("forkbomb: FAIL the tree never filled the table\n");
		test_failures++;
	}
	test_failures += wrong;
	if (refusals > 0 && wrong == 0)
		printf("forkbomb: the tree filled the table at %d processes, then -EAGAIN\n", NPROC);
}

int main(int argc, char **argv)
{
	long procs = kstat(KSTAT_NPROCS);

	per_process_cap();
	system_cap();
	expect("processes left", kstat(KSTAT_NPROCS), procs);
	pid_t pid = fork();
	if (pid == 0)
		exit(0);
	int status = -1;
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || status != 0) {
		printf("forkbomb: FAIL fork does not work afterwards\n");
		test_failures++;
	}
	return test_verdict(test_failures);
}
