/*
 * pipevec: readv and writev on a pipe, as Linux does them. A readv fills its
 * buffers in order from what the pipe holds (not only the first); a writev
 * of at most PIPE_BUF bytes goes in whole, however many buffers it has, so
 * two writers' records never interleave.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("pipevec: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

static void readv_fills_in_order(void)
{
	int p[2];
	char a[1], b[3], c[2], d[8];

	check(pipe(p) == 0, "pipe");
	check(write(p[1], "wxyz", 4) == 4, "write 4 bytes");
	struct iovec one_three[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	check(readv(p[0], one_three, 2) == 4, "readv into 1 + 3 bytes gets 4");
	check(a[0] == 'w' && memcmp(b, "xyz", 3) == 0, "in order");
	check(write(p[1], "wxyz", 4) == 4, "write 4 more");
	struct iovec two_eight[2] = { { c, sizeof(c) }, { d, sizeof(d) } };
	check(readv(p[0], two_eight, 2) == 4, "readv into 2 + 8 bytes gets the 4 there");
	check(memcmp(c, "wx", 2) == 0 && memcmp(d, "yz", 2) == 0, "the first filled, then the second");
	check(writev(p[1], (struct iovec[]){ { "ab", 2 }, { "", 0 }, { "cde", 3 } }, 3) == 5,
	      "writev of 2 + 0 + 3 bytes");
	check(read(p[0], d, sizeof(d)) == 5 && memcmp(d, "abcde", 5) == 0, "reads back as one");
	close(p[0]);
	close(p[1]);
}

#define PIECES 4		/* buffers per record */
#define RECORD PIPE_BUF		/* bytes per record: one atomic writev */
#define RECORDS 64		/* records per writer */

/* Write RECORDS records of letter, each a writev of PIECES buffers, the last byte a newline. */
static void writer(int fd, char letter)
{
	static char piece[PIECES][RECORD / PIECES];
	struct iovec v[PIECES];

	for (int i = 0; i < PIECES; i++) {
		memset(piece[i], letter, sizeof(piece[i]));
		v[i] = (struct iovec){ piece[i], sizeof(piece[i]) };
	}
	piece[PIECES - 1][sizeof(piece[0]) - 1] = '\n';
	for (int r = 0; r < RECORDS; r++)
		if (writev(fd, v, PIECES) != RECORD)
			_exit(1);
	_exit(0);
}

/* Read exactly n bytes from fd into buf: 0, or -1 at an early end. */
static int read_full(int fd, char *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void writevs_do_not_interleave(void)
{
	int p[2];
	static char rec[RECORD];
	int counts[2] = { 0, 0 }, mixed = 0, st;

	check(pipe(p) == 0, "pipe");
	pid_t w[2];
	for (int i = 0; i < 2; i++) {
		if ((w[i] = fork()) == 0) {
			close(p[0]);
			writer(p[1], i ? 'B' : 'A');
		}
	}
	close(p[1]);
	for (int r = 0; r < 2 * RECORDS; r++) {
		if (read_full(p[0], rec, RECORD) < 0) {
			check(0, "both writers' records arrive");
			break;
		}
		char c = rec[0];
		int whole = (c == 'A' || c == 'B') && rec[RECORD - 1] == '\n';
		for (int i = 0; whole && i < RECORD - 1; i++)
			whole = rec[i] == c;
		if (whole)
			counts[c == 'B']++;
		else
			mixed++;
	}
	check(mixed == 0, "no record mixes two writers' bytes");
	check(counts[0] == RECORDS && counts[1] == RECORDS, "every record of both writers came");
	for (int i = 0; i < 2; i++)
		check(waitpid(w[i], &st, 0) == w[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "a writer's writevs all went in whole");
	close(p[0]);
}

int main(void)
{
	readv_fills_in_order();
	writevs_do_not_interleave();
	if (failures)
		return 1;
	printf("pipevec: ok\n");
	return 0;
}
