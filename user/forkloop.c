/*
 * forkloop [N]: N rounds (default 200) of fork, a child that writes its copy of
 * a touched 64 KiB heap and exits, and wait4. Copy-on-write layers must not pile
 * up round after round: after the first few rounds (which settle our own layers)
 * the free-page count may move by a page or so (a slab page of kernel objects
 * shared with a child is freed or not depending on the order they ran in), not
 * by a page a round. (leakcheck checks that every page comes back at the end.)
 */
#include <inc/lib.h>

#define HEAP (64 * 1024)
#define SETTLE 3	/* rounds before the count is taken */
#define SLACK 2		/* pages the count may move by */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	char *heap = malloc(HEAP);
	long settled = 0;

	memset(heap, 1, HEAP);
	for (int i = 0; i < rounds; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			memset(heap, 2, HEAP);
			exit(0);
		}
		int status;
		if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || status != 0) {
			printf("forkloop: FAIL round %d\n", i);
			return 1;
		}
		heap[i % HEAP] = 3;	/* the parent writes too, after each child */
		if (i == SETTLE - 1)
			settled = kstat(KSTAT_FREE_PAGES);
	}
	long now = kstat(KSTAT_FREE_PAGES);
	printf("forkloop: %d rounds, free pages after %d %ld, after the last %ld\n",
	       rounds, SETTLE, settled, now);
	return test_verdict(now < settled - SLACK || now > settled + SLACK);
}
