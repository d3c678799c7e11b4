/*
 * elk's own calls on the trap path, one wrapper for each of inc/syscall.def's
 * over syscall6, each returning the kernel's result unchanged (negative errno
 * on failure); and the raw break, which musl's brk and sbrk do not move.
 */
#include <inc/lib.h>

#define SYSCALL_ELK_ONLY
#define WRAPPER_NAME(name) name
#define WRAPPER_CALL syscall6
#include "syscall_wrappers.h"

void *elk_brk(void *addr)
{
	return (void *)syscall6(SYS_brk, (long)addr, 0, 0, 0, 0, 0);
}

void *elk_sbrk(intptr_t incr)
{
	char *old = elk_brk(NULL);
	if (incr == 0)
		return old;
	char *now = elk_brk(old + incr);
	return now == old + incr ? old : (void *)(intptr_t)-ENOMEM;
}
