/*
 * efault: every call that takes a pointer must answer a bad one with -EFAULT,
 * on both trap paths, and never fault or crash the kernel. The bad pointers:
 * NULL, an unmapped user address, a kernel address, a buffer that starts in the
 * program's last mapped page and runs into the unmapped page after it, a
 * PROT_NONE page, read-only text (where the kernel would store), and a mapped
 * buffer whose length runs past USER_END (for the calls that take a length).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/futex.h>
#include <inc/ipc.h>
#include <inc/lib.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>

#define RUSAGE_SIZE 144		/* sizeof(struct rusage) on Linux x86-64 */
#define SYSINFO_SIZE 112	/* the kernel's struct sysinfo (musl's has room to spare) */
#define BUF_SIZE 16		/* what read and write move, and a string's bytes */

/*
 * A "common" symbol is laid out after all ordinary bss, so this page-aligned
 * page is the last of the program image and the page after it is unmapped.
 */
char image_last_page[PGSIZE] __attribute__((common, aligned(PGSIZE)));

/* A PROT_NONE page, mapped by main. */
static void *prot_none_page;

enum bad_kind {
	BAD_NULL, BAD_UNMAPPED, BAD_KERNEL, BAD_STRADDLE, BAD_PROT_NONE, BAD_READONLY,
	BAD_LENGTH, NBAD_KINDS
};

static const char *const bad_kind_names[NBAD_KINDS] = {
	"NULL", "unmapped address", "kernel address", "buffer straddling into unmapped page",
	"PROT_NONE page", "read-only text", "length running past USER_END",
};

/* One call to try: the pointer p, and n bytes where the call takes a length. */
typedef long (*attempt_fn)(trap_fn trap, void *p, size_t n);

/*
 * A bad pointer of the given kind for an object of size bytes, and in *n the
 * length to pass with it: size, or for BAD_LENGTH one that runs from the
 * mapped buffer stack_buf to one byte past USER_END.
 */
static void *bad_pointer(enum bad_kind kind, size_t size, char *stack_buf, size_t *n)
{
	*n = size;
	switch (kind) {
	case BAD_NULL:      return NULL;
	case BAD_UNMAPPED:  return (void *)0x7000000000UL;
	case BAD_KERNEL:    return (void *)0xffffffff80100000UL;
	case BAD_PROT_NONE: return prot_none_page;
	case BAD_READONLY:  return (void *)bad_pointer;
	case BAD_LENGTH:
		*n = USER_END - (uintptr_t)stack_buf + 1;
		return stack_buf;
	case BAD_STRADDLE:
	default:            return image_last_page + PGSIZE - size / 2;
	}
}

/* True if p is the straddling kind, in the program's last page. */
static bool in_last_page(const void *p)
{
	return (const char *)p >= image_last_page && (const char *)p < image_last_page + PGSIZE;
}

/*
 * Make a string at p run into the unmapped page without a NUL, if p straddles:
 * other calls may have stored data (zeros) there.
 */
static void unterminate(void *p)
{
	if (in_last_page(p))
		memset(p, 'x', (size_t)(image_last_page + PGSIZE - (char *)p));
}

static long try_write(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_write, 1, (long)p, (long)n, 0, 0, 0);
}

static long try_read(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_read, 0, (long)p, (long)n, 0, 0, 0);
}

static long try_clock_gettime(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_clock_gettime, CLOCK_MONOTONIC, (long)p, 0, 0, 0, 0);
}

static long try_nanosleep(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_nanosleep, (long)p, 0, 0, 0, 0, 0);
}

static long try_open(trap_fn trap, void *p, size_t n)
{
	unterminate(p);
	return trap(SYS_open, (long)p, O_RDONLY, 0, 0, 0, 0);
}

static long try_fstat(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_fstat, 1, (long)p, 0, 0, 0, 0);
}

static long try_pipe(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_pipe, (long)p, 0, 0, 0, 0, 0);
}

static long try_pipe2(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_pipe2, (long)p, 0, 0, 0, 0, 0);
}

static long try_writev_vector(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_writev, 1, (long)p, 1, 0, 0, 0);
}

