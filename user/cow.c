/*
 * cow: copy-on-write fork. Data in every kind of memory (data segment, bss,
 * heap, a private mapping) is set, then parent and child each write their own
 * values and must see only those. Then a chain of nested forks, each level
 * changing one page and checking that every earlier level's values are as they
 * were when it forked.
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

#define DEPTH 6
#define PAGES 8

static int failures;
static long data_word = 1;		/* data segment */
static char bss_buf[PAGES * 4096];	/* bss */

/* The places we write: one word in a page of each kind of memory. */
static long *places[4];

static void set_all(long base)
{
	for (int i = 0; i < 4; i++)
		*places[i] = base + i;
}

static void expect_all(const char *who, long base)
{
	for (int i = 0; i < 4; i++) {
		if (*places[i] != base + i) {
			printf("cow: FAIL %s: place %d holds %ld, expected %ld\n", who, i,
			       *places[i], base + i);
			failures++;
		}
	}
}

/* Parent and child write different values after fork; each sees its own. */
static void parent_and_child(void)
{
	set_all(100);
	pid_t pid = fork();
	if (pid == 0) {
		expect_all("child before writing", 100);
		set_all(200);
		expect_all("child after writing", 200);
		exit(failures ? 1 : 0);
	}
	set_all(300);
	int status;
	if (wait4(pid, &status, 0, NULL) != pid || status != 0) {
		printf("cow: FAIL child status 0x%x\n", status);
		failures++;
	}
	expect_all("parent after the child wrote", 300);
}

/*
 * Level n writes n into its own page n of the chain buffer, forks, and the
 * child checks pages 0..n before going a level deeper; the parent changes its
 * page after the fork, which the child must not see.
 */
static int chain(char *buf, int level)
{
	for (int k = 0; k < level; k++) {
		if (buf[k * 4096] != (char)k) {
			printf("cow: FAIL level %d sees page %d = %d\n", level, k, buf[k * 4096]);
			return 1;
		}
	}
	if (level == DEPTH)
		return 0;
	buf[level * 4096] = (char)level;
	pid_t pid = fork();
	if (pid == 0)
		exit(chain(buf, level + 1));
	buf[level * 4096] = (char)(100 + level);
	int status;
	wait4(pid, &status, 0, NULL);
	return status != 0;
}

int main(int argc, char **argv)
{
	long *heap = malloc(4096);
	long *mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!heap || ptr_failed(mapped)) {
		printf("cow: FAIL cannot allocate\n");
		return 1;
	}
	places[0] = &data_word;
	places[1] = (long *)&bss_buf[PAGES / 2 * 4096];
	places[2] = heap;
	places[3] = mapped;
	parent_and_child();

	char *buf = mmap(NULL, (DEPTH + 1) * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chain(buf, 0)) {
		printf("cow: FAIL nested forks\n");
		failures++;
	}
	return test_verdict(failures);
}
