/*
 * Spinlocks. Taking one disables interrupts on this CPU until every lock it holds
 * is released (push_cli/pop_cli nest), so an interrupt handler never spins on a
 * lock its own CPU holds. Never sleep while holding a spinlock, except through
 * sleep_on(), which releases it.
 */
#ifndef ELK_KERN_SPINLOCK_H
#define ELK_KERN_SPINLOCK_H

#include <inc/types.h>

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;
	struct cpu *cpu;	/* holder, for debugging and holding() */
};

#define SPINLOCK_INIT(n) { 0, (n), NULL }

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
bool spin_holding(struct spinlock *lk);
void push_cli(void);
void pop_cli(void);

#endif
