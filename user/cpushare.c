/*
 * cpushare N SECONDS: N CPU-bound processes share the machine for about SECONDS
 * seconds. With N CPUs each process must get a fair part of the work done (at
 * least a quarter of an even share: counts, not speed, and generous, since the
 * host schedules the emulated CPUs as it likes), and between them they must
 * have run on every CPU (getcpu).
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define MAXN 16
#define SAMPLE_EVERY 65536	/* iterations between getcpu samples */

struct shared {
	volatile bool stop;
	volatile long started;
	volatile uint64_t count[MAXN];
	volatile uint32_t cpus_seen[MAXN];	/* bit c: getcpu said c */
};

/* Count until told to stop, noting the CPUs seen. Never returns. */
static void worker(struct shared *s, int i)
{
	__atomic_add_fetch(&s->started, 1, __ATOMIC_SEQ_CST);
	while (!s->stop) {
		for (int k = 0; k < SAMPLE_EVERY; k++)
			s->count[i]++;
		int cpu = sched_getcpu();
		if (cpu >= 0)
			s->cpus_seen[i] |= 1U << cpu;
	}
	exit(0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cpushare N SECONDS\n");
		return 2;
	}
	int n = (int)strtol(argv[1], NULL, 10);
	long seconds = strtol(argv[2], NULL, 10);
	if (n < 1 || n > MAXN)
		return 2;
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(!ptr_failed(s), "a shared page for the counters");
	if (ptr_failed(s))
		return 1;
	for (int i = 0; i < n; i++)
		if (fork() == 0)
			worker(s, i);
	while (s->started < n)
		sched_yield();
	nanosleep(&(struct timespec){ seconds, 0 }, NULL);
	s->stop = true;
	for (int i = 0; i < n; i++)
		wait4(-1, NULL, 0, NULL);

	uint64_t total = 0;
	uint32_t seen = 0;
	for (int i = 0; i < n; i++) {
		total += s->count[i];
		seen |= s->cpus_seen[i];
	}
	for (int i = 0; i < n; i++) {
		printf("cpushare: process %d counted %lu (%lu%% of the total), CPUs seen 0x%x\n", i,
		       s->count[i], total ? s->count[i] * 100 / total : 0, s->cpus_seen[i]);
		check(s->count[i] * 4 * n >= total, "each process gets a fair part of the work");
	}
	long ncpus = kstat(KSTAT_NCPUS);
	expect("the CPUs the processes ran on, together", seen, (1L << ncpus) - 1);
	return test_verdict(test_failures);
}
