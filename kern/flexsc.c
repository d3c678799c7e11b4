/*
 * Exception-less system calls (FlexSC). A registered process has one or more
 * syscall pages mapped shared into its address space and a pool of syscall
 * threads: kernel threads that belong to the process (myproc() is the process,
 * its address space is loaded, so user pointers mean what they mean to it) and
 * serve the pages' entries through the same dispatch table as the traps.
 *
 *   user thread                          syscall threads (ring 0)
 *   -----------                          ------------------------
 *   fill entries, status = SUBMITTED
 *   flexsc_wait() --- kick, sleep ---->  wake; scan for SUBMITTED
 *                                        cmpxchg SUBMITTED -> BUSY (claim)
 *                                        copy sysnum/args, syscall_invoke()
 *                                        ret = ..., status = DONE, mark it
 *                                        scan finds nothing more: wake waiter
 *   <-- returns count of DONE ----------
 *   read ret, status = FREE
 *
 * flexsc_wait learns which entries may be DONE from the completion map
 * (entries the pool completed that it has not yet found reaped). Only when none
 * is does it look further, at the status words and at what each pool thread is
 * doing, to decide exactly whether anything is still on its way, whatever the
 * user has written into the page; and it kicks the pool again when a SUBMITTED
 * entry is left that no thread is looking for. The protocol itself, claims,
 * results and the map, is in flexsc_entries.h, tested on the host; this file
 * adds threads and sleeping.
 *
 * The kernel reaches the pages through the direct map of pages it holds a
 * reference on, never through the user mapping: the user may unmap or protect
 * its view at any time without the kernel noticing.
 *
 * A thread blocked in one call (a pipe read, wait4, nanosleep) holds up only
 * that entry: an idle sibling goes on with the rest, and when every thread of
 * the pool is blocked, flexsc_wait adds one, up to one thread per entry, so
 * that no set of blocked calls can stall the page; when no thread can be added
 * (memory or the process's share of kernel stacks has run out) flexsc_wait says
 * so rather than sleep, and tries again next time. Process teardown interrupts
 * every pool thread (thread_interrupt), so blocked calls give up with -EINTR.
 */
#include <inc/errno.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/flexsc.h>
#include <kern/flexsc_entries.h>
#include <kern/kmalloc.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

/* A pool thread's entry field when it is not running an entry. */
#define ENTRY_IDLE      (-1)	/* neither claiming nor running */
#define ENTRY_CLAIMING  (-2)	/* looking for an entry to claim */
#define ENTRY_POLLING   (-3)	/* polling: will claim what it finds SUBMITTED */

struct flexsc_ctx {
	struct proc *proc;
	uintptr_t uaddr;		/* where the pages are mapped in the process */
	unsigned npages;
	struct page *pages[FLEXSC_MAX_PAGES];	/* one reference each, ours */
	struct vmobj *obj;		/* the pages' object, to recognise its areas */
	struct flexsc_entries entries;	/* the pages' entries, through the direct map */
	struct page *ctl_page;		/* the control page, ours too */
	struct flexsc_ctl *ctl;		/* through the direct map */

	/* Placement, set at registration: the threads' CPU mask, and polling. */
	uint32_t affinity;
	bool poll;
	uint64_t idle_cycles;		/* how long a thread polls an idle page (TSC) */

	/*
	 * Touched on every entry, so atomics rather than the lock: kicks counts the
	 * reasons an idle thread has to scan again (flexsc_wait, a sibling blocking);
	 * user_waiting says the user thread sleeps (or is about to) in flexsc_wait,
	 * and is cleared by the syscall thread that wakes it. closed is set once an
	 * exit or execve posted on the page has begun, or at teardown: from then on
	 * no entry is claimed. stopping (set under lock, at teardown) sends the
	 * threads away.
	 */
	uint64_t kicks;
	bool user_waiting;
	bool closed;
	bool stopping;
	unsigned nblocked;		/* threads asleep inside a call; under sched_lock */
	unsigned nidle;			/* threads asleep on work; under sched_lock */

	/*
	 * The round trip of flexsc_wait sleeps and wakes under sched_lock alone,
	 * one lock for the whole handshake: idle threads sleep on work and the
	 * waiter on done with sched_lock held from their check to the sleep, and
	 * their wakers hold it. lock (taken before sched_lock) protects nthreads
	 * and the teardown's wait on gone; the pool list changes under both, so
	 * either one is enough to walk it.
	 */
	struct spinlock lock;
	struct waitq work;		/* idle syscall threads */
	struct waitq done;		/* the user thread in flexsc_wait */
	struct waitq gone;		/* flexsc_teardown, waiting for the pool to leave */
	unsigned nthreads;		/* in the pool list: started and not yet gone */
	unsigned max_threads;		/* one per entry: then every entry can block */
	struct list_node pool;		/* the threads, through pool_thread.link */
};

/*
 * One syscall thread's part of its pool, reached from the thread through its
 * block hooks (whose arg it is). Freed by the thread as it leaves.
 */
struct pool_thread {
	struct thread *thread;
	struct flexsc_ctx *ctx;
	int entry;			/* the entry it runs, or ENTRY_IDLE, ENTRY_CLAIMING */
	unsigned intr_why;		/* SIGINTR_* since its call began; atomic */
	struct list_node link;		/* in ctx->pool */
	struct thread_block_hooks hooks;
};

