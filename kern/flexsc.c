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
 * Only the syscall threads scan the pages. flexsc_wait learns what it needs
 * without a scan of its own: which entries may be DONE from the completion map
 * (entries the pool completed that it has not yet found reaped), and that
 * nothing is left SUBMITTED from a pool thread's scan that began after its kick
 * and found nothing. The protocol itself, claims, results and the map, is in
 * flexsc_entries.c, tested on the host; this file adds threads and sleeping.
 *
 * The kernel reaches the pages through the direct map of pages it holds a
 * reference on, never through the user mapping: the user may unmap or protect
 * its view at any time without the kernel noticing.
 *
 * A thread blocked in one call (a pipe read, wait4, nanosleep) holds up only
 * that entry: the others go on with the rest. Process teardown interrupts every
 * pool thread (thread_interrupt), so blocked calls give up with -EINTR.
 */
#include <inc/errno.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <kern/flexsc.h>
#include <kern/flexsc_entries.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

struct flexsc_ctx {
	struct proc *proc;
	uintptr_t uaddr;		/* where the pages are mapped in the process */
	unsigned npages;
	struct page *pages[FLEXSC_MAX_PAGES];	/* one reference each, ours */
	struct vmobj *obj;		/* the pages' object, to recognise the area */
	struct flexsc_entries entries;	/* the pages' entries, through the direct map */

	/*
	 * Touched on every entry, so atomics rather than the lock: kicks counts the
	 * reasons an idle thread has to scan again (flexsc_wait, a sibling blocking);
	 * user_waiting says the user thread sleeps (or is about to) in flexsc_wait,
	 * and is cleared by the syscall thread that wakes it.
	 */
	uint64_t kicks;
	bool user_waiting;
	bool stopping;			/* atomic; set once, under lock */
	bool user_in_wait;		/* the user thread is inside flexsc_wait (for fork) */

	/*
	 * The round trip of flexsc_wait sleeps and wakes under sched_lock alone,
	 * one lock for the whole handshake: idle threads sleep on work and the
	 * waiter on done with sched_lock held from their check to the sleep, and
	 * their wakers hold it. lock (taken before sched_lock) protects nthreads
	 * and the teardown's wait on gone; threads[] changes under both, so either
	 * one is enough to read it.
	 */
	struct spinlock lock;
	struct waitq work;		/* idle syscall threads */
	struct waitq done;		/* the user thread in flexsc_wait */
	struct waitq gone;		/* flexsc_teardown, waiting for the pool to leave */
	unsigned nthreads;
	struct thread *threads[FLEXSC_MAX_THREADS];	/* NULL once a thread left */
};

/*
 * Whether a syscall thread is running an entry. Caller holds sched_lock (so no
 * thread can leave, let alone be freed, while it looks) or ctx->lock. Read
 * before entries_count_done: a thread stores DONE and marks it before it drops its
 * entry, so an entry not seen running here is seen DONE there.
 */
static bool pool_busy(struct flexsc_ctx *ctx)
{
	for (unsigned k = 0; k < FLEXSC_MAX_THREADS; k++)
		if (ctx->threads[k] &&
		    __atomic_load_n(&ctx->threads[k]->flexsc_entry, __ATOMIC_ACQUIRE) >= 0)
			return true;
	return false;
}

/*
 * Run claimed entry i: copy its call out of the shared page first (the user may
 * scribble on it at any moment), run it as the process, publish the result.
 */
static void run_entry(struct flexsc_ctx *ctx, unsigned i)
{
	struct thread *t = mythread();
	uint64_t args[6];
	uint32_t sysnum = entries_fetch(&ctx->entries, i, args);
	int64_t ret;

	__atomic_store_n(&t->flexsc_entry, (int)i, __ATOMIC_RELEASE);
	if (sysnum == SYS_flexsc_register || sysnum == SYS_flexsc_wait)
		ret = -EINVAL;
	else
		ret = syscall_invoke(sysnum, args);

	/*
	 * Publishing needs only release stores. flexsc_wait stores user_waiting and
	 * then looks at the marks; this thread reads user_waiting only when it next
	 * sleeps (flexsc_before_sleep), with an atomic exchange under sched_lock,
	 * both full barriers. So either the waiter sees this entry marked, or this
	 * thread sees it waiting and wakes it.
	 */
	entries_publish(&ctx->entries, i, ret);
	__atomic_store_n(&t->flexsc_entry, -1, __ATOMIC_RELEASE);
}

