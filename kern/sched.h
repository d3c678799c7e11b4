/*
 * Threads and the scheduler. Every thread has its own kernel stack and is switched
 * by swtch(). Each CPU has a round-robin run queue and a scheduler loop; the
 * timer preempts whatever runs. A thread made runnable goes to the queue of the
 * CPU it last ran on if that CPU is idle, else of the least loaded CPU its
 * affinity allows (an idle one is woken with a reschedule IPI); a CPU whose
 * queue is empty steals from the longest queue before it idles, and an idle CPU
 * looks again at each of its own timer ticks. sched_lock protects every run
 * queue, every thread's state and every wait queue: one lock, so that moving a
 * thread between queues, or from a wait queue to a run queue, is one step, and
 * the handover of a switching thread (xv6's rule: the lock is held from the
 * moment a thread is queued until its registers are saved) holds for stealing
 * too. See docs/locking.md for why one lock is enough here.
 */
#ifndef ELK_KERN_SCHED_H
#define ELK_KERN_SCHED_H

#include <inc/types.h>
#include <kern/cpu.h>
#include <kern/list.h>
#include <kern/signal.h>
#include <kern/spinlock.h>

struct proc;
struct sleeplock;
struct trapframe;

enum thread_state {
	T_EMBRYO,	/* being built, not yet runnable */
	T_RUNNABLE,	/* on the run queue */
	T_RUNNING,
	T_SLEEPING,	/* on a wait queue */
	T_DEAD,		/* finished; the scheduler frees it after switching away */
};

#define THREAD_MAXSLEEPLOCKS 4

/*
 * Callee-saved registers and RFLAGS, as swtch() pushes them; rip is swtch's
 * return address.
 */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rflags, rip;
};

struct waitq;

/*
 * What a thread's owner (a FlexSC pool, kern/flexsc.c) wants to hear about its
 * waits: before_sleep just before it sleeps on wq and after_sleep once it has
 * woken from it (both from sleep_on, with sched_lock held, and must not sleep);
 * yielding before it waits by spinning on yield (thread_spin_wait). arg is
 * passed to each. Installed by the owner before the thread starts.
 */
struct thread_block_hooks {
	void (*before_sleep)(void *arg, struct waitq *wq);
	void (*after_sleep)(void *arg, struct waitq *wq);
	void (*yielding)(void *arg);
	void *arg;
};

struct thread {
	uint8_t fpu[512];		/* fxsave image; first, for its 16-byte alignment */
	uint64_t fs_base, gs_base;	/* a user thread's FS and GS bases (arch_prctl) */
	uint64_t segment_bases_gen;	/* bumped, after them, each time they change */
	struct context *context;	/* saved by swtch while not running */
	void *kstack;			/* lowest address of the kernel stack */
	uint64_t kstack_top;
	enum thread_state state;
	struct proc *proc;		/* owning process, or NULL for a kernel thread */
	bool user;			/* runs user code: has a user trap frame and FPU state */
	bool interrupted;		/* asked to give up blocking waits (thread_interrupt) */
	int no_preempt;			/* preempt_disable depth; the thread's own */
	uint64_t syscall_traps;		/* system calls it made by trapping; the thread's own */
	const struct thread_block_hooks *block_hooks;	/* its owner's, or NULL */
	struct trapframe *tf;		/* user register image, at the top of kstack */
	struct list_node link;		/* run queue or wait queue */
	uint64_t wake_tick;		/* for sleep_until and sleep_on_until */
	struct list_node timeout_link;	/* in the timed sleepers, while timeout_listed */
	bool timeout_listed;		/* these three under sched_lock */
	bool timed_out;			/* sleep_on_until's deadline came first */
	/* Thread-group membership (kern/proc.c); under proc_lock. */
	struct list_node group_link;	/* in its process's list of user threads */
	int utid;			/* Linux's thread id: the pid for the first thread */
	int *clear_child_tid;		/* set_tid_address: zeroed and woken at exit;
					 * atomic (a syscall thread serving a page sets
					 * the caller's), not under proc_lock */
	int *set_child_tid;		/* CLONE_CHILD_SETTID of a fork: written on first return */
	int cpu;			/* the CPU it runs or is queued on, or last ran on; -1 */
	uint32_t affinity;		/* CPUs it may run on (bit n: cpus[n]); under sched_lock */
	int fpu_cpu;			/* the CPU whose registers hold t->fpu, or -1 */
	struct sleeplock *sleeplocks[THREAD_MAXSLEEPLOCKS];	/* held, for the lock checker */
	int nsleeplocks;
	int tid;
	char name[24];
	/* A user thread's signals (kern/signal.h), under proc_lock. */
	struct sigqueue sig_queue;	/* thread-directed pending signals */
	ksigset_t sig_blocked;
	ksigset_t sig_saved_mask;	/* rt_sigsuspend's mask to restore, if sig_restore_mask */
	bool sig_restore_mask;
	kstack_t sig_altstack;		/* ss_flags SS_DISABLE when there is none */
	struct restart_record restart;	/* restart_syscall's; the thread's own */
};