static void pool_before_sleep(void *arg, struct waitq *wq);
static void pool_after_sleep(void *arg, struct waitq *wq);
static void pool_yielding(void *arg);

/* The running thread's pool_thread, or NULL if it is not a syscall thread. */
static struct pool_thread *my_pool_thread(void)
{
	const struct thread_block_hooks *h = mythread()->block_hooks;

	return h && h->before_sleep == pool_before_sleep ? h->arg : NULL;
}

/* What the pool's threads are doing, as one look at them finds it. */
struct pool_view {
	bool busy;		/* some thread is claiming or running an entry */
	bool claiming;		/* some thread is looking for an entry to claim */
	bool runs_target;	/* some thread runs the entry pool_look was asked about */
	bool polling;		/* some thread polls the page: it will find what is SUBMITTED */
};

/*
 * Look at every thread of the pool; target is an entry index, or -1. Caller
 * holds sched_lock (so no thread can leave, let alone be freed, while it looks)
 * or ctx->lock. A thread is CLAIMING from before it claims an entry until it
 * runs it, names the entry while it runs it, and is CLAIMING again from before
 * it publishes the result until it has claimed the next (a link's follower,
 * say) or gone idle: so an entry that was claimed before the look and is not
 * DONE when read after it is claimed or run by a thread that the look sees
 * busy. A polling thread goes
 * CLAIMING before each scan, so one that reads POLLING is not busy.
 */
static struct pool_view pool_look(struct flexsc_ctx *ctx, int target)
{
	struct pool_view v = { false, false, false, false };
	struct list_node *n;

	for (n = ctx->pool.next; n != &ctx->pool; n = n->next) {
		struct pool_thread *pt = list_entry(n, struct pool_thread, link);
		int e = __atomic_load_n(&pt->entry, __ATOMIC_SEQ_CST);
		v.busy |= e != ENTRY_IDLE && e != ENTRY_POLLING;
		v.claiming |= e == ENTRY_CLAIMING;
		v.polling |= e == ENTRY_POLLING;
		v.runs_target |= target >= 0 && e == target;
	}
	return v;
}

static void pool_main(void *arg);

/*
 * Say in the control page whether the user must wake the pool after it
 * submits: when polling and no thread polls or serves, every one asleep, idle
 * or inside a call. A thread just woken is counted asleep until it runs, so
 * the flag may ask for a wakeup that is not needed, never the other way round.
 * A seq_cst store: a poller that sets it then reads the status words, and the
 * user stores a status word, then (after a barrier) reads the flag, so one of
 * them sees the other. Caller holds sched_lock.
 */
static void publish_need_wakeup(struct flexsc_ctx *ctx)
{
	if (!ctx->poll)
		return;
	unsigned awake = ctx->nthreads - ctx->nblocked - ctx->nidle;
	__atomic_store_n(&ctx->ctl->flags, awake == 0 ? FLEXSC_NEED_WAKEUP : 0, __ATOMIC_SEQ_CST);
}

/*
 * Give an idle thread a reason to scan the page again and wake one, if there
 * is one: the kick. The new kick count. Caller holds sched_lock.
 */
static uint64_t kick_locked(struct flexsc_ctx *ctx)
{
	uint64_t kick = __atomic_add_fetch(&ctx->kicks, 1, __ATOMIC_SEQ_CST);
	wakeup_one_locked(&ctx->work);
	return kick;
}

/*
 * Start one more syscall thread for ctx. 0; -EBUSY if the pool is full or
 * stopping, -ENOMEM: the pool goes on without it. Takes ctx->lock.
 */
static int pool_add_thread(struct flexsc_ctx *ctx)
{
	char name[24];

	snprintf(name, sizeof(name), "flexsc-%d.%u", ctx->proc->pid, ctx->nthreads);
	struct pool_thread *pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	struct thread *t;
	int r = thread_create(&t, name, ctx->proc, NULL, pool_main, pt);
	if (r < 0) {
		kfree(pt);
		return r;
	}
	pt->thread = t;
	pt->ctx = ctx;
	pt->entry = ENTRY_IDLE;
	pt->hooks = (struct thread_block_hooks){ pool_before_sleep, pool_after_sleep,
						 pool_yielding, pt };
	t->block_hooks = &pt->hooks;
	/*
	 * The syscall cores, or the CPUs the process allows, as Linux's io_uring
	 * workers inherit them.
	 */
	t->affinity = ctx->affinity ? ctx->affinity
				    : __atomic_load_n(&ctx->proc->thread->affinity, __ATOMIC_RELAXED);
	spin_lock(&ctx->lock);
	bool room = !ctx->stopping && ctx->nthreads < ctx->max_threads;
	if (room) {
		spin_lock(&sched_lock);
		list_push_back(&ctx->pool, &pt->link);
		__atomic_store_n(&ctx->nthreads, ctx->nthreads + 1, __ATOMIC_RELAXED);
		publish_need_wakeup(ctx);
		spin_unlock(&sched_lock);
	}
	spin_unlock(&ctx->lock);
	if (!room) {
		thread_destroy(t);
		kfree(pt);
		return -EBUSY;
	}
	thread_start(t);
	return 0;
}

