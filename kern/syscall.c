/* The system calls that belong to no other subsystem, and the trap paths' entry. */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <inc/utsname.h>
#include <kern/cpu.h>
#include <kern/kmalloc.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/swap.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>

int64_t sys_sched_yield(void)
{
	yield();
	return 0;
}

/* exit ends the calling thread (the process with its last one); exit_group, the process. */
int64_t sys_exit(int code)
{
	proc_thread_exit(W_EXITCODE(code));
}

int64_t sys_exit_group(int code)
{
	proc_exit(W_EXITCODE(code));
}

/*
 * arch_prctl: set or get the GS or FS base of the calling user thread. SET
 * takes any address below the top of user space (else -EPERM, as Linux); GET
 * stores the base at addr (-EFAULT). Posted on a syscall page, GET reads the
 * user thread's base, and SET is -EINVAL: the user thread may be running on
 * another CPU, or may see the entry DONE without entering the kernel, and
 * would go on with the old base. -EINVAL for any other code.
 */
int64_t sys_arch_prctl(int code, uint64_t addr)
{
	struct thread *t = proc_caller();
	uint64_t base;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (!mythread()->user)
			return -EINVAL;
		if (addr >= USER_END - PGSIZE)	/* Linux's TASK_SIZE_MAX */
			return -EPERM;
		thread_set_segment_bases(t, code == ARCH_SET_FS ? addr : t->fs_base,
					 code == ARCH_SET_GS ? addr : t->gs_base);
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		base = code == ARCH_GET_FS ? t->fs_base : t->gs_base;
		return copy_to_user((void *)addr, &base, sizeof(base)) < 0 ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

/*
 * uname: sysname "Linux", the ABI a program gets here (programs that look at
 * it then take their Linux paths, as under other kernels that speak Linux's
 * calls), and as release the Linux version whose system call ABI elk follows,
 * with "-elk": C libraries read the release to decide whether the kernel is
 * recent enough (glibc's static start-up refuses one older than its minimum).
 * The version and node name say elk. -EFAULT for a bad pointer.
 */
int64_t sys_uname(struct utsname *ubuf)
{
	static const struct utsname elk = {
		.sysname = "Linux",
		.nodename = "elk",
		.release = "6.1.0-elk",
		.version = "#1 elk (FlexSC teaching kernel)",
		.machine = "x86_64",
		.domainname = "(none)",
	};
	return copy_to_user(ubuf, &elk, sizeof(elk)) < 0 ? -EFAULT : 0;
}

/* kstat's per-CPU counter which (KSTAT_TRAPS, _SYSCALL_TRAPS or _NMIS_REPORTED) of c. */
static uint64_t cpu_counter(const struct cpu *c, int which)
{
	switch (which) {
	case KSTAT_TRAPS:
		return c->traps;
	case KSTAT_SYSCALL_TRAPS:
		return c->syscall_traps;
	default:
		return __atomic_load_n(&c->nmis_reported, __ATOMIC_ACQUIRE);
	}
}

int64_t sys_kstat(int which)
{
	switch (which) {
	case KSTAT_FREE_PAGES:
		return (int64_t)pages_free();
	case KSTAT_TOTAL_PAGES:
		return (int64_t)usable_pages;
	case KSTAT_TRAPS:
	case KSTAT_SYSCALL_TRAPS:
	case KSTAT_NMIS_REPORTED: {
		uint64_t sum = 0;
		for (int i = 0; i < ncpu; i++)
			sum += cpu_counter(&cpus[i], which);
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
	case KSTAT_NCPUS:
		return ncpu;
	case KSTAT_SWAP_TOTAL:
		return (int64_t)swap_total();
	case KSTAT_SWAP_FREE:
		return (int64_t)swap_free();
	case KSTAT_SWAP_WRITES:
		return (int64_t)swap_writes();
	case KSTAT_SWAP_READS:
		return (int64_t)swap_reads();
	case KSTAT_SWAP_COPIES:
		return (int64_t)swap_copies();
	case KSTAT_SWAP_CLEAN:
		return (int64_t)swap_clean_drops();
	case KSTAT_LOCKED_PAGES:
		return (int64_t)pages_locked();
	case KSTAT_THREAD_SYSCALL_TRAPS:
		/* From a syscall page, the posting thread's; read racily there, as a count. */
		return (int64_t)__atomic_load_n(&proc_caller()->syscall_traps, __ATOMIC_RELAXED);
	case KSTAT_PAGEOUT_ROUNDS:
		return (int64_t)swap_rounds();
	case KSTAT_PAGEOUT_LOW:
		return (int64_t)swap_low_water();
	default:
		if (which >= KSTAT_CPU_TICKS && which < KSTAT_CPU_TICKS + ncpu)
			return (int64_t)__atomic_load_n(&cpus[which - KSTAT_CPU_TICKS].ticks,
							__ATOMIC_RELAXED);
		return -EINVAL;
	}
}

/*
 * A system call came in by a trap: count it for the CPU and the thread. Only
 * the thread writes its count; a syscall page's kstat may read it from
 * another CPU, hence the relaxed atomic store.
 */
static void count_syscall_trap(void)
{
	struct thread *t = mythread();

	CPU_ADD(syscall_traps, 1);
	__atomic_store_n(&t->syscall_traps, t->syscall_traps + 1, __ATOMIC_RELAXED);
}

void syscall_int80(struct trapframe *tf)
{
	count_syscall_trap();
	sti();	/* as on the syscall path: a long call must not hold off the timer */
	syscall_dispatch(tf);
}

/*
 * Entry from the syscall instruction (trapentry.S). Returns nonzero if the frame
 * may leave with sysretq: only to a canonical user rip, which sysretq needs, and
 * not from rt_sigreturn, whose rcx and r11 sysretq would overwrite.
 */
int syscall_trap(struct trapframe *tf)
{
	count_syscall_trap();
	syscall_dispatch(tf);
	proc_user_return();
	return tf->rip < USER_END && tf->cs == (GD_UT | 3) && tf->err != SYS_rt_sigreturn;
}
