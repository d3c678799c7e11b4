/*
 * System call wrappers, one for each call of inc/syscall.def, over syscall6:
 * each returns the kernel's result unchanged (negative errno on failure; see
 * inc/lib.h).
 */
#include <inc/lib.h>

#define SYSCALL0(num, name, ret) \
	ret name(void) { return (ret)syscall6(num, 0, 0, 0, 0, 0, 0); }
#define SYSCALL1(num, name, ret, t1, a1) \
	ret name(t1 a1) { return (ret)syscall6(num, (long)a1, 0, 0, 0, 0, 0); }
#define SYSCALL2(num, name, ret, t1, a1, t2, a2) \
	ret name(t1 a1, t2 a2) { return (ret)syscall6(num, (long)a1, (long)a2, 0, 0, 0, 0); }
#define SYSCALL3(num, name, ret, t1, a1, t2, a2, t3, a3) \
	ret name(t1 a1, t2 a2, t3 a3) \
	{ return (ret)syscall6(num, (long)a1, (long)a2, (long)a3, 0, 0, 0); }
#define SYSCALL4(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4) \
	{ return (ret)syscall6(num, (long)a1, (long)a2, (long)a3, (long)a4, 0, 0); }
#define SYSCALL5(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5) \
	{ return (ret)syscall6(num, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, 0); }
#define SYSCALL6(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6) \
	{ return (ret)syscall6(num, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, (long)a6); }
#define SYSCALL_OWN_WRAPPER1(...)
#include <inc/syscall.def>

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
