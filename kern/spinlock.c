/* Spinlocks with interrupt-disable nesting (see spinlock.h). */
#include <inc/assert.h>
#include <inc/x86.h>
#include <kern/cpu.h>
#include <kern/spinlock.h>

void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
	lk->cpu = NULL;
}

/* Disable interrupts, remembering whether they were on at the outermost level. */
void push_cli(void)
{
	uint64_t rflags = read_rflags();
	cli();
	struct cpu *c = mycpu();
	if (c->ncli++ == 0)
		c->intena = (rflags & FL_IF) != 0;
}

/* Undo one push_cli; interrupts come back on when the outermost one is undone. */
void pop_cli(void)
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
bool spin_holding(struct spinlock *lk)
{
	return lk->locked && lk->cpu == mycpu();
}

void spin_lock(struct spinlock *lk)
{
	push_cli();
	if (spin_holding(lk))
		panic("spin_lock: %s already held by this CPU", lk->name);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
	lk->cpu = mycpu();
}

void spin_unlock(struct spinlock *lk)
{
	if (!spin_holding(lk))
		panic("spin_unlock: %s not held", lk->name);
	lk->cpu = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	pop_cli();
}
