/*
 * vfspaths: names, as a Linux program sees them. In a fresh directory under
 * /tmp: path lookup's edge cases (// . .. trailing slashes, ENAMETOOLONG,
 * ENOTDIR, ELOOP, symbolic links), what getdents64 lists after creates and
 * unlinks, rename (over a file, RENAME_NOREPLACE, into its own subtree, type
 * clashes), RENAME_EXCHANGE of files and directories, rmdir of a directory that
 * is not empty, a file unlinked while open,
 * hard links, the current directory (chdir, fchdir, getcwd, even removed),
 * modes, times and access checks. Everything it makes it removes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("vfspaths: FAIL %s (errno %d)\n", what, errno);
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

/* What file path holds (up to 63 bytes), or "" if it cannot be read. */
static const char *get(const char *path)
{
	static char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static ino_t ino_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void lookups(void)
{
	char name[NAME_MAX + 2], *longpath = malloc(PATH_MAX + 2);
	struct stat st;

	check(mkdir("a", 0755) == 0 && mkdir("a/b", 0755) == 0, "mkdir a, a/b");
	put("c", "see");
	check(ino_of("a/b") != 0 && ino_of(".//a/./b/../b/") == ino_of("a/b"), ".//a/./b/../b/ is a/b");
	check(ino_of("a/b/../../c") == ino_of("c"), "a/b/../../c is c");
	check(ino_of("/..") == ino_of("/"), "/.. is /");
	check(fails(stat("c/", &st), ENOTDIR), "c/ (a file with a slash): ENOTDIR");
	check(fails(open("c/x", O_RDONLY), ENOTDIR), "c/x: ENOTDIR");
	check(fails(mkdir("c/d", 0755), ENOTDIR), "mkdir c/d: ENOTDIR");
	check(fails(stat("nothere/x", &st), ENOENT), "nothere/x: ENOENT");
	check(fails(stat("", &st), ENOENT), "the empty path: ENOENT");
	check(fails(openat(999, "", O_RDONLY), ENOENT) && fails(mkdirat(999, "", 0755), ENOENT) &&
	      fails(unlinkat(999, "", 0), ENOENT) && fails(fstatat(999, "", &st, 0), ENOENT) &&
	      fails(linkat(999, "", AT_FDCWD, "x", 0), ENOENT) &&
	      fails(linkat(AT_FDCWD, "x", 999, "", 0), ENOENT),
	      "an empty path without AT_EMPTY_PATH: ENOENT, before the bad dirfd");
	memset(name, 'n', NAME_MAX + 1);
	name[NAME_MAX + 1] = '\0';
	check(fails(open(name, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG), "a 256-byte name: ENAMETOOLONG");
	name[NAME_MAX] = '\0';
	check(fails(stat(name, &st), ENOENT), "a 255-byte name is a name");
	memset(longpath, '/', PATH_MAX + 1);
	longpath[PATH_MAX + 1] = '\0';
	check(fails(stat(longpath, &st), ENAMETOOLONG), "a path of PATH_MAX bytes: ENAMETOOLONG");
	free(longpath);

	check(symlink("loop", "loop") == 0, "symlink loop -> loop");
	check(fails(open("loop", O_RDONLY), ELOOP), "opening a link to itself: ELOOP");
	check(fails(stat("loop/x", &st), ELOOP), "loop/x: ELOOP");
	check(symlink("a/b", "tob") == 0 && symlink("/nowhere/at/all", "dangling") == 0, "symlinks");
	check(ino_of("tob") == ino_of("a/b") && ino_of("tob/..") == ino_of("a"), "tob is a/b");
	check(lstat("tob", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 3, "lstat sees the link");
	char target[16] = "";
	check(readlink("tob", target, sizeof(target)) == 3 && memcmp(target, "a/b", 3) == 0,
	      "readlink gives the target, no NUL");
	check(readlink("tob", target, 2) == 2, "readlink cuts to the buffer");
	check(fails(readlink("c", target, sizeof(target)), EINVAL), "readlink of a file: EINVAL");
	check(fails(readlinkat(AT_FDCWD, "", target, sizeof(target)), ENOENT),
	      "readlinkat of an empty path (the directory): ENOENT");
	int cfd = open("c", O_RDONLY);
	check(cfd >= 0 && utimensat(cfd, "", NULL, AT_EMPTY_PATH) == 0,
	      "utimensat(fd, \"\", NULL, AT_EMPTY_PATH) sets fd's file's times");
	close(cfd);
	check(fails(stat("dangling", &st), ENOENT) && lstat("dangling", &st) == 0,
	      "a dangling link: ENOENT through it, there itself");
	check(fails(open("tob", O_RDONLY | O_NOFOLLOW), ELOOP), "O_NOFOLLOW on a link: ELOOP");
	check(fails(open("c", O_RDONLY | O_DIRECTORY), ENOTDIR), "O_DIRECTORY on a file: ENOTDIR");
	check(fails(open("newdir", O_CREAT | O_DIRECTORY | O_RDWR, 0644), EINVAL) &&
	      fails(open("a", O_CREAT | O_DIRECTORY, 0644), EINVAL) &&
	      fails(stat("newdir", &st), ENOENT), "O_CREAT with O_DIRECTORY: EINVAL, nothing made");
	check(fails(open("a", O_WRONLY), EISDIR), "a directory opened for writing: EISDIR");
	int d = open("a", O_RDONLY | O_DIRECTORY);
	char byte;
	check(d >= 0 && fails(read(d, &byte, 1), EISDIR), "read of a directory: EISDIR");
	check(fails(mkdir("a", 0755), EEXIST) && fails(mkdir(".", 0755), EEXIST), "mkdir of what exists");
	int fd = openat(d, "b/../inner", O_WRONLY | O_CREAT | O_EXCL, 0600);
	check(fd >= 0 && ino_of("a/inner") != 0, "openat relative to a directory descriptor");
	check(fails(openat(d, "inner", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST), "O_EXCL: EEXIST");
	check(fails(openat(fd, "x", O_RDONLY), ENOTDIR), "openat from a file: ENOTDIR");
	close(fd);
	close(d);
	unlink("a/inner");
	unlink("loop");
	unlink("tob");
	unlink("dangling");
}

/* The names getdents64 lists in dir, each once, as "name name ..." in *out. */
static int list_dir(const char *dir, char *out, size_t size, size_t bufsize)
{
	char buf[4096];
	int fd = open(dir, O_RDONLY | O_DIRECTORY), count = 0;
	long n;

	out[0] = '\0';
	while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
		for (long at = 0; at < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + at);
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(out + strlen(out), size - strlen(out), "%s ", e->d_name);
				count++;
			}
			at += e->d_reclen;
		}
	}
	check(n == 0, "getdents64 ends with 0");
	close(fd);
	return count;
}

/* Whether list holds word as a whole name. */
static int listed(const char *list, const char *word)
{
	char w[NAME_MAX + 2];
	snprintf(w, sizeof(w), "%s ", word);
	for (const char *p = list; (p = strstr(p, w)); p++)
		if (p == list || p[-1] == ' ')
			return 1;
	return 0;
}

static void listing(void)
{
	char name[32], list[1024];
	struct stat st;

	check(mkdir("l", 0755) == 0, "mkdir l");
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "l/f%d", i);
		put(name, "x");
	}
	for (int i = 1; i < 20; i += 2) {
		snprintf(name, sizeof(name), "l/f%d", i);
		check(unlink(name) == 0, "unlink an odd one");
	}
	check(mkdir("l/sub", 0700) == 0, "mkdir l/sub");
	int n = list_dir("l", list, sizeof(list), 4096);
	check(n == 11, "getdents64 lists the 10 files left and the directory");
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		check(listed(list, name) == (i % 2 == 0), name);
	}
	check(listed(list, "sub"), "sub is listed");
	char small[1024];
	check(list_dir("l", small, sizeof(small), 64) == 11 && strcmp(small, list) == 0,
	      "a 64-byte buffer lists the same, a few at a time");
	int fd = open("l", O_RDONLY);
	char tiny[8];
	check(fails(syscall(SYS_getdents64, fd, tiny, sizeof(tiny)), EINVAL),
	      "a buffer too small for one record: EINVAL");
	check(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 3,
	      "a directory with one subdirectory has 3 links");
	close(fd);

	check(fails(rmdir("l"), ENOTEMPTY), "rmdir of a directory that is not empty: ENOTEMPTY");
	check(fails(rmdir("l/f0"), ENOTDIR), "rmdir of a file: ENOTDIR");
	check(fails(unlink("l/sub"), EISDIR), "unlink of a directory: EISDIR");
	check(fails(rmdir("l/sub/."), EINVAL), "rmdir of .: EINVAL");
	check(rmdir("l/sub/") == 0, "rmdir with a trailing slash");
	for (int i = 0; i < 20; i += 2) {
		snprintf(name, sizeof(name), "l/f%d", i);
		unlink(name);
	}
	check(syscall(SYS_unlinkat, AT_FDCWD, "l", AT_REMOVEDIR) == 0, "unlinkat(AT_REMOVEDIR) of the emptied l");
	check(fails(stat("l", &st), ENOENT), "l is gone");
}

