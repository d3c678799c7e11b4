/*
 * Futexes. Waiters sit in a hash table of FUTEX_BUCKETS lists, each under its
 * own spinlock. As on Linux, a FUTEX_PRIVATE_FLAG futex, and one on memory
 * that is not MAP_SHARED, is keyed by (vmspace, user address), so the threads
 * of one process meet on it and a fork's child (its own copy-on-write space)
 * does not; a futex without the flag on a MAP_SHARED page is keyed by (memory
 * object, byte offset), so every process that maps the page meets on it, at
 * whatever address (docs/threads.md).
 *
 * The value check without a lost wakeup: a waiter queues itself under the
 * bucket lock, then reads *uaddr (which may fault, so not under a spinlock),
 * and sleeps only if the value was as expected. A waker changes *uaddr first
 * and then takes the bucket lock to wake: if the waiter read the old value it
 * was already queued, so the wake finds it; if it read the new one it leaves
 * with -EAGAIN.
 */
#include <inc/errno.h>
#include <inc/futex.h>
#include <inc/time.h>
#include <kern/futex.h>
#include <kern/list.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/time.h>
#include <kern/uaccess.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

#define FUTEX_BUCKETS (LOCK_FUTEX_LAST - LOCK_FUTEX + 1)

/*
 * Where a futex lives: (vmspace, user address), or for a shared one (memory
 * object, byte offset), when the key holds a reference on the object.
 */
struct futex_key {
	const void *space;		/* the vmspace, or the vmobj if shared */
	uint64_t where;			/* the address, or the offset in the object */
	bool shared;
};

struct futex_bucket;

/* A thread in FUTEX_WAIT: on its bucket's list while queued. */
struct futex_waiter {
	struct list_node link;
	struct futex_key key;		/* changes under both buckets' locks (requeue) */
	struct futex_bucket *bucket;	/* the list it is on: atomic stores under both locks */
	uint32_t bitset;
	bool queued;			/* still on a list: not yet woken */
	struct waitq wq;		/* the waiter sleeps here alone */
	struct thread *thread;
};

struct futex_bucket {
	struct spinlock lock;
	struct list_node waiters;
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

/* The bucket of key k. */
static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->where >> 2) ^ ((uintptr_t)k->space >> 6);
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return &buckets[(h >> 32) % FUTEX_BUCKETS];
}

void futex_init(void)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		spin_init(&buckets[i].lock, "futex", LOCK_FUTEX + i);
		list_init(&buckets[i].waiters);
	}
}

/*
 * The key of uaddr in the calling process, shared (a reference taken on the
 * object; key_put drops it) when !private and uaddr lies in a MAP_SHARED
 * area. -EINVAL unless 4-byte aligned, -EFAULT outside user space or, for a
 * futex that may be shared, where nothing is mapped. May sleep.
 */
static int key_of(uint32_t *uaddr, bool private, struct futex_key *k)
{
	struct vmspace *vs = myproc()->vs;
	uintptr_t va = (uintptr_t)uaddr;
	int r = 0;

	if (va % 4)
		return -EINVAL;
	if (!user_range_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	*k = (struct futex_key){ .space = vs, .where = va, .shared = false };
	if (private)
		return 0;
	sleeplock_acquire(&vs->lock);
	struct vmarea *a = vmmap_lookup(&vs->map, va);
	if (!a) {
		r = -EFAULT;
	} else if ((a->flags & MAP_SHARED) && a->obj) {
		vmobj_ref(a->obj);
		*k = (struct futex_key){ .space = a->obj, .where = a->off + (va - a->start),
					 .shared = true };
	}
	sleeplock_release(&vs->lock);
	return r;
}

/* Drop the reference a shared key holds. */
static void key_put(struct futex_key *k)
{
	if (k->shared)
		vmobj_put((struct vmobj *)k->space);
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->where == b->where;
}

/* Take w off its list and make it runnable. Caller holds w's bucket lock. */
static void wake_waiter(struct futex_waiter *w)
{
	list_remove(&w->link);
	w->queued = false;
	wakeup_all(&w->wq);
}

/*
 * Lock the bucket w is on now: a requeue may move w (under both buckets'
 * locks) while we wait for the lock, so look again once it is held.
 */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
	for (;;) {
		struct futex_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
		spin_lock(&b->lock);
		if (__atomic_load_n(&w->bucket, __ATOMIC_RELAXED) == b)
			return b;
		spin_unlock(&b->lock);
	}
}

/*
 * FUTEX_WAIT(_BITSET): sleep while *uaddr == val until woken (0), the tick
 * deadline passes (-ETIMEDOUT; no deadline if 0), or the thread is interrupted
 * (-EINTR). -EAGAIN at once if *uaddr != val.
 */
