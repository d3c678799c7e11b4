/*
 * The pthread API of FlexSC-Threads over the scheduler (fthreads.h): threads,
 * attributes, mutexes, condition variables, once, keys, barriers, rwlocks,
 * spinlocks and semaphores. In a static link these replace musl's, so the
 * objects are musl's types (inc: <pthread.h>, <semaphore.h>) with this
 * library's contents laid over them; a zero object is a default one
 * unlocked, as PTHREAD_*_INITIALIZER is. Nothing here traps unless a timed
 * wait must arm a deadline: a thread that has to wait parks on the object's
 * queue and is handed what it waits for (the mutex, the semaphore's unit) by
 * the thread that gives it up, so a woken thread never has to try again.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include "fthreads.h"

#define DEFAULT_STACK (128 * 1024)	/* musl's default */

/* Laid over the caller's object; static asserts check they fit. */
struct attr {
	size_t stack_size;		/* where musl keeps it: 0 is the default */
	size_t unused[2];
	int detached;			/* where musl keeps it */
};
struct mutex {
	int type;			/* PTHREAD_MUTEX_*: first, as musl's _NP initializers set it */
	unsigned count;			/* times a RECURSIVE one is held */
	struct fth_thread *owner;
	struct fth_queue waiters;
};
struct cond {
	struct fth_queue waiters;
	clockid_t clock;
};
struct barrier {
	unsigned count, arrived;
	struct fth_queue waiters;
};
struct rwlock {
	int readers;			/* holding it to read; -1: a writer holds it */
	struct fth_queue waiters;	/* readers and writers, in order of arrival */
};
struct sem {
	int value;
	struct fth_queue waiters;
};
#define FITS(ours, theirs) _Static_assert(sizeof(struct ours) <= sizeof(theirs), #ours " fits")
FITS(attr, pthread_attr_t);
FITS(mutex, pthread_mutex_t);
FITS(cond, pthread_cond_t);
FITS(barrier, pthread_barrier_t);
FITS(rwlock, pthread_rwlock_t);
FITS(sem, sem_t);
_Static_assert(__builtin_offsetof(struct attr, detached) == 24, "musl's attribute layout");

/* --- threads --- */

int pthread_attr_init(pthread_attr_t *a)
{
	memset(a, 0, sizeof(*a));
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	((struct attr *)a)->detached = state == PTHREAD_CREATE_DETACHED;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = ((const struct attr *)a)->detached ? PTHREAD_CREATE_DETACHED
						    : PTHREAD_CREATE_JOINABLE;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < PTHREAD_STACK_MIN)
		return EINVAL;
	((struct attr *)a)->stack_size = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	size_t s = ((const struct attr *)a)->stack_size;
	*size = s ? s : DEFAULT_STACK;
	return 0;
}

int pthread_create(pthread_t *tid, const pthread_attr_t *a, void *(*start)(void *), void *arg)
{
	const struct attr *at = (const struct attr *)a;
	size_t size = at && at->stack_size ? at->stack_size : DEFAULT_STACK;
	struct fth_thread *t = fth_create(start, arg, size, at && at->detached);

	if (!t)
		return EAGAIN;
	*tid = (pthread_t)t;
	return 0;
}

int pthread_join(pthread_t tid, void **ret)
{
	struct fth_thread *t = (struct fth_thread *)tid;

	if (t == fth_self())
		return EDEADLK;
	if (t->detached || t->joiner)
		return EINVAL;
	void *r = fth_join(t);
	if (ret)
		*ret = r;
	return 0;
}

int pthread_detach(pthread_t tid)
{
	struct fth_thread *t = (struct fth_thread *)tid;

	if (t->detached || t->joiner)
		return EINVAL;
	if (t->state == FTH_DEAD)
		fth_join(t);
	else
		t->detached = true;
	return 0;
}

_Noreturn void pthread_exit(void *ret)
{
	fth_exit(ret);
}

pthread_t pthread_self(void)
{
	return (pthread_t)fth_self();
}

#undef pthread_equal
int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

/* --- mutexes --- */

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	a->__attr = PTHREAD_MUTEX_DEFAULT;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if ((unsigned)type > PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	a->__attr = (a->__attr & ~3u) | (unsigned)type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	*type = (int)(a->__attr & 3);
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *pm, const pthread_mutexattr_t *a)
{
	struct mutex *m = (struct mutex *)pm;

	memset(pm, 0, sizeof(*pm));
	m->type = a ? (int)(a->__attr & 3) : PTHREAD_MUTEX_DEFAULT;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *pm)
{
	return ((struct mutex *)pm)->owner ? EBUSY : 0;
}

/* Take m at once if that is allowed: 0, EBUSY (held by another), or an error of the type. */
static int mutex_try(struct mutex *m, struct fth_thread *self)
{
	if (!m->owner) {
		m->owner = self;
		m->count = 1;
		return 0;
	}
	if (m->owner != self)
		return EBUSY;
	if (m->type == PTHREAD_MUTEX_RECURSIVE) {
		if (m->count == UINT_MAX)
			return EAGAIN;
		m->count++;
		return 0;
	}
	if (m->type == PTHREAD_MUTEX_ERRORCHECK)
		return EDEADLK;
	return EBUSY;	/* NORMAL: relocking deadlocks, as POSIX says */
}

