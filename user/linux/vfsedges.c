/*
 * vfsedges: corners of open, writev, mmap, fcntl, lseek and the current
 * directory where a kernel easily differs from Linux. In a fresh directory
 * under /tmp: a writev on an O_APPEND file lands whole while another process
 * appends too, and a readv moves the offset once; a trailing slash with and
 * without O_CREAT; O_CREAT through a dangling symbolic link; O_RDONLY|O_TRUNC;
 * mmap's flag checks (unknown flags, MAP_SHARED_VALIDATE, MAP_FIXED_NOREPLACE,
 * MAP_POPULATE, MAP_NORESERVE); F_GETFL's O_LARGEFILE; SEEK_DATA and
 * SEEK_HOLE; a removed current directory; and threads made with CLONE_FS
 * sharing the current directory and umask, where fork copies them.
 * Everything it makes it removes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("vfsedges: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

/* The call failed with exactly err. */
static int fails(long r, int err)
{
	return r == -1 && errno == err;
}

/* Make file path holding text. */
static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	check(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), path);
	close(fd);
}

/* The size of path, or -1. */
static long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

#define RECORDS 300	/* writevs by each of two processes */
#define PIECES 4	/* buffers in each writev */
#define PIECE 509	/* bytes in each buffer: records straddle pages */

/* RECORDS writevs of PIECES buffers of tag onto fd, opened O_APPEND. */
static void append_records(int fd, char tag)
{
	char piece[PIECES][PIECE];
	struct iovec v[PIECES];

	for (int i = 0; i < PIECES; i++) {
		memset(piece[i], tag, PIECE);
		v[i].iov_base = piece[i];
		v[i].iov_len = PIECE;
	}
	for (int n = 0; n < RECORDS; n++)
		if (writev(fd, v, PIECES) != PIECES * PIECE)
			_exit(1);
}