static long try_writev_buffer(trap_fn trap, void *p, size_t n)
{
	struct iovec v[2] = { { "", 0 }, { p, n } };
	return trap(SYS_writev, 1, (long)v, 2, 0, 0, 0);
}

static long try_readv_vector(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_readv, 0, (long)p, 1, 0, 0, 0);
}

static long try_readv_buffer(trap_fn trap, void *p, size_t n)
{
	struct iovec v = { p, n };
	return trap(SYS_readv, 0, (long)&v, 1, 0, 0, 0);
}

static long try_ioctl_get(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 1, TIOCGWINSZ, (long)p, 0, 0, 0);
}

static long try_ioctl_set(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 1, TIOCSWINSZ, (long)p, 0, 0, 0);
}

static long try_ioctl_tcgets(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, TCGETS, (long)p, 0, 0, 0);
}

static long try_ioctl_tcsets(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, TCSETS, (long)p, 0, 0, 0);
}

static long try_ioctl_fionread(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, FIONREAD, (long)p, 0, 0, 0);
}

static long try_ioctl_getpgrp(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, TIOCGPGRP, (long)p, 0, 0, 0);
}

static long try_ioctl_setpgrp(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, TIOCSPGRP, (long)p, 0, 0, 0);
}

static long try_ioctl_getsid(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ioctl, 0, TIOCGSID, (long)p, 0, 0, 0);
}

static long try_clock_nanosleep(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)p, 0, 0, 0);
}

static long try_uname(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_uname, (long)p, 0, 0, 0, 0, 0);
}

static long try_arch_prctl(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_arch_prctl, ARCH_GET_FS, (long)p, 0, 0, 0, 0);
}

/*
 * wait4 with status pointer status and rusage pointer rusage. It checks both
 * before it reaps, so give it a child to reap, and reap it here if it did not.
 */
static long wait4_child(trap_fn trap, void *status, void *rusage)
{
	pid_t child = fork();
	if (child < 0)
		panic("fork: %d", -errno);
	if (child == 0)
		exit(0);
	long r = trap(SYS_wait4, child, (long)status, 0, (long)rusage, 0, 0);
	wait4(child, NULL, 0, NULL);
	return r;
}

static long try_wait4_status(trap_fn trap, void *p, size_t n)
{
	return wait4_child(trap, p, NULL);
}

static long try_wait4_rusage(trap_fn trap, void *p, size_t n)
{
	return wait4_child(trap, NULL, p);
}

