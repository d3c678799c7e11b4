/*
 * ptcounter: an unmodified pthread program, built with musl's pthreads
 * (ptcounter) and with FlexSC-Threads (ptcounter.flexsc). 64 threads add to a
 * counter under a mutex, yielding inside the critical section now and then so
 * that the mutex is contended; the sum must be exact. Then the mutex types:
 * a recursive one is taken twice and given back twice, an errorcheck one
 * refuses a second lock (EDEADLK) and an unlock by a thread that does not
 * hold it (EPERM), trylock sees a held mutex busy, and keys give each thread
 * its own value and run their destructor as it ends.
 * Prints "ptcounter: ok" and exits 0.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 64
#define ADDS 1000

static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pthread_key_t key;
static int destroyed;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("ptcounter: FAIL %s\n", what);
		failures++;
	}
}

static void destroy(void *v)
{
	pthread_mutex_lock(&lock);
	destroyed += *(int *)v == 7;
	pthread_mutex_unlock(&lock);
}

static void *add(void *arg)
{
	static int seven = 7;

	pthread_setspecific(key, &seven);
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 100 == (long)arg % 100)
			sched_yield();	/* still holding the mutex: others must wait */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return pthread_getspecific(key) == &seven ? arg : NULL;
}

static pthread_mutex_t errcheck;

static void *unlock_other(void *arg)
{
	return (void *)(long)pthread_mutex_unlock(&errcheck);
}

static void *try_other(void *arg)
{
	return (void *)(long)pthread_mutex_trylock(&lock);
}

int main(void)
{
	pthread_t t[NTHREADS];

	check(pthread_key_create(&key, destroy) == 0, "key_create");
	for (long i = 0; i < NTHREADS; i++)
		check(pthread_create(&t[i], NULL, add, (void *)i) == 0, "create");
	for (long i = 0; i < NTHREADS; i++) {
		void *r;
		check(pthread_join(t[i], &r) == 0 && r == (void *)i, "join, and the key's value");
	}
	check(pthread_getspecific(key) == NULL, "main's own key value is NULL");
	printf("ptcounter: %d threads, counter %ld, %d destructors\n", NTHREADS, counter, destroyed);
	check(counter == (long)NTHREADS * ADDS, "exact sum");
	check(destroyed == NTHREADS, "a destructor for each thread");

	pthread_mutexattr_t a;
	pthread_mutex_t rec;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);
	check(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0, "recursive twice");
	check(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0, "recursive unlocks");
	check(pthread_mutex_unlock(&rec) == EPERM, "recursive unlocked once too often");

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&errcheck, &a);
	check(pthread_mutex_lock(&errcheck) == 0, "errorcheck lock");
	check(pthread_mutex_lock(&errcheck) == EDEADLK, "errorcheck relock is EDEADLK");
	pthread_t o;
	void *r;
	pthread_create(&o, NULL, unlock_other, NULL);
	pthread_join(o, &r);
	check((long)r == EPERM, "errorcheck unlock by another thread is EPERM");
	check(pthread_mutex_unlock(&errcheck) == 0, "errorcheck unlock");

	pthread_mutex_lock(&lock);
	pthread_create(&o, NULL, try_other, NULL);
	pthread_join(o, &r);
	check((long)r == EBUSY, "trylock of a held mutex is EBUSY");
	pthread_mutex_unlock(&lock);

	if (failures)
		return 1;
	printf("ptcounter: ok\n");
	return 0;
}
