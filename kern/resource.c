/*
 * Resource limits (getrlimit, setrlimit, prlimit64) and sysinfo.
 *
 * Every process has Linux's sixteen limits, inherited by fork and kept across
 * execve. elk enforces RLIMIT_NOFILE (the descriptor calls); the others are
 * kept and reported for programs that read them, as Linux keeps RLIMIT_RSS.
 * RLIMIT_STACK (Linux's default soft limit, 8 MiB) is read by execve, which
 * lets the new program's stack grow that far, and by each stack growth, which
 * a lowered limit stops (kern/vm.c).
 * Everything runs as root, so a hard limit may be raised, except NOFILE past
 * the descriptor table's size (Linux's nr_open rule: -EPERM).
 */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/resource.h>
#include <inc/string.h>
#include <kern/file.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/swap.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vm.h>

/* What init starts with; Linux's defaults where elk has no reason to differ. */
static const struct rlimit default_limits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { USTACK_LIMIT_DEFAULT, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { NPROC, NPROC },
	[RLIMIT_NOFILE] = { NOFILE, NOFILE },
	[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
	[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING] = { 1024, 1024 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

void proc_limits_inherit(struct proc *p, const struct proc *parent)
{
	if (parent) {
		spin_lock(&proc_lock);
		memcpy(p->limits, parent->limits, sizeof(p->limits));
		spin_unlock(&proc_lock);
	} else {
		memcpy(p->limits, default_limits, sizeof(p->limits));
	}
}

uint64_t proc_limit(int resource)
{
	return __atomic_load_n(&myproc()->limits[resource].rlim_cur, __ATOMIC_RELAXED);
}

/* Whether lim may replace a limit: -EINVAL (soft above hard) or -EPERM, else 0. */
static int limit_check(int resource, const struct rlimit *lim)
{
	if (lim->rlim_cur > lim->rlim_max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && lim->rlim_max > NOFILE)
		return -EPERM;
	return 0;
}

/*
 * Copy process pid's (0: the caller's) limit resource to *old if old is not
 * NULL, then replace it with *new if new is not NULL (both kernel memory).
 * 0, -EINVAL (unknown resource, soft above hard), -EPERM (NOFILE past the
 * descriptor table) or -ESRCH (no such process).
 */
static int limit_exchange(pid_t pid, int resource, const struct rlimit *new, struct rlimit *old)
{
	int r;

	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && (r = limit_check(resource, new)) < 0)
		return r;
	spin_lock(&proc_lock);
	struct proc *p = pid == 0 ? myproc() : proc_lookup_id(pid);
	if (!p) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	if (old)
		*old = p->limits[resource];
	if (new) {
		__atomic_store_n(&p->limits[resource].rlim_cur, new->rlim_cur, __ATOMIC_RELAXED);
		__atomic_store_n(&p->limits[resource].rlim_max, new->rlim_max, __ATOMIC_RELAXED);
	}
	spin_unlock(&proc_lock);
	return 0;
}

/*
 * prlimit64: limit_exchange with user pointers, either of which may be NULL
 * for "none"; -EFAULT if one cannot be read or written (the new limit is then
 * in place if only the old one's copy failed, as on Linux).
 */
int64_t sys_prlimit64(pid_t pid, int resource, const struct rlimit *unew, struct rlimit *uold)
{
	struct rlimit new, old;

	if (unew && copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	int r = limit_exchange(pid, resource, unew ? &new : NULL, &old);
	if (r == 0 && uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return r;
}

/* getrlimit: the caller's limit resource to *ulim (-EINVAL, -EFAULT). */
int64_t sys_getrlimit(int resource, struct rlimit *ulim)
{
	struct rlimit lim;
	int r = limit_exchange(0, resource, NULL, &lim);

	if (r == 0 && copy_to_user(ulim, &lim, sizeof(lim)) < 0)
		return -EFAULT;
	return r;
}

/* setrlimit: the caller's limit resource becomes *ulim (as prlimit64 checks). */
int64_t sys_setrlimit(int resource, const struct rlimit *ulim)
{
	struct rlimit lim;

	if (copy_from_user(&lim, ulim, sizeof(lim)) < 0)
		return -EFAULT;
	return limit_exchange(0, resource, &lim, NULL);
}

/* sysinfo: uptime, load averages, memory in bytes (mem_unit 1), processes. */
int64_t sys_sysinfo(struct sysinfo *uinfo)
{
	struct sysinfo info;

	memset(&info, 0, sizeof(info));
	info.uptime = (int64_t)(uptime_ns() / 1000000000);
	sched_load_averages(info.loads, SI_LOAD_SHIFT);
	info.totalram = (uint64_t)usable_pages * PGSIZE;
	info.freeram = (uint64_t)pages_free() * PGSIZE;
	info.totalswap = swap_total() * PGSIZE;
	info.freeswap = swap_free() * PGSIZE;
	info.procs = (uint16_t)proc_count();
	info.mem_unit = 1;
	return copy_to_user(uinfo, &info, sizeof(info)) < 0 ? -EFAULT : 0;
}