/* Two processes append records with writev: each record lies whole in the file. */
static void writev_whole(void)
{
	enum { RECORD = PIECES * PIECE };
	int fd = open("log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	int status;

	check(fd >= 0, "open log");
	pid_t pid = fork();
	if (pid == 0)
		append_records(fd, 'b'), _exit(0);
	append_records(fd, 'a');
	check(waitpid(pid, &status, 0) == pid && status == 0, "the other appender");
	close(fd);
	check(size_of("log") == 2L * RECORDS * RECORD, "log holds every record");
	char *rec = malloc(RECORD);
	int broken = 0;
	fd = open("log", O_RDONLY);
	for (int n = 0; n < 2 * RECORDS; n++) {
		if (read(fd, rec, RECORD) != RECORD) {
			broken++;
			break;
		}
		for (int i = 1; i < RECORD; i++)
			if (rec[i] != rec[0]) {
				broken++;
				break;
			}
	}
	check(broken == 0, "no writev record is split by another's");
	/* readv: the buffers fill in order from one offset, which moves once by the total. */
	char a[3], b[5];
	struct iovec v[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	put("short", "0123456");
	int rfd = open("short", O_RDONLY);
	check(readv(rfd, v, 2) == 7 && memcmp(a, "012", 3) == 0 && memcmp(b, "3456", 4) == 0,
	      "readv fills its buffers in order, short at the end");
	check(lseek(rfd, 0, SEEK_CUR) == 7, "readv moved the offset by what it read");
	close(rfd);
	close(fd);
	free(rec);
	check(unlink("log") == 0 && unlink("short") == 0, "unlink log, short");
}

/* Trailing slashes after a file's name, and after a name that is not there. */
static void slashes(void)
{
	put("f", "x");
	check(fails(open("f/", O_RDONLY), ENOTDIR), "open f/: ENOTDIR");
	check(fails(open("f/", O_WRONLY | O_CREAT, 0644), EISDIR), "open f/ O_CREAT: EISDIR");
	check(fails(open("f/", O_RDWR | O_CREAT | O_EXCL, 0644), EISDIR),
	      "open f/ O_CREAT|O_EXCL: EISDIR");
	check(fails(open("nothere/", O_WRONLY | O_CREAT, 0644), EISDIR), "open nothere/ O_CREAT: EISDIR");
	check(fails(open("nothere/", O_RDONLY), ENOENT), "open nothere/: ENOENT");
	check(access("nothere", F_OK) != 0, "nothing was made");
	check(unlink("f") == 0, "unlink f");
}

/* O_CREAT through a symbolic link whose target is not there makes the target. */
static void dangling(void)
{
	check(mkdir("d", 0755) == 0, "mkdir d");
	check(symlink("d/t", "l") == 0 && symlink("l", "ll") == 0, "symlink l -> d/t, ll -> l");
	check(fails(open("l", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST), "O_EXCL on a dangling link: EEXIST");
	check(fails(open("l", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644), ELOOP),
	      "O_NOFOLLOW on a dangling link: ELOOP");
	check(access("d/t", F_OK) != 0, "neither made d/t");
	int fd = open("ll", O_WRONLY | O_CREAT, 0644);
	check(fd >= 0 && write(fd, "via", 3) == 3, "O_CREAT through two links");
	close(fd);
	check(size_of("d/t") == 3, "the target d/t was made");
	check(symlink("nodir/t", "bad") == 0, "symlink bad -> nodir/t");
	check(fails(open("bad", O_WRONLY | O_CREAT, 0644), ENOENT), "a target in no directory: ENOENT");
	check(unlink("bad") == 0 && unlink("ll") == 0 && unlink("l") == 0 && unlink("d/t") == 0 &&
	      rmdir("d") == 0, "remove the links, d/t, d");
}

/* O_TRUNC truncates whatever the access mode; a directory refuses it. */
static void rdonly_trunc(void)
{
	put("t", "content");
	int fd = open("t", O_RDONLY | O_TRUNC);
	check(fd >= 0, "open t O_RDONLY|O_TRUNC");
	close(fd);
	check(size_of("t") == 0, "O_RDONLY|O_TRUNC truncated t");
	check(mkdir("dt", 0755) == 0, "mkdir dt");
	check(fails(open("dt", O_RDONLY | O_TRUNC), EISDIR), "O_TRUNC of a directory: EISDIR");
	check(unlink("t") == 0 && rmdir("dt") == 0, "unlink t, rmdir dt");
}

#define MAP_UNKNOWN 0x800000	/* no flag of Linux's */

/* mmap's flags: which are ignored, which are checked. */
static void mmap_flags(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("m", O_RDWR | O_CREAT | O_TRUNC, 0644);
	check(fd >= 0 && ftruncate(fd, pg) == 0, "make m one page long");
	char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_UNKNOWN, fd, 0);
	check(p != MAP_FAILED, "MAP_SHARED ignores an unknown flag");
	if (p != MAP_FAILED)
		p[0] = 's', munmap(p, pg);
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_UNKNOWN, -1, 0);
	check(p != MAP_FAILED && p[0] == 0, "MAP_PRIVATE ignores an unknown flag");
	if (p != MAP_FAILED)
		munmap(p, pg);
	errno = 0;
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | MAP_UNKNOWN, fd, 0);
	check(p == MAP_FAILED && errno == EOPNOTSUPP, "MAP_SHARED_VALIDATE refuses it: EOPNOTSUPP");
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, fd, 0);
	check(p != MAP_FAILED && p[0] == 's', "MAP_SHARED_VALIDATE with known flags is MAP_SHARED");
	if (p != MAP_FAILED)
		munmap(p, pg);
	errno = 0;
	p = mmap(NULL, pg, PROT_READ, 0x4 | MAP_ANONYMOUS, -1, 0);
	check(p == MAP_FAILED && errno == EINVAL, "a mapping type that is none: EINVAL");
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE, -1, 0);
	check(p != MAP_FAILED, "MAP_POPULATE | MAP_NORESERVE");
	if (p != MAP_FAILED) {
		p[3 * pg] = 1;
		check(p[0] == 0 && p[3 * pg] == 1, "the populated memory is zeros, writable");
		char *q = mmap(p + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			       -1, 0);
		check(q == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
		check(p[3 * pg] == 1, "it left the mapping alone");
		check(munmap(p + pg, pg) == 0, "munmap a page");
		q = mmap(p + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		check(q == p + pg, "MAP_FIXED_NOREPLACE into the hole: exactly there");
		munmap(p, 4 * pg);
	}
	close(fd);
	check(unlink("m") == 0, "unlink m");
}

#define LARGEFILE 0100000	/* O_LARGEFILE as the x86-64 kernel reports it */

/* F_GETFL shows O_LARGEFILE for an open file; SEEK_DATA and SEEK_HOLE on one without holes. */
static void getfl_seek(void)
{
	put("s", "0123456789");
	int fd = open("s", O_RDWR);
	int fl = fcntl(fd, F_GETFL);
	check(fl >= 0 && (fl & LARGEFILE) && (fl & O_ACCMODE) == O_RDWR, "F_GETFL: O_RDWR | O_LARGEFILE");
	check(fcntl(fd, F_SETFL, O_APPEND) == 0 && fcntl(fd, F_GETFL) == (O_RDWR | O_APPEND | LARGEFILE),
	      "F_SETFL keeps O_LARGEFILE");
	int p[2];
	check(pipe(p) == 0 && !(fcntl(p[0], F_GETFL) & LARGEFILE), "a pipe has no O_LARGEFILE");
	close(p[0]);
	close(p[1]);
	check(lseek(fd, 0, SEEK_DATA) == 0 && lseek(fd, 4, SEEK_DATA) == 4, "SEEK_DATA in the data: there");
	check(lseek(fd, 0, SEEK_HOLE) == 10 && lseek(fd, 9, SEEK_HOLE) == 10, "SEEK_HOLE: the end");
	check(fails(lseek(fd, 10, SEEK_DATA), ENXIO) && fails(lseek(fd, 10, SEEK_HOLE), ENXIO) &&
	      fails(lseek(fd, 99, SEEK_DATA), ENXIO), "SEEK_DATA and SEEK_HOLE at or past the end: ENXIO");
	check(fails(lseek(fd, -1, SEEK_DATA), ENXIO), "SEEK_DATA before the start: ENXIO");
	check(lseek(fd, 0, SEEK_CUR) == 10, "the offset is where the last good seek put it");
	close(fd);
	check(unlink("s") == 0, "unlink s");
}

/* A current directory that is removed: no name, no new entries, but ".." still leads up. */
static void removed_cwd(void)
{
	char buf[PATH_MAX], here[PATH_MAX];

	check(getcwd(here, sizeof(here)) != NULL, "getcwd");
	check(mkdir("gone", 0755) == 0 && chdir("gone") == 0 && rmdir("../gone") == 0,
	      "chdir into gone, rmdir it");
	check(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT, "getcwd in a removed directory: ENOENT");
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	check(fd >= 0, "open . of a removed directory");
	close(fd);
	check(fails(open("new", O_WRONLY | O_CREAT, 0644), ENOENT), "create in it: ENOENT");
	check(fails(mkdir("sub", 0755), ENOENT), "mkdir in it: ENOENT");
	check(chdir("..") == 0, "chdir .. from a removed directory");
	check(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, here) == 0, ".. was its parent");
}

