/*
 * cowlayers: what copy-on-write layers cost once the other side of a fork is
 * gone. An area split in pieces (by mprotect or munmap of its middle) must be
 * taken over whole after the child is reaped: rewriting it costs no page. 200
 * fork/exit rounds on a split area leave the memory in use where it was after
 * the first few.
 */
#include <inc/lib.h>
#include <inc/mman.h>

#define PG 4096
#define SPLIT_PAGES 64
#define SPLIT_AT 10		/* the page that splits the area */
#define ROUNDS 200
#define SETTLE 3		/* rounds before the memory in use is taken */

static int failures;

static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("cowlayers: FAIL %s\n", what);
		failures++;
	}
}

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
	rounds_on_split_area();
	return test_verdict(failures);
}
