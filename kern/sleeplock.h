/*
 * Sleep locks: mutual exclusion for long operations in thread context (a page
 * fault, an munmap of a large range). A waiter sleeps instead of spinning, and
 * the holder may take spinlocks, allocate and fault on user memory. Never taken
 * from interrupt handlers, nor with a spinlock held. Each has a rank in the
 * lock order (kern/lockrank.h); the debug build checks it per thread.
 */
#ifndef ELK_KERN_SLEEPLOCK_H
#define ELK_KERN_SLEEPLOCK_H

#include <kern/sched.h>
#include <kern/spinlock.h>

struct sleeplock {
	bool locked;		/* protected by guard */
	struct thread *holder;	/* protected by guard */
	const char *name;
	int rank;
	struct spinlock guard;
	struct waitq waiters;
};

void sleeplock_init(struct sleeplock *lk, const char *name, int rank);
/* The same for a static lock lk: struct sleeplock lk = SLEEPLOCK_INIT(lk, ...); */
#define SLEEPLOCK_INIT(lk, lkname, lkrank) { \
	.name = (lkname), .rank = (lkrank), \
	.guard = SPINLOCK_INIT(lkname, LOCK_SLEEPLOCK), .waiters = WAITQ_INIT((lk).waiters) }
/* Take lk, sleeping while another thread holds it. Not recursive. */
void sleeplock_acquire(struct sleeplock *lk);
void sleeplock_release(struct sleeplock *lk);
/* Whether the calling thread holds lk. */
bool sleeplock_held(struct sleeplock *lk);

#endif
