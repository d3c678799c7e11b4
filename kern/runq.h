/*
 * The policy of the per-CPU run queues (kern/sched.c), as pure functions of
 * the CPUs' loads, so that the host tests can check it (tests/host/test_runq.c).
 * CPUs are numbered 0 .. n-1; a mask has bit i for CPU i.
 */
#ifndef ELK_KERN_RUNQ_H
#define ELK_KERN_RUNQ_H

#include <inc/types.h>

/*
 * The CPU a thread that becomes runnable should queue on, given each CPU's
 * load (threads queued plus the one running): its last CPU while that has
 * nothing to do, else the least loaded CPU of allowed, preferring last and then
 * self on a tie. last and self may be -1. -1 if allowed names no CPU below n.
 */
static inline int runq_choose(const int load[], int n, uint32_t allowed, int last, int self)
{
	int best = -1;

	if (last >= 0 && last < n && (allowed & (1U << last)) && load[last] == 0)
		return last;
	for (int i = 0; i < n; i++) {
		if (!(allowed & (1U << i)))
			continue;
		if (best < 0 || load[i] < load[best] ||
		    (load[i] == load[best] && (i == last || (i == self && best != last))))
			best = i;
	}
	return best;
}

/*
 * The CPU that CPU self should steal from: of the others whose queue holds a
 * thread self may run (bit i of stealable), the one with the most queued.
 * -1 if there is none.
 */
static inline int runq_victim(const int nqueued[], int n, uint32_t stealable, int self)
{
	int victim = -1;

	for (int i = 0; i < n; i++)
		if (i != self && (stealable & (1U << i)) && nqueued[i] > 0 &&
		    (victim < 0 || nqueued[i] > nqueued[victim]))
			victim = i;
	return victim;
}

#endif
