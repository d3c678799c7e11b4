/*
 * forkloop [N]: N rounds (default 200) of fork, a child that writes its copy of
 * a touched 64 KiB heap and exits, and wait4. Copy-on-write layers must not pile
 * up round after round: after the first few rounds (which settle our own layers)
 * the kernel's memory in use must not move at all. (leakcheck checks that every
 * page comes back at the end.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define HEAP (64 * 1024)
#define SETTLE 3	/* rounds before the count is taken */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	char *heap = malloc(HEAP);
	struct memuse settled = { 0, 0 };

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
			settled = memuse();
	}
	struct memuse now = memuse();
	printf("forkloop: %d rounds, in use after %d: %ld pages %ld objects, "
	       "after the last: %ld pages %ld objects\n",
	       rounds, SETTLE, settled.pages, settled.objects, now.pages, now.objects);
	return test_verdict(!memuse_equal(settled, now));
}