/* execve of hello with the given path, argv and envp: each must be refused. */
static long execve_hello(trap_fn trap, const void *path, char *const *argv, char *const *envp)
{
	return trap(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

static char *hello_argv[] = { "hello", NULL };

static long try_execve_path(trap_fn trap, void *p, size_t n)
{
	unterminate(p);
	return execve_hello(trap, p, hello_argv, environ);
}

/*
 * A vector of string pointers at p: if it straddles, its first element (the
 * part still mapped) must be good, so that it is the next one that faults.
 */
static char **bad_vector(void *p)
{
	if (in_last_page(p))
		*(char **)p = "hello";
	return p;
}

static long try_execve_argv(trap_fn trap, void *p, size_t n)
{
	return execve_hello(trap, "/bin/hello", bad_vector(p), environ);
}

static long try_execve_envp(trap_fn trap, void *p, size_t n)
{
	return execve_hello(trap, "/bin/hello", hello_argv, bad_vector(p));
}

static long try_execve_arg(trap_fn trap, void *p, size_t n)
{
	char *argv[] = { p, NULL };
	unterminate(p);
	return execve_hello(trap, "/bin/hello", argv, environ);
}

static long try_execve_env(trap_fn trap, void *p, size_t n)
{
	char *envp[] = { p, NULL };
	unterminate(p);
	return execve_hello(trap, "/bin/hello", hello_argv, envp);
}

static long try_flexsc_register(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_flexsc_register, (long)p, 0, 0, 0, 0, 0);
}

/*
 * The calls on names (kern/vfs.c). A bad path is refused before anything is
 * looked up; the good path beside it names a file, directory or symbolic link
 * that main made in /tmp, so nothing else could go wrong first.
 */
#define EF_DIR "/tmp/efault.d"
#define EF_FILE EF_DIR "/file"
#define EF_LINK EF_DIR "/link"

/* call num with the path p as argument i (0-based) and the others from a. */
static long path_call(trap_fn trap, int num, int i, void *p, long a0, long a1, long a2, long a3)
{
	long a[4] = { a0, a1, a2, a3 };
	unterminate(p);
	a[i] = (long)p;
	return trap(num, a[0], a[1], a[2], a[3], 0, 0);
}

#define PATH_ATTEMPT(fn, num, i, a0, a1, a2, a3) \
	static long fn(trap_fn trap, void *p, size_t n) \
	{ \
		return path_call(trap, num, i, p, (long)(a0), (long)(a1), (long)(a2), (long)(a3)); \
	}

static struct stat ef_st;
static char ef_buf[64];
PATH_ATTEMPT(try_stat_path, SYS_stat, 0, 0, &ef_st, 0, 0)
PATH_ATTEMPT(try_stat_buf, SYS_stat, 1, EF_FILE, 0, 0, 0)
PATH_ATTEMPT(try_lstat_path, SYS_lstat, 0, 0, &ef_st, 0, 0)
PATH_ATTEMPT(try_lstat_buf, SYS_lstat, 1, EF_LINK, 0, 0, 0)
PATH_ATTEMPT(try_newfstatat_path, SYS_newfstatat, 1, AT_FDCWD, 0, &ef_st, 0)
PATH_ATTEMPT(try_newfstatat_buf, SYS_newfstatat, 2, AT_FDCWD, EF_FILE, 0, 0)
PATH_ATTEMPT(try_access, SYS_access, 0, 0, F_OK, 0, 0)
PATH_ATTEMPT(try_faccessat, SYS_faccessat, 1, AT_FDCWD, 0, F_OK, 0)
PATH_ATTEMPT(try_faccessat2, SYS_faccessat2, 1, AT_FDCWD, 0, F_OK, 0)
PATH_ATTEMPT(try_openat, SYS_openat, 1, AT_FDCWD, 0, O_RDONLY, 0)
PATH_ATTEMPT(try_creat, SYS_creat, 0, 0, 0644, 0, 0)
PATH_ATTEMPT(try_truncate, SYS_truncate, 0, 0, 0, 0, 0)
PATH_ATTEMPT(try_chdir, SYS_chdir, 0, 0, 0, 0, 0)
PATH_ATTEMPT(try_mkdir, SYS_mkdir, 0, 0, 0755, 0, 0)
PATH_ATTEMPT(try_mkdirat, SYS_mkdirat, 1, AT_FDCWD, 0, 0755, 0)
PATH_ATTEMPT(try_rmdir, SYS_rmdir, 0, 0, 0, 0, 0)
PATH_ATTEMPT(try_unlink, SYS_unlink, 0, 0, 0, 0, 0)
PATH_ATTEMPT(try_unlinkat, SYS_unlinkat, 1, AT_FDCWD, 0, 0, 0)
PATH_ATTEMPT(try_rename_old, SYS_rename, 0, 0, EF_DIR "/new", 0, 0)
PATH_ATTEMPT(try_rename_new, SYS_rename, 1, EF_FILE, 0, 0, 0)
PATH_ATTEMPT(try_renameat_old, SYS_renameat, 1, AT_FDCWD, 0, AT_FDCWD, EF_DIR "/new")
PATH_ATTEMPT(try_renameat_new, SYS_renameat, 3, AT_FDCWD, EF_FILE, AT_FDCWD, 0)
PATH_ATTEMPT(try_link_old, SYS_link, 0, 0, EF_DIR "/new", 0, 0)
PATH_ATTEMPT(try_link_new, SYS_link, 1, EF_FILE, 0, 0, 0)
PATH_ATTEMPT(try_symlink_target, SYS_symlink, 0, 0, EF_DIR "/new", 0, 0)
PATH_ATTEMPT(try_symlink_path, SYS_symlink, 1, EF_FILE, 0, 0, 0)
PATH_ATTEMPT(try_renameat2_old, SYS_renameat2, 1, AT_FDCWD, 0, AT_FDCWD, EF_DIR "/new")
PATH_ATTEMPT(try_renameat2_new, SYS_renameat2, 3, AT_FDCWD, EF_FILE, AT_FDCWD, 0)
PATH_ATTEMPT(try_linkat_old, SYS_linkat, 1, AT_FDCWD, 0, AT_FDCWD, EF_DIR "/new")
PATH_ATTEMPT(try_linkat_new, SYS_linkat, 3, AT_FDCWD, EF_FILE, AT_FDCWD, 0)
PATH_ATTEMPT(try_symlinkat_target, SYS_symlinkat, 0, 0, AT_FDCWD, EF_DIR "/new", 0)
PATH_ATTEMPT(try_symlinkat_path, SYS_symlinkat, 2, EF_FILE, AT_FDCWD, 0, 0)
PATH_ATTEMPT(try_readlink_path, SYS_readlink, 0, 0, ef_buf, sizeof(ef_buf), 0)
PATH_ATTEMPT(try_readlinkat_path, SYS_readlinkat, 1, AT_FDCWD, 0, ef_buf, sizeof(ef_buf))
PATH_ATTEMPT(try_chmod, SYS_chmod, 0, 0, 0644, 0, 0)
PATH_ATTEMPT(try_fchmodat, SYS_fchmodat, 1, AT_FDCWD, 0, 0644, 0)
PATH_ATTEMPT(try_utimensat_path, SYS_utimensat, 1, AT_FDCWD, 0, 0, 0)
PATH_ATTEMPT(try_mount_target, SYS_mount, 1, "none", 0, "tmpfs", 0)
PATH_ATTEMPT(try_mount_fstype, SYS_mount, 2, "none", EF_DIR, 0, 0)

/* The stored-into buffers. */
static long try_readlink_buf(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_readlink, (long)EF_LINK, (long)p, (long)n, 0, 0, 0);
}

