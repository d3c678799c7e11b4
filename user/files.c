/*
 * files: open, read, lseek and fstat on a program file in /bin and devices; dup and dup2
 * sharing offsets; descriptors inherited across fork sharing the offset; -EBADF
 * after close; -EFAULT for bad buffers, with no descriptor left behind; calls
 * on a syscall page whose buffers are file mappings, shared and private, that
 * only the syscall thread has touched. "files mounts": a device number for each
 * mounted tmpfs.
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
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define KERNEL_POINTER ((void *)0xffffffff80100000UL)

/* Open path (which must succeed) and return the descriptor. */
static int open_ok(const char *path, int flags)
{
	int fd = open(path, flags, 0);
	if (fd < 0) {
		printf("files: FAIL open %s: %d\n", path, -errno);
		test_failures++;
	}
	return fd;
}

static void test_program_file(void)
{
	char buf[8];
	struct stat st;
	int fd = open_ok("/bin/hello", O_RDONLY);

	expect("read of the ELF magic", read(fd, buf, 4), 4);
	check(memcmp(buf, "\x7f" "ELF", 4) == 0, "hello starts with \\x7fELF");
	expect("fstat", fstat(fd, &st), 0);
	check(st.st_mode == (S_IFREG | 0755), "regular file, mode 0755");
	check(st.st_size > 0, "size is positive");
	expect("offset after reading 4", lseek(fd, 0, SEEK_CUR), 4);
	expect("lseek to the end", lseek(fd, 0, SEEK_END), st.st_size);
	expect("read at end of file", read(fd, buf, sizeof(buf)), 0);
	expect("lseek back from the end", lseek(fd, -2, SEEK_END), st.st_size - 2);
	expect("read of the last 2 bytes", read(fd, buf, sizeof(buf)), 2);
	expect("lseek past the end", lseek(fd, 100, SEEK_END), st.st_size + 100);
	expect("read past the end", read(fd, buf, sizeof(buf)), 0);
	expect("lseek to 1", lseek(fd, 1, SEEK_SET), 1);
	expect("read after lseek", read(fd, buf, 3), 3);
	check(memcmp(buf, "ELF", 3) == 0, "bytes 1..3 are ELF");
	expect("lseek relative", lseek(fd, -4, SEEK_CUR), 0);
	expect("lseek to a negative offset", sysret(lseek(fd, -1, SEEK_SET)), -EINVAL);
	expect("lseek with a bad whence", sysret(lseek(fd, 0, 5)), -EINVAL);
	expect("offset unchanged by failed lseeks", lseek(fd, 0, SEEK_CUR), 0);
	expect("write to a file opened read-only", sysret(write(fd, "x", 1)), -EBADF);
	close(fd);

	fd = open_ok("//bin/./hello", O_RDONLY);
	expect("read via //bin/./hello", read(fd, buf, 4), 4);
	check(memcmp(buf, "\x7f" "ELF", 4) == 0, "//bin/./hello is the same file");
	close(fd);

	expect("open a missing file", sysret(open("no-such-file", O_RDONLY)), -ENOENT);
	expect("O_CREAT | O_EXCL on an existing file",
	       sysret(open("/bin/hello", O_RDONLY | O_CREAT | O_EXCL, 0)), -EEXIST);
	expect("O_CREAT | O_EXCL on a device",
	       sysret(open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0)), -EEXIST);
	expect("open with a bad access mode", sysret(open("/bin/hello", O_WRONLY | O_RDWR)), -EINVAL);
}

