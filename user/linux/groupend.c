/*
 * groupend: ending a thread group while its threads are forever going into and
 * out of blocking waits, the moment at which an interruption can be lost if a
 * wait looks at it and then sleeps without looking again under the lock the
 * interrupter takes. Each round forks a child whose threads play ping-pong in
 * pairs, one pair on a futex and one on two pipes, while the child's first
 * thread (after a number of yields that differs from round to round) calls
 * exit_group, or every third round execve. The parent checks each child's
 * status; a lost interruption leaves a child hanging, and the case times out.
 * Prints "groupend: ok" and exits 0, on elk as on Linux.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 150
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static volatile int ball;	/* whose turn in the futex pair: 0 or 1 */
static int ping[2], pong[2];	/* the pipe pair's two directions */

static void futex_player(int me)
{
	for (;;) {
		while (__atomic_load_n(&ball, __ATOMIC_ACQUIRE) != me)
			syscall(SYS_futex, &ball, FUTEX_WAIT_PRIVATE, 1 - me, NULL, NULL, 0);
		__atomic_store_n(&ball, 1 - me, __ATOMIC_RELEASE);
		syscall(SYS_futex, &ball, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void pipe_player(int in, int out)
{
	char c = 'x';
	for (;;)
		if (read(in, &c, 1) == 1)
			write(out, &c, 1);
}

static void *player(void *arg)
{
	switch ((int)(long)arg) {
	case 0: futex_player(0); break;
	case 1: futex_player(1); break;
	case 2: pipe_player(ping[0], pong[1]); break;
	default: pipe_player(pong[0], ping[1]); break;
	}
	return NULL;
}

/* The child of round r: start the players, wait a while, end the group. */
static void __attribute__((noreturn)) child(int r, char *self)
{
	pthread_t th;
	char *argv[] = { self, "execd", NULL };

	if (pipe(ping) < 0 || pipe(pong) < 0)
		_exit(90);
	for (long i = 0; i < 4; i++)
		if (pthread_create(&th, NULL, player, (void *)i) != 0)
			_exit(91);
	write(ping[1], "x", 1);	/* serve the pipe pair's first ball */
	for (int i = 0; i < (r * 7) % 23; i++)
		sched_yield();
	if (r % 3 == 2) {
		execve(self, argv, NULL);
		_exit(92);
	}
	syscall(SYS_exit_group, r % 50);
	_exit(93);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "execd") == 0)
		return 60;
	for (int r = 0; r < ROUNDS; r++) {
		int st;
		pid_t pid = fork();
		if (pid == 0)
			child(r, argv[0]);
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			printf("groupend: FAIL fork or wait in round %d\n", r);
			return 1;
		}
		int want = r % 3 == 2 ? 60 : r % 50;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != want) {
			printf("groupend: FAIL round %d: status 0x%x, wanted exit %d\n", r, st, want);
			return 1;
		}
	}
	printf("groupend: ok\n");
	return 0;
}