static void renames(void)
{
	struct stat st;

	put("old", "old");
	put("new", "new");
	check(rename("old", "new") == 0, "rename over an existing file");
	check(strcmp(get("new"), "old") == 0 && fails(stat("old", &st), ENOENT),
	      "the new name has the old file, the old name is gone");
	put("other", "o");
	check(fails(syscall(SYS_renameat2, AT_FDCWD, "other", AT_FDCWD, "new", 1), EEXIST),
	      "RENAME_NOREPLACE over a file: EEXIST");
	check(mkdir("d1", 0755) == 0 && mkdir("d1/d2", 0755) == 0 && mkdir("e", 0755) == 0, "dirs");
	check(fails(rename("d1", "d1/d2/d3"), EINVAL), "a directory into itself: EINVAL");
	check(fails(rename("/", "d9"), EBUSY), "rename of /: EBUSY");
	check(fails(rename("d1/..", "d9"), EBUSY) && fails(rename("other", "."), EBUSY),
	      "rename from or onto . or ..: EBUSY");
	check(fails(rename("new", "e"), EISDIR), "a file over a directory: EISDIR");
	check(fails(rename("e", "new"), ENOTDIR), "a directory over a file: ENOTDIR");
	check(fails(rename("e", "d1"), ENOTEMPTY) || fails(rename("e", "d1"), EEXIST),
	      "a directory over one that is not empty");
	check(rename("d1/d2", "e") == 0 && ino_of("e/..") == ino_of("."),
	      "a directory over an empty one, and its .. follows");
	check(rename("e", "d1/moved") == 0 && ino_of("d1/moved/..") == ino_of("d1"), "moved into d1");
	check(link("new", "new") == -1 && errno == EEXIST, "link onto a name that exists: EEXIST");
	check(link("new", "hard") == 0 && ino_of("hard") == ino_of("new"), "a hard link is the same file");
	check(stat("new", &st) == 0 && st.st_nlink == 2, "which has 2 links");
	check(rename("hard", "new") == 0 && ino_of("hard") != 0, "rename onto another name of itself does nothing");
	check(fails(link("d1", "d1link"), EPERM), "a hard link to a directory: EPERM");
	unlink("hard");
	unlink("new");
	unlink("other");
	rmdir("d1/moved");
	rmdir("d1");
}