/* Whether a call ends the process or its thread, and so closes the pool. */
static bool is_exit(uint32_t sysnum)
{
	return sysnum == SYS_exit || sysnum == SYS_exit_group;
}

/* A claimed entry's call, as copied out of the page. */
struct claimed_call {
	uint32_t sysnum;
	bool link;		/* FLEXSC_LINK: the next entry is its follower */
	uint64_t args[6];
};

/*
 * Claim an entry and copy its call out of the shared page (the user may
 * scribble on it at any moment): with after < 0 by a full scan, else the entry
 * after entry after, which this thread has just run. cancel says that entry
 * was a link that failed, so this one will not run. -1 if there is none or the
 * pool has closed; an entry claimed just as the pool closed goes back unrun.
 *
 * The close protocol. closed is set (and never cleared) by an exit posted on
 * the page the moment it is copied out here, by an execve posted on the page
 * once the new image is built (flexsc_close), and by the teardown before it
 * interrupts the threads. A thread reads closed after its claim, and hands the
 * entry back if it is set: so an entry claimed after an exit's exchange never
 * runs. The claim, the copy and the exchange run with preemption off, so no
 * timer tick switches a thread away between claiming an exit and closing the pool:
 * on one CPU no sibling can claim an entry in between, and on several only one
 * claimed at that very moment on another CPU, which runs at once with the exit
 * as the contract allows (a chain of links orders them strictly). A signal's
 * interruption (flexsc_interrupt_calls) was for the entry before, so it is
 * cleared before closed is read; the teardown's comes after it sets closed, so
 * a thread whose clear could undo it then reads closed set.
 */
static int pool_claim(struct flexsc_ctx *ctx, struct pool_thread *pt, int after, bool cancel,
		      struct claimed_call *c)
{
	int i = -1;

	preempt_disable();
	if (!__atomic_load_n(&ctx->closed, __ATOMIC_ACQUIRE))
		i = after < 0 ? entries_claim(&ctx->entries)
			      : entries_claim_after(&ctx->entries, (unsigned)after);
	if (i >= 0) {
		c->sysnum = entries_fetch(&ctx->entries, (unsigned)i, c->args, &c->link);
		bool exiting = !cancel && is_exit(c->sysnum);
		if (thread_interrupted()) {
			thread_clear_interrupt();
			__atomic_store_n(&pt->intr_why, 0, __ATOMIC_SEQ_CST);
		}
		bool was_closed = exiting ? __atomic_exchange_n(&ctx->closed, true, __ATOMIC_SEQ_CST)
					  : __atomic_load_n(&ctx->closed, __ATOMIC_SEQ_CST);
		if (was_closed) {
			entries_unclaim(&ctx->entries, (unsigned)i);
			i = -1;
		}
	}
	preempt_enable();
	return i;
}

/*
 * Name claimed entry i as this thread's (pt->entry), then wait while the
 * process is stopped (signal_stop_wait). It is named before the look, so a
 * stop that begins after it interrupts the call (the stopper sets the stop,
 * then reads the entries). A wait cut short by an interruption looks again,
 * unless the pool is being torn down: the teardown sets stopping before it
 * interrupts, and the interruption is cleared before stopping is read again
 * (the seq_cst store between them orders the two), so it is never lost.
 * false if the entry must go back unrun: teardown, or (but for an exit, which
 * closed the pool itself as it was claimed) the pool closed while it waited.
 */
static bool pool_enter(struct flexsc_ctx *ctx, struct pool_thread *pt, unsigned i, bool exiting)
{
	for (;;) {
		__atomic_store_n(&pt->entry, (int)i, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&ctx->stopping, __ATOMIC_SEQ_CST))
			return false;
		if (signal_stop_wait(ctx->proc))
			return exiting || !__atomic_load_n(&ctx->closed, __ATOMIC_ACQUIRE);
		thread_clear_interrupt();
	}
}

/*
 * Run claimed entry i's call c as the process; its result. A call that gives
 * up with -EINTR runs again if what interrupted it says so
 * (signal_call_restarts: a handler with SA_RESTART, a stop), as the trap path
 * restarts it, after waiting out a stop (pool_enter) and through
 * restart_syscall when the call left the rest of its work to it (a sleep's
 * time left). The interruption is cleared before its reasons are taken, so
 * one that comes meanwhile interrupts the restarted call.
 */
static int64_t pool_run(struct flexsc_ctx *ctx, struct pool_thread *pt, unsigned i,
			const struct claimed_call *c)
{
	uint32_t num = c->sysnum;

	for (;;) {
		int64_t r = syscall_invoke(num, c->args);
		if (r != -EINTR)
			return r;
		thread_clear_interrupt();
		unsigned why = __atomic_exchange_n(&pt->intr_why, 0, __ATOMIC_SEQ_CST);
		if (!signal_call_restarts(why, num, c->args) || !pool_enter(ctx, pt, i, false))
			return r;
		num = signal_restart_num(pt->thread, num);
	}
}

