/*
 * scale P N: P processes at once, each making N null calls (getppid), first
 * on the syscall trap path, then on its own syscall page in batches of 64
 * (its own pool of one syscall thread). Each process takes the TSC when it
 * starts and ends a phase; a phase's time is from the first start to the last
 * end, and its row, for tools/benchscale.py:
 *
 *   scale-row: PATH,P,CALLS,CYCLES,CALLS_PER_SEC
 *
 * CALLS is P * N. The processes are not pinned: the scheduler spreads them.
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
#include <inc/flexsc.h>
#include <inc/lib.h>

#define MAXP 16
#define BATCH 64
#define NPHASES 2
static const char *const phase_names[NPHASES] = { "syscall", "page" };

struct shared {
	volatile int ready[NPHASES];	/* processes at the start line of each phase */
	volatile int go[NPHASES];
	volatile uint64_t start[MAXP][NPHASES], end[MAXP][NPHASES];
	volatile int failed;
};

static inline uint64_t cycles(void)
{
	uint32_t lo, hi;
	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* n getppid calls through ring, BATCH posted per flexsc_wait. */
static void page_calls(struct flexsc_ring *ring, long n, struct shared *s)
{
	static struct flexsc_entry *e[BATCH];
	pid_t parent = getppid();

	for (long done = 0; done < n; done += BATCH) {
		int k = (int)MIN((long)BATCH, n - done);
		for (int i = 0; i < k; i++)
			e[i] = flexsc_post(ring, SYS_getppid, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < k; i++)
			if (flexsc_wait_for(e[i]) != parent)
				s->failed = 1;
	}
}

/* Wait at phase p's start line until the parent says go. */
static void start_line(struct shared *s, int p)
{
	__atomic_add_fetch(&s->ready[p], 1, __ATOMIC_SEQ_CST);
	while (!s->go[p])
		;
}

static void worker(struct shared *s, int me, long n)
{
	struct flexsc_ring ring;
	pid_t parent = getppid();

	if (flexsc_setup(&ring, 1, 1) < 0)
		s->failed = 1;
	page_calls(&ring, BATCH, s);	/* warm up the pool */
	start_line(s, 0);
	s->start[me][0] = cycles();
	for (long i = 0; i < n; i++)
		if (syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0) != parent)
			s->failed = 1;
	s->end[me][0] = cycles();
	start_line(s, 1);
	s->start[me][1] = cycles();
	page_calls(&ring, n, s);
	s->end[me][1] = cycles();
	exit(0);
}

/* Let phase p begin once all nprocs are at its start line. */
static void release(struct shared *s, int p, int nprocs)
{
	while (s->ready[p] < nprocs)
		nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	s->go[p] = 1;
}

int main(int argc, char **argv)
{
	int nprocs = argc == 3 ? atoi(argv[1]) : 0;
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	if (nprocs < 1 || nprocs > MAXP || n < 1) {
		printf("usage: scale P(1-%d) N\n", MAXP);
		return 2;
	}
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ptr_failed(s))
		return 1;
	for (int i = 0; i < nprocs; i++)
		if (fork() == 0)
			worker(s, i, n);
	for (int p = 0; p < NPHASES; p++)
		release(s, p, nprocs);
	for (int i = 0; i < nprocs; i++)
		wait4(-1, NULL, 0, NULL);
	if (s->failed) {
		printf("scale: FAIL a call returned something other than the parent's pid\n");
		return 1;
	}
	long hz = kstat(KSTAT_TSC_HZ);
	for (int p = 0; p < NPHASES; p++) {
		uint64_t first = s->start[0][p], last = s->end[0][p];
		for (int i = 1; i < nprocs; i++) {
			first = MIN(first, s->start[i][p]);
			last = MAX(last, s->end[i][p]);
		}
		uint64_t total = (uint64_t)nprocs * (uint64_t)n, span = last - first;
		printf("scale-row: %s,%d,%lu,%lu,%lu\n", phase_names[p], nprocs, total, span,
		       span ? total * (uint64_t)hz / span : 0);
	}
	return 0;
}
