/*
 * cowlayers: what copy-on-write layers cost once the other side of a fork is
 * gone. An area split in pieces (by mprotect or munmap of its middle) must be
 * taken over whole after the child is reaped: rewriting it costs no page. Pages
 * a munmap could not free while a child shared them must be freed once the
 * child is reaped. 200 fork/exit rounds on a split area leave the memory in use
 * where it was after the first few.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define PG 4096
#define SPLIT_PAGES 64
#define SPLIT_AT 10		/* the page that splits the area */
#define BIG_PAGES 1024
#define TABLE_SLACK 8		/* page tables and object indexes */
#define ROUNDS 200
#define SETTLE 3		/* rounds before the memory in use is taken */

static long free_pages(void)
{
	return kstat(KSTAT_FREE_PAGES);
}

/* Fork a child that exits at once, and reap it. */
static void fork_and_reap(void)
{
	pid_t pid = fork();
	if (pid == 0)
		exit(0);
	check(pid > 0 && wait4(pid, NULL, 0, NULL) == pid, "fork and reap a child");
}

/* Write byte c into every page of p[0, n pages) except page skip. */
static void write_pages(char *p, int n, int skip, char c)
{
	for (int i = 0; i < n; i++)
		if (i != skip)
			p[i * PG] = c;
}

/* A touched area split at SPLIT_AT by how ("mprotect" or "munmap"); NULL on failure. */
static char *split_area(const char *how)
{
	char *p = mmap(NULL, SPLIT_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_failed(p))
		return NULL;
	write_pages(p, SPLIT_PAGES, -1, 1);
	int r = strcmp(how, "mprotect") == 0 ? mprotect(p + SPLIT_AT * PG, PG, PROT_READ)
					      : munmap(p + SPLIT_AT * PG, PG);
	return r == 0 ? p : NULL;
}

/* After fork and reap, the parent rewrites its split area without copying a page. */
static void takeover_after_split(const char *how)
{
	char *p = split_area(how);
	check(p != NULL, "make a split area");
	if (!p)
		return;
	fork_and_reap();
	long before = free_pages();
	write_pages(p, SPLIT_PAGES, SPLIT_AT, 2);
	long cost = before - free_pages();
	printf("cowlayers: split by %s, child reaped, %d pages rewritten: cost %ld pages\n", how,
	       SPLIT_PAGES - 1, cost);
	check(cost == 0, "rewriting a split area after the child is reaped takes its pages over");
	munmap(p, SPLIT_PAGES * PG);
}

/*
 * A touched area of BIG_PAGES, a child sharing it, the upper half unmapped while
 * the child lives: once the child is reaped, only the lower half may cost pages.
 */
static void munmap_under_child(void)
{
	long start = free_pages();
	char *p = mmap(NULL, BIG_PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	check(!ptr_failed(p), "mmap the big area");
	if (ptr_failed(p))
		return;
	write_pages(p, BIG_PAGES, -1, 1);

	int hold[2];
	pipe(hold);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(hold[1]);
		exit(read(hold[0], &c, 1) == 0 ? 0 : 1);	/* end of file: the parent is done */
	}
	close(hold[0]);
	check(munmap(p + BIG_PAGES / 2 * PG, BIG_PAGES / 2 * PG) == 0, "munmap the upper half");
	close(hold[1]);
	int status = -1;
	check(wait4(pid, &status, 0, NULL) == pid && status == 0, "the sharing child exits");
	long cost = start - free_pages();
	printf("cowlayers: %d pages touched, upper half unmapped under a child, child reaped: "
	       "cost %ld pages\n", BIG_PAGES, cost);
	check(cost >= BIG_PAGES / 2 && cost <= BIG_PAGES / 2 + TABLE_SLACK,
	      "the unmapped half is freed once the child is reaped");
	munmap(p, BIG_PAGES / 2 * PG);
}

/* Fork/exit rounds on a split area: the memory in use settles and stays. */
static void rounds_on_split_area(void)
{
	char *p = split_area("mprotect");
	struct memuse settled = { 0, 0 };

	check(p != NULL, "make a split area");
	if (!p)
		return;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			write_pages(p, SPLIT_PAGES, SPLIT_AT, 3);
			exit(0);
		}
		int status = -1;
		if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || status != 0) {
			check(false, "a fork/exit round");
			break;
		}
		p[(i % SPLIT_PAGES == SPLIT_AT ? 0 : i % SPLIT_PAGES) * PG] = 4;
		if (i == SETTLE - 1)
			settled = memuse();
	}
	struct memuse now = memuse();
	printf("cowlayers: %d rounds on a split area, in use after %d: %ld pages %ld objects, "
	       "after the last: %ld pages %ld objects\n", ROUNDS, SETTLE, settled.pages,
	       settled.objects, now.pages, now.objects);
	check(memuse_equal(settled, now), "fork/exit rounds on a split area stay flat");
	munmap(p, SPLIT_PAGES * PG);
}

int main(int argc, char **argv)
{
	takeover_after_split("mprotect");
	takeover_after_split("munmap");
	munmap_under_child();
	rounds_on_split_area();
	return test_verdict(test_failures);
}
