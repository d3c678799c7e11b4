/*
 * System call dispatch: one table behind the syscall instruction, int $0x80 and
 * the syscall threads of exception-less calls.
 */
#ifndef ELK_KERN_SYSCALL_H
#define ELK_KERN_SYSCALL_H

#include <inc/errno.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <inc/types.h>
#include <kern/file.h>
#include <kern/flexsc.h>
#include <kern/futex.h>
#include <kern/ipc.h>
#include <kern/mman.h>
#include <kern/pgrp.h>
#include <kern/poll.h>
#include <kern/proc.h>
#include <kern/random.h>
#include <kern/signal.h>
#include <kern/time.h>

/* The calls of kern/syscall.c. */
int64_t sys_sched_yield(void);
int64_t sys_exit(int code) __attribute__((noreturn));
int64_t sys_exit_group(int code) __attribute__((noreturn));
int64_t sys_kstat(int which);
int64_t sys_arch_prctl(int code, uint64_t addr);
struct utsname;
int64_t sys_uname(struct utsname *ubuf);

static inline int64_t sys_getpid(void)
{
	return myproc()->pid;
}

/* Everything runs as root: elk has no users. */
static inline int64_t sys_getuid(void) { return 0; }
static inline int64_t sys_geteuid(void) { return 0; }
static inline int64_t sys_getgid(void) { return 0; }
static inline int64_t sys_getegid(void) { return 0; }

/*
 * Without proc_lock: the parent pointer changes only when the parent exits (to
 * init), and process slots are never freed memory, so a racing read returns the
 * old parent's pid or init's, either of which was true an instant ago.
 */
static inline int64_t sys_getppid(void)
{
	struct proc *parent = __atomic_load_n(&myproc()->parent, __ATOMIC_ACQUIRE);
	return parent ? parent->pid : 0;
}

/*
 * Run system call num with args a: the result, or -errno (-ENOSYS if num is
 * unknown). The dispatch table, a switch made from inc/syscall.def, for every
 * path: always inlined into the trap paths and the syscall threads, which saves
 * a call and a return on every system call (each an indirect jump through
 * translated code under emulation, as dear as a small call's work).
 */
static inline __attribute__((always_inline)) int64_t syscall_invoke(uint64_t num,
								     const uint64_t a[6])
{
	switch (num) {
#define SYSCALL0(num, name, ret) \
	case num: return sys_##name();
#define SYSCALL1(num, name, ret, t1, a1) \
	case num: return sys_##name((t1)a[0]);
#define SYSCALL2(num, name, ret, t1, a1, t2, a2) \
	case num: return sys_##name((t1)a[0], (t2)a[1]);
#define SYSCALL3(num, name, ret, t1, a1, t2, a2, t3, a3) \
	case num: return sys_##name((t1)a[0], (t2)a[1], (t3)a[2]);
#define SYSCALL4(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4) \
	case num: return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3]);
#define SYSCALL5(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	case num: return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3], (t5)a[4]);
#define SYSCALL6(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	case num: return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3], (t5)a[4], (t6)a[5]);
#include <inc/syscall.def>
	default:
		return -ENOSYS;
	}
}

/*
 * Take the call from tf (number in rax, arguments in rdi rsi rdx r10 r8 r9) and
 * put its result in rax. The number is rax's low 32 bits, as on Linux. The
 * number stays in the frame's err slot (unused by a system call, like Linux's
 * orig_rax), and while the call runs the frame's rax
 * reads -EINTR: what a copy of this thread made by a fork on the syscall page
 * in the meantime returns from the call.
 */
static inline __attribute__((always_inline)) void syscall_dispatch(struct trapframe *tf)
{
	uint64_t args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	uint64_t num = (uint32_t)tf->rax;

	tf->err = num;
	__atomic_store_n(&tf->rax, (uint64_t)-EINTR, __ATOMIC_RELAXED);
	tf->rax = (uint64_t)syscall_invoke(num, args);
}

/*
 * The number of the system call whose entry built tf (the call a user thread
 * is in, or last made if it has not left the kernel since), or -1 if tf is an
 * interrupt's or exception's frame.
 */
static inline int64_t syscall_frame_num(const struct trapframe *tf)
{
	if (tf->trapno != T_SYSCALL_INSN && tf->trapno != T_SYSCALL)
		return -1;
	return (int64_t)tf->err;
}

/*
 * Entry from int $0x80, by way of trap() (interrupts off, as the gate left
 * them): count the trap, turn interrupts on and run the call.
 */
void syscall_int80(struct trapframe *tf);

#endif
