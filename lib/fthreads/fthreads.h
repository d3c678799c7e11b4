/*
 * FlexSC-Threads, the library's inside (docs/flexsc-threads.md): user threads
 * run M-on-1 on the kernel thread that runs main. Everything here runs on that
 * one kernel thread, so no field needs a lock: a user thread is switched only
 * where it calls fth_block or fth_yield, never in the middle of these
 * functions and never inside musl (musl calls no function of this library
 * while it holds one of its own locks; see the doc).
 *
 * sched.c is the scheduler (threads, run queue, wait queues, switch) and knows
 * nothing of FlexSC: it calls the three fth_hook_* functions, which
 * syscalls.c defines for the syscall page and the host unit test for itself.
 */
#ifndef ELK_LIB_FTHREADS_H
#define ELK_LIB_FTHREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FTH_KEYS 128	/* PTHREAD_KEYS_MAX */

enum fth_state { FTH_READY, FTH_RUNNING, FTH_BLOCKED, FTH_DEAD };

struct fth_thread;

/* A FIFO of threads, linked through the threads themselves (a thread is on at most one). */
struct fth_queue {
	struct fth_thread *head, *tail;
};

struct fth_thread {
	uint64_t rsp;			/* saved by fth_switch while the thread is not running */
	enum fth_state state;
	struct fth_thread *next, *prev;	/* on the run queue or on *waitq */
	struct fth_queue *waitq;	/* the wait queue it is blocked on, or NULL */
	bool timed_out;			/* fth_wait_on: woken by its deadline, not by a waker */
	int timer;			/* fth_hook_timer's handle while a deadline is armed, else -1 */
	int saved_errno;		/* errno while switched out (musl's is the kernel thread's) */
	int64_t sysret;			/* a posted call's result, set when its entry is reaped */
	void *(*start)(void *);
	void *arg;
	void *retval;
	bool detached;
	struct fth_thread *joiner;	/* blocked in join on this thread */
	void *stack;			/* mmap'd, guard page first; NULL for main's */
	size_t stack_size;
	void *keys[FTH_KEYS];
	unsigned key_seq[FTH_KEYS];	/* keys[k] is this thread's only if it equals key k's seq */
};

/* The running thread (main's, made on first use). */
struct fth_thread *fth_self(void);
/* A new READY thread running start(arg) on a stack of stack_size bytes; NULL if out of memory. */
struct fth_thread *fth_create(void *(*start)(void *), void *arg, size_t stack_size, bool detached);
/* End the running thread with retval (after its key destructors); the last one ends the process with 0. */
_Noreturn void fth_exit(void *retval);
/* Wait for joinable thread t to end; its retval. Frees t. */
void *fth_join(struct fth_thread *t);
/* Make t (not already queued) READY at the run queue's tail. */
void fth_ready(struct fth_thread *t);
/* The running thread, already BLOCKED (queued where a waker finds it), gives the CPU away until readied. */
void fth_block(void);
/* Let every READY thread run once before the caller continues. */
void fth_yield(void);
/* Threads that have not ended (main's included). */
unsigned fth_live(void);

void fth_enqueue(struct fth_queue *q, struct fth_thread *t);
struct fth_thread *fth_dequeue(struct fth_queue *q);
void fth_remove(struct fth_queue *q, struct fth_thread *t);

/*
 * Block the running thread on q until fth_wake_one/fth_wake_all takes it, or,
 * with a deadline (absolute, on clock), until then. Returns true if the
 * deadline woke it (then it is no longer on q).
 */
bool fth_wait_on(struct fth_queue *q, clockid_t clock, const struct timespec *deadline);
/* Ready the first thread blocked on q; whether there was one. */
bool fth_wake_one(struct fth_queue *q);
/* Ready every thread blocked on q. */
void fth_wake_all(struct fth_queue *q);
/* Called by the hooks when t's armed deadline passed: take t off its queue and ready it. */
void fth_timer_fired(struct fth_thread *t);

/*
 * Hooks. fth_hook_reap: ready the threads whose calls completed (never
 * blocks); run before every choice of the next thread. fth_hook_idle: nothing
 * is READY; wait until something may be (the one trap), then reap. fth_hook_timer:
 * arm a deadline for the running thread, which fth_timer_fired gets when it
 * passes unless fth_hook_disarm came first; its handle, or -1 if it cannot.
 */
void fth_hook_reap(void);
void fth_hook_idle(void);
int fth_hook_timer(struct fth_thread *t, clockid_t clock, const struct timespec *deadline);
void fth_hook_disarm(struct fth_thread *t);
/* If set, run on a thread that ends, first (the key destructors). */
extern void (*fth_exit_hook)(struct fth_thread *t);

#endif