static long try_readlinkat_buf(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_readlinkat, AT_FDCWD, (long)EF_LINK, (long)p, (long)n, 0, 0);
}

static long try_utimensat_times(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_utimensat, AT_FDCWD, (long)EF_FILE, (long)p, 0, 0, 0);
}

static long try_getdents64(trap_fn trap, void *p, size_t n)
{
	int fd = open(EF_DIR, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		panic("open " EF_DIR ": %d", -errno);
	long r = trap(SYS_getdents64, fd, (long)p, (long)n, 0, 0, 0);
	close(fd);
	return r;
}

/* To itself: the page is copied before the call would wait for a receiver. */
static long try_ipc_send(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ipc_send, getpid(), 0, (long)p, PROT_READ, 0, 0);
}

/* Both pointers are checked before the call would wait for a message. */
static long try_ipc_recv_msg(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_ipc_recv, 0, (long)p, 0, 0, 0, 0);
}

static long try_ipc_recv_dstva(trap_fn trap, void *p, size_t n)
{
	struct ipc_msg msg;
	return trap(SYS_ipc_recv, (long)p, (long)&msg, 0, 0, 0, 0);
}

/* pread64 from /dev/zero and pwrite64 to /dev/null, at offset 0. */
static long pread_pwrite(trap_fn trap, int num, const char *dev, int mode, void *p, size_t n)
{
	int fd = open(dev, mode, 0);
	if (fd < 0)
		panic("open %s: %d", dev, -errno);
	long r = trap(num, fd, (long)p, (long)n, 0, 0, 0);
	close(fd);
	return r;
}

static long try_pread64(trap_fn trap, void *p, size_t n)
{
	return pread_pwrite(trap, SYS_pread64, "/dev/zero", O_RDONLY, p, n);
}

static long try_pwrite64(trap_fn trap, void *p, size_t n)
{
	return pread_pwrite(trap, SYS_pwrite64, "/dev/null", O_WRONLY, p, n);
}

static long try_getcwd(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_getcwd, (long)p, (long)n, 0, 0, 0, 0);
}

static long try_getrlimit(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_getrlimit, RLIMIT_NOFILE, (long)p, 0, 0, 0, 0);
}

static long try_setrlimit(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_setrlimit, RLIMIT_NOFILE, (long)p, 0, 0, 0, 0);
}

