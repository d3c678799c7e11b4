/*
 * sleeptest [MS]: a test of nanosleep (the sleep utility is user/sleep.c). It
 * sleeps MS milliseconds (default 200) and checks with CLOCK_MONOTONIC that it
 * slept at least that long. There is no upper bound: an emulator on a loaded
 * host may wake it arbitrarily late.
 * Also checks that malformed timespecs are refused with -EINVAL, and that
 * requests too long to count in nanoseconds sleep instead of wrapping around
 * to a short sleep.
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
#include <inc/flexsc.h>
#include <inc/lib.h>

#define DEFAULT_MS 200
#define ENDLESS_CHECK_MS 500	/* longer than any wrapped-around sleep seen */

/* Valid requests whose nanoseconds do not fit in 64 bits: each must just sleep. */
static const struct timespec endless[] = {
	{ 18446744074, 0 },		/* times 10^9 wraps to about 0.29 s */
	{ 0x7fffffffffffffff, 999999999 },
};

/* nanosleep must reject req and return -EINVAL; says so if it does not. */
static bool rejects(int64_t sec, int64_t nsec)
{
	struct timespec req = { sec, nsec };
	int r = (int)sysret(nanosleep(&req, NULL));
	if (r == -EINVAL)
		return true;
	printf("sleeptest: nanosleep({%ld, %ld}) returned %d, expected %d\n", sec, nsec, r,
	       -EINVAL);
	return false;
}

/*
 * Post the endless sleeps on a syscall page, each to a syscall thread of its
 * own, and check that none has returned once a sleep of ENDLESS_CHECK_MS on a
 * third thread ends. They sleep on until this process exits, which ends them.
 */
static bool endless_sleeps_last(void)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[ARRAY_SIZE(endless)];
	struct timespec check = { 0, ENDLESS_CHECK_MS * 1000000L };
	bool ok = true;

	if (flexsc_setup(&ring, 1, ARRAY_SIZE(endless) + 1) < 0)
		panic("flexsc_setup failed");
	for (size_t i = 0; i < ARRAY_SIZE(endless); i++)
		e[i] = flexsc_post(&ring, SYS_nanosleep, (long)&endless[i], 0, 0, 0, 0, 0);
	int r = (int)flexsc_call(&ring, SYS_nanosleep, (long)&check, 0, 0, 0, 0, 0);
	if (r != 0) {
		printf("sleeptest: FAIL nanosleep of %d ms on the page returned %d\n",
		       ENDLESS_CHECK_MS, r);
		ok = false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(endless); i++) {
		if (flexsc_done(e[i])) {
			printf("sleeptest: FAIL nanosleep({%ld, %ld}) returned %ld within %d ms\n",
			       endless[i].tv_sec, endless[i].tv_nsec, flexsc_reap(e[i]),
			       ENDLESS_CHECK_MS);
			ok = false;
		}
	}
	if (ok)
		printf("sleeptest: %zu sleeps too long to count in nanoseconds still asleep after %d ms\n",
		       ARRAY_SIZE(endless), ENDLESS_CHECK_MS);
	return ok;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_MS;
	bool ok = true;

	ok = rejects(0, 1000000000) && ok;
	ok = rejects(0, -1) && ok;
	ok = rejects(-1, 0) && ok;
	ok = endless_sleeps_last() && ok;

	struct timespec req = { ms / 1000, (ms % 1000) * 1000000 };
	uint64_t start = monotonic_ns();
	int r = (int)sysret(nanosleep(&req, NULL));
	uint64_t slept_ms = (monotonic_ns() - start) / 1000000;

	if (r != 0) {
		printf("sleeptest: nanosleep returned %d\n", r);
		ok = false;
	}
	printf("sleeptest: slept %lu ms\n", slept_ms);
	if (slept_ms < (uint64_t)ms) {
		printf("sleeptest: FAIL woke early, asked for %ld ms\n", ms);
		ok = false;
	}
	return ok ? 0 : 1;
}
