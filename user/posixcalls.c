/*
 * posixcalls: the small calls a C library makes at start-up and in ordinary
 * use, checked against what Linux answers: pread64/pwrite64, getcwd, umask,
 * getrlimit/setrlimit/prlimit64 (RLIMIT_NOFILE enforced), sysinfo, getrandom.
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
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>

/*
 * The raw calls, which this checks: musl's getcwd returns the buffer, its
 * getrlimit and setrlimit are made with prlimit64.
 */
static long raw_getcwd(char *buf, size_t size)
{
	return syscall6(SYS_getcwd, (long)buf, (long)size, 0, 0, 0, 0);
}

static long raw_getrlimit(int resource, struct rlimit *lim)
{
	return syscall6(SYS_getrlimit, resource, (long)lim, 0, 0, 0, 0);
}

static long raw_setrlimit(int resource, const struct rlimit *lim)
{
	return syscall6(SYS_setrlimit, resource, (long)lim, 0, 0, 0, 0);
}

static long raw_prlimit64(pid_t pid, int resource, const struct rlimit *new_limit,
			  struct rlimit *old_limit)
{
	return syscall6(SYS_prlimit64, pid, resource, (long)new_limit, (long)old_limit, 0, 0);
}

/* pread64 reads at an offset and leaves the file's own offset alone. */
static void check_pread(void)
{
	char whole[16], part[8];
	int fd = open("/bin/hello", O_RDONLY, 0);

	expect("open hello", fd >= 0, 1);
	expect("read hello", read(fd, whole, sizeof(whole)), sizeof(whole));
	expect("pread64 at 4", pread64(fd, part, sizeof(part), 4), sizeof(part));
	check(memcmp(part, whole + 4, sizeof(part)) == 0, "pread64's bytes are the file's at 4");
	expect("offset after pread64", lseek(fd, 0, SEEK_CUR), sizeof(whole));
	expect("pread64 past the end", pread64(fd, part, sizeof(part), 1L << 40), 0);
	expect("pread64 at a negative offset", sysret(pread64(fd, part, sizeof(part), -1)), -EINVAL);
	expect("pwrite64 on a read-only file", sysret(pwrite64(fd, part, sizeof(part), 0)), -EBADF);
	close(fd);

	int fds[2];
	expect("pipe", pipe(fds), 0);
	expect("pread64 on a pipe", sysret(pread64(fds[0], part, 1, 0)), -ESPIPE);
	expect("pwrite64 on a pipe", sysret(pwrite64(fds[1], part, 1, 0)), -ESPIPE);
	close(fds[0]);
	close(fds[1]);
	expect("pread64 on the console", sysret(pread64(0, part, 1, 0)), -ESPIPE);

	int null = open("/dev/null", O_WRONLY, 0);
	expect("pwrite64 to /dev/null", pwrite64(null, "abc", 3, 100), 3);
	expect("pread64 on a write-only file", sysret(pread64(null, part, 1, 0)), -EBADF);
	close(null);
	int zero = open("/dev/zero", O_RDONLY, 0);
	memset(part, 'x', sizeof(part));
	expect("pread64 of /dev/zero", pread64(zero, part, sizeof(part), 12345), sizeof(part));
	check(part[0] == 0 && part[7] == 0, "/dev/zero's bytes are zeros");
	close(zero);
	expect("pread64 on a closed descriptor", sysret(pread64(zero, part, 1, 0)), -EBADF);
}

static void check_getcwd(void)
{
	char buf[8];

	expect("getcwd", raw_getcwd(buf, sizeof(buf)), 2);
	check(strcmp(buf, "/") == 0, "the current directory is /");
	expect("getcwd into 1 byte", raw_getcwd(buf, 1), -ERANGE);
}

/* umask returns the old mask, keeps 0777's bits, and a child inherits it. */
static void check_umask(void)
{
	expect("init's umask", umask(027), 022);
	expect("umask reads back", umask(01777), 027);
	expect("umask keeps 0777's bits", umask(022), 0777);
	umask(077);
	pid_t child = fork();
	if (child == 0)
		exit(umask(0));
	int status;
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child's umask", (status >> 8) & 0xff, 077);
	umask(022);
}

