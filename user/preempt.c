/*
 * preempt: two CPU-bound children, A and B, that never yield nor make a system
 * call while they spin. Each counts its rounds in a page they share and spins
 * until it has seen the other's count move between two of its own rounds: on
 * one CPU that happens only if the timer took the CPU from it and gave it to
 * the other. Then it prints "X: saw Y run while spinning" and exits. Without
 * preemption the first to run spins for ever (the case times out); with it,
 * both finish, however long the host holds the machine up.
 *
 * On more than one CPU the two may run at once and see each other without any
 * preemption: the case runs with one.
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
#include <inc/lib.h>

/* Busy work between looks at the other's count. */
#define ROUND_ITERS 100000

struct shared {
	volatile uint64_t rounds[2];	/* each child's rounds, A's then B's */
};

/* Volatile so that the compiler keeps every iteration. */
static volatile uint64_t work;

/*
 * Child me (0 for A): spin, counting rounds, until the other's count differs
 * from what it was when we started. Our count moves once more after that, so
 * that the other, which started before we looked, sees us move too, even if
 * it started between our last count and our look.
 */
static int spinner(struct shared *s, int me)
{
	const char *names = "AB";
	uint64_t at_start = s->rounds[!me];

	while (s->rounds[!me] == at_start) {
		for (long k = 0; k < ROUND_ITERS; k++)
			work++;
		s->rounds[me]++;
	}
	s->rounds[me]++;
	printf("%c: saw %c run while spinning\n", names[me], names[!me]);
	return 0;
}

/* Wait for pid and say whether it exited with status 0. */
static bool finished_ok(pid_t pid, char name)
{
	int status;
	pid_t r = wait4(pid, &status, 0, NULL);
	if (r != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("preempt: FAIL spinner %c (wait4 %d, status 0x%x)\n", name, r, status);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if ((long)s < 0)
		panic("mmap: %ld", (long)s);
	pid_t child[2];
	for (int i = 0; i < 2; i++) {
		child[i] = fork();
		if (child[i] < 0)
			panic("fork: %d", -errno);
		if (child[i] == 0)
			exit(spinner(s, i));
	}
	bool ok = finished_ok(child[0], 'A');
	ok = finished_ok(child[1], 'B') && ok;
	if (!ok)
		return 1;
	printf("preempt: both spinners done\n");
	return 0;
}
