/*
 * ptsleepers: an unmodified pthread program, built as ptsleepers (musl's
 * pthreads) and ptsleepers.flexsc (FlexSC-Threads). 1,000 threads each sleep
 * (nanosleep, 1 to 10 ms) and then write their number to a pipe that main
 * reads; every number must arrive exactly once. With FlexSC-Threads the
 * sleeps are entries on the syscall page, up to its 256 at once; the other
 * threads wait for a free entry.
 * Prints "ptsleepers: ok" and exits 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 1000

static int pipefd[2];

static void *sleeper(void *arg)
{
	int id = (int)(long)arg;
	struct timespec ts = { 0, (1 + id % 10) * 1000000L };

	if (nanosleep(&ts, NULL) != 0 || write(pipefd[1], &id, sizeof(id)) != sizeof(id))
		printf("ptsleepers: FAIL thread %d: nanosleep or write\n", id);
	return NULL;
}

int main(void)
{
	static pthread_t t[NTHREADS];
	static char seen[NTHREADS];
	pthread_attr_t a;
	int dups = 0, got = 0;

	if (pipe(pipefd) != 0)
		return 1;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], &a, sleeper, (void *)i) != 0) {
			printf("ptsleepers: FAIL pthread_create %ld\n", i);
			return 1;
		}
	for (int n = 0; n < NTHREADS; n++) {
		int id;
		if (read(pipefd[0], &id, sizeof(id)) != sizeof(id) || id < 0 || id >= NTHREADS)
			break;
		dups += seen[id]++;
		got++;
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("ptsleepers: %d threads slept and wrote, %d numbers read, %d twice\n", NTHREADS,
	       got, dups);
	if (got != NTHREADS || dups)
		return 1;
	printf("ptsleepers: ok\n");
	return 0;
}
