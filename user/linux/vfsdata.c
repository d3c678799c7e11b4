/*
 * vfsdata: file contents, as a Linux program sees them. A file written,
 * closed, reopened and read back byte for byte, also by a forked child and by
 * this program exec'd again; holes and truncation; O_APPEND from two processes
 * at once; and mappings: MAP_SHARED stores seen by read in another process and
 * write seen through a mapping, msync, MAP_PRIVATE stores seen by no one else,
 * mprotect refusing to make a shared mapping of an O_RDONLY file writable,
 * SIGBUS past a truncated end, also on pages mapped before the truncation (the
 * shared file pages and the private copies), a MAP_SHARED mapping of /dev/zero
 * shared across fork; stores past the end of a file through a shared mapping
 * never reappear as data when it grows. In a fresh directory under /tmp, removed at the end.
 *
 * vfsdata                  run the checks (execs itself once)
 * vfsdata readback FILE N  (after execve) FILE must hold the N-byte pattern
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define BIG (3 * PAGE + 123)	/* crosses pages and ends inside one */

static int failures;
static const char *program;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("vfsdata: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

/* The pattern's byte at offset i: not periodic in a page. */
static char pattern(size_t i)
{
	return (char)(i * 7 + i / 251);
}

/* Whether fd holds exactly the n-byte pattern from offset 0. */
static int holds_pattern(int fd, size_t n)
{
	char *buf = malloc(n + 16);
	ssize_t got = pread(fd, buf, n + 16, 0);
	int ok = got == (ssize_t)n;
	for (size_t i = 0; ok && i < n; i++)
		ok = buf[i] == pattern(i);
	free(buf);
	return ok;
}

/* A child's exit status, or 128 + the signal that ended it. */
static int wait_child(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void round_trip(void)
{
	char *data = malloc(BIG);
	for (size_t i = 0; i < BIG; i++)
		data[i] = pattern(i);
	int fd = open("big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	/* Two writes, one ending and one starting inside a page. */
	check(fd >= 0 && write(fd, data, 5000) == 5000 && write(fd, data + 5000, BIG - 5000) ==
	      BIG - 5000, "write the pattern");
	check(close(fd) == 0, "close");
	free(data);
	fd = open("big", O_RDONLY);
	check(holds_pattern(fd, BIG), "reopened, it reads back byte for byte");
	char c;
	check(lseek(fd, 0, SEEK_END) == BIG && read(fd, &c, 1) == 0, "end of file at its size");

	pid_t pid = fork();
	if (pid == 0)
		_exit(holds_pattern(fd, BIG) ? 0 : 1);
	check(wait_child(pid) == 0, "a forked child reads it back too");
	close(fd);

	pid = fork();
	if (pid == 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", BIG);
		char *args[] = { (char *)program, "readback", "big", n, NULL };
		execvp(program, args);
		_exit(127);
	}
	check(wait_child(pid) == 0, "so does this program exec'd again");

	/* Holes read as zeros; truncation drops the tail and zero-fills regrowth. */
	fd = open("big", O_RDWR);
	check(pwrite(fd, "Z", 1, 10 * PAGE) == 1, "a write far past the end");
	char page[PAGE];
	check(pread(fd, page, PAGE, 6 * PAGE) == PAGE && page[0] == 0 && page[PAGE - 1] == 0,
	      "the hole reads as zeros");
	check(ftruncate(fd, 100) == 0 && ftruncate(fd, PAGE) == 0, "shrink to 100, grow to a page");
	check(pread(fd, page, PAGE, 0) == PAGE && page[99] == pattern(99) && page[100] == 0 &&
	      page[PAGE - 1] == 0, "bytes past the truncation come back as zeros");
	close(fd);
	fd = open("big", O_RDWR | O_TRUNC);
	struct stat st;
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties it");
	close(fd);
	unlink("big");
}

/* Two processes append 200 records each to one file, each through its own open. */
static void appends(void)
{
	enum { RECORDS = 200, LEN = 10 };
	int fd = open("log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	pid_t pid = fork();
	char who = pid == 0 ? 'c' : 'p';
	fd = open("log", O_WRONLY | O_APPEND);
	for (int i = 0; i < RECORDS; i++) {
		char rec[LEN + 1];
		snprintf(rec, sizeof(rec), "%c%08d\n", who, i);
		if (write(fd, rec, LEN) != LEN)
			check(0, "an append");
	}
	close(fd);
	if (pid == 0)
		_exit(0);
	check(wait_child(pid) == 0, "the appending child");
	char *all = malloc(2 * RECORDS * LEN + 1);
	fd = open("log", O_RDONLY);
	ssize_t n = read(fd, all, 2 * RECORDS * LEN + 1);
	close(fd);
	check(n == 2 * RECORDS * LEN, "both processes' records are all there");
	int next[2] = { 0, 0 }, ok = 1;
	for (ssize_t at = 0; ok && at + LEN <= n; at += LEN) {
		int side = all[at] == 'c', num = atoi(all + at + 1);
		ok = (all[at] == 'c' || all[at] == 'p') && all[at + LEN - 1] == '\n' &&
		     num == next[side]++;
	}
	check(ok, "no record overwrote or split another, each side's in order");
	free(all);
	unlink("log");
}

/* msync of a range with no mapping: ENOMEM, as on Linux. */
static int msync_unmapped_is_enomem(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, PAGE);
	return msync(m, PAGE, MS_ASYNC) == -1 && errno == ENOMEM;
}

static void shared_mappings(void)
{
	char buf[16];
	int fd = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	check(ftruncate(fd, 2 * PAGE) == 0, "size the file");
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a shared mapping");

	pid_t pid = fork();
	if (pid == 0) {
		/* The child's stores, through its copy of the mapping. */
		memcpy(m + PAGE + 5, "child", 5);
		_exit(msync(m, 2 * PAGE, MS_SYNC) == 0 ? 0 : 1);
	}
	check(wait_child(pid) == 0, "the child stored and msync'd");
	check(pread(fd, buf, 5, PAGE + 5) == 5 && memcmp(buf, "child", 5) == 0,
	      "read sees the child's stores through its MAP_SHARED mapping");
	check(pwrite(fd, "write", 5, 7) == 5 && memcmp(m + 7, "write", 5) == 0,
	      "a mapping sees write's bytes");
	int other = open("shared", O_RDONLY);
	char *m2 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, other, 0);
	m[0] = 'X';
	check(m2 != MAP_FAILED && m2[0] == 'X', "another mapping of the file sees a store");
	errno = 0;
	check(mprotect(m2, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	      "mprotect cannot make a shared mapping of an O_RDONLY file writable: EACCES");
	check(munmap(m2, PAGE) == 0, "munmap");
	char *r2 = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, other, 0);
	check(r2 != MAP_FAILED && mprotect(r2, PAGE, PROT_READ | PROT_WRITE) == 0,
	      "a private mapping of an O_RDONLY file may become writable");
	if (r2 != MAP_FAILED) {
		r2[0] = 'R';
		check(pread(fd, buf, 1, 0) == 1 && buf[0] == 'X', "and its stores stay private");
		munmap(r2, PAGE);
	}
	close(other);

	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(p != MAP_FAILED && p[0] == 'X', "a private mapping starts as the file");
	p[0] = 'P';
	check(pread(fd, buf, 1, 0) == 1 && buf[0] == 'X' && m[0] == 'X',
	      "its stores reach neither the file nor the shared mapping");
	munmap(p, PAGE);
	check(munmap(m, 2 * PAGE) == 0, "munmap the shared mapping");
	check(pread(fd, buf, 5, PAGE + 5) == 5 && memcmp(buf, "child", 5) == 0,
	      "the file keeps what was stored after munmap");
	check(msync_unmapped_is_enomem(), "msync of an unmapped range: ENOMEM");

	/* Past the end, after a truncation, a touch is SIGBUS. */
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(ftruncate(fd, PAGE) == 0, "truncate to one page");
	pid = fork();
	if (pid == 0) {
		volatile char c = m[PAGE + 1];
		(void)c;
		_exit(0);
	}
	check(wait_child(pid) == 128 + SIGBUS, "a load past the truncated end: SIGBUS");
	pid = fork();
	if (pid == 0)
		_exit(m[0] == 'X' ? 0 : 1);
	check(wait_child(pid) == 0, "a load inside the end is fine");
	munmap(m, 2 * PAGE);
	close(fd);
	unlink("shared");

	fd = open("/dev/zero", O_RDWR);
	int *z = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	check(z != MAP_FAILED && z[0] == 0, "a shared mapping of /dev/zero starts as zeros");
	pid = fork();
	if (pid == 0) {
		z[1] = 1234;
		_exit(0);
	}
	check(wait_child(pid) == 0 && z[1] == 1234, "and is shared with a forked child");
	munmap(z, PAGE);
}

static sigjmp_buf bus_jump;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jump, 1);
}

