/*
 * vfsstorm: 10,000 files created, written, read back and unlinked in a fresh
 * directory under /tmp, with a window of 64 alive at a time and every tenth
 * one still open when it is unlinked (then read through that descriptor and
 * closed). Sizes run from 0 to over two pages. At the end the directory lists
 * only . and .., and is removed. Under leakcheck (the case) every page and
 * kernel object comes back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
	char dir[64], name[32];

	snprintf(dir, sizeof(dir), "/tmp/vfsstorm.%d", (int)getpid());
	if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
		printf("vfsstorm: FAIL cannot make %s (errno %d)\n", dir, errno);
		return 1;
	}
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
