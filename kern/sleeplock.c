/* Sleep locks (see sleeplock.h). */
#include <inc/assert.h>
#include <kern/sleeplock.h>

void sleeplock_init(struct sleeplock *lk, const char *name, int rank)
{
	lk->locked = false;
	lk->holder = NULL;
	lk->name = name;
	lk->rank = rank;
	spin_init(&lk->guard, name, LOCK_SLEEPLOCK);
	waitq_init(&lk->waiters);
}

/*
 * The lock checker for sleep locks: t (NULL while the kernel boots, before any
 * thread runs) is about to hold lk. Panics if this CPU holds a spinlock, or t
 * a sleep lock of lk's rank or above.
 */
static void check_order(struct thread *t, struct sleeplock *lk)
{
#ifdef ELK_DEBUG
	push_cli();
	struct cpu *c = mycpu();
	if (c->nheld > 0)
		panic("lock order: sleep lock %s taken with spinlock %s held (CPU %d)", lk->name,
		      c->held[0]->name, c->id);
	pop_cli();
	if (!t)
		return;
	for (int i = 0; i < t->nsleeplocks; i++)
		if (t->sleeplocks[i]->rank >= lk->rank)
			panic("lock order: %s takes sleep lock %s (rank %d) while holding %s (rank %d)",
			      t->name, lk->name, lk->rank, t->sleeplocks[i]->name,
			      t->sleeplocks[i]->rank);
	if (t->nsleeplocks == THREAD_MAXSLEEPLOCKS)
		panic("lock order: %s holds %d sleep locks, taking %s", t->name, t->nsleeplocks,
		      lk->name);
#endif
}

void sleeplock_acquire(struct sleeplock *lk)
{
	struct thread *t = mythread();

	check_order(t, lk);
	spin_lock(&lk->guard);
	if (lk->locked && lk->holder == t)
		panic("sleeplock %s: acquired twice by one thread", lk->name);
	while (lk->locked)
		sleep_on(&lk->waiters, &lk->guard);
	lk->locked = true;
	lk->holder = t;
	if (t)
		t->sleeplocks[t->nsleeplocks++] = lk;
	spin_unlock(&lk->guard);
}

void sleeplock_release(struct sleeplock *lk)
{
	struct thread *t = mythread();

	spin_lock(&lk->guard);
	if (!lk->locked || lk->holder != t)
		panic("sleeplock %s: released by a thread that does not hold it", lk->name);
	lk->locked = false;
	lk->holder = NULL;
	for (int i = t ? t->nsleeplocks - 1 : -1; i >= 0; i--)
		if (t->sleeplocks[i] == lk) {
			t->sleeplocks[i] = t->sleeplocks[--t->nsleeplocks];
			break;
		}
	wakeup_all(&lk->waiters);
	spin_unlock(&lk->guard);
}

bool sleeplock_held(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	bool held = lk->locked && lk->holder == mythread();
	spin_unlock(&lk->guard);
	return held;
}
