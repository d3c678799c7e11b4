/*
 * pipe: pipes between processes. A child streams 1 MiB through a pipe in
 * odd-sized writes (some larger than the pipe) and the parent checks length and
 * checksum; a reader sees end of file once the last writer closes or exits, while
 * the writer is still alive; a writer gets -EPIPE once the reader is gone, even
 * when it was asleep on a full pipe; writes of up to 4096 bytes from two writers
 * never interleave; a read into a bad buffer leaves the bytes it could not
 * deliver in the pipe; pipe2 takes O_CLOEXEC only.
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

#define STREAM_BYTES (1 << 20)
#define PIPE_CAPACITY 4096	/* the kernel's ring: a write this big fills it */
#define BIGGEST_CHUNK 20011

static const size_t write_sizes[] = { 1, 3, 17, 511, 4093, 4096, 4097, 8191, BIGGEST_CHUNK };
static const size_t read_sizes[] = { 7, 100, 4096, 5003, 1, 19997, 333 };

static unsigned char chunk[BIGGEST_CHUNK];

/* Byte i of the stream: depends on i, so that lost, doubled or reordered bytes show. */
static unsigned char stream_byte(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

/* FNV-1a, continued from sum over the n bytes at p. */
static uint64_t checksum(uint64_t sum, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum = (sum ^ p[i]) * 1099511628211u;
	return sum;
}

#define CHECKSUM_START 14695981039346656037u

/* Child side of the stream: write every byte, then exit 0 if all writes were whole. */
static void produce(int wfd)
{
	size_t sent = 0;
	int status = 0;

	for (size_t i = 0; sent < STREAM_BYTES; i++) {
		size_t n = MIN(write_sizes[i % ARRAY_SIZE(write_sizes)], STREAM_BYTES - sent);
		for (size_t j = 0; j < n; j++)
			chunk[j] = stream_byte(sent + j);
		ssize_t r = write(wfd, chunk, n);
		if (r != (ssize_t)n) {
			printf("pipe: FAIL producer write of %zu at %zu returned %ld\n", n, sent, r);
			status = 1;
			break;
		}
		sent += n;
	}
	exit(status);
}

/* Wait for child and check that it exited with status 0. */
static void reap(pid_t child, const char *who)
{
	int status;

	if (wait4(child, &status, 0, NULL) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("pipe: FAIL %s did not exit cleanly (status 0x%x)\n", who, status);
		test_failures++;
	}
}

static void test_stream(void)
{
	int fds[2];

	expect("pipe", pipe(fds), 0);
	pid_t child = fork();
	if (child == 0) {
		close(fds[0]);
		produce(fds[1]);
	}
	close(fds[1]);

	uint64_t want = CHECKSUM_START, got = CHECKSUM_START;
	for (size_t i = 0; i < STREAM_BYTES; i++) {
		unsigned char b = stream_byte(i);
		want = checksum(want, &b, 1);
	}
	size_t total = 0;
	for (size_t i = 0;; i++) {
		ssize_t r = read(fds[0], chunk, read_sizes[i % ARRAY_SIZE(read_sizes)]);
		if (r < 0) {
			expect("stream read", r, 0);
			break;
		}
		if (r == 0)
			break;
		got = checksum(got, chunk, (size_t)r);
		total += (size_t)r;
	}
	expect("stream length", (long)total, STREAM_BYTES);
	if (got != want) {
		printf("pipe: FAIL stream checksum 0x%lx, want 0x%lx\n", got, want);
		test_failures++;
	}
	close(fds[0]);
	reap(child, "producer");
}

/*
 * End of file while the writer still lives: the child writes, closes its end and
 * then waits on a second pipe until the parent has seen end of file.
 */
static void test_eof_on_close(void)
{
	int data[2], hold[2];
	char buf[16];

	expect("pipe", pipe(data), 0);
	expect("pipe", pipe(hold), 0);
	pid_t child = fork();
	if (child == 0) {
		close(data[0]);
		close(hold[1]);
		int ok = write(data[1], "hello", 5) == 5;
		close(data[1]);
		ok &= read(hold[0], buf, 1) == 0;	/* the parent closes its end when done */
		exit(ok ? 0 : 1);
	}
	close(data[1]);
	close(hold[0]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(data[0], buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)r;
	expect("read at end of file after close", r, 0);
	expect("bytes before end of file", (long)got, 5);
	if (memcmp(buf, "hello", 5) != 0)
		check(false, "bytes before end of file differ");
	expect("read again at end of file", read(data[0], buf, 1), 0);
	close(hold[1]);
	close(data[0]);
	reap(child, "closing writer");
}

/* End of file when the writer exits without closing: exit closes its descriptors. */
static void test_eof_on_exit(void)
{
	int fds[2];
	char buf[8];

	expect("pipe", pipe(fds), 0);
	pid_t child = fork();
	if (child == 0) {
		write(fds[1], "bye", 3);
		exit(0);
	}
	close(fds[1]);
	expect("read from exiting writer", read(fds[0], buf, sizeof(buf)), 3);
	expect("read after writer exited", read(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
	reap(child, "exiting writer");
}

/*
 * -EPIPE: the parent fills the pipe, forks, and blocks in a further write; the
 * child closes the last read end by exiting, which must wake the writer with
 * -EPIPE (if the child is gone before the write starts, the write fails at once
 * with -EPIPE, the same answer). Then a write to the readerless pipe fails at
 * once. The pipe is full before the fork, so the child's exit cannot race it.
 */
static void test_epipe(void)
{
	int fds[2];
	static char full[PIPE_CAPACITY];

	expect("pipe", pipe(fds), 0);
	expect("write filling the pipe", write(fds[1], full, sizeof(full)), sizeof(full));
	pid_t child = fork();
	if (child == 0) {
		close(fds[1]);
		struct timespec pause = { 0, 50 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		exit(0);
	}
	close(fds[0]);
	expect("blocked write when the reader exits", sysret(write(fds[1], "x", 1)), -EPIPE);
	expect("write with no reader", sysret(write(fds[1], full, sizeof(full))), -EPIPE);
	close(fds[1]);
	reap(child, "exiting reader");
}

#define RECORD 1000	/* does not divide the pipe's size, so writers often wait for room */
#define RECORDS 300

/* Two children write RECORDS records of RECORD bytes each; every record arrives whole. */
static void test_atomic_writes(void)
{
	int fds[2];
	pid_t writers[2];

	expect("pipe", pipe(fds), 0);
	for (int w = 0; w < 2; w++) {
		writers[w] = fork();
		if (writers[w] == 0) {
			close(fds[0]);
			memset(chunk, 'a' + w, RECORD);
			int ok = 1;
			for (int i = 0; i < RECORDS && ok; i++)
				ok = write(fds[1], chunk, RECORD) == RECORD;
			exit(ok ? 0 : 1);
		}
	}
	close(fds[1]);
	size_t total = 0, mixed = 0;
	ssize_t r;
	while ((r = read(fds[0], chunk + total % RECORD, RECORD - total % RECORD)) > 0) {
		total += (size_t)r;
		if (total % RECORD != 0)
			continue;
		for (size_t i = 1; i < RECORD; i++)
			mixed += chunk[i] != chunk[0];
	}
	expect("bytes from both writers", (long)total, 2 * RECORDS * RECORD);
	expect("bytes of one writer inside the other's record", (long)mixed, 0);
	close(fds[0]);
	reap(writers[0], "first record writer");
	reap(writers[1], "second record writer");
}

/*
 * A read into a bad buffer takes nothing out of the pipe; one whose buffer runs
 * into an unmapped page takes only the bytes that reached the mapped part.
 */
static void test_bad_buffer(void)
{
	int fds[2];
	char buf[16];

	expect("pipe", pipe(fds), 0);
	expect("write ten bytes", write(fds[1], "0123456789", 10), 10);
	close(fds[1]);	/* lost bytes then read as end of file, not a wait */
	expect("read into a bad pointer", sysret(read(fds[0], (void *)8, 10)), -EFAULT);
	char *two = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect("munmap the second page", munmap(two + 4096, 4096), 0);
	expect("read running into an unmapped page", read(fds[0], two + 4096 - 4, 10), 4);
	if (memcmp(two + 4096 - 4, "0123", 4) != 0)
		check(false, "bytes before the unmapped page differ");
	expect("read of what the bad reads left", read(fds[0], buf, sizeof(buf)), 6);
	if (memcmp(buf, "456789", 6) != 0)
		check(false, "bytes left in the pipe differ");
	munmap(two, 4096);
	close(fds[0]);
}

/* Zero bytes: read and write return 0 at once, even with nothing to read. */
static void test_zero_length(void)
{
	int fds[2];
	char buf[1];

	expect("pipe", pipe(fds), 0);
	expect("read of 0 bytes from an empty pipe", read(fds[0], buf, 0), 0);
	expect("write of 0 bytes", write(fds[1], buf, 0), 0);
	close(fds[0]);
	expect("write of 0 bytes with no reader", write(fds[1], buf, 0), 0);
	close(fds[1]);
}

static void test_pipe2_flags(void)
{
	int fds[2];

	expect("pipe2 with O_CLOEXEC", pipe2(fds, O_CLOEXEC), 0);
	expect("write to pipe2's pipe", write(fds[1], "ab", 2), 2);
	char buf[2];
	expect("read from pipe2's pipe", read(fds[0], buf, 2), 2);
	expect("read from the write end", sysret(read(fds[1], buf, 1)), -EBADF);
	expect("write to the read end", sysret(write(fds[0], buf, 1)), -EBADF);
	close(fds[0]);
	close(fds[1]);
	expect("pipe2 with O_APPEND", sysret(pipe2(fds, O_APPEND)), -EINVAL);
}

int main(int argc, char **argv)
{
	/* The -EPIPE cases want the error, not SIGPIPE's death (user/linux/sigpipe.c has that). */
	signal(SIGPIPE, SIG_IGN);
	test_stream();
	test_eof_on_close();
	test_eof_on_exit();
	test_epipe();
	test_atomic_writes();
	test_bad_buffer();
	test_zero_length();
	test_pipe2_flags();
	return test_verdict(test_failures);
}