/* Whether a load from p is SIGBUS (caught here); else *c is what it read. */
static int bus_at(volatile char *p, char *c)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int bus = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jump, 1))
		bus = 1;
	else
		*c = *p;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/*
 * A truncation below pages this process has mapped already, shared and
 * private (one with a private copy): past the new end's page a touch is
 * SIGBUS, and the private copy is gone too; the last page's bytes past the end
 * read as zeros; grown again, the file reads as a hole through both mappings.
 */
static void truncate_under_mappings(void)
{
	char c = 1;
	int fd = open("cut", O_RDWR | O_CREAT | O_TRUNC, 0644);
	check(ftruncate(fd, 3 * PAGE) == 0, "size the file");
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(m != MAP_FAILED && p != MAP_FAILED, "map it shared and private");
	memset(m, 'm', 3 * PAGE);
	p[2 * PAGE] = 'p';
	check(p[PAGE] == 'm', "the private mapping reads the file");

	check(ftruncate(fd, PAGE + 10) == 0, "truncate into the second page");
	check(!bus_at(m + PAGE + 9, &c) && c == 'm', "the last byte is kept");
	check(!bus_at(m + PAGE + 10, &c) && c == 0, "past the end in the last page: zeros");
	check(!bus_at(p + PAGE + 10, &c) && c == 0, "the same through the private mapping");
	check(bus_at(m + 2 * PAGE, &c), "a shared page mapped before, past the end: SIGBUS");
	check(bus_at(p + 2 * PAGE, &c), "a private copy past the end: SIGBUS");

	check(ftruncate(fd, 3 * PAGE) == 0, "grow the file again");
	check(!bus_at(m + 2 * PAGE, &c) && c == 0, "the shared mapping reads the new hole");
	check(!bus_at(p + 2 * PAGE, &c) && c == 0, "so does the private one: its copy went");
	munmap(m, 3 * PAGE);
	munmap(p, 3 * PAGE);
	close(fd);
	unlink("cut");
}