/*
 * One scan of the page and the batch it finds (see pool_main): how many
 * entries it ran. Each entry runs as the process, or with cancel (its leader,
 * a link, failed) completes with -ECANCELED unrun. The entry after it, a
 * link's follower or the next of a batch, is claimed before its result is
 * published, so that no scan takes a follower whose leader has just
 * completed. flexsc_register and flexsc_wait refuse to run on a syscall
 * thread (-EINVAL).
 */
static unsigned pool_serve(struct flexsc_ctx *ctx, struct pool_thread *pt)
{
	struct claimed_call c;
	unsigned ran = 0;
	bool cancel = false;

	for (int i = pool_claim(ctx, pt, -1, false, &c); i >= 0; ran++) {
		if (!pool_enter(ctx, pt, (unsigned)i, !cancel && is_exit(c.sysnum))) {
			entries_unclaim(&ctx->entries, (unsigned)i);
			__atomic_store_n(&pt->entry, ENTRY_CLAIMING, __ATOMIC_RELEASE);
			break;
		}
		int64_t r = cancel ? -ECANCELED : pool_run(ctx, pt, (unsigned)i, &c);
		/*
		 * CLAIMING again before the result is out: a waiter sees a thread
		 * that may be claiming anything. Publishing needs only release
		 * stores. flexsc_wait stores user_waiting and then looks at the
		 * marks; this thread reads user_waiting only when it next sleeps
		 * (pool_before_sleep), with an atomic exchange under sched_lock,
		 * both full barriers. So either the waiter sees this entry marked,
		 * or this thread sees it waiting and wakes it.
		 */
		__atomic_store_n(&pt->entry, ENTRY_CLAIMING, __ATOMIC_RELEASE);
		cancel = c.link && r < 0;
		int next = pool_claim(ctx, pt, i, cancel, &c);
		entries_publish(&ctx->entries, (unsigned)i, r);
		i = next;
	}
	return ran;
}

/*
 * A polling thread that has just run entries and does not sleep: wake the user
 * thread if it waits in flexsc_wait (an idle thread does it as it goes to
 * sleep, pool_before_sleep). The exchange is a full barrier after the
 * results' release stores, and the waiter stores user_waiting before it counts
 * results: either it sees them or this sees it waiting.
 */
static void poll_wake_waiter(struct flexsc_ctx *ctx)
{
	if (!__atomic_exchange_n(&ctx->user_waiting, false, __ATOMIC_SEQ_CST))
		return;
	spin_lock(&sched_lock);
	wakeup_one_locked(&ctx->done);
	spin_unlock(&sched_lock);
}

/*
 * A polling thread with nothing to run: look at the page again and again, up
 * to the idle time, giving the CPU to any thread that waits for it. true once
 * an entry reads SUBMITTED or a kick came after seen; false when the idle time
 * has passed, or the pool closes or stops. The status loads are all it costs
 * the user: no trap, no store to a line the user reads.
 */
static bool poll_page(struct flexsc_ctx *ctx, struct pool_thread *pt, uint64_t seen)
{
	uint64_t start = rdtsc();

	__atomic_store_n(&pt->entry, ENTRY_POLLING, __ATOMIC_SEQ_CST);
	while (rdtsc() - start < ctx->idle_cycles) {
		if (__atomic_load_n(&ctx->closed, __ATOMIC_ACQUIRE))
			return false;
		if (entries_any_submitted(&ctx->entries) ||
		    __atomic_load_n(&ctx->kicks, __ATOMIC_ACQUIRE) != seen)
			return true;
		if (sched_cpu_wanted())
			yield();
		else
			cpu_relax();
	}
	return false;
}

/*
 * Whether a polling thread about to sleep idle must not, because an entry
 * reads SUBMITTED after it has said (for the user to read) that it is going
 * to sleep: publish_need_wakeup as if it slept, then look. Caller holds
 * sched_lock.
 */
static bool poll_must_stay(struct flexsc_ctx *ctx)
{
	if (!ctx->poll)
		return false;
	ctx->nidle++;
	publish_need_wakeup(ctx);
	ctx->nidle--;
	bool stay = !__atomic_load_n(&ctx->closed, __ATOMIC_ACQUIRE) &&
		    entries_any_submitted(&ctx->entries);
	if (stay)
		publish_need_wakeup(ctx);
	return stay;
}

/*
 * A syscall thread: serve entries until the pool stops.
 *
 * After a kick the thread scans every entry, from the one after the entry
 * claimed last, and runs the first it finds SUBMITTED. A batch is laid out in
 * a row, so from then on it looks only at the next entry, and goes back to
 * sleep when that is not SUBMITTED: a waiter then has the completed entries to
 * return with. A full scan (256 loads with eight pages, most of the cost of a
 * small batch) thus happens about once a kick; it is recorded
 * (entries_note_scan) so that flexsc_wait knows whether a kick is still to be
 * answered. Entries left elsewhere (past a gap, an entry the user reserved and
 * has not submitted) are found by the scan after the waiter's next kick. A
 * closed pool claims nothing and only waits to be stopped.
 *
 * A thread of a polling pool does not go to sleep when a scan finds nothing:
 * it polls (poll_page) and scans again as soon as an entry is SUBMITTED, and
 * sleeps only once the page has been idle for the idle time, saying so in the
 * control page if it was the last thread awake (poll_must_stay).
 */
