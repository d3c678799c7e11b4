/*
 * vfsstorm: 10,000 files created, written, read back and unlinked in a fresh
 * directory under /tmp, with a window of 64 alive at a time and every tenth
 * one still open when it is unlinked (then read through that descriptor and
 * closed). Sizes run from 0 to over two pages. At the end the directory lists
 * only . and .., and is removed. All the while a forked child lists the
 * directory with getdents64 in small pieces: every listing must be well formed,
 * names it could have seen, each at most once. Under leakcheck (the case) every
 * page and kernel object comes back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILES 10000
#define WINDOW 64
#define MAXSIZE 9000

static int failures;
static char buf[MAXSIZE], back[MAXSIZE + 1];

static void check(int ok, const char *what, int i)
{
	if (!ok && failures++ < 10)
		printf("vfsstorm: FAIL %s (file %d, errno %d)\n", what, i, errno);
}

/* File i's size and bytes. */
static size_t size_of(int i)
{
	return (size_t)(i * 37) % MAXSIZE;
}

static void fill(int i)
{
	for (size_t k = 0; k < size_of(i); k++)
		buf[k] = (char)(i + k * 3);
}

/* Whether fd, read from offset 0, holds exactly file i's bytes. */
static int holds(int fd, int i)
{
	fill(i);
	ssize_t n = pread(fd, back, sizeof(back), 0);
	return n == (ssize_t)size_of(i) && memcmp(back, buf, size_of(i)) == 0;
}

/* Check file i's contents by name, then unlink it (through an open descriptor every tenth time). */
static void retire(int i)
{
	char name[32];
	snprintf(name, sizeof(name), "f%d", i);
	int fd = open(name, O_RDONLY);
	check(fd >= 0 && holds(fd, i), "reopened file holds its bytes", i);
	if (i % 10 == 0) {
		check(unlink(name) == 0, "unlink while open", i);
		check(holds(fd, i), "unlinked file still reads", i);
	}
	close(fd);
	if (i % 10 != 0)
		check(unlink(name) == 0, "unlink", i);
}

struct linux_dirent64_head {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Whether name is ".", "..", or f<i> for an i below FILES not yet in seen (then marked). */
static int plausible(const char *name, unsigned char *seen)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 1;
	char *end;
	if (name[0] != 'f' || name[1] < '0' || name[1] > '9')
		return 0;
	long i = strtol(name + 1, &end, 10);
	if (*end || i >= FILES || seen[i] || (name[1] == '0' && name[2]))
		return 0;
	seen[i] = 1;
	return 1;
}

/* One whole listing of "." read 256 bytes at a time: 1 if every entry is plausible. */
static int listing_ok(void)
{
	static unsigned char seen[FILES];
	char dbuf[256];
	int fd = open(".", O_RDONLY | O_DIRECTORY), ok = fd >= 0;
	long n = -1;

	memset(seen, 0, sizeof(seen));
	while (ok && (n = syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf))) > 0) {
		for (long at = 0; ok && at < n;) {
			struct linux_dirent64_head *e = (void *)(dbuf + at);
			size_t head = offsetof(struct linux_dirent64_head, name);
			ok = at + (long)head < n &&
			     strnlen(e->name, (size_t)(n - at) - head) + head < e->reclen &&
			     e->reclen % 8 == 0 && at + e->reclen <= n && plausible(e->name, seen);
			at += e->reclen;
		}
	}
	if (fd >= 0)
		close(fd);
	return ok && n == 0;
}

/* A child listing "." until *stop; exits with 0 if every listing was well formed. */
static pid_t start_lister(volatile int *stop)
{
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		while (!*stop)
			bad += !listing_ok();
		_exit(bad != 0);
	}
	return pid;
}

int main(void)
{
	char dir[64], name[32];

	snprintf(dir, sizeof(dir), "/tmp/vfsstorm.%d", (int)getpid());
	if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
		printf("vfsstorm: FAIL cannot make %s (errno %d)\n", dir, errno);
		return 1;
	}
	volatile int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(stop != MAP_FAILED, "a shared page", 0);
	pid_t lister = start_lister(stop);
	check(lister > 0, "fork the lister", 0);
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		check(fd >= 0, "create", i);
		fill(i);
		check(write(fd, buf, size_of(i)) == (ssize_t)size_of(i), "write", i);
		close(fd);
		if (i >= WINDOW)
			retire(i - WINDOW);
	}
	for (int i = FILES - WINDOW; i < FILES; i++)
		retire(i);
	*stop = 1;
	int status = -1;
	check(waitpid(lister, &status, 0) == lister && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "every listing made during the storm was well formed", 0);
	munmap((void *)stop, 4096);

	DIR *d = opendir(".");
	int entries = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		entries++;
	check(d && entries == 2, "the directory ends with only . and ..", entries);
	if (d)
		closedir(d);
	check(chdir("/") == 0 && rmdir(dir) == 0, "rmdir", 0);
	if (failures)
		return 1;
	printf("vfsstorm: ok\n");
	return 0;
}