struct waitq {
	struct list_node sleepers;
};

#define WAITQ_INIT(wq) { LIST_HEAD_INIT((wq).sleepers) }

extern struct spinlock sched_lock;
extern volatile uint64_t ticks;	/* timer interrupts since boot (CPU 0) */
#define TICK_HZ 100

static inline void waitq_init(struct waitq *wq)
{
	list_init(&wq->sleepers);
}

/*
 * The running thread, or NULL in a scheduler loop. One load from this CPU's
 * struct cpu: if the thread moves to another CPU right after, the value read is
 * still the thread that runs this code.
 */
static inline struct thread *mythread(void)
{
	struct thread *t;
	asm volatile("movq %%gs:%c1, %0" : "=r"(t) : "i"(CPU_OFF_THREAD));
	return t;
}

/*
 * A new thread with a kernel stack, in state T_EMBRYO, in *tp. If tf is
 * non-NULL the thread will return to user mode with a copy of *tf; otherwise it
 * runs fn(arg) in the kernel and exits when fn returns. 0; -ENOMEM if memory
 * has run out; -EAGAIN if kernel stacks have (kstack_alloc) or p has as many
 * threads as one process may (proc_thread_born), as Linux's fork says.
 */
int thread_create(struct thread **tp, const char *name, struct proc *p,
		  const struct trapframe *tf, void (*fn)(void *), void *arg);
/* Make an embryo (or a sleeper) runnable. */
void thread_start(struct thread *t);
/* End the calling thread. Never returns. */
void thread_exit(void) __attribute__((noreturn));
/* Give t the FPU/SSE state of a fresh program (loading it if it is live). */
void thread_reset_fpu(struct thread *t);
/* Give t the FPU/SSE state of fxsave image image (a valid one: fxrstor must take it). */
void thread_set_fpu(struct thread *t, const uint8_t image[512]);
/*
 * Set user thread t's FS and GS bases, loading them now if t is this CPU's
 * running thread; otherwise they are loaded when t next runs. (With syscall
 * threads on other CPUs than t, a t running meanwhile would need an IPI.)
 */
void thread_set_segment_bases(struct thread *t, uint64_t fs_base, uint64_t gs_base);
/* Bring t->fpu up to date if t's state is live in this CPU's registers. */
void thread_save_fpu(struct thread *t);
/*
 * Free a thread that never ran (T_EMBRYO) or is dead (by the scheduler loop, off
 * its stack), and tell its process. Caller holds no locks.
 */
void thread_destroy(struct thread *t);

/* Run the scheduler loop on this CPU. Never returns. */
void scheduler(void) __attribute__((noreturn));
/* Give up the CPU; the caller stays runnable. */
void yield(void);
/*
 * Until the matching preempt_enable, a timer tick or reschedule IPI does not
 * switch the running thread away (the first one after does): for a few
 * instructions that no other thread of this CPU may run between, where
 * disabling interrupts would cost more under emulation. Nests; never across a
 * sleep or yield.
 */