static void test_devices(void)
{
	char buf[1000];
	struct stat st;
	int fd = open_ok("/dev/null", O_RDWR);

	expect("read /dev/null", read(fd, buf, sizeof(buf)), 0);
	expect("write /dev/null", write(fd, buf, sizeof(buf)), sizeof(buf));
	expect("fstat /dev/null", fstat(fd, &st), 0);
	check(S_ISCHR(st.st_mode), "/dev/null is a character device");
	/* Linux's /dev/null and /dev/zero seek anywhere and stay at 0. */
	expect("lseek /dev/null", lseek(fd, 100, SEEK_SET), 0);
	expect("lseek /dev/null from its end", lseek(fd, -5, SEEK_END), 0);
	expect("lseek /dev/null, SEEK_CUR", lseek(fd, 7, SEEK_CUR), 0);
	expect("lseek /dev/null with an unknown whence", sysret(lseek(fd, 0, 5)), -EINVAL);
	close(fd);

	fd = open_ok("/dev/tty", O_RDWR);
	expect("lseek /dev/tty", sysret(lseek(fd, 0, SEEK_SET)), -ESPIPE);
	close(fd);

	fd = open_ok("/dev/null", O_RDONLY);
	expect("write /dev/null opened read-only", sysret(write(fd, buf, 1)), -EBADF);
	close(fd);

	fd = open_ok("/dev/zero", O_RDONLY);
	memset(buf, 0xff, sizeof(buf));
	expect("read /dev/zero", read(fd, buf, sizeof(buf)), sizeof(buf));
	size_t nonzero = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	expect("nonzero bytes from /dev/zero", (long)nonzero, 0);
	expect("lseek /dev/zero", lseek(fd, 4096, SEEK_SET), 0);
	close(fd);

	expect("fstat the console", fstat(1, &st), 0);
	check(S_ISCHR(st.st_mode), "the console is a character device");
	expect("lseek the console", sysret(lseek(1, 0, SEEK_CUR)), -ESPIPE);
}

/* dup and dup2 share the offset; dup2 onto an open descriptor closes it first. */
static void test_dup(void)
{
	char buf[4];
	int fd = open_ok("/bin/hello", O_RDONLY);
	int copy = dup(fd);

	check(copy >= 0 && copy != fd, "dup gives a new descriptor");
	expect("read 2 via the original", read(fd, buf, 2), 2);
	expect("offset seen via the dup", lseek(copy, 0, SEEK_CUR), 2);
	expect("dup2 to 20", dup2(fd, 20), 20);
	expect("read 1 via fd 20", read(20, buf, 1), 1);
	expect("offset seen via the original", lseek(fd, 0, SEEK_CUR), 3);
	expect("dup2 onto itself", dup2(fd, fd), fd);
	expect("dup2 onto itself leaves it open", lseek(fd, 0, SEEK_CUR), 3);

	int zero = open_ok("/dev/zero", O_RDONLY);
	expect("dup2 onto an open descriptor", dup2(fd, zero), zero);
	expect("read via the replaced descriptor", read(zero, buf, 1), 1);
	check(buf[0] == 'F', "it reads the file, not zeros");

	expect("dup2 beyond the table", sysret(dup2(fd, 64)), -EBADF);
	expect("dup2 to a negative descriptor", sysret(dup2(fd, -1)), -EBADF);
	expect("dup2 from a closed descriptor", sysret(dup2(40, 41)), -EBADF);
	expect("dup of a closed descriptor", sysret(dup(40)), -EBADF);

	expect("close the dup", close(copy), 0);
	expect("read after close", sysret(read(copy, buf, 1)), -EBADF);
	expect("write after close", sysret(write(copy, buf, 1)), -EBADF);
	expect("fstat after close", syscall6(SYS_fstat, copy, 0, 0, 0, 0, 0), -EBADF);
	expect("lseek after close", sysret(lseek(copy, 0, SEEK_SET)), -EBADF);
	expect("close twice", sysret(close(copy)), -EBADF);
	expect("close a negative descriptor", sysret(close(-1)), -EBADF);
	expect("read descriptor 64", sysret(read(64, buf, 1)), -EBADF);
	expect("original still open", lseek(fd, 0, SEEK_CUR), 4);
	close(fd);
	close(20);
	close(zero);
}

/* A child reading through an inherited descriptor moves the parent's offset too. */
static void test_fork_shares_offset(void)
{
	int fd = open_ok("/bin/hello", O_RDONLY);
	pid_t child = fork();

	if (child == 0) {
		char buf[4];
		exit(read(fd, buf, 4) == 4 && memcmp(buf, "\x7f" "ELF", 4) == 0 ? 0 : 1);
	}
	int status;
	expect("wait for the reading child", wait4(child, &status, 0, NULL), child);
	expect("child's read succeeded", status, 0);
	expect("offset after the child's read", lseek(fd, 0, SEEK_CUR), 4);
	close(fd);
}

