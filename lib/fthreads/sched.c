/*
 * The user-thread scheduler of FlexSC-Threads: threads, the run queue, wait
 * queues and the switch between them, on the one kernel thread that runs
 * main (fthreads.h). It knows no FlexSC: the next thread is chosen after
 * fth_hook_reap, and with none READY fth_hook_idle waits for one.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "fthreads.h"
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

#define GUARD 4096
#define MXCSR_DEFAULT 0x1f80	/* all exceptions masked, round to nearest */
#define FPUCW_DEFAULT 0x037f	/* the same for x87, extended precision */

void fth_switch(uint64_t *from_rsp, const uint64_t *to_rsp);
void fth_trampoline(void);
_Noreturn void fth_thread_main(struct fth_thread *t);

/* Set by the key code (sync.c): runs a thread's key destructors as it ends. */
void (*fth_exit_hook)(struct fth_thread *t);

static struct fth_thread main_thread;
static struct fth_thread *current;
static struct fth_queue runq;
static unsigned live;
/* An ended thread's stack, unmapped by the next thread to run (no thread frees the stack it runs on). */
static void *dead_stack;
static size_t dead_stack_size;

struct fth_thread *fth_self(void)
{
	if (!current) {
		main_thread.state = FTH_RUNNING;
		main_thread.timer = -1;
		current = &main_thread;
		live = 1;
	}
	return current;
}

unsigned fth_live(void)
{
	fth_self();
	return live;
}

void fth_enqueue(struct fth_queue *q, struct fth_thread *t)
{
	t->next = NULL;
	t->prev = q->tail;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

void fth_remove(struct fth_queue *q, struct fth_thread *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		q->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		q->tail = t->prev;
	t->next = t->prev = NULL;
}

struct fth_thread *fth_dequeue(struct fth_queue *q)
{
	struct fth_thread *t = q->head;
	if (t)
		fth_remove(q, t);
	return t;
}

void fth_ready(struct fth_thread *t)
{
	t->state = FTH_READY;
	fth_enqueue(&runq, t);
}

/* Unmap the stack of a thread that ended, now that the caller runs on another. */
static void bury(void)
{
	if (dead_stack) {
		munmap(dead_stack, dead_stack_size);
		dead_stack = NULL;
	}
}

/*
 * The host test runs under AddressSanitizer, which must be told of each
 * switch between stacks (main's bounds it reports when main is first left).
 * Without it, as in the library, these do nothing.
 */
#ifdef __SANITIZE_ADDRESS__
static struct fth_thread *asan_prev;
static const void *main_bottom;
static size_t main_size;

static void asan_leave(struct fth_thread *self, struct fth_thread *next, void **fake)
{
	asan_prev = self;
	if (next->stack)
		__sanitizer_start_switch_fiber(self->state == FTH_DEAD ? NULL : fake,
					       (char *)next->stack + GUARD, next->stack_size - GUARD);
	else
		__sanitizer_start_switch_fiber(self->state == FTH_DEAD ? NULL : fake, main_bottom,
					       main_size);
}

static void asan_arrive(void *fake)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (asan_prev == &main_thread) {
		main_bottom = bottom;
		main_size = size;
	}
}
#else
static void asan_leave(struct fth_thread *self, struct fth_thread *next, void **fake)
{
}

static void asan_arrive(void *fake)
{
}
#endif

/*
 * Run the next READY thread in place of the running one, whose state the
 * caller has set; returns when the caller runs again. errno goes with the
 * thread. If the caller itself is the next READY one, nothing is switched.
 */
static void schedule(void)
{
	struct fth_thread *self = current, *next;

	fth_hook_reap();
	while (!(next = fth_dequeue(&runq))) {
		fth_hook_idle();
	}
	next->state = FTH_RUNNING;
	if (next == self)
		return;
	self->saved_errno = errno;
	current = next;
	void *fake = NULL;
	asan_leave(self, next, &fake);
	fth_switch(&self->rsp, &next->rsp);
	/* Running again, on this thread's own stack. */
	asan_arrive(fake);
	bury();
	errno = self->saved_errno;
}

