/*
 * sleep [MS]: nanosleep MS milliseconds (default 200) and check with
 * CLOCK_MONOTONIC that it slept at least that long. There is no upper bound: an
 * emulator on a loaded host may wake it arbitrarily late.
 * Also checks that malformed timespecs are refused with -EINVAL.
 */
#include <inc/lib.h>

#define DEFAULT_MS 200

/* nanosleep must reject req and return -EINVAL; says so if it does not. */
static bool rejects(int64_t sec, int64_t nsec)
{
	struct timespec req = { sec, nsec };
	int r = nanosleep(&req, NULL);
	if (r == -EINVAL)
		return true;
	printf("sleep: nanosleep({%ld, %ld}) returned %d, expected %d\n", sec, nsec, r,
	       -EINVAL);
	return false;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_MS;
	bool ok = true;

	ok = rejects(0, 1000000000) && ok;
	ok = rejects(0, -1) && ok;
	ok = rejects(-1, 0) && ok;

	struct timespec req = { ms / 1000, (ms % 1000) * 1000000 };
	uint64_t start = monotonic_ns();
	int r = nanosleep(&req, NULL);
	uint64_t slept_ms = (monotonic_ns() - start) / 1000000;

	if (r != 0) {
		printf("sleep: nanosleep returned %d\n", r);
		ok = false;
	}
	printf("sleep: slept %lu ms\n", slept_ms);
	if (slept_ms < (uint64_t)ms) {
		printf("sleep: FAIL woke early, asked for %ld ms\n", ms);
		ok = false;
	}
	return ok ? 0 : 1;
}