static long try_prlimit64_new(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_prlimit64, 0, RLIMIT_NOFILE, (long)p, 0, 0, 0);
}

static long try_prlimit64_old(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)p, 0, 0);
}

static long try_sysinfo(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_sysinfo, (long)p, 0, 0, 0, 0, 0);
}

static long try_getrandom(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_getrandom, (long)p, (long)n, 0, 0, 0, 0);
}

/* The word 1 with expected value 0: with a good timeout, an -EAGAIN at once. */
static uint32_t futex_word = 1;

static long try_futex_uaddr(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_futex, (long)p, FUTEX_WAIT, 0, 0, 0, 0);
}

static long try_futex_timeout(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_futex, (long)&futex_word, FUTEX_WAIT, 0, (long)p, 0, 0);
}

static long try_poll(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_poll, (long)p, 1, 0, 0, 0, 0);
}

static long try_ppoll_fds(trap_fn trap, void *p, size_t n)
{
	struct timespec zero = { 0, 0 };
	return trap(SYS_ppoll, (long)p, 1, (long)&zero, 0, 0, 0);
}

static long try_ppoll_timeout(trap_fn trap, void *p, size_t n)
{
	struct pollfd fd = { 1, POLLOUT, 0 };
	return trap(SYS_ppoll, (long)&fd, 1, (long)p, 0, 0, 0);
}

static long try_ppoll_sigmask(trap_fn trap, void *p, size_t n)
{
	struct pollfd fd = { 1, POLLOUT, 0 };
	struct timespec zero = { 0, 0 };
	return trap(SYS_ppoll, (long)&fd, 1, (long)&zero, (long)p, 8, 0);
}

static long try_sigaction_act(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigaction, SIGUSR1, (long)p, 0, sizeof(ksigset_t), 0, 0);
}

static long try_sigaction_oldact(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigaction, SIGUSR1, 0, (long)p, sizeof(ksigset_t), 0, 0);
}

static long try_sigprocmask_set(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigprocmask, SIG_BLOCK, (long)p, 0, sizeof(ksigset_t), 0, 0);
}

static long try_sigprocmask_oldset(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)p, sizeof(ksigset_t), 0, 0);
}

static long try_sigpending(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigpending, (long)p, sizeof(ksigset_t), 0, 0, 0, 0);
}

/* The mask is read before the call would wait. */
static long try_sigsuspend(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_rt_sigsuspend, (long)p, sizeof(ksigset_t), 0, 0, 0, 0);
}

static long try_sigaltstack_new(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_sigaltstack, (long)p, 0, 0, 0, 0, 0);
}

static long try_sigaltstack_old(trap_fn trap, void *p, size_t n)
{
	return trap(SYS_sigaltstack, 0, (long)p, 0, 0, 0, 0);
}

#define BIT(kind) (1u << (kind))
/* Bad wherever the kernel reads or writes. */
#define COMMON (BIT(BAD_NULL) | BIT(BAD_UNMAPPED) | BIT(BAD_KERNEL) | BIT(BAD_STRADDLE) | \
		BIT(BAD_PROT_NONE))
/* Bad where the kernel stores: read-only text too. */
#define STORED (COMMON | BIT(BAD_READONLY))

/*
 * kinds says which bad pointers each call must refuse. NULL is no bad pointer
 * where it means "none" (wait4's status and rusage, execve's argv and envp, a
 * vector's end, ipc_send's page), nor where the kernel only reads is text. read
 * and readv, like Linux's, wait for input before they copy, so with no one typing only a
 * buffer outside user space can be refused at once; ipc_send's page and
 * ipc_recv's dstva must be page-aligned, and an unmapped dstva is where a
 * received page goes.
 */
