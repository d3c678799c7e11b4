/*
 * affinity: sched_setaffinity, sched_getaffinity and getcpu as Linux has them,
 * and a pinned process stays where it is pinned (across yields, sleeps and a
 * fork, whose child inherits the mask).
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

#define BAD_POINTER ((void *)0xdead0000)

/*
 * The raw calls, which this tests: musl's sched_getaffinity returns 0 and
 * zero-fills the rest of the mask, its sched_setaffinity and sched_getcpu take
 * and give other types.
 */
static long setaffinity(pid_t pid, size_t len, const void *mask)
{
	return syscall6(SYS_sched_setaffinity, pid, (long)len, (long)mask, 0, 0, 0);
}

static long getaffinity(pid_t pid, size_t len, void *mask)
{
	return syscall6(SYS_sched_getaffinity, pid, (long)len, (long)mask, 0, 0, 0);
}

static long getcpu(unsigned *cpu, unsigned *node)
{
	return syscall6(SYS_getcpu, (long)cpu, (long)node, 0, 0, 0, 0);
}

/* Whether the caller runs on cpu across a yield and a two-tick sleep. */
static bool stays_on(unsigned cpu)
{
	unsigned now = ~0U, node = ~0U;

	for (int i = 0; i < 20; i++) {
		if (i % 5 == 0)
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
		else
			sched_yield();
		if (getcpu(&now, &node) != 0 || now != cpu || node != 0)
			return false;
	}
	return true;
}

static void pinning(long ncpus)
{
	uint64_t mask;

	for (int cpu = ncpus - 1; cpu >= 0; cpu--) {
		expect("pin", pin_to_cpu(cpu), 0);
		check(stays_on((unsigned)cpu), "a pinned process stays on its CPU");
		expect("getaffinity's size", getaffinity(0, sizeof(mask), &mask), 8);
		expect("getaffinity's mask", (long)mask, 1L << cpu);
	}
	/* The last pin was CPU 0; a child inherits it. */
	pid_t pid = fork();
	if (pid == 0)
		exit(stays_on(0) && getaffinity(0, 8, &mask) == 8 && mask == 1 ? 0 : 1);
	int status = -1;
	wait4(pid, &status, 0, NULL);
	expect("the child of a pinned process stays pinned", status, 0);

	/* Another process's mask, by pid: the child waits to be moved off CPU 0. */
	if (ncpus == 1)
		return;
	uint64_t last = 1UL << (ncpus - 1);
	pid = fork();
	if (pid == 0) {
		while (getaffinity(0, 8, &mask) == 8 && mask == 1)
			sched_yield();
		exit(mask == last && stays_on((unsigned)ncpus - 1) ? 0 : 1);
	}
	expect("set another process's mask", setaffinity(pid, 8, &last), 0);
	status = -1;
	wait4(pid, &status, 0, NULL);
	expect("a process moved by another stays where it was moved", status, 0);
}

static void errors(long ncpus)
{
	uint64_t all = (1UL << ncpus) - 1, mask = 0, big[4] = { all, ~0UL, ~0UL, ~0UL };

	expect("empty mask", setaffinity(0, 8, &mask), -EINVAL);
	mask = 1UL << 15;	/* a CPU that does not run (elk has at most 16, tests run fewer) */
	if (ncpus < 16)
		expect("a mask of CPUs that do not run", setaffinity(0, 8, &mask), -EINVAL);
	expect("zero-length mask", setaffinity(0, 0, &all), -EINVAL);
	expect("bad mask pointer", setaffinity(0, 8, BAD_POINTER), -EFAULT);
	expect("no such pid", setaffinity(99999, 8, &all), -ESRCH);
	expect("a negative pid", setaffinity(-1, 8, &all), -ESRCH);
	expect("a mask longer than the kernel's: the rest is ignored",
	       setaffinity(0, sizeof(big), big), 0);
	expect("a one-byte mask", setaffinity(0, 1, &all), 0);

	expect("getaffinity: length not a multiple of 8", getaffinity(0, 4, &mask), -EINVAL);
	expect("getaffinity: length 0", getaffinity(0, 0, &mask), -EINVAL);
	expect("getaffinity: bad pointer", getaffinity(0, 8, BAD_POINTER), -EFAULT);
	expect("getaffinity: no such pid", getaffinity(99999, 8, &mask), -ESRCH);
	big[1] = 12345;
	expect("getaffinity writes the kernel's size", getaffinity(0, sizeof(big), big), 8);
	expect("getaffinity: the mask", (long)big[0], (long)all);
	expect("getaffinity leaves the rest", (long)big[1], 12345);

	unsigned cpu = ~0U;
	expect("getcpu with no pointers", getcpu(NULL, NULL), 0);
	expect("getcpu: bad cpu pointer", getcpu(BAD_POINTER, NULL), -EFAULT);
	expect("getcpu: bad node pointer", getcpu(&cpu, BAD_POINTER), -EFAULT);
	expect("getcpu", getcpu(&cpu, NULL), 0);
	check(cpu < (unsigned)ncpus, "getcpu names a CPU that runs");
}

int main(void)
{
	long ncpus = kstat(KSTAT_NCPUS);

	errors(ncpus);
	pinning(ncpus);
	printf("affinity: checked on %ld CPUs\n", ncpus);
	return test_verdict(test_failures);
}
