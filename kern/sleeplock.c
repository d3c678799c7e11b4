/* Sleep locks (see sleeplock.h). */
#include <inc/assert.h>
#include <kern/sleeplock.h>

void sleeplock_init(struct sleeplock *lk, const char *name)
{
	lk->locked = false;
	lk->holder = NULL;
	spin_init(&lk->guard, name);
	waitq_init(&lk->waiters);
}

void sleeplock_acquire(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	if (lk->locked && lk->holder == mythread())
		panic("sleeplock %s: acquired twice by one thread", lk->guard.name);
	while (lk->locked)
		sleep_on(&lk->waiters, &lk->guard);
	lk->locked = true;
	lk->holder = mythread();
	spin_unlock(&lk->guard);
}

void sleeplock_release(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	if (!lk->locked || lk->holder != mythread())
		panic("sleeplock %s: released by a thread that does not hold it",
		      lk->guard.name);
	lk->locked = false;
	lk->holder = NULL;
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
