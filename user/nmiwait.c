/*
 * nmiwait NAME K [syscalls]: burn the CPU until the kernel has reported K NMIs,
 * taken one at a time, for cases that inject them through QEMU's monitor.
 * Before each it prints "NAME: waiting for NMI i of K" (what the case's monitor
 * step waits for) and goes on until the kernel's count of reported NMIs
 * (KSTAT_NMIS_REPORTED) has grown, so its "elk: N NMI(s)" line is out; at the
 * end it prints "NAME: done, the kernel reported N NMI(s)". It never yields, and
 * it never ends on its own until the NMIs come: a case that sends something
 * else (a machine check) ends the run with it, however late it arrives. With
 * "syscalls" the busy work is getppid calls: the program then lives on the
 * system-call path, and whatever the machine interrupts it with is likely to
 * land there, the entry's first instruction included.
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

/* Busy work between looks at the NMI count: a few milliseconds under emulation. */
#define SPIN_ITERS    1000000
#define SYSCALL_ITERS 1000

/* Volatile so that the compiler keeps every iteration. */
static volatile uint64_t work;

/* One round of busy work; false if getppid changed (it must not). */
static bool busy(bool syscalls, pid_t parent)
{
	if (!syscalls) {
		for (long k = 0; k < SPIN_ITERS; k++)
			work++;
		return true;
	}
	for (long k = 0; k < SYSCALL_ITERS; k++)
		if (getppid() != parent)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "syscalls") != 0)) {
		fprintf(stderr, "usage: nmiwait NAME K [syscalls]\n");
		return 2;
	}
	const char *name = argv[1];
	long nmis = strtol(argv[2], NULL, 10);
	bool syscalls = argc == 4;
	pid_t parent = getppid();
	long start = kstat(KSTAT_NMIS_REPORTED), seen = start;

	for (long i = 1; i <= nmis; i++) {
		printf("%s: waiting for NMI %ld of %ld\n", name, i, nmis);
		while (kstat(KSTAT_NMIS_REPORTED) == seen) {
			if (!busy(syscalls, parent)) {
				printf("%s: FAIL getppid changed\n", name);
				return 1;
			}
		}
		seen = kstat(KSTAT_NMIS_REPORTED);
	}
	printf("%s: done, the kernel reported %ld NMI(s)\n", name, seen - start);
	return 0;
}