static void pool_main(void *arg)
{
	struct pool_thread *pt = arg;
	struct flexsc_ctx *ctx = pt->ctx;

	while (!__atomic_load_n(&ctx->stopping, __ATOMIC_ACQUIRE)) {
		/* CLAIMING before the scan is noted: a waiter that sees the note sees this. */
		__atomic_store_n(&pt->entry, ENTRY_CLAIMING, __ATOMIC_SEQ_CST);
		uint64_t seen = __atomic_load_n(&ctx->kicks, __ATOMIC_SEQ_CST);
		entries_note_scan(&ctx->entries, seen);
		unsigned ran = pool_serve(ctx, pt);
		if (ctx->poll) {
			if (ran)
				poll_wake_waiter(ctx);
			if (poll_page(ctx, pt, seen))
				continue;
		}
		__atomic_store_n(&pt->entry, ENTRY_IDLE, __ATOMIC_SEQ_CST);
		/*
		 * Nothing to do: sleep until kicked (unless that happened meanwhile).
		 * Kickers and the teardown wake the work queue under sched_lock.
		 */
		spin_lock(&sched_lock);
		while (__atomic_load_n(&ctx->kicks, __ATOMIC_ACQUIRE) == seen &&
		       !__atomic_load_n(&ctx->stopping, __ATOMIC_ACQUIRE) && !poll_must_stay(ctx))
			sleep_on(&ctx->work, &sched_lock);
		spin_unlock(&sched_lock);
	}
	flexsc_thread_leave();
}

/*
 * A syscall thread is about to sleep on wq (its block hook, sched_lock held):
 * idle, or blocking inside a call. Then, and only then, the user thread waiting
 * in flexsc_wait is woken, so that it sees a whole batch's results at once
 * rather than trapping again for each; and if the thread is blocking inside a
 * call, its entry reads BLOCKED until it wakes (pool_after_sleep) and an idle
 * sibling is woken to go on with the rest of the page.
 */
static void pool_before_sleep(void *arg, struct waitq *wq)
{
	struct pool_thread *pt = arg;
	struct flexsc_ctx *ctx = pt->ctx;

	if (wq != &ctx->work) {
		ctx->nblocked++;
		if (pt->entry >= 0)
			entries_mark_blocked(&ctx->entries, (unsigned)pt->entry, true);
		kick_locked(ctx);
	} else {
		ctx->nidle++;
	}
	publish_need_wakeup(ctx);
	if (__atomic_exchange_n(&ctx->user_waiting, false, __ATOMIC_SEQ_CST))
		wakeup_one_locked(&ctx->done);
}

/*
 * A syscall thread is about to wait by spinning on yield (its block hook): wake
 * an idle sibling to go on with the page, as a thread that sleeps in a call does.
 */
static void pool_yielding(void *arg)
{
	struct flexsc_ctx *ctx = ((struct pool_thread *)arg)->ctx;

	spin_lock(&sched_lock);
	kick_locked(ctx);
	spin_unlock(&sched_lock);
}

/* The same thread has woken from wq (its block hook, sched_lock held). */
static void pool_after_sleep(void *arg, struct waitq *wq)
{
	struct pool_thread *pt = arg;
	struct flexsc_ctx *ctx = pt->ctx;

	if (wq != &ctx->work) {
		ctx->nblocked--;
		if (pt->entry >= 0)
			entries_mark_blocked(&ctx->entries, (unsigned)pt->entry, false);
	} else
		ctx->nidle--;
	publish_need_wakeup(ctx);
}

/*
 * Whether every thread of the pool is blocked inside a call, with room for one
 * more. Caller holds sched_lock.
 */
static bool pool_stalled(struct flexsc_ctx *ctx)
{
	unsigned n = __atomic_load_n(&ctx->nthreads, __ATOMIC_RELAXED);
	return ctx->nblocked >= n && n < ctx->max_threads;
}

void flexsc_thread_leave(void)
{
	struct pool_thread *pt = my_pool_thread();
	struct flexsc_ctx *ctx = pt->ctx;

	spin_lock(&ctx->lock);
	spin_lock(&sched_lock);
	list_remove(&pt->link);
	mythread()->block_hooks = NULL;
	spin_unlock(&sched_lock);
	ctx->nthreads--;
	wakeup_all(&ctx->gone);
	spin_unlock(&ctx->lock);
	kfree(pt);
	thread_exit();
}

void flexsc_interrupt_calls(struct proc *p, unsigned why)
{
	struct flexsc_ctx *ctx = p->flexsc;
	struct list_node *n;

	if (!ctx)
		return;
	spin_lock(&ctx->lock);
	for (n = ctx->pool.next; n != &ctx->pool; n = n->next) {
		struct pool_thread *pt = list_entry(n, struct pool_thread, link);
		if (__atomic_load_n(&pt->entry, __ATOMIC_SEQ_CST) >= 0) {	/* signal_stop_wait */
			__atomic_or_fetch(&pt->intr_why, why, __ATOMIC_SEQ_CST);	/* before the interruption */
			thread_interrupt(pt->thread);
		}
	}
	spin_unlock(&ctx->lock);
}

void flexsc_close(struct proc *p)
{
	if (p->flexsc)
		__atomic_store_n(&p->flexsc->closed, true, __ATOMIC_SEQ_CST);
}