/*
 * A syscall thread: serve entries until the pool stops.
 *
 * A batch is laid out in a row, so once this thread has run an entry since the
 * last kick it looks only at the next one, and sleeps when that is not
 * SUBMITTED: a waiter then has that completed entry to return with, and entries
 * elsewhere are found by the full scan after its next kick. A scan of every
 * entry (256 loads with four pages, most of the cost of a small batch) happens
 * only when a kick finds nothing at the next entry; when it finds nothing at
 * all, it tells the waiter that nothing is left SUBMITTED (entries_note_idle).
 */
static void pool_main(void *arg)
{
	struct flexsc_ctx *ctx = arg;
	uint64_t ran_at_kick = 0;	/* kicks when this thread last ran an entry, +1 */

	for (;;) {
		uint64_t seen = __atomic_load_n(&ctx->kicks, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&ctx->stopping, __ATOMIC_ACQUIRE))
			break;
		bool next_only = ran_at_kick == seen + 1;
		int i = entries_claim(&ctx->entries, next_only);
		if (i >= 0) {
			run_entry(ctx, (unsigned)i);
			ran_at_kick = seen + 1;
			continue;
		}
		if (!next_only)
			entries_note_idle(&ctx->entries, seen);
		/*
		 * Nothing to do: sleep until kicked (unless that happened meanwhile).
		 * Kickers and the teardown wake the work queue under sched_lock.
		 */
		spin_lock(&sched_lock);
		while (__atomic_load_n(&ctx->kicks, __ATOMIC_ACQUIRE) == seen &&
		       !__atomic_load_n(&ctx->stopping, __ATOMIC_ACQUIRE))
			sleep_on(&ctx->work, &sched_lock);
		spin_unlock(&sched_lock);
	}
	flexsc_thread_leave();
}

void flexsc_before_sleep(struct flexsc_ctx *ctx, struct waitq *wq)
{
	if (wq != &ctx->work) {
		__atomic_add_fetch(&ctx->kicks, 1, __ATOMIC_RELEASE);
		wakeup_one_locked(&ctx->work);
	}
	if (__atomic_exchange_n(&ctx->user_waiting, false, __ATOMIC_SEQ_CST))
		wakeup_one_locked(&ctx->done);
}

void flexsc_thread_leave(void)
{
	struct thread *t = mythread();
	struct flexsc_ctx *ctx = t->flexsc;

	spin_lock(&ctx->lock);
	spin_lock(&sched_lock);
	for (unsigned i = 0; i < FLEXSC_MAX_THREADS; i++)
		if (ctx->threads[i] == t)
			ctx->threads[i] = NULL;
	spin_unlock(&sched_lock);
	ctx->nthreads--;
	wakeup_all(&ctx->gone);
	spin_unlock(&ctx->lock);
	thread_exit();
}

/* Free ctx and what it holds; its threads are gone (or never started). */
static void ctx_free(struct flexsc_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->npages; i++)
		if (ctx->pages[i])
			page_decref(ctx->pages[i]);
	if (ctx->obj)
		vmobj_put(ctx->obj);
	kfree(ctx);
}

/*
 * Allocate ctx's pages, zeroed (every entry FREE), into a shared object mapped
 * into p's address space. 0 or -ENOMEM.
 */
