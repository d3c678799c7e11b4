/*
 * pshared: futexes between processes, as Linux keys them. A futex without
 * FUTEX_PRIVATE_FLAG on a MAP_SHARED page (anonymous, or a file mapped at
 * another address in each process) is the same futex in parent and child;
 * with the flag, or on a private page, it is the process's own, and a
 * fork's copy-on-write copy of the page does not join it. musl's
 * process-shared mutex and condition variable then work across fork.
 *
 * Whether a waiter is queued is learnt without a timeout: FUTEX_REQUEUE
 * waking none and moving one says how many it found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux's futex operations (musl has no <linux/futex.h>). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_PRIVATE_FLAG 128

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("pshared: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

static long futex(volatile uint32_t *uaddr, int op, uint32_t val, long val2,
		  volatile uint32_t *uaddr2)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, 0);
}

/* Move one waiter from a to b, waking none, until one was there: 1, or 0 after many tries. */
static int move_one(volatile uint32_t *a, volatile uint32_t *b, int flags)
{
	for (int i = 0; i < 1000000; i++) {
		long r = futex(a, FUTEX_REQUEUE | flags, 0, 1, b);
		if (r != 0)
			return r;
		sched_yield();
	}
	return 0;
}

/* A child that waits (op's flags) on w for a wake, exiting 0 if woken, 1 if not. */
static pid_t waiting_child(volatile uint32_t *w, int flags)
{
	pid_t c = fork();
	if (c == 0)
		_exit(futex(w, FUTEX_WAIT | flags, 0, 0, NULL) == 0 ? 0 : 1);
	return c;
}

static int exit_status(pid_t c)
{
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * A child waits on word[0] of a shared page; the parent moves it to word[1]
 * (a shared requeue across processes), finds that a private wake there wakes
 * nothing, and wakes it with a shared one.
 */
static void shared_page(volatile uint32_t *word, const char *what)
{
	char msg[128];
	word[0] = word[1] = 0;
	pid_t c = waiting_child(&word[0], 0);
	snprintf(msg, sizeof(msg), "%s: the parent finds the child's waiter", what);
	check(move_one(&word[0], &word[1], 0) == 1, msg);
	snprintf(msg, sizeof(msg), "%s: a private wake does not reach it", what);
	check(futex(&word[1], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, NULL) == 0, msg);
	snprintf(msg, sizeof(msg), "%s: a shared wake wakes it", what);
	check(futex(&word[1], FUTEX_WAKE, 1, 0, NULL) == 1, msg);
	snprintf(msg, sizeof(msg), "%s: the child was woken", what);
	check(exit_status(c) == 0, msg);
}

/* The same page mapped at another address in the child: the futex is the file's. */
static void file_mapping(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/pshared.%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0 && ftruncate(fd, 8192) == 0, "a file to map");
	volatile uint32_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(p != MAP_FAILED, "mmap MAP_SHARED of the file");
	p += 1024;	/* in the second page */
	p[0] = 0;
	pid_t c = fork();
	if (c == 0) {
		volatile uint32_t *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
		if (q == MAP_FAILED || q == p)
			_exit(2);
		_exit(futex(q, FUTEX_WAIT, 0, 0, NULL) == 0 ? 0 : 1);
	}
	check(move_one(&p[0], &p[0], 0) == 1, "file: the child waits at its own address");
	check(futex(&p[0], FUTEX_WAKE, 1, 0, NULL) == 1, "file: a wake at ours wakes it");
	check(exit_status(c) == 0, "file: the child was woken");
	munmap((void *)(p - 1024), 8192);
	close(fd);
	unlink(path);
}

/*
 * A private page after fork: a thread waits on a global word; the forked
 * child, with its copy-on-write copy of the page, wakes nobody there; the
 * parent, writing the word (its own copy now), wakes the thread.
 */
static volatile uint32_t private_word;

static void *private_waiter(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)futex(&private_word, FUTEX_WAIT, 0, 0, NULL);
}

static void private_page(void)
{
	pthread_t t;
	void *ret = (void *)1;

	check(pthread_create(&t, NULL, private_waiter, NULL) == 0, "pthread_create");
	check(move_one(&private_word, &private_word, 0) == 1, "private: the thread waits");
	pid_t c = fork();
	if (c == 0) {
		private_word = 5;
		_exit(futex(&private_word, FUTEX_WAKE, 1, 0, NULL) == 0 ? 0 : 1);
	}
	check(exit_status(c) == 0, "private: the child's copy wakes nothing in the parent");
	private_word = 1;
	check(futex(&private_word, FUTEX_WAKE, 1, 0, NULL) == 1, "private: the parent wakes its thread");
	check(pthread_join(t, &ret) == 0 && ret == NULL, "private: the thread was woken");
}

/* What two processes share for the pthread checks. */
struct sync {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	int turn;		/* 0: the parent's, 1: the child's */
	long counter;
};

#define ROUNDS 2000

/* Take turns with the other process ROUNDS times, incrementing the counter on each of ours. */
static void take_turns(struct sync *s, int me)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&s->mutex);
		while (s->turn != me)
			pthread_cond_wait(&s->cond, &s->mutex);
		s->counter++;
		s->turn = !me;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->mutex);
	}
}

static void pthread_pshared(void)
{
	struct sync *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;

	check(s != MAP_FAILED, "mmap for the pthread objects");
	check(pthread_mutexattr_init(&ma) == 0 &&
	      pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0 &&
	      pthread_mutex_init(&s->mutex, &ma) == 0, "a process-shared mutex");
	check(pthread_condattr_init(&ca) == 0 &&
	      pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0 &&
	      pthread_cond_init(&s->cond, &ca) == 0, "a process-shared condition variable");
	s->turn = 0;
	s->counter = 0;
	pid_t c = fork();
	if (c == 0) {
		take_turns(s, 1);
		_exit(0);
	}
	take_turns(s, 0);
	check(exit_status(c) == 0, "the child took its turns");
	check(s->counter == 2 * ROUNDS, "both processes' increments counted");
	munmap(s, sizeof(*s));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	volatile uint32_t *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(anon != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS");
	shared_page(anon, "anonymous");
	int zfd = open("/dev/zero", O_RDWR);
	volatile uint32_t *zero = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, zfd, 0);
	check(zfd >= 0 && zero != MAP_FAILED, "mmap MAP_SHARED of /dev/zero");
	shared_page(zero, "/dev/zero");
	close(zfd);
	file_mapping();
	private_page();
	pthread_pshared();
	if (failures)
		return 1;
	printf("pshared: ok\n");
	return 0;
}
