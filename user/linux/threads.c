/*
 * threads: musl's pthreads on elk's clone, futex, set_tid_address and
 * exit/exit_group, as an unmodified static Linux program. Eight threads add
 * to a mutex-protected counter (the sum must be exact), a condition variable
 * hands a token back and forth, __thread variables differ per thread, two
 * threads play futex ping-pong with raw syscalls (including WAIT's EAGAIN and
 * ETIMEDOUT), clone's flag rules, vfork, many create/join rounds (run under
 * leakcheck), exit_group from a second thread, and execve from a process with
 * threads (the others end; the new program runs; wait4 sees its status).
 * Prints "threads: ok" and exits 0, on elk as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h>, which musl-gcc does not see. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

#define NTHREADS 8
#define ADDS 2000
#define ROUNDS 100
#define PINGS 200

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("threads: FAIL %s\n", what);
		failures++;
	}
}

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* --- the counter --- */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long my_value = 42;
static pid_t tids[NTHREADS];

static void *add(void *arg)
{
	long id = (long)arg;

	if (my_value != 42)	/* each thread's copy starts from the initializer */
		return (void *)1;
	my_value = id * 1000;
	tids[id] = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
		if (i % 256 == 0)
			sched_yield();
	}
	return (void *)(long)(my_value == id * 1000 ? 0 : 1);	/* nobody else wrote ours */
}

static void test_counter(void)
{
	pthread_t th[NTHREADS];

	my_value = -1;
	for (long i = 0; i < NTHREADS; i++)
		check(pthread_create(&th[i], NULL, add, (void *)i) == 0, "pthread_create");
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		check(pthread_join(th[i], &r) == 0 && r == NULL, "join / TLS per thread");
	}
	check(counter == (long)NTHREADS * ADDS, "mutex counter exact");
	check(my_value == -1, "main thread's TLS untouched");
	for (int i = 0; i < NTHREADS; i++) {
		check(tids[i] > 0 && tids[i] != getpid(), "thread id is not the pid");
		for (int j = 0; j < i; j++)
			check(tids[i] != tids[j], "thread ids differ");
	}
	check(syscall(SYS_gettid) == getpid(), "main thread's id is the pid");
}

/* --- condition variable handshake --- */
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, passes;

static void *cv_partner(void *arg)
{
	int me = (int)(long)arg;

	for (int i = 0; i < 50; i++) {
		pthread_mutex_lock(&cv_lock);
		while (turn != me)
			pthread_cond_wait(&cv, &cv_lock);
		passes++;
		turn = 1 - me;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&cv_lock);
	}
	return NULL;
}

static void test_condvar(void)
{
	pthread_t a, b;

	pthread_create(&a, NULL, cv_partner, (void *)0L);
	pthread_create(&b, NULL, cv_partner, (void *)1L);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	check(passes == 100 && turn == 0, "condvar handshake");
}

/* --- futex ping-pong with raw calls --- */
static volatile int ball;	/* 0: main's turn, 1: the partner's */

static void *ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGS; i++) {
		while (__atomic_load_n(&ball, __ATOMIC_ACQUIRE) != 1)
			futex(&ball, FUTEX_WAIT_PRIVATE, 0, NULL);
		__atomic_store_n(&ball, 0, __ATOMIC_RELEASE);
		futex(&ball, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
	return NULL;
}

static void test_pingpong(void)
{
	pthread_t th;
	struct timespec short_wait = { 0, 20 * 1000 * 1000 };
	volatile int word = 5;

	errno = 0;
	check(futex(&word, FUTEX_WAIT, 4, NULL) == -1 && errno == EAGAIN, "WAIT on a changed value");
	errno = 0;
	check(futex(&word, FUTEX_WAIT_PRIVATE, 5, &short_wait) == -1 && errno == ETIMEDOUT,
	      "WAIT times out");
	check(futex(&word, FUTEX_WAKE, 1, NULL) == 0, "WAKE with no waiter wakes none");
	errno = 0;
	check(futex((int *)8, FUTEX_WAIT, 0, NULL) == -1 && errno == EFAULT, "WAIT on a bad pointer");
	errno = 0;
	check(syscall(SYS_futex, &word, 99, 0, NULL, NULL, 0) == -1 && errno == ENOSYS,
	      "unknown op is ENOSYS");

	pthread_create(&th, NULL, ponger, NULL);
	for (int i = 0; i < PINGS; i++) {
		__atomic_store_n(&ball, 1, __ATOMIC_RELEASE);
		futex(&ball, FUTEX_WAKE_PRIVATE, 1, NULL);
		while (__atomic_load_n(&ball, __ATOMIC_ACQUIRE) != 0)
			futex(&ball, FUTEX_WAIT_PRIVATE, 1, NULL);
	}
	pthread_join(th, NULL);
	check(ball == 0, "ping-pong");
}

/* --- clone's flags, vfork --- */
static void test_clone_flags(void)
{
	errno = 0;
	check(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "CLONE_THREAD without CLONE_SIGHAND");
	errno = 0;
	check(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "CLONE_SIGHAND without CLONE_VM");
	errno = 0;
	check(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0) == -1 &&
	      errno == EINVAL, "CLONE_NEWNS with CLONE_FS");

	pid_t ctid = 0;
	long pid = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, NULL, &ctid, 0);
	if (pid == 0)
		_exit(ctid == getpid() ? 3 : 4);
	int st;
	check(pid > 0 && waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 3, "fork-like clone with CHILD_SETTID");

	pid = vfork();
	if (pid == 0)
		_exit(5);
	check(pid > 0 && waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 5, "vfork");
}

/* --- many rounds, for leakcheck --- */
static void *nothing(void *arg)
{
	return arg;
}

static void test_rounds(void)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_t th[4];
		void *r;
		for (long j = 0; j < 4; j++)
			pthread_create(&th[j], NULL, nothing, (void *)j);
		for (long j = 0; j < 4; j++)
			if (pthread_join(th[j], &r) != 0 || r != (void *)j) {
				check(0, "create/join rounds");
				return;
			}
	}
}

/* --- exit_group and execve with other threads --- */
static void *block_forever(void *arg)
{
	int fds[2];
	char c;
	(void)arg;
	if (pipe(fds) == 0)
		read(fds[0], &c, 1);	/* nobody writes: only the end of the group ends this */
	return NULL;
}

static void *exit_group_now(void *arg)
{
	(void)arg;
	syscall(SYS_exit_group, 6);
	return NULL;
}

static void test_group_ends(char *self)
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t a, b;
		pthread_create(&a, NULL, block_forever, NULL);
		pthread_create(&b, NULL, exit_group_now, NULL);
		pthread_join(b, NULL);
		_exit(1);	/* not reached: exit_group ended us */
	}
	check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 6,
	      "exit_group from a second thread");

	pid = fork();
	if (pid == 0) {
		pthread_t a;
		char *argv[] = { self, "execd", NULL };
		pthread_create(&a, NULL, block_forever, NULL);
		pthread_create(&a, NULL, block_forever, NULL);
		execve(self, argv, NULL);
		_exit(1);
	}
	check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "execve from a threaded process");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "execd") == 0) {
		/* The exec'd image: one thread, which has the pid as its id. */
		return syscall(SYS_gettid) == getpid() ? 7 : 8;
	}
	test_counter();
	test_condvar();
	test_pingpong();
	test_clone_flags();
	test_rounds();
	test_group_ends(argv[0]);
	if (failures)
		return 1;
	printf("threads: ok\n");
	return 0;
}