static const struct {
	const char *name;
	attempt_fn attempt;
	size_t size;	/* of the object the pointer refers to */
	unsigned kinds;	/* BIT(kind) for each bad_kind tried */
} calls[] = {
	{ "write",            try_write,           BUF_SIZE,  COMMON | BIT(BAD_LENGTH) },
	{ "read",             try_read,            BUF_SIZE,  BIT(BAD_KERNEL) | BIT(BAD_LENGTH) },
	{ "clock_gettime",    try_clock_gettime,   sizeof(struct timespec), STORED },
	{ "nanosleep",        try_nanosleep,       sizeof(struct timespec), COMMON },
	{ "open",             try_open,            BUF_SIZE,  COMMON },
	{ "fstat",            try_fstat,           sizeof(struct stat), STORED },
	{ "pipe",             try_pipe,            2 * sizeof(int), STORED },
	{ "pipe2",            try_pipe2,           2 * sizeof(int), STORED },
	{ "wait4 status",     try_wait4_status,    sizeof(int), STORED & ~BIT(BAD_NULL) },
	{ "wait4 rusage",     try_wait4_rusage,    RUSAGE_SIZE, STORED & ~BIT(BAD_NULL) },
	{ "execve path",      try_execve_path,     BUF_SIZE,  COMMON },
	{ "execve argv",      try_execve_argv,     2 * sizeof(char *), COMMON & ~BIT(BAD_NULL) },
	{ "execve argv[0]",   try_execve_arg,      BUF_SIZE,  COMMON & ~BIT(BAD_NULL) },
	{ "execve envp",      try_execve_envp,     2 * sizeof(char *), COMMON & ~BIT(BAD_NULL) },
	{ "execve envp[0]",   try_execve_env,      BUF_SIZE,  COMMON & ~BIT(BAD_NULL) },
	{ "flexsc_register",  try_flexsc_register, sizeof(struct flexsc_options), COMMON },
	{ "ipc_send page",    try_ipc_send,        PGSIZE,
	  BIT(BAD_UNMAPPED) | BIT(BAD_KERNEL) | BIT(BAD_PROT_NONE) },
	{ "ipc_recv msg",     try_ipc_recv_msg,    sizeof(struct ipc_msg), STORED },
	{ "ipc_recv dstva",   try_ipc_recv_dstva,  PGSIZE,    BIT(BAD_KERNEL) },
	{ "writev vector",    try_writev_vector,   sizeof(struct iovec), COMMON },
	{ "writev buffer",    try_writev_buffer,   BUF_SIZE,  COMMON | BIT(BAD_LENGTH) },
	{ "readv vector",     try_readv_vector,    sizeof(struct iovec), COMMON },
	{ "readv buffer",     try_readv_buffer,    BUF_SIZE,  BIT(BAD_KERNEL) | BIT(BAD_LENGTH) },
	{ "ioctl TIOCGWINSZ", try_ioctl_get,       sizeof(struct winsize), STORED },
	{ "ioctl TIOCSWINSZ", try_ioctl_set,       sizeof(struct winsize), COMMON },
	{ "ioctl TCGETS",     try_ioctl_tcgets,    sizeof(struct termios), STORED },
	{ "ioctl TCSETS",     try_ioctl_tcsets,    sizeof(struct termios), COMMON },
	{ "ioctl FIONREAD",   try_ioctl_fionread,  sizeof(int), STORED },
	{ "ioctl TIOCGPGRP",  try_ioctl_getpgrp,   sizeof(pid_t), STORED },
	{ "ioctl TIOCSPGRP",  try_ioctl_setpgrp,   sizeof(pid_t), COMMON },
	{ "ioctl TIOCGSID",   try_ioctl_getsid,    sizeof(pid_t), STORED },
	{ "arch_prctl ARCH_GET_FS", try_arch_prctl, sizeof(uint64_t), STORED },
	{ "uname",            try_uname,           sizeof(struct utsname), STORED },
	{ "clock_nanosleep",  try_clock_nanosleep, sizeof(struct timespec), COMMON },
	{ "pread64",          try_pread64,         BUF_SIZE,  STORED | BIT(BAD_LENGTH) },
	/* /dev/null reads nothing of the buffer: only one outside user space is refused. */
	{ "pwrite64",         try_pwrite64,        BUF_SIZE,  BIT(BAD_KERNEL) | BIT(BAD_LENGTH) },
	/* "/" and its NUL: the straddling buffer's second byte is unmapped. */
	{ "getcwd",           try_getcwd,          2,         STORED },
	{ "getrlimit",        try_getrlimit,       sizeof(struct rlimit), STORED },
	{ "setrlimit",        try_setrlimit,       sizeof(struct rlimit), COMMON },
	{ "prlimit64 new",    try_prlimit64_new,   sizeof(struct rlimit), COMMON & ~BIT(BAD_NULL) },
	{ "prlimit64 old",    try_prlimit64_old,   sizeof(struct rlimit), STORED & ~BIT(BAD_NULL) },
	{ "sysinfo",          try_sysinfo,         SYSINFO_SIZE, STORED },
	/* Read and written back (revents): text is refused as an unwritable array. */
	{ "poll",             try_poll,            sizeof(struct pollfd), STORED },
	{ "ppoll fds",        try_ppoll_fds,       sizeof(struct pollfd), STORED },
	{ "ppoll timeout",    try_ppoll_timeout,   sizeof(struct timespec), COMMON & ~BIT(BAD_NULL) },
	{ "ppoll sigmask",    try_ppoll_sigmask,   sizeof(uint64_t), COMMON & ~BIT(BAD_NULL) },
	{ "rt_sigaction act", try_sigaction_act,   sizeof(struct ksigaction), COMMON & ~BIT(BAD_NULL) },
	{ "rt_sigaction oldact", try_sigaction_oldact, sizeof(struct ksigaction),
	  STORED & ~BIT(BAD_NULL) },
	{ "rt_sigprocmask set", try_sigprocmask_set, sizeof(ksigset_t), COMMON & ~BIT(BAD_NULL) },
	{ "rt_sigprocmask oldset", try_sigprocmask_oldset, sizeof(ksigset_t),
	  STORED & ~BIT(BAD_NULL) },
	{ "rt_sigpending",    try_sigpending,      sizeof(ksigset_t), STORED },
	{ "rt_sigsuspend",    try_sigsuspend,      sizeof(ksigset_t), COMMON },
	{ "sigaltstack new",  try_sigaltstack_new, sizeof(kstack_t), COMMON & ~BIT(BAD_NULL) },
	{ "sigaltstack old",  try_sigaltstack_old, sizeof(kstack_t), STORED & ~BIT(BAD_NULL) },
	{ "getrandom",        try_getrandom,       BUF_SIZE,  STORED | BIT(BAD_LENGTH) },
	/* A straddling word is unaligned (-EINVAL); a NULL timeout is none. */
	{ "futex uaddr",      try_futex_uaddr,     sizeof(uint32_t), COMMON & ~BIT(BAD_STRADDLE) },
	{ "futex timeout",    try_futex_timeout,   sizeof(struct timespec), COMMON & ~BIT(BAD_NULL) },
	/* The calls on names: a path is only read; stat's buffer, readlink's and getdents64's are stored into. */
	{ "stat path",        try_stat_path,       BUF_SIZE,  COMMON },
	{ "stat buf",         try_stat_buf,        sizeof(struct stat), STORED },
	{ "lstat path",       try_lstat_path,      BUF_SIZE,  COMMON },
	{ "lstat buf",        try_lstat_buf,       sizeof(struct stat), STORED },
	{ "newfstatat path",  try_newfstatat_path, BUF_SIZE,  COMMON },
	{ "newfstatat buf",   try_newfstatat_buf,  sizeof(struct stat), STORED },
	{ "access",           try_access,          BUF_SIZE,  COMMON },
	{ "faccessat",        try_faccessat,       BUF_SIZE,  COMMON },
	{ "faccessat2",       try_faccessat2,      BUF_SIZE,  COMMON },
	{ "openat",           try_openat,          BUF_SIZE,  COMMON },
	{ "creat",            try_creat,           BUF_SIZE,  COMMON },
	{ "truncate",         try_truncate,        BUF_SIZE,  COMMON },
	{ "chdir",            try_chdir,           BUF_SIZE,  COMMON },
	{ "mkdir",            try_mkdir,           BUF_SIZE,  COMMON },
	{ "mkdirat",          try_mkdirat,         BUF_SIZE,  COMMON },
	{ "rmdir",            try_rmdir,           BUF_SIZE,  COMMON },
	{ "unlink",           try_unlink,          BUF_SIZE,  COMMON },
	{ "unlinkat",         try_unlinkat,        BUF_SIZE,  COMMON },
	{ "rename old",       try_rename_old,      BUF_SIZE,  COMMON },
	{ "rename new",       try_rename_new,      BUF_SIZE,  COMMON },
	{ "renameat old",     try_renameat_old,    BUF_SIZE,  COMMON },
	{ "renameat new",     try_renameat_new,    BUF_SIZE,  COMMON },
	{ "link old",         try_link_old,        BUF_SIZE,  COMMON },
	{ "link new",         try_link_new,        BUF_SIZE,  COMMON },
	{ "symlink target",   try_symlink_target,  BUF_SIZE,  COMMON },
	{ "symlink linkpath", try_symlink_path,    BUF_SIZE,  COMMON },
	{ "renameat2 old",    try_renameat2_old,   BUF_SIZE,  COMMON },
	{ "renameat2 new",    try_renameat2_new,   BUF_SIZE,  COMMON },
	{ "linkat old",       try_linkat_old,      BUF_SIZE,  COMMON },
	{ "linkat new",       try_linkat_new,      BUF_SIZE,  COMMON },
	{ "symlinkat target", try_symlinkat_target, BUF_SIZE, COMMON },
	{ "symlinkat linkpath", try_symlinkat_path, BUF_SIZE, COMMON },
	{ "readlink path",    try_readlink_path,   BUF_SIZE,  COMMON },
	/* As on Linux, only the target's 4 bytes are stored: those fit where a longer buffer would not. */
	{ "readlink buf",     try_readlink_buf,    BUF_SIZE,  STORED & ~BIT(BAD_STRADDLE) },
	{ "readlinkat path",  try_readlinkat_path, BUF_SIZE,  COMMON },
	{ "readlinkat buf",   try_readlinkat_buf,  BUF_SIZE,  STORED & ~BIT(BAD_STRADDLE) },
	{ "chmod",            try_chmod,           BUF_SIZE,  COMMON },
	{ "fchmodat",         try_fchmodat,        BUF_SIZE,  COMMON },
	{ "utimensat path",   try_utimensat_path,  BUF_SIZE,  COMMON & ~BIT(BAD_NULL) },
	{ "utimensat times",  try_utimensat_times, 2 * sizeof(struct timespec), COMMON & ~BIT(BAD_NULL) },
	{ "getdents64",       try_getdents64,      64,        STORED | BIT(BAD_LENGTH) },
	{ "mount target",     try_mount_target,    BUF_SIZE,  COMMON },
	{ "mount fstype",     try_mount_fstype,    BUF_SIZE,  COMMON },
};