static int map_pages(struct flexsc_ctx *ctx, struct proc *p)
{
	struct vmspace *vs = p->vs;
	size_t len = ctx->npages * PGSIZE;
	struct flexsc_entry *kpages[FLEXSC_MAX_PAGES];

	if (!(ctx->obj = vmobj_anon_create()))
		return -ENOMEM;
	for (unsigned i = 0; i < ctx->npages; i++) {
		struct page *pp = page_alloc(PAGE_ZERO);
		if (!pp)
			return -ENOMEM;
		page_incref(pp);
		ctx->pages[i] = pp;
		kpages[i] = page2kva(pp);
		if (vmobj_insert_page(ctx->obj, i, pp) < 0)
			return -ENOMEM;
	}
	entries_init(&ctx->entries, kpages, ctx->npages);
	sleeplock_acquire(&vs->lock);
	ctx->uaddr = vmmap_find_range(&vs->map, len, UMIN, VM_MMAP_TOP, VMMAP_HILO);
	int r = ctx->uaddr ? vm_map(vs, ctx->uaddr, len, PROT_READ | PROT_WRITE,
				    MAP_SHARED | VMA_FLEXSC, ctx->obj, 0) : -ENOMEM;
	sleeplock_release(&vs->lock);
	return r;
}

/* Start nthreads syscall threads for ctx. 0 or -ENOMEM (those started keep running). */
static int start_pool(struct flexsc_ctx *ctx, unsigned nthreads)
{
	struct proc *p = ctx->proc;

	for (unsigned i = 0; i < nthreads; i++) {
		char name[24];
		snprintf(name, sizeof(name), "flexsc-%d.%u", p->pid, i);
		struct thread *t = thread_create(name, p, NULL, pool_main, ctx);
		if (!t)
			return -ENOMEM;
		t->flexsc = ctx;
		t->flexsc_entry = -1;
		spin_lock(&ctx->lock);
		ctx->threads[i] = t;
		ctx->nthreads++;
		spin_unlock(&ctx->lock);
		thread_start(t);
	}
	return 0;
}

int64_t sys_flexsc_register(const struct flexsc_options *uopts)
{
	struct proc *p = myproc();
	struct flexsc_options opts;

	if (copy_from_user(&opts, uopts, sizeof(opts)) < 0)
		return -EFAULT;
	if (opts.npages == 0)
		opts.npages = 1;
	if (opts.nthreads == 0)
		opts.nthreads = FLEXSC_DEFAULT_THREADS;
	if (opts.npages > FLEXSC_MAX_PAGES || opts.nthreads > FLEXSC_MAX_THREADS ||
	    opts.reserved[0] || opts.reserved[1] || mythread() != p->thread)
		return -EINVAL;
	if (p->flexsc)
		return -EBUSY;

	struct flexsc_ctx *ctx = kzalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->proc = p;
	ctx->npages = opts.npages;
	spin_init(&ctx->lock, "flexsc");
	waitq_init(&ctx->work);
	waitq_init(&ctx->done);
	waitq_init(&ctx->gone);
	if (map_pages(ctx, p) < 0) {
		ctx_free(ctx);
		return -ENOMEM;
	}
	p->flexsc = ctx;
	if (start_pool(ctx, opts.nthreads) < 0) {
		flexsc_teardown(p);
		return -ENOMEM;
	}
	return (int64_t)ctx->uaddr;
}

int64_t sys_flexsc_wait(void)
{
	struct proc *p = myproc();
	struct flexsc_ctx *ctx = p->flexsc;
	unsigned done;

	if (!ctx || mythread() != p->thread)
		return -EINVAL;
	/*
	 * One thread starts, after the entry claimed last: where the user library's
	 * ring puts its next batch, so the batch runs in the order it was laid out
	 * without a walk over the entries before it. It hands over to another
	 * thread only if a call blocks.
	 */
	ctx->user_in_wait = true;
	uint64_t kick = __atomic_add_fetch(&ctx->kicks, 1, __ATOMIC_SEQ_CST);
	spin_lock(&sched_lock);
	wakeup_one_locked(&ctx->work);	/* the kick: an idle thread, if there is one */
	/*
	 * Sleep only while something is on its way (an entry running, or one that
	 * no scan since our kick has looked for); else nothing would ever wake us.
	 */
	for (;;) {
		__atomic_store_n(&ctx->user_waiting, true, __ATOMIC_SEQ_CST);
		bool running = pool_busy(ctx);
		bool unscanned = !entries_idle_since(&ctx->entries, kick);
		done = entries_count_done(&ctx->entries);
		if (done || !(unscanned || running) || thread_interrupted())
			break;
		sleep_on(&ctx->done, &sched_lock);
	}
	ctx->user_waiting = false;
	spin_unlock(&sched_lock);
	ctx->user_in_wait = false;
	return done == 0 && thread_interrupted() ? -EINTR : (int64_t)done;
}

