/*
 * sleep SECONDS: sleep that long and exit 0, as the Unix utility does. SECONDS
 * is a decimal number of seconds, with a fraction if wanted (0.25), as GNU
 * sleep takes it. A missing or malformed operand is an error: a message on
 * standard error and exit status 1. (user/sleeptest.c tests nanosleep itself.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

/* Say what is wrong on standard error; the exit status for it. */
static int fail(const char *why, const char *arg)
{
	char msg[160];
	int n = snprintf(msg, sizeof msg, "sleep: %s%s%s\n", why, arg ? " " : "", arg ? arg : "");
	write(2, msg, n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
	return 1;
}

/* Parse "S" or "S.F" into req; false if s is anything else or too large. */
static bool parse_seconds(const char *s, struct timespec *req)
{
	int64_t sec = 0, nsec = 0, scale = 100000000;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > (INT64_MAX - 9) / 10)
			return false;
		sec = sec * 10 + (*p - '0');
	}
	bool whole = p > s;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			nsec += (*p - '0') * scale;
		whole = whole || p > s + 1;
	}
	req->tv_sec = sec;
	req->tv_nsec = nsec;
	return whole && *p == '\0';
}

int main(int argc, char **argv)
{
	struct timespec req;

	if (argc != 2)
		return fail(argc < 2 ? "missing operand" : "takes one operand, got more", NULL);
	if (!parse_seconds(argv[1], &req))
		return fail("invalid time interval", argv[1]);
	int r = nanosleep(&req, NULL);
	if (r < 0)
		return fail("nanosleep failed", NULL);
	return 0;
}