int main(int argc, char **argv)
{
	char stack_buf[BUF_SIZE];
	int failures = 0;

	/* What the calls on names work on, good paths beside the bad pointer. */
	int fd = -1;
	if (mkdir(EF_DIR, 0755) < 0 || (fd = open(EF_FILE, O_WRONLY | O_CREAT, 0644)) < 0 ||
	    symlink("file", EF_LINK) < 0)
		panic("cannot make " EF_DIR);
	close(fd);
	prot_none_page = mmap(NULL, PGSIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((long)prot_none_page < 0)
		panic("mmap of a PROT_NONE page: %ld", (long)prot_none_page);
	for (size_t c = 0; c < ARRAY_SIZE(calls); c++) {
		for (size_t t = 0; t < NTRAP_PATHS; t++) {
			for (int kind = 0; kind < NBAD_KINDS; kind++) {
				if (!(calls[c].kinds & BIT(kind)))
					continue;
				size_t n;
				void *p = bad_pointer(kind, calls[c].size, stack_buf, &n);
				long r = calls[c].attempt(trap_paths[t].call, p, n);
				if (r == -EFAULT)
					continue;
				printf("efault: FAIL %s via %s with %s %p: got %ld, expected %d\n",
				       calls[c].name, trap_paths[t].name, bad_kind_names[kind], p, r,
				       -EFAULT);
				failures++;
			}
		}
	}
	if (unlink(EF_LINK) < 0 || unlink(EF_FILE) < 0 || rmdir(EF_DIR) < 0) {
		printf("efault: FAIL " EF_DIR " did not stay as it was made\n");
		failures++;
	}
	return test_verdict(failures);
}
