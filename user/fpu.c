/*
 * fpu: two processes compute with SSE at the same time, one rounding up and the
 * other down, for long enough that the timer switches between them many times.
 * If the kernel mixed up their FPU/SSE state (registers or MXCSR), a sum or a
 * rounded quotient would come out wrong in one of them: 1/3 is inexact, so it
 * rounds to two different doubles in the two modes.
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

#define RUN_NS     300000000ULL	/* each side computes for this long */
#define TERMS      1000
#define MXCSR_RC_SHIFT 13
#define RC_DOWN        1	/* toward minus infinity */
#define RC_UP          2	/* toward plus infinity */

static void set_rounding(unsigned rc)
{
	uint32_t mxcsr;
	asm volatile("stmxcsr %0" : "=m"(mxcsr));
	mxcsr = (mxcsr & ~(3u << MXCSR_RC_SHIFT)) | (rc << MXCSR_RC_SHIFT);
	/* "memory": third()'s volatile stores of its quotients stay on their side of it. */
	asm volatile("ldmxcsr %0" : : "m"(mxcsr) : "memory");
}

/*
 * 1/3 in the current rounding mode; volatile so the division happens at run
 * time, and its quotient is stored before a later set_rounding can run.
 */
static double third(void)
{
	volatile double one = 1.0, three = 3.0, q = one / three;
	return q;
}

/* scale * (1 + 2 + ... + TERMS), one term at a time; every partial sum is exact. */
static double series(double scale)
{
	double acc = 0;
	for (int i = 1; i <= TERMS; i++)
		acc += (double)i * scale;
	return acc;
}

/*
 * Compute until RUN_NS have passed, and at least one round however long a
 * loaded host stalled us first; returns the rounds done, or -1 on a wrong answer.
 */
static long compute(const char *who, unsigned rc, double scale)
{
	set_rounding(rc);
	double want_third = third();
	double want_sum = scale * TERMS * (TERMS + 1) / 2;
	uint64_t end = monotonic_ns() + RUN_NS;
	long rounds = 0;

	do {
		double sum = series(scale), q = third();
		if (sum != want_sum || memcmp(&q, &want_third, sizeof q) != 0) {
			printf("fpu: FAIL %s round %ld: sum %ld/1000 (want %ld/1000), 1/3 %s\n",
			       who, rounds, (long)(sum * 1000), (long)(want_sum * 1000),
			       memcmp(&q, &want_third, sizeof q) ? "changed" : "same");
			return -1;
		}
		rounds++;
	} while (monotonic_ns() < end);
	return rounds;
}

/* True if 1/3 comes out differently rounded up and rounded down, as it must. */
static bool modes_differ(void)
{
	set_rounding(RC_UP);
	double up = third();
	set_rounding(RC_DOWN);
	double down = third();
	return memcmp(&up, &down, sizeof up) != 0;
}

int main(int argc, char **argv)
{
	if (!modes_differ()) {
		printf("fpu: FAIL 1/3 rounds the same up and down: MXCSR.RC has no effect\n");
		return 1;
	}
	pid_t child = fork();
	if (child < 0)
		panic("fork: %d", -errno);
	if (child == 0)
		exit(compute("child", RC_DOWN, 0.25) < 0);

	long rounds = compute("parent", RC_UP, 0.5);
	int status;
	if (wait4(child, &status, 0, NULL) != child)
		panic("wait4 failed");
	if (rounds < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	printf("fpu: ok, parent did %ld rounds while the child ran\n", rounds);
	return 0;
}
