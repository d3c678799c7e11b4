/*
 * System call wrappers: one line each over syscall6, returning the kernel's
 * result unchanged (negative errno on failure; see inc/lib.h).
 */
#include <inc/lib.h>

ssize_t read(int fd, void *buf, size_t n)
{
	return syscall6(SYS_read, fd, (long)buf, (long)n, 0, 0, 0);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return syscall6(SYS_write, fd, (long)buf, (long)n, 0, 0, 0);
}

int open(const char *path, int flags)
{
	return syscall6(SYS_open, (long)path, flags, 0, 0, 0, 0);
}

int close(int fd)
{
	return syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

int fstat(int fd, struct stat *st)
{
	return syscall6(SYS_fstat, fd, (long)st, 0, 0, 0, 0);
}

off_t lseek(int fd, off_t offset, int whence)
{
	return syscall6(SYS_lseek, fd, offset, whence, 0, 0, 0);
}

int pipe(int fds[2])
{
	return syscall6(SYS_pipe, (long)fds, 0, 0, 0, 0, 0);
}

int pipe2(int fds[2], int flags)
{
	return syscall6(SYS_pipe2, (long)fds, flags, 0, 0, 0, 0);
}

int dup(int fd)
{
	return syscall6(SYS_dup, fd, 0, 0, 0, 0, 0);
}

int dup2(int oldfd, int newfd)
{
	return syscall6(SYS_dup2, oldfd, newfd, 0, 0, 0, 0);
}

pid_t getpid(void)
{
	return syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

pid_t getppid(void)
{
	return syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

int sched_yield(void)
{
	return syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

int sched_setaffinity(pid_t pid, size_t len, const void *mask)
{
	return syscall6(SYS_sched_setaffinity, pid, (long)len, (long)mask, 0, 0, 0);
}

int sched_getaffinity(pid_t pid, size_t len, void *mask)
{
	return syscall6(SYS_sched_getaffinity, pid, (long)len, (long)mask, 0, 0, 0);
}

int getcpu(unsigned *cpu, unsigned *node)
{
	return syscall6(SYS_getcpu, (long)cpu, (long)node, 0, 0, 0, 0);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall6(SYS_nanosleep, (long)req, (long)rem, 0, 0, 0, 0);
}

int clock_gettime(int clockid, struct timespec *ts)
{
	return syscall6(SYS_clock_gettime, clockid, (long)ts, 0, 0, 0, 0);
}

pid_t fork(void)
{
	return syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return syscall6(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

pid_t wait4(pid_t pid, int *status, int options, void *rusage)
{
	return syscall6(SYS_wait4, pid, (long)status, options, (long)rusage, 0, 0);
}

long kstat(int which)
{
	return syscall6(SYS_kstat, which, 0, 0, 0, 0, 0);
}

int ipc_send(pid_t to, uint64_t value, const void *srcva, int perm)
{
	return syscall6(SYS_ipc_send, to, (long)value, (long)srcva, perm, 0, 0);
}

int ipc_recv(void *dstva, struct ipc_msg *msg)
{
	return syscall6(SYS_ipc_recv, (long)dstva, (long)msg, 0, 0, 0, 0);
}

/* Ends the whole process, as C's exit does (Linux's exit ends only the thread). */
void exit(int status)
{
	exit_group(status);
}

void exit_group(int status)
{
	syscall6(SYS_exit_group, status, 0, 0, 0, 0, 0);
	/* Only a kernel bug returns here; a fault is the loudest way to stop. */
	for (;;)
		asm volatile("ud2");
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	return syscall6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

int mprotect(void *addr, size_t len, int prot)
{
	return syscall6(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

void *brk(void *addr)
{
	return (void *)syscall6(SYS_brk, (long)addr, 0, 0, 0, 0, 0);
}

void *sbrk(intptr_t incr)
{
	char *old = brk(NULL);
	if (incr == 0)
		return old;
	char *now = brk(old + incr);
	return now == old + incr ? old : (void *)(intptr_t)-ENOMEM;
}
