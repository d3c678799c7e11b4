/*
 * flexscmix: several registered processes at once, each with its own
 * placement: syscall threads on the caller's core, pinned to syscall cores,
 * and polling on them (with a short idle time, so pollers sleep and are woken
 * again, and forever). Each process runs rounds of a batch of getpid and
 * getppid entries beside a linked write -> read through a pipe of its own,
 * every result checked, and exits with entries still posted. Run under
 * leakcheck on 4 CPUs: every page and thread must come back.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/lib.h>

#define ROUNDS 300
#define BATCH 12

/* One process's work: 0 if every result was right. */
static int work(const struct flexsc_options *opts)
{
	struct flexsc_ring ring;
	int fds[2], wrong = 0;
	pid_t me = getpid(), parent = getppid();

	if (flexsc_setup_with(&ring, opts) < 0 || pipe(fds) < 0)
		return 2;
	for (int round = 0; round < ROUNDS; round++) {
		struct flexsc_entry *e[BATCH], *link[2];
		char out = (char)('a' + round % 26), in = 0;
		if (flexsc_get_chain(&ring, link, 2) < 0)
			return 3;
		flexsc_prep(link[0], SYS_write, fds[1], (long)&out, 1, 0, 0, 0);
		flexsc_prep(link[1], SYS_read, fds[0], (long)&in, 1, 0, 0, 0);
		link[0]->tag = (uint64_t)round;
		flexsc_submit_chain(link, 2);
		for (int i = 0; i < BATCH; i++)
			e[i] = flexsc_post(&ring, i % 2 ? SYS_getpid : SYS_getppid, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < BATCH; i++)
			wrong += flexsc_wait_for(e[i]) != (i % 2 ? me : parent);
		wrong += flexsc_wait_for(link[1]) != 1 || in != out;
		wrong += link[0]->tag != (uint64_t)round || flexsc_wait_for(link[0]) != 1;
	}
	/* Leave with a read that blocks and a few calls never waited for. */
	char c;
	flexsc_post(&ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
	long ncpus = kstat(KSTAT_NCPUS);
	uint64_t all = (1ULL << ncpus) - 1, last = 1ULL << (ncpus - 1);
	const struct flexsc_options mix[] = {
		{ .nthreads = 2 },
		{ .nthreads = 1 },
		{ .nthreads = 2, .placement = FLEXSC_PLACE_CORES, .cpus = last },
		{ .nthreads = 2, .placement = FLEXSC_PLACE_CORES, .cpus = all & ~1ULL },
		{ .nthreads = 1, .placement = FLEXSC_PLACE_CORES, .cpus = all & ~1ULL,
		  .flags = FLEXSC_POLL, .idle_us = 200 },
		{ .nthreads = 2, .placement = FLEXSC_PLACE_CORES, .cpus = last,
		  .flags = FLEXSC_POLL, .idle_us = FLEXSC_IDLE_FOREVER },
		{ .npages = 2, .nthreads = 3, .placement = FLEXSC_PLACE_CORES, .cpus = all,
		  .flags = FLEXSC_POLL },
	};
	const int n = (int)(sizeof(mix) / sizeof(mix[0]));
	pid_t pids[sizeof(mix) / sizeof(mix[0])];
	int failures = 0;

	for (int k = 0; k < n; k++) {
		pids[k] = fork();
		if (pids[k] == 0)
			exit(work(&mix[k]));
	}
	for (int k = 0; k < n; k++) {
		int status = -1;
		if (pids[k] < 0 || wait4(pids[k], &status, 0, NULL) != pids[k] || status != 0) {
			printf("flexscmix: process %d (placement %u, flags %u) ended with status 0x%x\n",
			       k, mix[k].placement, mix[k].flags, status);
			failures++;
		}
	}
	printf("flexscmix: %d registered processes with mixed placements on %ld CPUs, %d rounds "
	       "each\n", n, ncpus, ROUNDS);
	return test_verdict(failures);
}
