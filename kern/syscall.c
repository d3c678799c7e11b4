/* The system calls that belong to no other subsystem, and the trap paths' entry. */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <kern/cpu.h>
#include <kern/kmalloc.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/syscall.h>

int64_t sys_sched_yield(void)
{
	yield();
	return 0;
}

int64_t sys_exit(int code)
{
	proc_exit(W_EXITCODE(code));
}

int64_t sys_kstat(int which)
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
	case KSTAT_KSTACKS:
		return (int64_t)kstack_count();
	case KSTAT_KSTACK_MAX:
		return (int64_t)kstack_max();
	default:
		return -EINVAL;
	}
}

void syscall_int80(struct trapframe *tf)
{
	mycpu()->syscall_traps++;
	sti();	/* as on the syscall path: a long call must not hold off the timer */
	syscall_dispatch(tf);
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
