/*
 * System call wrappers, one for each call of inc/syscall.def, over syscall6:
 * each returns the kernel's result unchanged (negative errno on failure; see
 * inc/lib.h).
 */
#include <inc/lib.h>

#define WRAPPER_NAME(name) name
#define WRAPPER_CALL syscall6
#include "syscall_wrappers.h"

pid_t fork(void)
{
	return syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
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

void *sbrk(intptr_t incr)
{
	char *old = brk(NULL);
	if (incr == 0)
		return old;
	char *now = brk(old + incr);
	return now == old + incr ? old : (void *)(intptr_t)-ENOMEM;
}