/* Free ctx and what it holds; its threads are gone (or never started). */
static void ctx_free(struct flexsc_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->npages; i++)
		if (ctx->pages[i]) {
			page_decref(ctx->pages[i]);
			pages_locked_add(-1);
		}
	if (ctx->ctl_page) {
		page_decref(ctx->ctl_page);
		pages_locked_add(-1);
	}
	if (ctx->obj)
		vmobj_put(ctx->obj);
	kfree(ctx);
}

/*
 * A zeroed page at index i of ctx's object, with a reference of ctx's own in
 * *pp, locked (that reference keeps the page-out from taking it) until
 * ctx_free. 0 or -ENOMEM.
 */
static int add_page(struct flexsc_ctx *ctx, unsigned i, struct page **pp)
{
	struct page *pg = page_alloc(PAGE_ZERO);

	if (!pg)
		return -ENOMEM;
	page_incref(pg);
	pages_locked_add(1);
	*pp = pg;
	return vmobj_insert_page(ctx->obj, i, pg) < 0 ? -ENOMEM : 0;
}

/*
 * Allocate ctx's pages, zeroed (every entry FREE), and the control page after
 * them, into a shared object mapped into p's address space at addr (0: where
 * there is room): the entries read-write, the control page read-only. 0,
 * -ENOMEM, or -EEXIST if [addr, addr + length) is not free.
 */
static int map_pages(struct flexsc_ctx *ctx, struct proc *p, uintptr_t addr)
{
	struct vmspace *vs = p->vs;
	size_t len = ctx->npages * PGSIZE;
	struct flexsc_entry *kpages[FLEXSC_MAX_PAGES];

	if (!(ctx->obj = vmobj_anon_create()))
		return -ENOMEM;
	for (unsigned i = 0; i < ctx->npages; i++) {
		if (add_page(ctx, i, &ctx->pages[i]) < 0)
			return -ENOMEM;
		kpages[i] = page2kva(ctx->pages[i]);
	}
	if (add_page(ctx, ctx->npages, &ctx->ctl_page) < 0)
		return -ENOMEM;
	ctx->ctl = page2kva(ctx->ctl_page);
	entries_init(&ctx->entries, kpages, ctx->npages);
	sleeplock_acquire(&vs->lock);
	int r = 0;
	if (!addr)
		ctx->uaddr = vmmap_find_range(&vs->map, len + PGSIZE, UMIN, vs->mmap_top,
					      VMMAP_HILO);
	else if (vmmap_range_is_free(&vs->map, addr, addr + len + PGSIZE))
		ctx->uaddr = addr;
	else
		r = -EEXIST;
	if (r == 0)
		r = ctx->uaddr ? vm_map(vs, ctx->uaddr, len, PROT_READ | PROT_WRITE,
					MAP_SHARED | VMA_FLEXSC, ctx->obj, 0) : -ENOMEM;
	if (r == 0)
		r = vm_map(vs, ctx->uaddr + len, PGSIZE, PROT_READ, MAP_SHARED | VMA_FLEXSC,
			   ctx->obj, len);
	if (r < 0 && ctx->uaddr)
		vm_unmap(vs, ctx->uaddr, ctx->uaddr + len);
	sleeplock_release(&vs->lock);
	return r;
}

/*
 * Check opts' placement and polling (inc/flexsc.h) and set ctx's from them.
 * 0 or -EINVAL.
 */
static int set_placement(struct flexsc_ctx *ctx, const struct flexsc_options *opts)
{
	bool poll = opts->flags & FLEXSC_POLL;

	if (opts->flags & ~FLEXSC_POLL || (!poll && opts->idle_us))
		return -EINVAL;
	switch (opts->placement) {
	case FLEXSC_PLACE_SAME:
		if (opts->cpus || poll)
			return -EINVAL;
		break;
	case FLEXSC_PLACE_CORES:
		if (!opts->cpus || opts->cpus & ~(uint64_t)cpus_online())
			return -EINVAL;
		ctx->affinity = (uint32_t)opts->cpus;
		break;
	default:
		return -EINVAL;
	}
	ctx->poll = poll;
	uint64_t us = opts->idle_us ? opts->idle_us : FLEXSC_DEFAULT_IDLE_US;
	/* Beyond a day is forever; below, us * tsc_hz cannot overflow. */
	ctx->idle_cycles = us > 86400ULL * 1000000 ? ~(uint64_t)0 : us * (tsc_hz / 1000000);
	return 0;
}