static inline void preempt_disable(void)
{
	mythread()->no_preempt++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);	/* the interrupt handler reads it */
}
static inline void preempt_enable(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	mythread()->no_preempt--;
}
/* Whether an interrupt may switch the running thread away (preempt_disable). */
static inline bool preemptible(void)
{
	return mythread() && !mythread()->no_preempt;
}
/*
 * The running thread is about to wait by spinning on yield rather than
 * sleeping: tell its block hooks' yielding, if it has one (takes sched_lock).
 */
void thread_spin_wait(void);

/*
 * Whether another thread waits in this CPU's run queue: a hint, read without
 * the lock, for a thread that spins in the kernel (a FlexSC poller) to know
 * when to yield.
 */
static inline bool sched_cpu_wanted(void)
{
	return __atomic_load_n(&mycpu()->nqueued, __ATOMIC_RELAXED) > 0;
}

/*
 * Sleep on wq, releasing lk (which the caller holds) while asleep and taking it
 * again before returning. The caller re-checks its condition in a loop.
 */
void sleep_on(struct waitq *wq, struct spinlock *lk);
/*
 * sleep_on for a wait that thread_interrupt ends: if the running thread has
 * been interrupted it does not sleep at all. The flag is looked at under
 * sched_lock, which thread_interrupt holds to set it, so an interruption that
 * comes after the caller last looked (under lk, which the interrupter need not
 * hold) and before the sleep is not lost: either this sees the flag, or
 * thread_interrupt finds the thread asleep and wakes it. false if the thread
 * is interrupted (before the sleep or during it), else true (woken).
 */
bool sleep_on_interruptible(struct waitq *wq, struct spinlock *lk);
/*
 * sleep_on_interruptible, but woken also when ticks reaches deadline. Returns
 * false if the deadline came first (or had already come: then it does not
 * sleep); an interrupted thread does not sleep either (it returns true unless
 * the deadline had come: the caller looks at thread_interrupted()).
 */
bool sleep_on_until(struct waitq *wq, struct spinlock *lk, uint64_t deadline);
/*
 * Ask t to stop waiting: set its interrupted flag (under sched_lock) and, if it
 * sleeps, make it runnable. Every wait that can last (pipes, wait4, nanosleep,
 * console input, futexes, poll, flexsc_wait, IPC) sleeps with
 * sleep_on_interruptible or sleep_on_until (or looks at the flag under
 * sched_lock itself), re-checks thread_interrupted() when it wakes and gives up
 * with -EINTR; that is how an exiting process gets its threads back.
 */
void thread_interrupt(struct thread *t);
/* The running thread has dealt with its interruption: clear the flag. */
void thread_clear_interrupt(void);
/* Whether the running thread has been interrupted. */
static inline bool thread_interrupted(void)
{
	struct thread *t = mythread();
	return t && __atomic_load_n(&t->interrupted, __ATOMIC_ACQUIRE);
}
/* Make the longest sleeper on wq runnable, if there is one. */
void wakeup_one(struct waitq *wq);
/* The same, for a caller that holds sched_lock. */
void wakeup_one_locked(struct waitq *wq);
/* Make every thread on wq runnable. Callable from interrupt handlers. */
void wakeup_all(struct waitq *wq);
/* Sleep until ticks >= deadline. false if interrupted before then. */
bool sleep_until(uint64_t deadline);
/* Timer interrupt bookkeeping: count the tick and wake due sleepers. */
void sched_tick(void);
/*
 * The 1, 5 and 15 minute load averages (threads running or waiting for a CPU),
 * in fixed point with shift fraction bits (shift >= 11).
 */
void sched_load_averages(uint64_t loads[3], int shift);
/* The CPUs running, as an affinity mask. */
static inline uint32_t cpus_online(void)
{
	return (uint32_t)((1ULL << __atomic_load_n(&ncpu, __ATOMIC_ACQUIRE)) - 1);
}
/*
 * Restrict t to the CPUs in mask (a non-empty subset of cpus_online()). A
 * queued t is placed again at once (it may now be allowed an idle CPU); a
 * running t on a CPU it may no longer use moves at its next switch (its CPU
 * gets a reschedule IPI).
 */
void thread_set_affinity(struct thread *t, uint32_t mask);
/* The reschedule IPI's handler: give up the CPU if a thread runs, unless preempt_disable. */
void sched_ipi(void);

#endif
