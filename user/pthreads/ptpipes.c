/*
 * ptpipes: an unmodified pthread program, built as ptpipes (musl's pthreads)
 * and ptpipes.flexsc (FlexSC-Threads). Four reader threads block in read on
 * pipes that a child process feeds; the child starts feeding only after
 * main tells it that eight worker threads have finished 200 writes each to
 * /dev/null, so the workers must run to the end while every reader is
 * blocked. The readers check the bytes they get (ROUNDS, in order).
 *
 * Then the calls per trap: each thread notes, at its end, the count of
 * system calls its kernel thread has made by trapping (elk's kstat 19,
 * KSTAT_THREAD_SYSCALL_TRAPS); the sum over distinct kernel threads (by
 * gettid) is what the whole program trapped, for musl's pthreads (one kernel
 * thread each) and FlexSC-Threads (one for all) alike, and the calls are the
 * reads and writes the threads made. On Linux, which has no such counter, the
 * line says so.
 * Prints "ptpipes: ok" and exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define READERS 4
#define WORKERS 8
#define WRITES 200
#define ROUNDS 20
#define ELK_SYS_KSTAT 500
#define KSTAT_THREAD_SYSCALL_TRAPS 19

static int feed[READERS][2], go[2], devnull;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long calls;

/* Kernel threads seen (by tid) and each one's largest trap count. */
static struct { long tid, traps; } seen[READERS + WORKERS + 1];
static int nseen;

static void note_traps(long ncalls)
{
	long tid = syscall(SYS_gettid), traps = syscall(ELK_SYS_KSTAT, KSTAT_THREAD_SYSCALL_TRAPS);
	int i;

	pthread_mutex_lock(&lock);
	calls += ncalls;
	for (i = 0; i < nseen && seen[i].tid != tid; i++)
		;
	if (i == nseen)
		seen[nseen++].tid = tid;
	if (traps > seen[i].traps)
		seen[i].traps = traps;
	pthread_mutex_unlock(&lock);
}

static void *reader(void *arg)
{
	int r = (int)(long)arg;
	long n = 0;
	unsigned char c;

	for (int i = 0; i < ROUNDS; i++, n++)
		if (read(feed[r][0], &c, 1) != 1 || c != i) {
			printf("ptpipes: FAIL reader %d, byte %d\n", r, i);
			failures++;
			break;
		}
	note_traps(n);
	return NULL;
}

static void *worker(void *arg)
{
	for (int i = 0; i < WRITES; i++)
		if (write(devnull, "x", 1) != 1) {
			printf("ptpipes: FAIL write to /dev/null\n");
			failures++;
		}
	note_traps(WRITES);
	return NULL;
}

/* The child: wait for main's word, then feed every pipe one byte a round. */
static void feeder(void)
{
	char c;

	if (read(go[0], &c, 1) != 1)
		_exit(1);
	for (int i = 0; i < ROUNDS; i++) {
		for (int r = 0; r < READERS; r++) {
			unsigned char b = (unsigned char)i;
			if (write(feed[r][1], &b, 1) != 1)
				_exit(1);
		}
		usleep(1000);
	}
	_exit(0);
}

int main(void)
{
	pthread_t rt[READERS], wt[WORKERS];
	int status;

	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0 || pipe(go) != 0)
		return 1;
	for (int r = 0; r < READERS; r++)
		if (pipe(feed[r]) != 0)
			return 1;
	pid_t child = fork();	/* before any thread, as the program's only fork */
	if (child == 0)
		feeder();
	for (long r = 0; r < READERS; r++)
		pthread_create(&rt[r], NULL, reader, (void *)r);
	for (long w = 0; w < WORKERS; w++)
		pthread_create(&wt[w], NULL, worker, NULL);
	for (int w = 0; w < WORKERS; w++)
		pthread_join(wt[w], NULL);
	printf("ptpipes: %d workers finished %d writes each while %d readers waited\n", WORKERS,
	       WRITES, READERS);
	if (write(go[1], "g", 1) != 1)
		failures++;
	for (int r = 0; r < READERS; r++)
		pthread_join(rt[r], NULL);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("ptpipes: FAIL the feeder\n");
		failures++;
	}
	note_traps(0);
	long traps = 0;
	for (int i = 0; i < nseen; i++)
		traps += seen[i].traps;
	if (traps <= 0)
		printf("ptpipes: %ld calls; no trap counter here\n", calls);
	else
		printf("ptpipes: %ld calls, %ld traps on %d kernel threads, %ld.%ld calls per trap\n",
		       calls, traps, nseen, calls / traps, calls * 10 / traps % 10);
	if (failures)
		return 1;
	printf("ptpipes: ok\n");
	return 0;
}