int64_t sys_flexsc_register(const struct flexsc_options *uopts)
{
	struct proc *p = myproc();
	struct flexsc_options opts;

	if (!mythread()->user)
		return -EINVAL;	/* posted on a syscall page */
	if (mythread() != p->thread)
		return -EBUSY;	/* the pages serve the process's first thread only */
	if (copy_from_user(&opts, uopts, sizeof(opts)) < 0)
		return -EFAULT;
	if (opts.npages == 0)
		opts.npages = 1;
	if (opts.nthreads == 0)
		opts.nthreads = FLEXSC_DEFAULT_THREADS;
	if (opts.npages > FLEXSC_MAX_PAGES || opts.nthreads > FLEXSC_MAX_THREADS ||
	    opts.reserved || opts.addr % PGSIZE)
		return -EINVAL;
	if (p->flexsc)
		return -EBUSY;
	if (opts.addr && !user_pages(opts.addr, (opts.npages + 1) * PGSIZE))
		return -ENOMEM;

	struct flexsc_ctx *ctx = kzalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	if (set_placement(ctx, &opts) < 0) {
		kfree(ctx);
		return -EINVAL;
	}
	ctx->proc = p;
	ctx->npages = opts.npages;
	ctx->max_threads = opts.npages * FLEXSC_ENTRIES_PER_PAGE;
	spin_init(&ctx->lock, "flexsc", LOCK_FLEXSC);
	waitq_init(&ctx->work);
	waitq_init(&ctx->done);
	waitq_init(&ctx->gone);
	list_init(&ctx->pool);
	int r = map_pages(ctx, p, opts.addr);
	if (r < 0) {
		ctx_free(ctx);
		return r;
	}
	p->flexsc = ctx;
	for (unsigned i = 0; i < opts.nthreads; i++) {
		r = pool_add_thread(ctx);
		if (r < 0) {
			uintptr_t uaddr = ctx->uaddr;
			flexsc_teardown(p);
			sleeplock_acquire(&p->vs->lock);
			vm_unmap(p->vs, uaddr, uaddr + (opts.npages + 1) * PGSIZE);
			sleeplock_release(&p->vs->lock);
			return r;
		}
	}
	return (int64_t)ctx->uaddr;
}

/*
 * The index of the entry at user address uentry in ctx's pages, or -1 if it is
 * not the start of one.
 */
static int entry_index(struct flexsc_ctx *ctx, uintptr_t uentry)
{
	uintptr_t off = uentry - ctx->uaddr;

	if (uentry < ctx->uaddr || off >= ctx->npages * PGSIZE ||
	    off % sizeof(struct flexsc_entry))
		return -1;
	return (int)(off / sizeof(struct flexsc_entry));
}

/*
 * What flexsc_wait returns, and whether that ends the wait: with target -1, the
 * number of DONE entries, which must not be 0; else whether entry target is
 * DONE, which ends the wait once the entry is no longer on its way.
 */
static unsigned wait_result(struct flexsc_entries *s, int target, bool *satisfied)
{
	if (target < 0) {
		unsigned done = entries_count_done(s);
		*satisfied = done > 0;
		return done;
	}
	*satisfied = !entries_pending(s, (unsigned)target);
	return entries_status(s, (unsigned)target) == FLEXSC_DONE;
}

/*
 * Whether what flexsc_wait waits for is still on its way, from one look at the
 * page and the pool (caller holds sched_lock): with target -1, whether any
 * entry is SUBMITTED (in an open pool) or any thread claims or runs one; else
 * whether entry target is SUBMITTED, or a thread runs it or is claiming (it may
 * be claiming target). A status the user wrote (BUSY, say) with no thread
 * behind it is not on its way. *submitted says whether a SUBMITTED entry was
 * seen, *view what the threads do. The status words are read before the
 * threads, and the caller reads results after both (see pool_look).
 */
static bool on_its_way(struct flexsc_ctx *ctx, int target, bool *submitted,
		       struct pool_view *view)
{
	bool open = !__atomic_load_n(&ctx->closed, __ATOMIC_ACQUIRE);
	bool target_submitted = target >= 0 && open &&
				entries_status(&ctx->entries, (unsigned)target) == FLEXSC_SUBMITTED;

	*submitted = target_submitted || (open && entries_any_submitted(&ctx->entries));
	*view = pool_look(ctx, target);
	if (target < 0)
		return *submitted || view->busy;
	return target_submitted || view->claiming || view->runs_target;
}

int64_t sys_flexsc_wait(uintptr_t uentry)
{
	struct proc *p = myproc();
	struct flexsc_ctx *ctx = p->flexsc;
	int target = -1;
	unsigned result;
	bool satisfied, grow_refused = false;
	int64_t err = 0;

	if (!ctx || mythread() != p->thread)
		return -EINVAL;
	if (uentry && (target = entry_index(ctx, uentry)) < 0)
		return -EINVAL;
	/*
	 * One thread starts, after the entry claimed last: where the user library's
	 * ring puts its next batch, so the batch runs in the order it was laid out
	 * without a walk over the entries before it. It hands over to another
	 * thread only if a call blocks.
	 */
	spin_lock(&sched_lock);
	kick_locked(ctx);
	for (;;) {
		__atomic_store_n(&ctx->user_waiting, true, __ATOMIC_SEQ_CST);
		result = wait_result(&ctx->entries, target, &satisfied);
		if (satisfied || thread_interrupted())
			break;
		bool submitted;
		struct pool_view view;
		bool pending = on_its_way(ctx, target, &submitted, &view);
		result = wait_result(&ctx->entries, target, &satisfied);
		if (satisfied || !pending)
			break;
		/*
		 * A SUBMITTED entry that no thread is looking for: a thread must be
		 * added if all are blocked, else kicked unless a kick is still to be
		 * answered by a scan. Then every SUBMITTED entry goes on while we wait.
		 */
		if (submitted && !view.claiming && pool_stalled(ctx) && !grow_refused) {
			spin_unlock(&sched_lock);
			int r = pool_add_thread(ctx);	/* the new thread scans at once */
			spin_lock(&sched_lock);
			if (r == -ENOMEM || r == -EAGAIN) {
				err = r;
				break;
			}
			grow_refused = r < 0;
			continue;
		}
		if (submitted && !view.claiming &&
		    entries_scanned_since(&ctx->entries, __atomic_load_n(&ctx->kicks, __ATOMIC_SEQ_CST)))
			kick_locked(ctx);
		sleep_on(&ctx->done, &sched_lock);
	}
	ctx->user_waiting = false;
	spin_unlock(&sched_lock);
	if (err)
		return err;
	return !satisfied && thread_interrupted() ? -EINTR : (int64_t)result;
}

