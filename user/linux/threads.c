/*
 * threads: musl's pthreads on elk's clone, futex, set_tid_address and
 * exit/exit_group, as an unmodified static Linux program. Eight threads add
 * to a mutex-protected counter (the sum must be exact), a condition variable
 * hands a token back and forth, __thread variables differ per thread, two
 * threads play futex ping-pong with raw syscalls (including WAIT's EAGAIN and
 * ETIMEDOUT), clone's flag rules, vfork, many create/join rounds (run under
 * leakcheck), exit_group from a second thread, and execve from a process with
 * threads (the others end; the new program runs; wait4 sees its status), and
 * signals among threads: kill goes to a thread that does not block the signal
 * (or waits for one to unblock it), tgkill to one thread whose pending set
 * alone shows it, a fault's signal to the faulting thread, a second thread's
 * fatal signal ends the process; a thread's id names its process to kill,
 * getpgid, getsid, prlimit64 and sched_getaffinity, and setpgid refuses it;
 * FUTEX_WAKE of 0 wakes one, as Linux counts.
 * Prints "threads: ok" and exits 0, on elk as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "self_path.h"

/* <linux/futex.h>, which musl-gcc does not see. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_REQUEUE_PRIVATE 131

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

/*
 * The wait status of a child whose one thread blocks for good while another
 * runs second, which must end the whole process; -1 if waitpid fails.
 */
static int status_of_group_ended_by(void *(*second)(void *))
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t a, b;
		pthread_create(&a, NULL, block_forever, NULL);
		pthread_create(&b, NULL, second, NULL);
		pthread_join(b, NULL);
		_exit(1);	/* not reached: second ended us */
	}
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

static void test_group_ends(char *self)
{
	int st = status_of_group_ended_by(exit_group_now);
	check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 6, "exit_group from a second thread");

	pid_t pid = fork();
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

/* --- signals and threads --- */
static volatile pid_t handler_tid;	/* the thread the last handler ran in */
static volatile int handled;
static sigjmp_buf fault_jmp;

static void note_handler(int sig)
{
	(void)sig;
	handler_tid = (pid_t)syscall(SYS_gettid);
	handled++;
}

static void fault_handler(int sig)
{
	note_handler(sig);
	siglongjmp(fault_jmp, 1);
}

static void on_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

/* Block (how SIG_BLOCK) or unblock (SIG_UNBLOCK) sig in the calling thread. */
static void mask_one(int how, int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(how, &set, NULL);
}

static int pending_here(int sig)
{
	sigset_t set;
	sigpending(&set);
	return sigismember(&set, sig);
}

/* What the helper thread does next, and its answers; main steps it through. */
static volatile int step, step_done;
static volatile pid_t helper_tid;
static volatile int helper_saw_pending, helper_fault_tid_ok;
static volatile uintptr_t fault_target = 8;	/* page 0: nothing is mapped there */

/* Wait, yielding (a system call, on whose way out a signal is delivered), until *flag == v. */
static void wait_for(volatile int *flag, int v)
{
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != v)
		sched_yield();
}

static void *signal_helper(void *arg)
{
	(void)arg;
	helper_tid = (pid_t)syscall(SYS_gettid);
	/* 1: take SIGUSR1 from kill, which main blocks. */
	mask_one(SIG_UNBLOCK, SIGUSR1);
	__atomic_store_n(&step_done, 1, __ATOMIC_RELEASE);
	wait_for(&handled, 1);
	/* 2: SIGUSR2 sent to this thread pends here only while this thread blocks it. */
	wait_for(&step, 2);
	helper_saw_pending = pending_here(SIGUSR2);
	__atomic_store_n(&step_done, 2, __ATOMIC_RELEASE);
	wait_for(&step, 3);
	mask_one(SIG_UNBLOCK, SIGUSR2);	/* delivered here, before this returns */
	__atomic_store_n(&step_done, 3, __ATOMIC_RELEASE);
	/* 4: a fault's signal goes to the faulting thread. */
	wait_for(&step, 4);
	if (sigsetjmp(fault_jmp, 1) == 0)
		*(volatile int *)fault_target = 1;
	helper_fault_tid_ok = handler_tid == helper_tid;
	__atomic_store_n(&step_done, 4, __ATOMIC_RELEASE);
	/* 5: a signal every thread blocked, taken once this one unblocks it. */
	wait_for(&step, 5);
	mask_one(SIG_BLOCK, SIGUSR1);
	__atomic_store_n(&step_done, 5, __ATOMIC_RELEASE);
	wait_for(&step, 6);
	helper_saw_pending = pending_here(SIGUSR1);
	mask_one(SIG_UNBLOCK, SIGUSR1);
	__atomic_store_n(&step_done, 6, __ATOMIC_RELEASE);
	return NULL;
}

static void *raise_term(void *arg)
{
	(void)arg;
	raise(SIGTERM);	/* tgkill to this thread; the default action ends the process */
	return NULL;
}