/* Bad buffers give -EFAULT, and a failed pipe() leaves no descriptor open. */
static void test_efault(void)
{
	int fds[2];
	struct stat st;
	int fd = open_ok("/bin/hello", O_RDONLY);

	expect("read into NULL", sysret(read(fd, NULL, 16)), -EFAULT);
	expect("read into the kernel", sysret(read(fd, KERNEL_POINTER, 16)), -EFAULT);
	expect("offset unchanged by failed reads", lseek(fd, 0, SEEK_CUR), 0);
	/* Raw: musl's fstat stores the kernel's answer through the pointer itself. */
	expect("fstat into NULL", syscall6(SYS_fstat, fd, 0, 0, 0, 0, 0), -EFAULT);
	expect("fstat into the kernel", syscall6(SYS_fstat, fd, (long)KERNEL_POINTER, 0, 0, 0, 0),
	       -EFAULT);
	expect("open a NULL path", sysret(open(NULL, O_RDONLY)), -EFAULT);
	expect("open a kernel path", sysret(open(KERNEL_POINTER, O_RDONLY)), -EFAULT);

	expect("pipe", pipe(fds), 0);
	expect("write from NULL to a pipe", sysret(write(fds[1], NULL, 16)), -EFAULT);
	expect("write from the kernel to a pipe", sysret(write(fds[1], KERNEL_POINTER, 16)),
	       -EFAULT);
	expect("write to a pipe", write(fds[1], "abc", 3), 3);
	expect("read from a pipe into the kernel", sysret(read(fds[0], KERNEL_POINTER, 3)),
	       -EFAULT);
	expect("fstat a pipe", fstat(fds[0], &st), 0);
	check(S_ISFIFO(st.st_mode), "a pipe is a FIFO");
	expect("lseek a pipe", sysret(lseek(fds[0], 0, SEEK_SET)), -ESPIPE);
	close(fds[0]);
	close(fds[1]);

	int lowest = fd + 1;
	expect("pipe into NULL", sysret(pipe(NULL)), -EFAULT);
	expect("pipe into the kernel", sysret(pipe(KERNEL_POINTER)), -EFAULT);
	expect("pipe2 into NULL", sysret(pipe2(NULL, 0)), -EFAULT);
	expect("pipe after failed pipes", pipe(fds), 0);
	expect("its read end is the lowest free descriptor", fds[0], lowest);
	expect("its write end is the next", fds[1], lowest + 1);
	close(fds[0]);
	close(fds[1]);
	close(fd);
}

/*
 * The console with O_NONBLOCK and nothing typed (the case types nothing):
 * a read is -EAGAIN at once instead of waiting.
 */
static void test_console_nonblock(void)
{
	long flags = syscall6(SYS_fcntl, 0, F_GETFL, 0, 0, 0, 0);

	check(flags >= 0, "F_GETFL of the console");
	expect("F_SETFL O_NONBLOCK on the console",
	       syscall6(SYS_fcntl, 0, F_SETFL, flags | O_NONBLOCK, 0, 0, 0), 0);
	char c;
	expect("a non-blocking console read with nothing typed", sysret(read(0, &c, 1)),
	       -EAGAIN);
	expect("F_SETFL back", syscall6(SYS_fcntl, 0, F_SETFL, flags, 0, 0, 0), 0);
}

#define PAGE 4096

/* A new file at path holding n bytes of byte c; its descriptor, open read-write. */
static int filled_file(const char *path, char c, size_t n)
{
	static char buf[2 * PAGE];
	int fd = open_ok(path, O_RDWR | O_CREAT | O_TRUNC);

	memset(buf, c, n);
	expect("fill the file", pwrite(fd, buf, n, 0), (long)n);
	return fd;
}

/*
 * Calls on a syscall page whose buffers are file mappings not yet touched: the
 * syscall thread makes the first access and faults the pages in. A read into
 * a MAP_SHARED mapping reaches the file; into a MAP_PRIVATE one, only the
 * mapping; a write from a fresh mapping sends the file's bytes.
 */
