/*
 * The few lines every host unit test shares: counted checks that say where they
 * failed, a fixed pseudo-random sequence for the randomised tests, and the
 * summary line that decides the exit status. Include once, from
 * the test's single source file.
 */
#ifndef ELK_TESTS_HOST_CHECK_H
#define ELK_TESTS_HOST_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static int checks, failures;

/* Count a check; print where and what when it fails. Returns ok. */
static inline bool check(bool ok, const char *file, int line, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		printf("FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

#define CHECK(cond) check((cond), __FILE__, __LINE__, #cond)

/* Like check, for two integers, printing both when they differ. */
static inline void check_eq(long got, long want, const char *file, int line,
			    const char *what)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "%s: got %ld (%#lx), want %ld (%#lx)", what, got, got,
		 want, want);
	check(got == want, file, line, msg);
}

#define CHECK_EQ(got, want) check_eq((long)(got), (long)(want), __FILE__, __LINE__, #got)

static uint64_t random_state = 0x9e3779b97f4a7c15ULL;

/* The next number of a fixed xorshift64 sequence, so that a failure reproduces. */
static inline uint64_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state;
}

/* Print "NAME: N checks, M failed"; returns main's exit status. */
static inline int check_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, checks, failures);
	return failures ? 1 : 0;
}

#endif