void flexsc_teardown(struct proc *p)
{
	struct flexsc_ctx *ctx = p->flexsc;

	if (!ctx)
		return;
	spin_lock(&ctx->lock);
	__atomic_store_n(&ctx->stopping, true, __ATOMIC_RELEASE);
	wakeup_all(&ctx->work);
	for (unsigned i = 0; i < FLEXSC_MAX_THREADS; i++)
		if (ctx->threads[i])
			thread_interrupt(ctx->threads[i]);
	while (ctx->nthreads > 0)
		sleep_on(&ctx->gone, &ctx->lock);
	spin_unlock(&ctx->lock);
	p->flexsc = NULL;
	ctx_free(ctx);
}

/*
 * Replace the child's view of the syscall pages (still the parent's shared pages,
 * as fork left it) with a private copy, whose pages go to copies[]. 0 or -ENOMEM.
 */
static int snapshot_pages(struct flexsc_ctx *ctx, struct vmspace *vs, struct page **copies)
{
	size_t len = ctx->npages * PGSIZE;
	struct vmobj *obj = vmobj_anon_create();
	int r = obj ? 0 : -ENOMEM;

	for (unsigned i = 0; r == 0 && i < ctx->npages; i++) {
		struct page *pp = page_alloc(0);
		if (!pp) {
			r = -ENOMEM;
			break;
		}
		memcpy(page2kva(pp), page2kva(ctx->pages[i]), PGSIZE);
		r = vmobj_insert_page(obj, i, pp);
		if (r < 0)
			page_free(pp);
		else
			copies[i] = pp;
	}
	sleeplock_acquire(&vs->lock);
	if (r == 0)
		r = vm_unmap(vs, ctx->uaddr, ctx->uaddr + len);
	if (r == 0)
		r = vm_map(vs, ctx->uaddr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, obj, 0);
	sleeplock_release(&vs->lock);
	if (obj)
		vmobj_put(obj);
	return r;
}

int flexsc_fork_child(struct proc *parent, struct proc *child)
{
	struct flexsc_ctx *ctx = parent->flexsc;
	struct page *copies[FLEXSC_MAX_PAGES];
	struct vmarea *a;

	/* The parent may have unmapped its view, or mapped something else there. */
	sleeplock_acquire(&child->vs->lock);
	a = vmmap_lookup(&child->vs->map, ctx->uaddr);
	bool ours = a && a->obj == ctx->obj && (a->flags & VMA_FLEXSC);
	sleeplock_release(&child->vs->lock);
	if (!ours)
		return 0;
	int r = snapshot_pages(ctx, child->vs, copies);
	if (r < 0)
		return r;

	int running = mythread()->flexsc == ctx ? mythread()->flexsc_entry : -1;
	if (running >= 0) {
		struct flexsc_entry *page = page2kva(copies[running / FLEXSC_ENTRIES_PER_PAGE]);
		struct flexsc_entry *e = &page[running % FLEXSC_ENTRIES_PER_PAGE];
		e->ret = 0;
		e->status = FLEXSC_DONE;
	}
	if (ctx->user_in_wait) {
		unsigned done = 0;
		for (unsigned i = 0; i < ctx->entries.nentries; i++) {
			struct flexsc_entry *page = page2kva(copies[i / FLEXSC_ENTRIES_PER_PAGE]);
			done += page[i % FLEXSC_ENTRIES_PER_PAGE].status == FLEXSC_DONE;
		}
		child->thread->tf->rax = done;
	}
	return 0;
}
