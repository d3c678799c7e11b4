/*
 * leakcheck PROG [ARGS...]: run PROG and check that all the memory it used came
 * back: the kernel's memory in use (struct memuse: pages, and kernel objects)
 * after PROG has exited and been reaped must equal what it was before PROG
 * started. Exits 0 only if PROG exited 0 and nothing leaked.
 *
 * It also prints the free-page count before and after, with the pages kmalloc
 * holds. Free pages plus kmalloc's pages plus pages in use is every page, so
 * when nothing leaked the free count differs from before by exactly the change
 * in kmalloc's pages: the same objects can land on more or fewer slab pages
 * depending on the order in which processes ran (docs/testing.md).
 *
 * Forking moves our own memory too (copy-on-write layers, their page indexes),
 * so we first fork and reap a child that does nothing, the same way, until our
 * own count stops moving; from then on a difference is the program's.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define WARMUP_ROUNDS 3

/* Start argv[0] with argv and reap it; its wait status, or -1 if it could not run. */
static int run(char **argv)
{
	int status;
	pid_t pid = spawn(argv[0], argv);
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

int main(int argc, char **argv)
{
	char *idle[] = { "true", NULL };

	if (argc < 2) {
		printf("usage: leakcheck PROG [ARGS...]\n");
		return 2;
	}
	for (int i = 0; i < WARMUP_ROUNDS; i++)
		run(idle);
	struct memuse before = memuse();
	long free_before = kstat(KSTAT_FREE_PAGES), slab_before = kstat(KSTAT_KMALLOC_PAGES);
	long swap_before = kstat(KSTAT_SWAP_FREE), out_before = kstat(KSTAT_SWAP_WRITES);
	long in_before = kstat(KSTAT_SWAP_READS);
	int status = run(&argv[1]);
	/* As init we adopt PROG's orphans: their memory counts too, so wait for them. */
	while (wait4(-1, NULL, 0, NULL) > 0)
		;
	struct memuse after = memuse();
	long free_after = kstat(KSTAT_FREE_PAGES), slab_after = kstat(KSTAT_KMALLOC_PAGES);
	long swap_after = kstat(KSTAT_SWAP_FREE);
	long pages_out = kstat(KSTAT_SWAP_WRITES) - out_before;
	long pages_in = kstat(KSTAT_SWAP_READS) - in_before;
	if (status < 0) {
		printf("leakcheck: FAIL cannot run %s\n", argv[1]);
		return 1;
	}

	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (WIFEXITED(status))
		printf("leakcheck: %s exited %d\n", argv[1], WEXITSTATUS(status));
	else
		printf("leakcheck: %s killed by %s\n", argv[1], signame(WTERMSIG(status)));
	printf("leakcheck: free pages before %ld after %ld, kmalloc's pages before %ld after %ld\n",
	       free_before, free_after, slab_before, slab_after);
	printf("leakcheck: pages in use before %ld after %ld, kernel objects before %ld after %ld\n",
	       before.pages, after.pages, before.objects, after.objects);
	if (kstat(KSTAT_SWAP_TOTAL) > 0)
		printf("leakcheck: free swap before %ld after %ld, pages written to swap %ld, "
		       "read back %ld\n", swap_before, swap_after, pages_out, pages_in);
	if (!memuse_equal(before, after)) {
		printf("leakcheck: FAIL %ld pages and %ld kernel objects not returned\n",
		       after.pages - before.pages, after.objects - before.objects);
		ok = false;
	}
	return ok ? 0 : 1;
}
