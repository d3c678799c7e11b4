/*
 * cpus N: the kernel runs N CPUs, and each of them runs this program when it is
 * pinned there and takes timer ticks meanwhile.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

/* Spin on CPU cpu until it has taken two more timer ticks; the CPU getcpu saw. */
static unsigned spin_for_ticks(int cpu)
{
	long start = kstat(KSTAT_CPU_TICKS + cpu);
	unsigned seen = ~0U;

	while (kstat(KSTAT_CPU_TICKS + cpu) < start + 2)
		seen = (unsigned)sched_getcpu();
	return seen;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: cpus N\n");
		return 2;
	}
	long want = strtol(argv[1], NULL, 10);
	long n = kstat(KSTAT_NCPUS);

	expect("CPUs running", n, want);
	for (int cpu = 0; cpu < n; cpu++) {
		expect("pinning", pin_to_cpu(cpu), 0);
		expect("the CPU the program runs on while pinned", spin_for_ticks(cpu), cpu);
	}
	expect("a CPU that does not exist has no tick count", kstat(KSTAT_CPU_TICKS + n), -EINVAL);
	printf("cpus: %ld CPUs up, each ran this program and took ticks\n", n);
	return test_verdict(test_failures);
}