static void test_signals(void)
{
	pthread_t th;
	pid_t me = (pid_t)syscall(SYS_gettid);

	on_signal(SIGUSR1, note_handler);
	on_signal(SIGUSR2, note_handler);
	on_signal(SIGSEGV, fault_handler);
	mask_one(SIG_BLOCK, SIGUSR1);
	mask_one(SIG_BLOCK, SIGUSR2);	/* the helper inherits both */
	pthread_create(&th, NULL, signal_helper, NULL);

	wait_for(&step_done, 1);
	kill(getpid(), SIGUSR1);
	wait_for(&handled, 1);
	check(handler_tid == helper_tid, "kill goes to the thread that does not block it");

	check(syscall(SYS_tgkill, getpid(), helper_tid, SIGUSR2) == 0, "tgkill");
	__atomic_store_n(&step, 2, __ATOMIC_RELEASE);
	wait_for(&step_done, 2);
	check(helper_saw_pending, "tgkill's signal pends in its thread");
	check(!pending_here(SIGUSR2), "and not in another");
	__atomic_store_n(&step, 3, __ATOMIC_RELEASE);
	wait_for(&step_done, 3);
	check(handled == 2 && handler_tid == helper_tid, "delivered where it was sent once unblocked");

	mask_one(SIG_UNBLOCK, SIGUSR1);
	check(syscall(SYS_tgkill, getpid(), me, SIGUSR1) == 0 && handled == 3 && handler_tid == me,
	      "tgkill to the calling thread runs the handler before it returns");
	errno = 0;
	check(syscall(SYS_tgkill, getppid(), helper_tid, SIGUSR1) == -1 && errno == ESRCH,
	      "tgkill with another group's id is ESRCH");

	__atomic_store_n(&step, 4, __ATOMIC_RELEASE);
	wait_for(&step_done, 4);
	check(handled == 4 && helper_fault_tid_ok, "a fault's signal goes to the faulting thread");

	__atomic_store_n(&step, 5, __ATOMIC_RELEASE);
	wait_for(&step_done, 5);
	mask_one(SIG_BLOCK, SIGUSR1);	/* now every thread blocks it */
	kill(getpid(), SIGUSR1);
	check(pending_here(SIGUSR1), "a process signal every thread blocks pends");
	__atomic_store_n(&step, 6, __ATOMIC_RELEASE);
	wait_for(&step_done, 6);
	check(helper_saw_pending, "in every thread's view");
	check(handled == 5 && handler_tid == helper_tid && !pending_here(SIGUSR1),
	      "taken by the thread that unblocks it");
	pthread_join(th, NULL);
	mask_one(SIG_UNBLOCK, SIGUSR1);
	mask_one(SIG_UNBLOCK, SIGUSR2);
	on_signal(SIGUSR1, SIG_DFL);
	on_signal(SIGUSR2, SIG_DFL);
	on_signal(SIGSEGV, SIG_DFL);

	int st = status_of_group_ended_by(raise_term);
	check(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	      "a second thread's fatal signal ends the process");
}

/* --- thread ids where Linux takes a pid; FUTEX_WAKE of 0 --- */
static volatile int id_word;	/* the futex the id threads wait on */
static volatile pid_t id_tid;

static void *id_thread(void *arg)
{
	(void)arg;
	id_tid = (pid_t)syscall(SYS_gettid);
	while (id_word == 0)
		futex(&id_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

/* How many threads wait on id_word: FUTEX_REQUEUE onto itself, waking none and moving up to 8. */
static long id_waiters(void)
{
	return syscall(SYS_futex, &id_word, FUTEX_REQUEUE_PRIVATE, 0, 8, &id_word, 0);
}

static void test_thread_ids(void)
{
	pthread_t th[2];
	struct rlimit mine, its;
	cpu_set_t cpus;

	id_word = 0;
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, id_thread, NULL);
	while (id_waiters() != 2)
		sched_yield();
	pid_t tid = id_tid;
	check(tid != getpid(), "a second thread's id is not the pid");
	check(kill(tid, 0) == 0, "kill(tid, 0) finds the thread's process");
	on_signal(SIGUSR1, note_handler);
	int before = handled;
	check(kill(tid, SIGUSR1) == 0, "kill(tid, SIGUSR1)");
	while (handled == before)
		sched_yield();
	on_signal(SIGUSR1, SIG_DFL);
	check(getpgid(tid) == getpgid(0) && getsid(tid) == getsid(0),
	      "getpgid and getsid of a thread's id are its process's");
	errno = 0;
	check(setpgid(tid, 0) == -1 && errno == EINVAL, "setpgid of a thread's id is EINVAL");
	check(getrlimit(RLIMIT_NOFILE, &mine) == 0 &&
	      syscall(SYS_prlimit64, tid, RLIMIT_NOFILE, NULL, &its) == 0 &&
	      its.rlim_cur == mine.rlim_cur, "prlimit64 of a thread's id");
	check(sched_getaffinity(tid, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0,
	      "sched_getaffinity of a thread's id");

	id_word = 1;
	check(futex(&id_word, FUTEX_WAKE_PRIVATE, 0, NULL) == 1, "FUTEX_WAKE of 0 wakes one");
	check(futex(&id_word, FUTEX_WAKE_PRIVATE, -1, NULL) == 1, "and of -1 too");
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
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
	test_group_ends(self_path(argv[0]));
	test_signals();
	test_thread_ids();
	if (failures)
		return 1;
	printf("threads: ok\n");
	return 0;
}