int64_t sys_flexsc_wake(void)
{
	struct proc *p = myproc();
	struct flexsc_ctx *ctx = p->flexsc;

	if (!ctx || mythread() != p->thread)
		return -EINVAL;
	spin_lock(&sched_lock);
	kick_locked(ctx);
	spin_unlock(&sched_lock);
	return 0;
}

void flexsc_teardown(struct proc *p)
{
	struct flexsc_ctx *ctx = p->flexsc;
	struct list_node *n;

	if (!ctx)
		return;
	spin_lock(&ctx->lock);
	__atomic_store_n(&ctx->closed, true, __ATOMIC_RELEASE);
	__atomic_store_n(&ctx->stopping, true, __ATOMIC_RELEASE);
	wakeup_all(&ctx->work);
	for (n = ctx->pool.next; n != &ctx->pool; n = n->next)
		thread_interrupt(list_entry(n, struct pool_thread, link)->thread);
	while (ctx->nthreads > 0)
		sleep_on(&ctx->gone, &ctx->lock);
	spin_unlock(&ctx->lock);
	p->flexsc = NULL;
	ctx_free(ctx);
}

/*
 * A private copy of ctx's pages as they stand, in a new anonymous object, for
 * a child of fork, seen through *copy (the object holds its pages). In the copy
 * the entry this thread is running (fork's, if a syscall thread runs it) reads
 * DONE with ret 0, and every other entry on its way reads DONE with -ECANCELED:
 * the child has no syscall threads to run it, and in the parent it is the
 * parent's call. The object, or NULL if out of memory.
 */
static struct vmobj *snapshot_pages(struct flexsc_ctx *ctx, struct flexsc_entries *copy)
{
	struct vmobj *obj = vmobj_anon_create();
	struct flexsc_entry *pages[FLEXSC_MAX_PAGES];
	struct pool_thread *me = my_pool_thread();
	int running = me && me->ctx == ctx ? me->entry : ENTRY_IDLE;

	for (unsigned i = 0; obj && i < ctx->npages; i++) {
		struct page *pp = page_alloc(0);
		if (!pp || vmobj_insert_page(obj, i, pp) < 0) {
			if (pp)
				page_free(pp);
			vmobj_put(obj);
			return NULL;
		}
		pages[i] = page2kva(pp);
		memcpy(pages[i], page2kva(ctx->pages[i]), PGSIZE);
	}
	if (!obj)
		return NULL;
	entries_init(copy, pages, ctx->npages);
	for (unsigned i = 0; i < copy->nentries; i++) {
		struct flexsc_entry *e = entries_at(copy, i);
		if ((int)i == running || entries_pending(copy, i)) {
			e->ret = (int)i == running ? 0 : -ECANCELED;
			e->status = FLEXSC_DONE;
		}
	}
	return obj;
}

/*
 * What flexsc_wait(uentry) returns in a child whose copy of the pages is copy,
 * with no pool to wait for: as wait_result would find it there.
 */
static int64_t child_wait_result(struct flexsc_ctx *ctx, struct flexsc_entries *copy,
				 uintptr_t uentry)
{
	int target = uentry ? entry_index(ctx, uentry) : -1;
	unsigned done = 0;

	if (uentry && target < 0)
		return -EINVAL;
	if (target >= 0)
		return entries_status(copy, (unsigned)target) == FLEXSC_DONE;
	for (unsigned i = 0; i < copy->nentries; i++)
		done += entries_status(copy, i) == FLEXSC_DONE;
	return done;
}

int flexsc_fork_child(struct proc *parent, struct proc *child)
{
	struct flexsc_ctx *ctx = parent->flexsc;
	struct flexsc_entries copy;
	struct vmobj *obj = snapshot_pages(ctx, &copy);

	if (!obj)
		return -ENOMEM;
	/*
	 * Every view the child has of the pages (several, or none, after the
	 * parent's munmap and mprotect), the control page's too, now shows the
	 * snapshot, whose control page is left to fill with zeros when touched.
	 */
	sleeplock_acquire(&child->vs->lock);
	int r = vm_replace_object(child->vs, ctx->obj, obj, MAP_PRIVATE);
	sleeplock_release(&child->vs->lock);
	if (r == 0 && syscall_frame_num(child->thread->tf) == SYS_flexsc_wait)
		child->thread->tf->rax = (uint64_t)child_wait_result(ctx, &copy, child->thread->tf->rdi);
	vmobj_put(obj);
	return r;
}
