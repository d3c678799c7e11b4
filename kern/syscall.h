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
#include <kern/ipc.h>
#include <kern/mman.h>
#include <kern/proc.h>
#include <kern/time.h>

/* The calls of kern/syscall.c. */
int64_t sys_sched_yield(void);
int64_t sys_exit(int code) __attribute__((noreturn));
int64_t sys_kstat(int which);
int64_t sys_arch_prctl(int code, uint64_t addr);
struct utsname;
int64_t sys_uname(struct utsname *ubuf);

static inline int64_t sys_getpid(void)
{
	return myproc()->pid;
}

/*
 * set_tid_address(tidptr): the caller's thread id. A process has one user
 * thread, whose id is the pid, as for a thread group's leader on Linux. Linux
 * clears *tidptr when the thread exits only while another thread shares the
 * address space, which no process here can have yet; so the pointer has
 * nothing to do.
 */
static inline int64_t sys_set_tid_address(int *tidptr)
{
	return myproc()->pid;
}

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
 * unknown). The dispatch table, as a switch, for every path: always inlined
 * into the trap paths and the syscall threads, which saves a call and a return
 * on every system call (each an indirect jump through translated code under
 * emulation, as dear as a small call's work).
 */
static inline __attribute__((always_inline)) int64_t syscall_invoke(uint64_t num,
								     const uint64_t a[6])
{
	switch (num) {
	case SYS_read:          return sys_read((int)a[0], (void *)a[1], a[2]);
	case SYS_write:         return sys_write((int)a[0], (const void *)a[1], a[2]);
	case SYS_open:          return sys_open((const char *)a[0], (int)a[1]);
	case SYS_close:         return sys_close((int)a[0]);
	case SYS_fstat:         return sys_fstat((int)a[0], (struct stat *)a[1]);
	case SYS_lseek:         return sys_lseek((int)a[0], (off_t)a[1], (int)a[2]);
	case SYS_mmap:          return sys_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
	case SYS_mprotect:      return sys_mprotect(a[0], a[1], (int)a[2]);
	case SYS_munmap:        return sys_munmap(a[0], a[1]);
	case SYS_brk:           return sys_brk(a[0]);
	case SYS_pipe:          return sys_pipe2((int *)a[0], 0);
	case SYS_pipe2:         return sys_pipe2((int *)a[0], (int)a[1]);
	case SYS_dup:           return sys_dup((int)a[0]);
	case SYS_dup2:          return sys_dup2((int)a[0], (int)a[1]);
	case SYS_sched_yield:   return sys_sched_yield();
	case SYS_nanosleep:     return sys_nanosleep((const void *)a[0], (void *)a[1]);
	case SYS_getpid:        return sys_getpid();
	case SYS_fork:          return sys_fork();
	case SYS_execve:        return sys_execve((const char *)a[0], (char *const *)a[1],
						  (char *const *)a[2]);
	case SYS_exit:
	case SYS_exit_group:    return sys_exit((int)a[0]);
	case SYS_wait4:         return sys_wait4((pid_t)a[0], (int *)a[1], (int)a[2], (void *)a[3]);
	case SYS_getppid:       return sys_getppid();
	case SYS_uname:         return sys_uname((struct utsname *)a[0]);
	case SYS_getuid:
	case SYS_geteuid:
	case SYS_getgid:
	case SYS_getegid:       return 0;	/* everything runs as root: elk has no users */
	case SYS_ioctl:         return sys_ioctl((int)a[0], a[1], a[2]);
	case SYS_readv:         return sys_readv((int)a[0], (const void *)a[1], (int)a[2]);
	case SYS_writev:        return sys_writev((int)a[0], (const void *)a[1], (int)a[2]);
	case SYS_fcntl:         return sys_fcntl((int)a[0], (int)a[1], a[2]);
	case SYS_dup3:          return sys_dup3((int)a[0], (int)a[1], (int)a[2]);
	case SYS_arch_prctl:    return sys_arch_prctl((int)a[0], a[1]);
	case SYS_set_tid_address: return sys_set_tid_address((int *)a[0]);
	case SYS_clock_gettime: return sys_clock_gettime((int)a[0], (void *)a[1]);
	case SYS_clock_nanosleep: return sys_clock_nanosleep((int)a[0], (int)a[1], (const void *)a[2],
							    (void *)a[3]);
	case SYS_kstat:         return sys_kstat((int)a[0]);
	case SYS_flexsc_register: return sys_flexsc_register((const void *)a[0]);
	case SYS_flexsc_wait:   return sys_flexsc_wait(a[0]);
	case SYS_ipc_send:      return sys_ipc_send((pid_t)a[0], a[1], (const void *)a[2], (int)a[3]);
	case SYS_ipc_recv:      return sys_ipc_recv((void *)a[0], (struct ipc_msg *)a[1]);
	default:                return -ENOSYS;
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
