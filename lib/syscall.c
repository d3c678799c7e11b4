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