static void test_flexsc_mappings(void)
{
	static struct flexsc_ring ring;
	static char buf[2 * PAGE];
	int src = filled_file("/tmp/files.src", 's', 2 * PAGE);
	int fd = filled_file("/tmp/files.map", 'f', 2 * PAGE);

	expect("flexsc_setup", flexsc_setup(&ring, 1, 1), 0);
	for (int shared = 1; shared >= 0; shared--) {
		char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			       shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
		check(m != MAP_FAILED, "mmap the file");
		expect("flex_pread64 into both pages of the mapping",
		       flex_pread64(src, m + 100, PAGE, 0), PAGE);
		size_t bad = 0;
		for (size_t i = 0; i < 2 * PAGE; i++)
			bad += m[i] != (i >= 100 && i < 100 + PAGE ? 's' : 'f');
		expect(shared ? "bytes wrong in the shared mapping" :
		       "bytes wrong in the private mapping", (long)bad, 0);
		expect("pread the mapped file", pread(fd, buf, 2 * PAGE, 0), 2 * PAGE);
		bad = 0;
		for (size_t i = 0; i < 2 * PAGE; i++)
			bad += buf[i] != (shared && i >= 100 && i < 100 + PAGE ? 's' : 'f');
		expect(shared ? "file bytes not as the shared mapping's" :
		       "file bytes changed by the private mapping", (long)bad, 0);
		munmap(m, 2 * PAGE);
		if (shared)	/* the file as it was, for the private round */
			close(fd), fd = filled_file("/tmp/files.map", 'f', 2 * PAGE);
	}

	/* A write whose source is a mapping nothing has touched. */
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, src, 0);
	check(m != MAP_FAILED, "mmap the source file");
	expect("flex_pwrite64 from the fresh mapping", flex_pwrite64(fd, m + PAGE - 8, 16, 0), 16);
	expect("pread what it wrote", pread(fd, buf, 17, 0), 17);
	check(memcmp(buf, "ssssssssssssssssf", 17) == 0, "the file holds the mapping's bytes");
	munmap(m, 2 * PAGE);
	close(src);
	close(fd);
	expect("unlink", unlink("/tmp/files.src"), 0);
	expect("unlink", unlink("/tmp/files.map"), 0);
}

/* Each mounted tmpfs has a device number of its own, major 0 as on Linux. */
static void test_mount_devices(void)
{
	struct stat root, a, b;
	char pa[64], pb[64];

	/* Mounts stay (there is no umount): names of this process's own. */
	snprintf(pa, sizeof(pa), "/tmp/files.mnta.%d", getpid());
	snprintf(pb, sizeof(pb), "/tmp/files.mntb.%d", getpid());
	expect("mkdir a", mkdir(pa, 0755), 0);
	expect("mkdir b", mkdir(pb, 0755), 0);
	expect("mount a", syscall(SYS_mount, "none", pa, "tmpfs", 0, 0), 0);
	expect("mount b", syscall(SYS_mount, "none", pb, "tmpfs", 0, 0), 0);
	expect("stat /", stat("/", &root), 0);
	expect("stat a", stat(pa, &a), 0);
	expect("stat b", stat(pb, &b), 0);
	check(root.st_dev != a.st_dev && a.st_dev != b.st_dev && root.st_dev != b.st_dev,
	      "/ and two tmpfs mounts have three device numbers");
	check(major(root.st_dev) == 0 && major(a.st_dev) == 0 && major(b.st_dev) == 0,
	      "all of major 0 (anonymous devices)");
}

int main(int argc, char **argv)
{
	/* Mounts stay, so leakcheck would count them: "files mounts" runs alone. */
	if (argc == 2 && strcmp(argv[1], "mounts") == 0) {
		test_mount_devices();
		return test_verdict(test_failures);
	}
	test_program_file();
	test_devices();
	test_dup();
	test_fork_shares_offset();
	test_efault();
	test_console_nonblock();
	test_flexsc_mappings();
	return test_verdict(test_failures);
}
