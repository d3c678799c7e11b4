/*
 * What test programs share: the trap paths to try calls on, leak checks, checks
 * that count failures, the last line.
 */
#include <inc/lib.h>

const struct trap_path trap_paths[NTRAP_PATHS] = {
	{ "syscall", syscall6 },
	{ "int $0x80", int80_syscall6 },
};

struct memuse memuse(void)
{
	struct memuse m;
	/*
	 * A page paged out moves from memory to a swap slot: both count, but a
	 * slot that only copies a page in memory does not.
	 */
	m.pages = kstat(KSTAT_TOTAL_PAGES) - kstat(KSTAT_FREE_PAGES) - kstat(KSTAT_KMALLOC_PAGES) +
		  kstat(KSTAT_SWAP_TOTAL) - kstat(KSTAT_SWAP_FREE) - kstat(KSTAT_SWAP_COPIES);
	m.objects = kstat(KSTAT_KMALLOC_OBJECTS);
	return m;
}

bool memuse_equal(struct memuse a, struct memuse b)
{
	return a.pages == b.pages && a.objects == b.objects;
}

int test_failures;

void check(bool ok, const char *what)
{
	if (!ok) {
		printf("%s: FAIL %s\n", progname, what);
		test_failures++;
	}
}

void expect(const char *what, long got, long want)
{
	if (got != want) {
		printf("%s: FAIL %s: got %ld, want %ld\n", progname, what, got, want);
		test_failures++;
	}
}

int pin_to_cpu(int cpu)
{
	uint64_t mask = 1ULL << cpu;
	return sched_setaffinity(0, sizeof(mask), &mask);
}

int test_verdict(int failures)
{
	if (failures) {
		printf("%s: %d failures\n", progname, failures);
		return 1;
	}
	printf("%s: ok\n", progname);
	return 0;
}