void fth_block(void)
{
	fth_self()->state = FTH_BLOCKED;
	schedule();
}

void fth_yield(void)
{
	fth_ready(fth_self());
	schedule();
}

_Noreturn void fth_thread_main(struct fth_thread *t)
{
	asan_arrive(NULL);
	bury();
	errno = 0;
	fth_exit(t->start(t->arg));
}

struct fth_thread *fth_create(void *(*start)(void *), void *arg, size_t stack_size, bool detached)
{
	fth_self();
	stack_size = (stack_size + 4095) & ~(size_t)4095;
	struct fth_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	char *stack = mmap(NULL, stack_size + GUARD, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED || mprotect(stack, GUARD, PROT_NONE) != 0) {
		if (stack != MAP_FAILED)
			munmap(stack, stack_size + GUARD);
		free(t);
		return NULL;
	}
	t->stack = stack;
	t->stack_size = stack_size + GUARD;
	t->start = start;
	t->arg = arg;
	t->detached = detached;
	t->timer = -1;
	/* fth_switch's frame: control words, r15..r12, rbx, rbp, then fth_trampoline as the return. */
	uint64_t *sp = (uint64_t *)(stack + GUARD + stack_size);
	*--sp = (uint64_t)fth_trampoline;
	*--sp = 0;			/* rbp */
	*--sp = 0;			/* rbx */
	*--sp = (uint64_t)t;		/* r12: fth_trampoline's argument */
	*--sp = 0;			/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	*--sp = MXCSR_DEFAULT | (uint64_t)FPUCW_DEFAULT << 32;
	t->rsp = (uint64_t)sp;
	live++;
	fth_ready(t);
	return t;
}

_Noreturn void fth_exit(void *retval)
{
	struct fth_thread *self = fth_self();

	if (fth_exit_hook)
		fth_exit_hook(self);
	self->retval = retval;
	self->state = FTH_DEAD;
	if (--live == 0)
		exit(0);
	if (self->stack) {
		dead_stack = self->stack;
		dead_stack_size = self->stack_size;
		self->stack = NULL;
	}
	if (self->joiner)
		fth_ready(self->joiner);
	if (self->detached && self != &main_thread) {
		/* Nothing of it is used after this but its saved rsp, which nobody loads. */
		static struct fth_thread grave;
		current = &grave;
		free(self);
		self = &grave;
		self->state = FTH_DEAD;
	}
	schedule();
	abort();	/* a DEAD thread is never readied */
}

void *fth_join(struct fth_thread *t)
{
	struct fth_thread *self = fth_self();

	if (t->state != FTH_DEAD) {
		t->joiner = self;
		fth_block();
	}
	void *ret = t->retval;
	if (t != &main_thread)
		free(t);
	return ret;
}

bool fth_wait_on(struct fth_queue *q, clockid_t clock, const struct timespec *deadline)
{
	struct fth_thread *self = fth_self();

	self->timed_out = false;
	/* First, for arming may itself wait (for a free entry); it fires only in schedule. */
	if (deadline)
		self->timer = fth_hook_timer(self, clock, deadline);
	self->state = FTH_BLOCKED;
	self->waitq = q;
	fth_enqueue(q, self);
	schedule();
	if (self->timer >= 0) {
		fth_hook_disarm(self);
		self->timer = -1;
	}
	return self->timed_out;
}

void fth_timer_fired(struct fth_thread *t)
{
	t->timer = -1;
	if (t->state != FTH_BLOCKED || !t->waitq)
		return;
	fth_remove(t->waitq, t);
	t->waitq = NULL;
	t->timed_out = true;
	fth_ready(t);
}

bool fth_wake_one(struct fth_queue *q)
{
	struct fth_thread *t = fth_dequeue(q);
	if (!t)
		return false;
	t->waitq = NULL;
	fth_ready(t);
	return true;
}

void fth_wake_all(struct fth_queue *q)
{
	while (fth_wake_one(q))
		;
}
