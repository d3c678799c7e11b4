/*
 * tmpfsfull: fill the tmpfs at / until memory runs out (the case boots with
 * little memory). Writes must end in -ENOSPC, as a full tmpfs's do on Linux,
 * and the kernel must go on: what was written still reads back, a file grows
 * by ftruncate without pages, a store into a shared mapping of its hole is
 * SIGBUS (Linux's answer when tmpfs has no page for a fault), truncating one
 * file down gives its pages back so that a write succeeds again, and after
 * the files are unlinked the space is there once more. Under leakcheck (the
 * case) every page comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define CHUNK (64 * 1024)
#define PER_FILE (16 * CHUNK)	/* 1 MiB */
#define MAXFILES 512

static char chunk[CHUNK], back[CHUNK];
static int fds[MAXFILES];

/* The bytes of chunk k of file f. */
static void fill(int f, int k)
{
	memset(chunk, 'a' + (f + k) % 26, CHUNK);
}

static void path(char *buf, size_t n, int f)
{
	snprintf(buf, n, "/tmp/full.%d", f);
}

/* Write chunks to new files until a write or a create fails; the files made, or -1. */
static int fill_up(long *written, int *err)
{
	char name[32];

	for (int f = 0; f < MAXFILES; f++) {
		path(name, sizeof(name), f);
		fds[f] = open(name, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fds[f] < 0) {
			*err = -errno;
			return f;
		}
		for (int k = 0; k < PER_FILE / CHUNK; k++) {
			fill(f, k);
			long r = write(fds[f], chunk, CHUNK);
			if (r > 0)
				*written += r;
			if (r == CHUNK)
				continue;
			/* A short write is followed by the error itself. */
			*err = r < 0 || write(fds[f], chunk, CHUNK) < 0 ? -errno : 0;
			return f + 1;
		}
	}
	return -1;
}

/*
 * In a child, store into a MAP_SHARED mapping of fd's hole at off, which needs
 * a page the full tmpfs cannot have: SIGBUS, as on Linux. The child's exit
 * status, or 128 + the signal that ended it.
 */
static int store_in_hole(int fd, off_t off)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char *m = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		if (m == MAP_FAILED)
			_exit(1);
		m[0] = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	long written = 0;
	int err = 0;

	/* Our own buffers get their pages now: later there will be none to fault in. */
	memset(back, 1, sizeof(back));
	int files = fill_up(&written, &err);

	check(files > 0, "the tmpfs filled before MAXFILES files");
	if (files <= 0)
		return test_verdict(test_failures);
	printf("tmpfsfull: %ld KiB in %d files, then %d\n", written / 1024, files, err);
	expect("the write (or create) when memory is gone", err, -ENOSPC);

	/* Everything written reads back, chunk by chunk, in the first and last full file. */
	int checked[] = { 0, files > 1 ? files - 2 : 0 };
	for (int i = 0; i < 2; i++) {
		int f = checked[i];
		for (int k = 0; k < PER_FILE / CHUNK; k++) {
			fill(f, k);
			check(pread(fds[f], back, CHUNK, (off_t)k * CHUNK) == CHUNK &&
			      memcmp(back, chunk, CHUNK) == 0, "a full file reads back");
		}
	}
	expect("a file grows by ftruncate without pages", ftruncate(fds[0], 4 * PER_FILE), 0);
	expect("a store into a shared mapping of a hole, with no space for it",
	       store_in_hole(fds[0], 2 * PER_FILE), 128 + SIGBUS);
	expect("and shrinks to nothing, giving its pages back", ftruncate(fds[0], 0), 0);
	fill(0, 0);
	expect("a write once space came back", pwrite(fds[0], chunk, CHUNK, 0), CHUNK);
	check(pread(fds[0], back, CHUNK, 0) == CHUNK && memcmp(back, chunk, CHUNK) == 0,
	      "and its bytes read back");

	for (int f = 0; f < files; f++) {
		char name[32];
		path(name, sizeof(name), f);
		close(fds[f]);
		expect("unlink", unlink(name), 0);
	}
	/* The space is all there again: as many files fit as before. */
	long again = 0;
	int files_again = fill_up(&again, &err);
	printf("tmpfsfull: again %ld KiB in %d files, then %d\n", again / 1024, files_again, err);
	check(again >= written - PER_FILE, "the same space again after the unlinks");
	for (int f = 0; f < files_again; f++) {
		char name[32];
		path(name, sizeof(name), f);
		close(fds[f]);
		expect("unlink", unlink(name), 0);
	}
	return test_verdict(test_failures);
}
