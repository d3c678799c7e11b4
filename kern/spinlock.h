/*
 * Spinlocks. Taking one disables interrupts on this CPU until every lock it holds
 * is released (push_cli/pop_cli nest), so an interrupt handler never spins on a
 * lock its own CPU holds. Never sleep while holding a spinlock, except through
 * sleep_on(), which releases it.
 *
 * All inline: the scheduler and the syscall-page round trip take and drop locks
 * several times, and under emulation a call and its return cost more than the
 * lock itself.
 */
#ifndef ELK_KERN_SPINLOCK_H
#define ELK_KERN_SPINLOCK_H

#include <inc/assert.h>
#include <inc/types.h>
#include <inc/x86.h>
#include <kern/cpu.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;
	struct cpu *cpu;	/* holder, for debugging and holding() */
};

#define SPINLOCK_INIT(n) { 0, (n), NULL }

static inline void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
	lk->cpu = NULL;
}

/* Disable interrupts, remembering whether they were on at the outermost level. */
static inline void push_cli(void)
{
	uint64_t rflags = read_rflags();
	cli();
	struct cpu *c = mycpu();
	if (c->ncli++ == 0)
		c->intena = (rflags & FL_IF) != 0;
}

/* Undo one push_cli; interrupts come back on when the outermost one is undone. */
static inline void pop_cli(void)
{
	struct cpu *c = mycpu();
	if (read_rflags() & FL_IF)
		panic("pop_cli: interrupts enabled");
	if (--c->ncli < 0)
		panic("pop_cli: unbalanced");
	if (c->ncli == 0 && c->intena)
		sti();
}

/* True if this CPU holds lk. Call with interrupts off. */
static inline bool spin_holding(struct spinlock *lk)
{
	return lk->locked && lk->cpu == mycpu();
}

static inline void spin_lock(struct spinlock *lk)
{
	push_cli();
	if (spin_holding(lk))
		panic("spin_lock: %s already held by this CPU", lk->name);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
	lk->cpu = mycpu();
}

static inline void spin_unlock(struct spinlock *lk)
{
	if (!spin_holding(lk))
		panic("spin_unlock: %s not held", lk->name);
	lk->cpu = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	pop_cli();
}

#endif
