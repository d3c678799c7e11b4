/*
 * Spinlocks. Taking one disables interrupts on this CPU until every lock it holds
 * is released (push_cli/pop_cli nest), so an interrupt handler never spins on a
 * lock its own CPU holds. Never sleep while holding a spinlock, except through
 * sleep_on(), which releases it.
 *
 * Every lock has a rank (kern/lockrank.h, which is the kernel's lock order): a
 * CPU takes locks in increasing rank only, never two of one rank. With
 * ELK_DEBUG (the default build, the one make test uses) each CPU keeps the
 * stack of locks it holds, and an acquire out of order, a release by a CPU
 * that does not hold the lock, and a sleep with a spinlock held panic, naming
 * the locks.
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
#include <kern/lockrank.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;
	struct cpu *cpu;	/* holder, for debugging and holding() */
	int rank;		/* LOCK_* of kern/lockrank.h */
};

#define SPINLOCK_INIT(n, r) { 0, (n), NULL, (r) }

static inline void spin_init(struct spinlock *lk, const char *name, int rank)
{
	lk->locked = 0;
	lk->name = name;
	lk->cpu = NULL;
	lk->rank = rank;
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

#ifdef ELK_DEBUG
/*
 * The lock checker: lk is about to be taken by c (interrupts off). Panics
 * unless lk ranks above every lock c holds.
 */
static inline void lockdep_acquire(struct cpu *c, struct spinlock *lk)
{
	for (int i = 0; i < c->nheld; i++)
		if (c->held[i]->rank >= lk->rank)
			panic("lock order: CPU %d takes %s (rank %d) while holding %s (rank %d)",
			      c->id, lk->name, lk->rank, c->held[i]->name, c->held[i]->rank);
	if (c->nheld == CPU_MAXHELD)
		panic("lock order: CPU %d holds %d locks, taking %s", c->id, c->nheld, lk->name);
	c->held[c->nheld++] = lk;
}

/* lk, held by c, is released: off c's stack (locks need not go in reverse order). */
static inline void lockdep_release(struct cpu *c, struct spinlock *lk)
{
	for (int i = c->nheld - 1; i >= 0; i--) {
		if (c->held[i] == lk) {
			c->held[i] = c->held[--c->nheld];
			return;
		}
	}
	panic("lock order: %s released but not on CPU %d's stack", lk->name, c->id);
}
#else
static inline void lockdep_acquire(struct cpu *c, struct spinlock *lk) { }
static inline void lockdep_release(struct cpu *c, struct spinlock *lk) { }
#endif

static inline void spin_lock(struct spinlock *lk)
{
	push_cli();
	struct cpu *c = mycpu();
	if (spin_holding(lk))
		panic("spin_lock: %s already held by this CPU (%d)", lk->name, c->id);
	lockdep_acquire(c, lk);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
	lk->cpu = c;
}

/* Take lk if it is free: whether it was taken. Never spins. */
static inline bool spin_trylock(struct spinlock *lk)
{
	push_cli();
	struct cpu *c = mycpu();
	if (lk->locked || __atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE)) {
		pop_cli();
		return false;
	}
	lockdep_acquire(c, lk);
	lk->cpu = c;
	return true;
}

static inline void spin_unlock(struct spinlock *lk)
{
	struct cpu *c = mycpu();
	if (!lk->locked)
		panic("spin_unlock: %s released by CPU %d but not held", lk->name, c->id);
	if (lk->cpu != c)
		panic("spin_unlock: %s released by CPU %d but held by CPU %d", lk->name, c->id,
		      lk->cpu ? lk->cpu->id : -1);
	lockdep_release(c, lk);
	lk->cpu = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	pop_cli();
}

/*
 * Panic unless this CPU holds no spinlock but allowed (NULL: none at all):
 * for code that sleeps or waits on other CPUs. what names the caller.
 */
static inline void spin_assert_none_but(struct spinlock *allowed, const char *what)
{
#ifdef ELK_DEBUG
	push_cli();
	struct cpu *c = mycpu();
	for (int i = 0; i < c->nheld; i++)
		if (c->held[i] != allowed)
			panic("%s with spinlock %s held (CPU %d)", what, c->held[i]->name, c->id);
	pop_cli();
#endif
}

#endif