/* RLIMIT_NOFILE: read, lowered, enforced, inherited; raising past 64 refused. */
static void check_nofile(void)
{
	struct rlimit lim, low = { 4, 64 }, old;

	expect("getrlimit NOFILE", raw_getrlimit(RLIMIT_NOFILE, &lim), 0);
	expect("NOFILE soft", (long)lim.rlim_cur, 64);
	expect("NOFILE hard", (long)lim.rlim_max, 64);
	struct rlimit high = { 64, 65 }, inverted = { 10, 5 };
	expect("NOFILE past the table", raw_setrlimit(RLIMIT_NOFILE, &high), -EPERM);
	expect("soft above hard", raw_setrlimit(RLIMIT_NOFILE, &inverted), -EINVAL);
	expect("unknown resource", raw_getrlimit(RLIM_NLIMITS, &lim), -EINVAL);

	expect("setrlimit NOFILE 4", raw_setrlimit(RLIMIT_NOFILE, &low), 0);
	int fd = open("/dev/null", O_RDONLY);
	expect("open takes fd 3", fd, 3);
	expect("open past the limit", sysret(open("/dev/null", O_RDONLY)), -EMFILE);
	expect("dup2 onto the limit", sysret(dup2(0, 4)), -EBADF);
	expect("F_DUPFD from the limit", sysret(fcntl(0, F_DUPFD, 4)), -EINVAL);
	int fds[2];
	close(fd);
	expect("pipe needs two descriptors", sysret(pipe(fds)), -EMFILE);

	pid_t child = fork();
	if (child == 0) {
		struct rlimit got;
		exit(raw_getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 4 ? 0 : 1);
	}
	int status;
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child inherits the limit", status, 0);

	struct rlimit back = { 64, 64 };
	expect("prlimit64 restores and reads", raw_prlimit64(0, RLIMIT_NOFILE, &back, &old), 0);
	expect("prlimit64's old soft limit", (long)old.rlim_cur, 4);
	fd = open("/dev/null", O_RDONLY, 0);
	expect("dup2 onto 40 with the limit back", dup2(fd, 40), 40);
	close(40);
	close(fd);
	expect("prlimit64 of no process", raw_prlimit64(99999, RLIMIT_NOFILE, NULL, &old), -ESRCH);
	expect("prlimit64 of the parent", raw_prlimit64(getppid(), RLIMIT_STACK, NULL, &old), 0);
	expect("RLIMIT_STACK is Linux's default, 8 MiB", (long)old.rlim_cur, 8L << 20);
}

/* sysinfo agrees with the kernel's own counters. */
static void check_sysinfo(void)
{
	struct sysinfo si;

	expect("sysinfo", sysinfo(&si), 0);
	expect("mem_unit", si.mem_unit, 1);
	expect("totalram", (long)si.totalram, kstat(KSTAT_TOTAL_PAGES) * PGSIZE);
	check(si.freeram > 0 && si.freeram <= si.totalram, "freeram is within totalram");
	check(si.procs >= 1 && si.procs == kstat(KSTAT_NPROCS), "procs counts the processes");
	check((long)si.uptime >= 0, "uptime is not negative");
	expect("no swap", (long)si.totalswap, 0);
}

/* getrandom: flags checked, bytes that differ from call to call. */
static void check_getrandom(void)
{
	uint64_t a[4] = { 0 }, b[4] = { 0 };

	expect("getrandom", getrandom(a, sizeof(a), 0), sizeof(a));
	expect("getrandom GRND_NONBLOCK", getrandom(b, sizeof(b), GRND_NONBLOCK), sizeof(b));
	check(memcmp(a, b, sizeof(a)) != 0, "two draws differ");
	check((a[0] | a[1] | a[2] | a[3]) != 0, "a draw is not all zeros");
	expect("getrandom of 0 bytes", getrandom(a, 0, 0), 0);
	expect("unknown flag", sysret(getrandom(a, 8, 0x100)), -EINVAL);
	expect("GRND_RANDOM with GRND_INSECURE",
	       sysret(getrandom(a, 8, GRND_RANDOM | GRND_INSECURE)), -EINVAL);
	static char big[3 * PGSIZE + 5];
	expect("a draw of several pages", getrandom(big, sizeof(big), 0), sizeof(big));
}

int main(int argc, char **argv)
{
	check_pread();
	check_getcwd();
	check_umask();
	check_nofile();
	check_sysinfo();
	check_getrandom();
	return test_verdict(test_failures);
}