/*
 * Stores through a shared mapping past the end of the file, inside its last
 * page, never become file data: not when ftruncate grows the file over them,
 * nor when a write past the end makes a hole over them.
 */
static void stores_past_end(void)
{
	int fd = open("tail", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[16];

	check(fd >= 0 && ftruncate(fd, 2 * PAGE) == 0, "size the tail file");
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "map it shared");
	if (m == MAP_FAILED)
		return;
	check(ftruncate(fd, 10) == 0, "shrink it to 10 bytes");
	m[20] = 'Z';
	check(ftruncate(fd, 100) == 0, "grow it to 100");
	check(pread(fd, buf, 1, 20) == 1 && buf[0] == 0 && m[20] == 0,
	      "a store past the end does not come back when ftruncate grows the file");
	m[200] = 'Y';
	check(pwrite(fd, "w", 1, 300) == 1, "a write past the end");
	check(pread(fd, buf, 1, 200) == 1 && buf[0] == 0 && m[200] == 0,
	      "the hole it leaves reads zeros, not the store there");
	m[400] = 'X';
	check(lseek(fd, 500, SEEK_SET) == 500 && write(fd, "v", 1) == 1,
	      "lseek past the end and write");
	check(pread(fd, buf, 1, 400) == 1 && buf[0] == 0, "that hole reads zeros too");
	check(pread(fd, buf, 1, 300) == 1 && buf[0] == 'w', "the first write is kept");
	munmap(m, 2 * PAGE);
	close(fd);
	unlink("tail");
}

int main(int argc, char **argv)
{
	char dir[64];

	/* Run again from /tmp below: a relative path must become absolute. */
	static char self[4096];
	if (argv[0][0] != '/' && strchr(argv[0], '/') && getcwd(self, sizeof(self) - 256)) {
		strcat(self, "/");
		strncat(self, argv[0], 200);
		program = self;
	} else {
		program = argv[0];
	}
	if (argc == 4 && strcmp(argv[1], "readback") == 0) {
		int fd = open(argv[2], O_RDONLY);
		return fd >= 0 && holds_pattern(fd, (size_t)atoi(argv[3])) ? 0 : 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/vfsdata.%d", (int)getpid());
	if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
		printf("vfsdata: FAIL cannot make %s (errno %d)\n", dir, errno);
		return 1;
	}
	round_trip();
	appends();
	shared_mappings();
	truncate_under_mappings();
	stores_past_end();
	check(chdir("/") == 0 && rmdir(dir) == 0, "the test directory is empty at the end");
	if (failures == 0)
		printf("vfsdata: ok\n");
	return failures != 0;
}
