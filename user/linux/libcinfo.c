/*
 * libcinfo: an unmodified static musl program using the C library's own
 * getrlimit, setrlimit, sysinfo, getcwd, umask, pread, getrandom and
 * sysconf, whose structures must be laid out as Linux's for the answers to
 * make sense. It prints "libcinfo: ok" and exits 0, on elk as on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("libcinfo: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

int main(int argc, char **argv)
{
	struct rlimit lim;
	check(getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur > 3 &&
	      lim.rlim_cur <= lim.rlim_max, "getrlimit(RLIMIT_NOFILE)");
	long open_max = sysconf(_SC_OPEN_MAX);
	check(open_max == (long)lim.rlim_cur, "sysconf(_SC_OPEN_MAX) is the soft limit");
	struct rlimit three = { 3, lim.rlim_max };
	check(setrlimit(RLIMIT_NOFILE, &three) == 0, "setrlimit(RLIMIT_NOFILE, 3)");
	errno = 0;
	check(open("/dev/null", O_RDONLY) == -1 && errno == EMFILE, "open past the limit: EMFILE");
	check(setrlimit(RLIMIT_NOFILE, &lim) == 0, "setrlimit back");

	struct sysinfo si;
	check(sysinfo(&si) == 0 && si.mem_unit >= 1 && si.totalram > 0 &&
	      si.freeram <= si.totalram && si.procs >= 1, "sysinfo");
	check(get_phys_pages() * sysconf(_SC_PAGESIZE) == (long)(si.totalram * si.mem_unit),
	      "get_phys_pages agrees with sysinfo");

	char cwd[64];
	check(getcwd(cwd, sizeof(cwd)) == cwd && cwd[0] == '/', "getcwd is absolute");
	errno = 0;
	check(getcwd(cwd, 1) == NULL && errno == ERANGE, "getcwd into 1 byte: ERANGE");

	mode_t old = umask(077);
	check(umask(old) == 077, "umask reads back");

	char head[4];
	/* As init on elk, argv[0] is the name init= gave: the program in /bin. */
	int fd = open(strchr(argv[0], '/') ? argv[0] : "/bin/libcinfo", O_RDONLY);
	check(fd >= 0 && pread(fd, head, 4, 0) == 4 && memcmp(head, "\177ELF", 4) == 0,
	      "pread of the program's ELF magic");
	check(lseek(fd, 0, SEEK_CUR) == 0, "pread leaves the offset at 0");
	close(fd);

	unsigned char a[32], b[32];
	check(getrandom(a, sizeof(a), 0) == sizeof(a) && getrandom(b, sizeof(b), 0) == sizeof(b) &&
	      memcmp(a, b, sizeof(a)) != 0, "getrandom: two draws differ");

	printf(failures ? "libcinfo: %d failures\n" : "libcinfo: ok\n", failures);
	return failures != 0;
}