static char thread_dir[PATH_MAX];
static mode_t thread_umask;

/* A thread's start: move to "sub" and set the umask to 027. */
static void *thread_moves(void *arg)
{
	thread_umask = umask(027);
	if (chdir("sub") < 0 || !getcwd(thread_dir, sizeof(thread_dir)))
		thread_dir[0] = '\0';
	return arg;
}

/* Threads share the current directory and umask; a forked child has its own. */
static void shared_fs(void)
{
	char here[PATH_MAX], buf[PATH_MAX];
	pthread_t t;
	int status;

	check(getcwd(here, sizeof(here)) != NULL && mkdir("sub", 0755) == 0, "mkdir sub");
	mode_t old = umask(022);
	check(pthread_create(&t, NULL, thread_moves, NULL) == 0 && pthread_join(t, NULL) == 0,
	      "a thread that changes directory");
	check(thread_umask == 022, "the thread started with its creator's umask");
	check(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, thread_dir) == 0,
	      "the thread's chdir moved its creator too");
	check(umask(022) == 027, "the thread's umask is its creator's too");
	pid_t pid = fork();
	if (pid == 0) {
		umask(077);
		_exit(chdir("..") == 0 ? 0 : 1);
	}
	check(waitpid(pid, &status, 0) == pid && status == 0, "the child moved up");
	check(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, thread_dir) == 0,
	      "a forked child's chdir leaves its parent where it was");
	check(umask(old) == 022, "and its umask too");
	check(chdir(here) == 0 && rmdir("sub") == 0, "back, rmdir sub");
}

int main(void)
{
	char dir[] = "/tmp/vfsedges.XXXXXX";

	if (!mkdtemp(dir) || chdir(dir) < 0) {
		printf("vfsedges: FAIL a directory under /tmp (errno %d)\n", errno);
		return 1;
	}
	writev_whole();
	slashes();
	dangling();
	rdonly_trunc();
	mmap_flags();
	getfl_seek();
	removed_cwd();
	shared_fs();
	check(chdir("/") == 0 && rmdir(dir) == 0, "rmdir the test directory");
	if (failures)
		return 1;
	printf("vfsedges: ok\n");
	return 0;
}