static int futex_wait(uint32_t *uaddr, bool private, uint32_t val, uint32_t bitset,
		      uint64_t deadline)
{
	struct futex_waiter w = { .bitset = bitset, .queued = true, .thread = mythread() };
	int r = key_of(uaddr, private, &w.key);
	uint32_t now;

	if (r < 0)
		return r;
	waitq_init(&w.wq);
	struct futex_bucket *b = bucket_of(&w.key);
	w.bucket = b;
	spin_lock(&b->lock);
	list_push_back(&b->waiters, &w.link);
	spin_unlock(&b->lock);

	if (copy_from_user(&now, uaddr, sizeof(now)) < 0)
		r = -EFAULT;
	else if (now != val)
		r = -EAGAIN;
	b = lock_waiter_bucket(&w);
	while (r == 0 && w.queued) {
		if (thread_interrupted())
			r = -EINTR;
		else if (deadline && ticks >= deadline)
			r = -ETIMEDOUT;
		else if (deadline)
			sleep_on_until(&w.wq, &b->lock, deadline);
		else
			sleep_on_interruptible(&w.wq, &b->lock);
		if (r == 0 && w.queued) {
			/* A requeue may have moved us meanwhile. */
			spin_unlock(&b->lock);
			b = lock_waiter_bucket(&w);
		}
	}
	if (w.queued)
		list_remove(&w.link);
	else
		r = 0;	/* woken: the wake counts even if we also timed out or saw a change */
	spin_unlock(&b->lock);
	key_put(&w.key);
	return r;
}

/*
 * Wake waiters on key whose bitsets meet bitset, at most n but always the
 * first (as Linux, which counts after each wake: n <= 0 wakes one); how many
 * woke.
 */
static int wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
	struct futex_bucket *b = bucket_of(k);
	struct list_node *node, *tmp;
	int woken = 0;

	spin_lock(&b->lock);
	list_foreach_safe(node, tmp, &b->waiters) {
		struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			wake_waiter(w);
			if (++woken >= n)
				break;
		}
	}
	spin_unlock(&b->lock);
	return woken;
}

/* FUTEX_WAKE(_BITSET) on uaddr: how many woke, or -errno as key_of. */
static int futex_wake_bits(uint32_t *uaddr, bool private, int n, uint32_t bitset)
{
	struct futex_key k;
	int r = key_of(uaddr, private, &k);

	if (r < 0)
		return r;
	r = wake_key(&k, n, bitset);
	key_put(&k);
	return r;
}

int futex_wake(uint32_t *uaddr, int n)
{
	int r = futex_wake_bits(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);

	return r < 0 ? 0 : r;
}

/*
 * Move queued waiter w, on key k1, to key k2 in b2's list (in its place if it
 * is on that list already, so that a requeue's walk does not meet it again).
 * Caller holds both buckets' locks and k1's reference.
 */
static void requeue_waiter(struct futex_waiter *w, const struct futex_key *k2,
			   struct futex_bucket *b2)
{
	key_put(&w->key);	/* never the last reference: the caller holds one */
	w->key = *k2;
	if (k2->shared)
		vmobj_ref((struct vmobj *)k2->space);
	if (w->bucket != b2) {
		list_remove(&w->link);
		__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
		list_push_back(&b2->waiters, &w->link);
	}
}

/*
 * FUTEX_(CMP_)REQUEUE: wake up to nwake waiters on uaddr and move up to
 * nmove more to uaddr2; with cmp, first -EAGAIN unless *uaddr == val3. The
 * number woken plus moved.
 */
static int futex_requeue(uint32_t *uaddr, uint32_t *uaddr2, bool private, int nwake,
			 int nmove, bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	uint32_t now;
	int r;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if ((r = key_of(uaddr, private, &k1)) < 0)
		return r;
	if ((r = key_of(uaddr2, private, &k2)) < 0) {
		key_put(&k1);
		return r;
	}
	struct futex_bucket *b1 = bucket_of(&k1), *b2 = bucket_of(&k2);
	struct futex_bucket *lo = b1 < b2 ? b1 : b2, *hi = b1 < b2 ? b2 : b1;
	if (cmp && copy_from_user(&now, uaddr, sizeof(now)) < 0) {
		r = -EFAULT;
		goto out;
	}
	spin_lock(&lo->lock);
	if (hi != lo)
		spin_lock(&hi->lock);
	if (cmp && now != val3) {
		r = -EAGAIN;
	} else {
		struct list_node *node, *tmp;
		list_foreach_safe(node, tmp, &b1->waiters) {
			struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
			if (!key_eq(&w->key, &k1))
				continue;
			if (r < nwake)
				wake_waiter(w);
			else if (r < nwake + nmove)
				requeue_waiter(w, &k2, b2);
			else
				break;
			r++;
		}
	}
	if (hi != lo)
		spin_unlock(&hi->lock);
	spin_unlock(&lo->lock);
out:
	key_put(&k2);
	key_put(&k1);
	return r;
}

/*
 * futex(uaddr, op, val, timeout, uaddr2, val3), Linux's operations above; any
 * other operation is -ENOSYS. WAIT's timeout is relative, WAIT_BITSET's an
 * absolute CLOCK_MONOTONIC time (CLOCK_REALTIME with FUTEX_CLOCK_REALTIME);
 * for REQUEUE and CMP_REQUEUE the timeout argument is the count to move.
 */
int64_t sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *utimeout,
		  uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG;
	uint64_t deadline = 0;
	int r;

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (val3 == 0)
			return -EINVAL;
		if (utimeout) {
			int clock = cmd == FUTEX_WAIT ? -1
				    : (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
			if ((r = time_timeout_tick(utimeout, clock, &deadline)) < 0)
				return r;
		}
		return futex_wait(uaddr, private, val, val3, deadline);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (val3 == 0)
			return -EINVAL;
		return futex_wake_bits(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)(uintptr_t)utimeout,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		return -ENOSYS;
	}
}