/* Lock m, waiting until deadline (on clock) if one is given. */
static int mutex_lock(struct mutex *m, clockid_t clock, const struct timespec *deadline)
{
	struct fth_thread *self = fth_self();
	int r = mutex_try(m, self);

	if (r != EBUSY)
		return r;
	/* The unlocker hands m over: woken without a timeout, we own it. */
	if (fth_wait_on(&m->waiters, clock, deadline))
		return ETIMEDOUT;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *pm)
{
	return mutex_lock((struct mutex *)pm, CLOCK_REALTIME, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *restrict pm, const struct timespec *restrict at)
{
	return mutex_lock((struct mutex *)pm, CLOCK_REALTIME, at);
}

int pthread_mutex_trylock(pthread_mutex_t *pm)
{
	int r = mutex_try((struct mutex *)pm, fth_self());
	return r == EDEADLK ? EBUSY : r;
}

int pthread_mutex_unlock(pthread_mutex_t *pm)
{
	struct mutex *m = (struct mutex *)pm;

	if (m->owner != fth_self())
		return m->type == PTHREAD_MUTEX_NORMAL && m->owner ? 0 : EPERM;
	if (--m->count > 0)
		return 0;
	m->owner = m->waiters.head;
	if (m->owner) {
		m->count = 1;
		fth_wake_one(&m->waiters);
	}
	return 0;
}

/* --- condition variables --- */

int pthread_condattr_init(pthread_condattr_t *a)
{
	a->__attr = CLOCK_REALTIME;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	a->__attr = (unsigned)clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *restrict a, clockid_t *restrict clock)
{
	*clock = (clockid_t)a->__attr;
	return 0;
}

int pthread_cond_init(pthread_cond_t *restrict pc, const pthread_condattr_t *restrict a)
{
	memset(pc, 0, sizeof(*pc));
	((struct cond *)pc)->clock = a ? (clockid_t)a->__attr : CLOCK_REALTIME;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *pc)
{
	return ((struct cond *)pc)->waiters.head ? EBUSY : 0;
}

static int cond_wait(struct cond *c, struct mutex *m, const struct timespec *deadline)
{
	struct fth_thread *self = fth_self();

	if (m->owner != self)
		return EPERM;
	unsigned count = m->count;
	m->count = 1;
	pthread_mutex_unlock((pthread_mutex_t *)m);
	bool timed_out = fth_wait_on(&c->waiters, c->clock, deadline);
	mutex_lock(m, CLOCK_REALTIME, NULL);
	m->count = count;
	return timed_out ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *restrict pc, pthread_mutex_t *restrict pm)
{
	return cond_wait((struct cond *)pc, (struct mutex *)pm, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *restrict pc, pthread_mutex_t *restrict pm,
			   const struct timespec *restrict at)
{
	return cond_wait((struct cond *)pc, (struct mutex *)pm, at);
}

int pthread_cond_signal(pthread_cond_t *pc)
{
	fth_wake_one(&((struct cond *)pc)->waiters);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *pc)
{
	fth_wake_all(&((struct cond *)pc)->waiters);
	return 0;
}

/* --- once --- */

static struct fth_queue once_waiters;	/* threads waiting for some once routine to finish */

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	/* 0: not run; 1: running (others wait); 2: done. No cancellation, so it ends. */
	while (*once == 1)
		fth_wait_on(&once_waiters, CLOCK_REALTIME, NULL);
	if (*once == 0) {
		*once = 1;
		init();
		*once = 2;
		fth_wake_all(&once_waiters);
	}
	return 0;
}

/* --- keys --- */

static struct key {
	bool used;
	unsigned seq;		/* bumped by each create: older values are not the new key's */
	void (*dtor)(void *);
} keys[FTH_KEYS];

/* Run the ending thread's destructors, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
static void run_destructors(struct fth_thread *t)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool ran = false;
		for (unsigned k = 0; k < FTH_KEYS; k++) {
			void *v = t->keys[k];
			if (!keys[k].used || !keys[k].dtor || !v || t->key_seq[k] != keys[k].seq)
				continue;
			t->keys[k] = NULL;
			keys[k].dtor(v);
			ran = true;
		}
		if (!ran)
			return;
	}
}

int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	for (unsigned k = 0; k < FTH_KEYS; k++) {
		if (keys[k].used)
			continue;
		keys[k].used = true;
		keys[k].seq++;
		keys[k].dtor = dtor;
		fth_exit_hook = run_destructors;
		*key = k;
		return 0;
	}
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= FTH_KEYS || !keys[key].used)
		return EINVAL;
	keys[key].used = false;
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	struct fth_thread *t = fth_self();

	if (key >= FTH_KEYS || t->key_seq[key] != keys[key].seq)
		return NULL;
	return t->keys[key];
}

int pthread_setspecific(pthread_key_t key, const void *v)
{
	struct fth_thread *t = fth_self();

	if (key >= FTH_KEYS || !keys[key].used)
		return EINVAL;
	t->keys[key] = (void *)v;
	t->key_seq[key] = keys[key].seq;
	return 0;
}

/* --- barriers --- */

int pthread_barrier_init(pthread_barrier_t *restrict pb, const pthread_barrierattr_t *restrict a,
			 unsigned count)
{
	if (count == 0)
		return EINVAL;
	memset(pb, 0, sizeof(*pb));
	((struct barrier *)pb)->count = count;
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *pb)
{
	return ((struct barrier *)pb)->arrived ? EBUSY : 0;
}

int pthread_barrier_wait(pthread_barrier_t *pb)
{
	struct barrier *b = (struct barrier *)pb;

	if (++b->arrived < b->count) {
		fth_wait_on(&b->waiters, CLOCK_REALTIME, NULL);
		return 0;
	}
	b->arrived = 0;
	fth_wake_all(&b->waiters);
	return PTHREAD_BARRIER_SERIAL_THREAD;
}

/* --- rwlocks: granted in order of arrival, so no writer starves --- */

int pthread_rwlock_init(pthread_rwlock_t *restrict pl, const pthread_rwlockattr_t *restrict a)
{
	memset(pl, 0, sizeof(*pl));
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *pl)
{
	return ((struct rwlock *)pl)->readers ? EBUSY : 0;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *pl)
{
	struct rwlock *l = (struct rwlock *)pl;

	if (l->readers < 0 || l->waiters.head)
		return EBUSY;
	l->readers++;
	return 0;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *pl)
{
	struct rwlock *l = (struct rwlock *)pl;

	if (l->readers != 0)
		return EBUSY;
	l->readers = -1;
	return 0;
}

/*
 * Wait for l as a reader or a writer; rwlock_grant has counted us in by then.
 * A waiter's kind is told by fth_thread.sysret, unused while it waits here.
 */
static int rwlock_wait(struct rwlock *l, bool writer)
{
	struct fth_thread *self = fth_self();

	self->sysret = writer;
	fth_wait_on(&l->waiters, CLOCK_REALTIME, NULL);
	return 0;
}

/* Hand l to the waiters at the head of the queue that can have it now. */
static void rwlock_grant(struct rwlock *l)
{
	struct fth_thread *t;

	while ((t = l->waiters.head)) {
		if (t->sysret) {
			if (l->readers != 0)
				return;
			l->readers = -1;
		} else {
			if (l->readers < 0)
				return;
			l->readers++;
		}
		fth_wake_one(&l->waiters);
	}
}

int pthread_rwlock_rdlock(pthread_rwlock_t *pl)
{
	return pthread_rwlock_tryrdlock(pl) == 0 ? 0 : rwlock_wait((struct rwlock *)pl, false);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *pl)
{
	return pthread_rwlock_trywrlock(pl) == 0 ? 0 : rwlock_wait((struct rwlock *)pl, true);
}

int pthread_rwlock_unlock(pthread_rwlock_t *pl)
{
	struct rwlock *l = (struct rwlock *)pl;

	if (l->readers == 0)
		return EPERM;
	if (l->readers < 0)
		l->readers = 0;
	else
		l->readers--;
	rwlock_grant(l);
	return 0;
}

/* --- spinlocks: spinning would never let the holder run, so they yield --- */

int pthread_spin_init(pthread_spinlock_t *s, int shared)
{
	*s = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
	return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (*s)
		return EBUSY;
	*s = 1;
	return 0;
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
	while (pthread_spin_trylock(s) != 0)
		fth_yield();
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
	*s = 0;
	return 0;
}

/* --- semaphores (unnamed; a post hands its unit to the first waiter) --- */

int sem_init(sem_t *ps, int shared, unsigned value)
{
	if (value > SEM_VALUE_MAX)
		return errno = EINVAL, -1;
	memset(ps, 0, sizeof(*ps));
	((struct sem *)ps)->value = (int)value;
	return 0;
}

int sem_destroy(sem_t *ps)
{
	return 0;
}

int sem_trywait(sem_t *ps)
{
	struct sem *s = (struct sem *)ps;

	if (s->value == 0)
		return errno = EAGAIN, -1;
	s->value--;
	return 0;
}

int sem_timedwait(sem_t *restrict ps, const struct timespec *restrict at)
{
	struct sem *s = (struct sem *)ps;

	if (s->value > 0) {
		s->value--;
		return 0;
	}
	if (fth_wait_on(&s->waiters, CLOCK_REALTIME, at))
		return errno = ETIMEDOUT, -1;
	return 0;
}

int sem_wait(sem_t *ps)
{
	return sem_timedwait(ps, NULL);
}

int sem_post(sem_t *ps)
{
	struct sem *s = (struct sem *)ps;

	if (fth_wake_one(&s->waiters))
		return 0;
	if (s->value == SEM_VALUE_MAX)
		return errno = EOVERFLOW, -1;
	s->value++;
	return 0;
}

int sem_getvalue(sem_t *restrict ps, int *restrict value)
{
	*value = ((struct sem *)ps)->value;
	return 0;
}