/* renameat2 with RENAME_EXCHANGE (2): two names swap, files and directories, across directories. */
static long exchange(const char *a, const char *b, int flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void exchanges(void)
{
	struct stat st;

	put("xa", "a");
	put("xb", "b");
	check(exchange("xa", "xb", 2) == 0 && strcmp(get("xa"), "b") == 0 &&
	      strcmp(get("xb"), "a") == 0, "RENAME_EXCHANGE swaps two files");
	check(fails(exchange("xa", "xnone", 2), ENOENT) && fails(exchange("xnone", "xa", 2), ENOENT),
	      "RENAME_EXCHANGE with a name missing: ENOENT");
	check(fails(exchange("xa", "xb", 3), EINVAL), "RENAME_EXCHANGE with RENAME_NOREPLACE: EINVAL");
	check(mkdir("xd", 0755) == 0 && mkdir("xd/in", 0755) == 0 && mkdir("xs", 0755) == 0, "dirs");
	put("xs/f", "f");
	nlink_t top = stat(".", &st) == 0 ? st.st_nlink : 0;
	ino_t d = ino_of("xd");
	check(exchange("xd", "xs/f", 2) == 0 && ino_of("xs/f") == d && strcmp(get("xd"), "f") == 0,
	      "a directory and a file in another directory swap");
	check(ino_of("xs/f/..") == ino_of("xs") && ino_of("xs/f/in/..") == d,
	      "the moved directory's .. follows it");
	check(stat(".", &st) == 0 && st.st_nlink == top - 1 && stat("xs", &st) == 0 &&
	      st.st_nlink == 3, "and the link counts of both parents");
	check(fails(exchange("xs", "xs/f/in", 2), EINVAL), "a directory swapped into itself: EINVAL");
	check(exchange("xs/f", "xd", 2) == 0 && ino_of("xd") == d && strcmp(get("xs/f"), "f") == 0,
	      "and back");
	unlink("xa");
	unlink("xb");
	unlink("xs/f");
	rmdir("xs");
	rmdir("xd/in");
	rmdir("xd");
}

static void unlinked_open(void)
{
	struct stat st;
	char buf[16] = "";
	int fd = open("ghost", O_RDWR | O_CREAT | O_TRUNC, 0600);

	check(fd >= 0 && write(fd, "still here", 10) == 10, "write ghost");
	check(unlink("ghost") == 0 && fails(stat("ghost", &st), ENOENT), "unlink it: the name is gone");
	check(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 10, "fstat: 0 links, 10 bytes");
	check(pread(fd, buf, sizeof(buf), 0) == 10 && memcmp(buf, "still here", 10) == 0,
	      "the open file still reads back");
	check(write(fd, "!", 1) == 1 && fstat(fd, &st) == 0 && st.st_size == 11, "and still writes");
	close(fd);
}

static void cwd(void)
{
	char here[PATH_MAX], buf[PATH_MAX + 8];

	check(getcwd(here, sizeof(here)) != NULL, "getcwd");
	check(mkdir("w", 0755) == 0 && chdir("w") == 0, "chdir w");
	snprintf(buf, sizeof(buf), "%s/w", here);
	char now[PATH_MAX];
	check(getcwd(now, sizeof(now)) && strcmp(now, buf) == 0, "getcwd after chdir");
	int top = open("..", O_RDONLY | O_DIRECTORY);
	check(fchdir(top) == 0 && getcwd(now, sizeof(now)) && strcmp(now, here) == 0, "fchdir back");
	close(top);
	int file = open("c", O_RDONLY);
	check(fails(fchdir(file), ENOTDIR) && fails(chdir("c"), ENOTDIR), "chdir to a file: ENOTDIR");
	close(file);
	check(chdir("w") == 0 && rmdir("../w") == 0, "remove the current directory");
	check(getcwd(now, sizeof(now)) == NULL && errno == ENOENT, "getcwd of a removed directory: ENOENT");
	check(fails(open("x", O_WRONLY | O_CREAT, 0644), ENOENT), "no file can be made in it");
	check(chdir(here) == 0, "back");
	check(getcwd(now, 2) == NULL && errno == ERANGE, "getcwd into 2 bytes: ERANGE");
}

static void attributes(void)
{
	struct stat st;
	struct timespec times[2] = { { 1000000000, 5 }, { 1100000000, 7 } };

	put("m", "mode");
	check(chmod("m", 0741) == 0 && stat("m", &st) == 0 && (st.st_mode & 07777) == 0741 &&
	      S_ISREG(st.st_mode), "chmod keeps the type, sets the bits");
	int fd = open("m", O_RDWR | O_APPEND);
	check(fchmod(fd, 0600) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600, "fchmod");
	check((fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND)) == (O_RDWR | O_APPEND),
	      "F_GETFL shows O_RDWR | O_APPEND");
	check(write(fd, "!", 1) == 1 && strcmp(get("m"), "mode!") == 0, "O_APPEND writes at the end");
	check(fcntl(fd, F_SETFL, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "M", 1) == 1 &&
	      strcmp(get("m"), "Mode!") == 0, "without O_APPEND, at the offset");
	check(utimensat(AT_FDCWD, "m", times, 0) == 0 && stat("m", &st) == 0 &&
	      st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 5 &&
	      st.st_mtim.tv_sec == 1100000000 && st.st_mtim.tv_nsec == 7, "utimensat sets both times");
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	check(utimensat(AT_FDCWD, "m", omit, 0) == 0 && stat("m", &st) == 0 &&
	      st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec > 1100000000,
	      "UTIME_OMIT keeps one, UTIME_NOW sets the other");
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	check(fails(utimensat(AT_FDCWD, "m", bad, 0), EINVAL), "a bad tv_nsec: EINVAL");
	check(access("m", F_OK) == 0 && access("m", R_OK | W_OK) == 0, "access F_OK, R_OK | W_OK");
	check(fails(access("m", X_OK), EACCES), "X_OK without an x bit: EACCES (even for root)");
	check(fails(access("nothere", F_OK), ENOENT), "access of nothing: ENOENT");
	check(ftruncate(fd, 2) == 0 && fstat(fd, &st) == 0 && st.st_size == 2, "ftruncate");
	check(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync, fdatasync");
	close(fd);
	fd = open("m", O_RDONLY);
	check(fails(ftruncate(fd, 0), EINVAL) || fails(ftruncate(fd, 0), EBADF),
	      "ftruncate of a file open read-only");
	close(fd);
	check(truncate("m", 0) == 0 && stat("m", &st) == 0 && st.st_size == 0, "truncate by name");
	check(fails(truncate("a", 0), EISDIR), "truncate of a directory: EISDIR");
	int cl = open("m", O_RDONLY | O_CLOEXEC);
	check(fcntl(cl, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
	close(cl);
	unlink("m");
}

int main(void)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/vfspaths.%d", (int)getpid());
	if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
		printf("vfspaths: FAIL cannot make %s (errno %d)\n", dir, errno);
		return 1;
	}
	lookups();
	listing();
	renames();
	exchanges();
	unlinked_open();
	cwd();
	attributes();
	unlink("c");
	rmdir("a/b");
	rmdir("a");
	check(chdir("/") == 0 && rmdir(dir) == 0, "the test directory is empty at the end");
	if (failures == 0)
		printf("vfspaths: ok\n");
	return failures != 0;
}
