/*
 * ptprodcons: an unmodified pthread program, built as ptprodcons (musl's
 * pthreads) and ptprodcons.flexsc (FlexSC-Threads). Four producers put
 * numbers into a bounded buffer guarded by a mutex and two condition
 * variables; four consumers take them out and write each to a pipe, which a
 * reader thread drains, blocking in read while it is empty; the reader's sum
 * must be the producers'. Then a timed wait that nobody signals times out
 * (ETIMEDOUT), one that is signalled does not, a
 * semaphore passes tokens between two threads, a barrier lets all through
 * with one serial thread, pthread_once runs its routine once, and an rwlock
 * admits two readers at once but a writer alone.
 * Prints "ptprodcons: ok" and exits 0.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 500	/* per producer */
#define SLOTS 8

static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int buf[SLOTS], head, count, producers_left = PRODUCERS;
static int pipefd[2];

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("ptprodcons: FAIL %s\n", what);
		failures++;
	}
}

static void *produce(void *arg)
{
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&lock);
		while (count == SLOTS)
			pthread_cond_wait(&not_full, &lock);
		buf[(head + count++) % SLOTS] = i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	producers_left--;
	pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *consume(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0 && producers_left > 0)
			pthread_cond_wait(&not_empty, &lock);
		if (count == 0) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		int v = buf[head];
		head = (head + 1) % SLOTS;
		count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
		if (write(pipefd[1], &v, sizeof(v)) != sizeof(v))
			check(0, "write to the pipe");
	}
}

static void *drain(void *arg)
{
	long sum = 0;
	int v;
	ssize_t n;

	while ((n = read(pipefd[0], &v, sizeof(v))) == sizeof(v))
		sum += v;
	check(n == 0, "the pipe ends with end of file");
	return (void *)sum;
}

static void deadline_in(struct timespec *ts, clockid_t clock, long ms)
{
	clock_gettime(clock, ts);
	ts->tv_nsec += ms * 1000000;
	ts->tv_sec += ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
}

static pthread_cond_t poke = PTHREAD_COND_INITIALIZER;
static int poked;

static void *poker(void *arg)
{
	pthread_mutex_lock(&lock);
	poked = 1;
	pthread_cond_signal(&poke);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static sem_t ping, pong;

static void *ponger(void *arg)
{
	for (int i = 0; i < 100; i++) {
		sem_wait(&ping);
		sem_post(&pong);
	}
	return NULL;
}

static pthread_barrier_t barrier;
static int serial;

static void *arrive(void *arg)
{
	if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
		pthread_mutex_lock(&lock);
		serial++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void once_routine(void)
{
	usleep(1000);	/* the others wait for it meanwhile */
	once_runs++;
}

static void *run_once(void *arg)
{
	pthread_once(&once, once_routine);
	return (void *)(long)once_runs;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *try_read(void *arg)
{
	int r = pthread_rwlock_tryrdlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(long)r;
}

static void *try_write(void *arg)
{
	int r = pthread_rwlock_trywrlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(long)r;
}

static long run(void *(*fn)(void *))
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, &r);
	return (long)r;
}

int main(void)
{
	pthread_t p[PRODUCERS], c[CONSUMERS], d;
	void *sum;

	check(pipe(pipefd) == 0, "pipe");
	pthread_create(&d, NULL, drain, NULL);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_create(&p[i], NULL, produce, NULL);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consume, NULL);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(c[i], NULL);
	close(pipefd[1]);
	pthread_join(d, &sum);
	printf("ptprodcons: %d items through the buffer and the pipe, sum %ld\n",
	       PRODUCERS * ITEMS, (long)sum);
	check((long)sum == (long)PRODUCERS * ITEMS * (ITEMS + 1) / 2, "the sum");

	struct timespec ts;
	pthread_mutex_lock(&lock);
	deadline_in(&ts, CLOCK_REALTIME, 50);
	int r = pthread_cond_timedwait(&poke, &lock, &ts);
	check(r == ETIMEDOUT, "an unsignalled timed wait is ETIMEDOUT");
	pthread_t k;
	pthread_create(&k, NULL, poker, NULL);
	deadline_in(&ts, CLOCK_REALTIME, 60 * 1000);
	r = 0;
	while (!poked && r == 0)
		r = pthread_cond_timedwait(&poke, &lock, &ts);
	check(r == 0 && poked, "a signalled timed wait returns 0");
	pthread_mutex_unlock(&lock);
	pthread_join(k, NULL);

	sem_init(&ping, 0, 0);
	sem_init(&pong, 0, 0);
	pthread_t s;
	pthread_create(&s, NULL, ponger, NULL);
	for (int i = 0; i < 100; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	pthread_join(s, NULL);
	int v = -1;
	sem_getvalue(&ping, &v);
	check(v == 0 && sem_trywait(&ping) == -1 && errno == EAGAIN, "an empty semaphore");
	deadline_in(&ts, CLOCK_REALTIME, 20);
	check(sem_timedwait(&ping, &ts) == -1 && errno == ETIMEDOUT, "sem_timedwait times out");

	pthread_t b[5];
	pthread_barrier_init(&barrier, NULL, 5);
	for (int i = 0; i < 5; i++)
		pthread_create(&b[i], NULL, arrive, NULL);
	for (int i = 0; i < 5; i++)
		pthread_join(b[i], NULL);
	check(serial == 1, "one serial thread at the barrier");

	pthread_t o[4];
	void *seen;
	for (int i = 0; i < 4; i++)
		pthread_create(&o[i], NULL, run_once, NULL);
	for (int i = 0; i < 4; i++) {
		pthread_join(o[i], &seen);
		check((long)seen == 1, "each caller of pthread_once sees its routine done");
	}
	check(once_runs == 1, "pthread_once ran its routine once");

	pthread_rwlock_rdlock(&rw);
	check(run(try_read) == 0, "a second reader gets in");
	check(run(try_write) == EBUSY, "a writer waits for a reader");
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw);
	check(run(try_read) == EBUSY, "a reader waits for a writer");
	pthread_rwlock_unlock(&rw);
	check(run(try_write) == 0, "a writer gets a free lock");

	if (failures)
		return 1;
	printf("ptprodcons: ok\n");
	return 0;
}
