/* The system call table and the calls that belong to no other subsystem. */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <kern/cpu.h>
#include <kern/file.h>
#include <kern/flexsc.h>
#include <kern/ipc.h>
#include <kern/kmalloc.h>
#include <kern/lapic.h>
#include <kern/mman.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/time.h>
#include <kern/uaccess.h>

static int64_t sys_getpid(void)
{
	return myproc()->pid;
}

/*
 * Without proc_lock: the parent pointer changes only when the parent exits (to
 * init), and process slots are never freed memory, so a racing read returns the
 * old parent's pid or init's, either of which was true an instant ago.
 */
static int64_t sys_getppid(void)
{
	struct proc *parent = __atomic_load_n(&myproc()->parent, __ATOMIC_ACQUIRE);
	return parent ? parent->pid : 0;
}

static int64_t sys_sched_yield(void)
{
	yield();
	return 0;
}

static int64_t sys_exit(int code)
{
	proc_exit(W_EXITCODE(code));
}

static int64_t sys_kstat(int which)
{
	switch (which) {
	case KSTAT_FREE_PAGES:
		return (int64_t)pages_free();
	case KSTAT_TOTAL_PAGES:
		return (int64_t)usable_pages;
	case KSTAT_TRAPS:
	case KSTAT_SYSCALL_TRAPS: {
		uint64_t sum = 0;
		for (int i = 0; i < ncpu; i++)
			sum += which == KSTAT_TRAPS ? cpus[i].traps : cpus[i].syscall_traps;
		return (int64_t)sum;
	}
	case KSTAT_TSC_HZ:
		return (int64_t)tsc_hz;
	case KSTAT_NPROCS:
		return proc_count();
	case KSTAT_KMALLOC_PAGES:
		return kmalloc_slab_pages();
	case KSTAT_KMALLOC_OBJECTS:
		return kmalloc_objects();
	default:
		return -EINVAL;
	}
}

/*
 * The dispatch table, as a switch. Always inlined into the trap paths, which
 * saves a call and a return on every system call (each an indirect jump
 * through translated code under emulation).
 */
static inline __attribute__((always_inline)) int64_t invoke(uint64_t num, const uint64_t a[6])
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
	case SYS_clock_gettime: return sys_clock_gettime((int)a[0], (void *)a[1]);
	case SYS_kstat:         return sys_kstat((int)a[0]);
	case SYS_flexsc_register: return sys_flexsc_register((const void *)a[0]);
	case SYS_flexsc_wait:   return sys_flexsc_wait();
	case SYS_ipc_send:      return sys_ipc_send((pid_t)a[0], a[1], (const void *)a[2], (int)a[3]);
	case SYS_ipc_recv:      return sys_ipc_recv((void *)a[0], (struct ipc_msg *)a[1]);
	default:                return -ENOSYS;
	}
}

int64_t syscall_invoke(uint64_t num, const uint64_t a[6])
{
	return invoke(num, a);
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	tf->rax = (uint64_t)invoke(tf->rax, args);
}

/*
 * Entry from the syscall instruction (trapentry.S). Returns nonzero if the frame
 * may leave with sysretq: only to a canonical user rip, which sysretq needs.
 */
int syscall_trap(struct trapframe *tf)
{
	mycpu()->syscall_traps++;
	syscall_dispatch(tf);
	proc_user_return();
	return tf->rip < USER_END && tf->cs == (GD_UT | 3);
}
