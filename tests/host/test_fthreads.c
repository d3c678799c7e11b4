// host-test-sources: lib/fthreads/sched.c lib/fthreads/switch.S
/*
 * Host test of FlexSC-Threads' scheduler (lib/fthreads/sched.c) and its
 * context switch (switch.S), with this file's hooks in place of the syscall
 * page: a "posted call" is a thread this test readies from fth_hook_idle, in
 * order, and a deadline fires there too. Round-robin order of yields, errno
 * and the callee-saved state (registers, MXCSR) kept per thread across
 * switches, FIFO wait queues, a deadline that fires against a waker that
 * comes first, join's value, detached threads, and a thread created from a
 * thread. Under AddressSanitizer the stacks are mmap'd and switched by hand.
 */
#include <errno.h>
#include <string.h>
#include <xmmintrin.h>
#include "lib/fthreads/fthreads.h"

#include "check.h"

/* --- the hooks: blocked "calls" and armed deadlines, completed by idle in order --- */
#define MAXPEND 64
static struct fth_thread *pending[MAXPEND];	/* readied by idle, first in first out */
static unsigned npending;
static struct fth_thread *armed[MAXPEND];	/* deadlines; fire from idle when no call is pending */
static unsigned narmed, reaps, idles;

void fth_hook_reap(void)
{
	reaps++;
}

void fth_hook_idle(void)
{
	idles++;
	if (npending) {
		struct fth_thread *t = pending[0];
		memmove(pending, pending + 1, --npending * sizeof(pending[0]));
		fth_ready(t);
		return;
	}
	CHECK(narmed > 0);	/* else a deadlock: the test is wrong */
	struct fth_thread *t = armed[--narmed];
	if (t)
		fth_timer_fired(t);
}

int fth_hook_timer(struct fth_thread *t, clockid_t clock, const struct timespec *deadline)
{
	(void)clock;
	(void)deadline;
	armed[narmed] = t;
	return (int)narmed++;
}

void fth_hook_disarm(struct fth_thread *t)
{
	armed[t->timer] = NULL;
}

/* A blocking call as the library makes one: park until idle "completes" it. */
static void fake_call(void)
{
	pending[npending++] = fth_self();
	fth_block();
}

/* --- round robin --- */
static char order[256];
static unsigned norder;

static void *yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[norder++] = (char)(long)arg;
		fth_yield();
	}
	return arg;
}

static void round_robin(void)
{
	struct fth_thread *t[3];
	for (long i = 0; i < 3; i++)
		t[i] = fth_create(yielder, (void *)('a' + i), 16384, false);
	for (int i = 0; i < 3; i++)
		CHECK_EQ((long)fth_join(t[i]), 'a' + i);
	order[norder] = 0;
	CHECK(strcmp(order, "abcabcabc") == 0);
	CHECK_EQ(fth_live(), 1);
}

/* --- errno, registers and MXCSR per thread --- */
static void *keeper(void *arg)
{
	long id = (long)arg;
	unsigned rounding = id % 2 ? _MM_ROUND_TOWARD_ZERO : _MM_ROUND_UP;
	register long r12 asm("r12") = id * 7;

	errno = (int)id;
	_MM_SET_ROUNDING_MODE(rounding);
	for (int i = 0; i < 20; i++) {
		if (i % 3)
			fth_yield();
		else
			fake_call();
		asm volatile("" : "+r"(r12));
		if (errno != id || _MM_GET_ROUNDING_MODE() != rounding || r12 != id * 7)
			return NULL;
	}
	return arg;
}

static void per_thread_state(void)
{
	struct fth_thread *t[8];
	unsigned before = idles;

	errno = 1234;
	for (long i = 0; i < 8; i++)
		t[i] = fth_create(keeper, (void *)(i + 1), 16384, false);
	for (long i = 0; i < 8; i++)
		CHECK_EQ((long)fth_join(t[i]), i + 1);
	CHECK_EQ(errno, 1234);
	CHECK_EQ(_MM_GET_ROUNDING_MODE(), _MM_ROUND_NEAREST);
	CHECK(idles > before);
	CHECK(reaps >= idles);
}

/* --- wait queues and deadlines --- */
static struct fth_queue q;
static char woken[16];
static unsigned nwoken;

static void *waiter(void *arg)
{
	bool timed_out = fth_wait_on(&q, CLOCK_MONOTONIC, NULL);
	woken[nwoken++] = (char)(long)arg;
	return (void *)(long)timed_out;
}

static void *timed_waiter(void *arg)
{
	(void)arg;
	struct timespec never = { 1000, 0 };
	return (void *)(long)fth_wait_on(&q, CLOCK_MONOTONIC, &never);
}

static void wait_queues(void)
{
	struct fth_thread *t[3];
	for (long i = 0; i < 3; i++)
		t[i] = fth_create(waiter, (void *)('x' + i), 16384, false);
	fth_yield();	/* all three wait now */
	CHECK(fth_wake_one(&q));
	fth_wake_all(&q);
	CHECK(!fth_wake_one(&q));
	for (int i = 0; i < 3; i++)
		CHECK_EQ((long)fth_join(t[i]), 0);
	woken[nwoken] = 0;
	CHECK(strcmp(woken, "xyz") == 0);

	/* A deadline that fires: the thread leaves the queue, timed out. */
	struct fth_thread *a = fth_create(timed_waiter, NULL, 16384, false);
	CHECK_EQ((long)fth_join(a), 1);
	CHECK(q.head == NULL && q.tail == NULL);
	CHECK_EQ(narmed, 0);

	/* A waker first: the deadline is disarmed and its late firing is nothing. */
	a = fth_create(timed_waiter, NULL, 16384, false);
	fth_yield();
	CHECK(fth_wake_one(&q));
	CHECK_EQ((long)fth_join(a), 0);
	CHECK_EQ(narmed, 1);
	CHECK(armed[0] == NULL);
	narmed = 0;
}

/* --- detached threads, and threads that make threads --- */
static int detached_ran;

static void *detached(void *arg)
{
	(void)arg;
	fake_call();
	detached_ran++;
	return NULL;
}

static void *parent(void *arg)
{
	(void)arg;
	struct fth_thread *c = fth_create(yielder, (void *)'p', 16384, false);
	for (int i = 0; i < 4; i++)
		fth_create(detached, NULL, 16384, true);
	return fth_join(c);
}

static void detach_and_nest(void)
{
	struct fth_thread *p = fth_create(parent, NULL, 32768, false);
	CHECK_EQ((long)fth_join(p), 'p');
	while (fth_live() > 1)
		fake_call();	/* idle completes the detached threads' calls first */
	CHECK_EQ(detached_ran, 4);
}

int main(void)
{
	round_robin();
	per_thread_state();
	wait_queues();
	detach_and_nest();
	return check_summary("fthreads");
}
