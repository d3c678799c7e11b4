/* Threads, wait queues and the per-CPU round-robin schedulers (see sched.h for the rules). */
#include <inc/assert.h>
#include <inc/errno.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/cpu.h>
#include <kern/kmalloc.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/runq.h>
#include <kern/sched.h>
#include <kern/tlb.h>
#include <kern/vm.h>

struct spinlock sched_lock = SPINLOCK_INIT("sched", LOCK_SCHED);
static struct waitq timer_sleepers = WAITQ_INIT(timer_sleepers);
/* Threads in sleep_on_until, by timeout_link; under sched_lock. */
static struct list_node timed_sleepers = LIST_HEAD_INIT(timed_sleepers);
volatile uint64_t ticks;
static int next_tid = 1;

extern void swtch(struct context **from, struct context *to);
extern char thread_trampoline[];

/* The FPU/SSE state a fresh thread starts with: x87 control 0x37f, MXCSR 0x1f80. */
static void fpu_init_state(uint8_t *fpu)
{
	memset(fpu, 0, 512);
	*(uint16_t *)&fpu[0] = 0x37f;
	*(uint32_t *)&fpu[24] = 0x1f80;
}

int thread_create(struct thread **tp, const char *name, struct proc *p,
		  const struct trapframe *tf, void (*fn)(void *), void *arg)
{
	if (p && !proc_thread_born(p))
		return -EAGAIN;
	struct thread *t = kzalloc(sizeof(*t));
	int r = t ? kstack_alloc(&t->kstack) : -ENOMEM;
	if (r < 0) {
		kfree(t);
		if (p)
			proc_thread_gone(p);
		return r;
	}
	t->kstack_top = (uint64_t)t->kstack + KSTACKSIZE;
	t->proc = p;
	t->user = tf != NULL;
	t->state = T_EMBRYO;
	t->cpu = -1;
	t->affinity = ~0U;	/* every CPU, whatever comes online */
	t->fpu_cpu = -1;
	strlcpy(t->name, name, sizeof(t->name));
	list_init(&t->link);
	list_init(&t->group_link);
	fpu_init_state(t->fpu);

	/* Stack, top down: trap frame, then the context that swtch will pop. */
	t->tf = (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
	if (tf)
		*t->tf = *tf;
	t->context = (struct context *)((uint64_t)t->tf - sizeof(struct context));
	memset(t->context, 0, sizeof(*t->context));
	t->context->rflags = FL_RESERVED;	/* interrupts off: it starts holding sched_lock */
	t->context->rip = (uint64_t)thread_trampoline;
	t->context->r12 = (uint64_t)fn;
	t->context->r13 = (uint64_t)arg;

	spin_lock(&sched_lock);
	t->tid = next_tid++;
	spin_unlock(&sched_lock);
	*tp = t;
	return 0;
}

static void fxsave(struct thread *t)
{
	asm volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])t->fpu));
}

static void fxrstor(struct thread *t)
{
	asm volatile("fxrstor %0" : : "m"(*(uint8_t(*)[512])t->fpu));
}

/*
 * FPU state: saved when a user thread leaves a CPU (sched), restored lazily.
 * The save at switch-out keeps t->fpu current whenever t is not running, so
 * any CPU may take t next; the registers are left as they are, and a CPU
 * whose registers still hold t's state (cpu->fpu_owner == t, and t->fpu_cpu
 * names that CPU: t has not loaded it anywhere since) skips the restore.
 * Kernel threads never touch the registers (-mgeneral-regs-only), so a user
 * thread and its syscall threads trade a CPU with one save and no restore.
 * Caller holds sched_lock.
 */
static void fpu_switch_to(struct cpu *c, struct thread *t)
{
	if (!t->user || (c->fpu_owner == t && t->fpu_cpu == c->id))
		return;
	fxrstor(t);
	c->fpu_owner = t;
	t->fpu_cpu = c->id;
}

/*
 * Load user thread t's FS and GS bases into this CPU. The user's GS base sits
 * in MSR_KERNEL_GS_BASE while the kernel runs (swapgs exchanges it on the way
 * out). Interrupts off.
 */
static void load_segment_bases(struct cpu *c, struct thread *t)
{
	c->segment_bases_gen = __atomic_load_n(&t->segment_bases_gen, __ATOMIC_ACQUIRE);
	wrmsr(MSR_FS_BASE, __atomic_load_n(&t->fs_base, __ATOMIC_RELAXED));
	wrmsr(MSR_KERNEL_GS_BASE, __atomic_load_n(&t->gs_base, __ATOMIC_RELAXED));
	c->segment_bases_tid = t->tid;
}

/*
 * Load them unless t was the last user thread to have its bases loaded here,
 * and they have not changed since (a call posted on a syscall page may change
 * them while t is not running):
 * a user thread and its syscall threads (kernel threads, which never touch
 * these registers) trade the CPU without a write, which costs a helper call
 * under emulation. Keyed by thread id, never by the values: a program can
 * change its real base behind the kernel's back (a segment load such as
 * mov %ax, %fs zeroes it), and the next thread must not inherit that. (Such a
 * change lasts until the thread is next switched out; then its arch_prctl
 * base comes back.)
 */
static void switch_segment_bases(struct cpu *c, struct thread *t)
{
	if (c->segment_bases_tid != t->tid ||
	    c->segment_bases_gen != __atomic_load_n(&t->segment_bases_gen, __ATOMIC_ACQUIRE))
		load_segment_bases(c, t);
}

void thread_set_segment_bases(struct thread *t, uint64_t fs_base, uint64_t gs_base)
{
	push_cli();
	__atomic_store_n(&t->fs_base, fs_base, __ATOMIC_RELAXED);
	__atomic_store_n(&t->gs_base, gs_base, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->segment_bases_gen, 1, __ATOMIC_RELEASE);
	if (mycpu()->thread == t)
		load_segment_bases(mycpu(), t);
	pop_cli();
}

void thread_save_fpu(struct thread *t)
{
	push_cli();
	if (mythread() == t)
		fxsave(t);	/* else t is not running, and t->fpu is current */
	pop_cli();
}

void thread_set_fpu(struct thread *t, const uint8_t image[512])
{
	push_cli();
	memcpy(t->fpu, image, sizeof(t->fpu));
	t->fpu_cpu = -1;
	if (mythread() == t)
		fpu_switch_to(mycpu(), t);
	pop_cli();
}

void thread_reset_fpu(struct thread *t)
{
	push_cli();
	fpu_init_state(t->fpu);
	t->fpu_cpu = -1;
	if (mythread() == t)
		fpu_switch_to(mycpu(), t);
	pop_cli();
}

void thread_destroy(struct thread *t)
{
	assert(t->state == T_EMBRYO || t->state == T_DEAD);
	struct proc *p = t->proc;
	kstack_free(t->kstack);
	kfree(t);
	if (p)
		proc_thread_gone(p);
}

/* Threads queued on c or running there: what placement compares. Caller holds sched_lock. */
static int cpu_load(struct cpu *c)
{
	return c->nqueued + (c->thread != NULL);
}

/* The CPU t should queue on (runq_choose's policy). Caller holds sched_lock. */
static struct cpu *choose_cpu(struct thread *t)
{
	int load[MAXCPU];

	for (int i = 0; i < ncpu; i++)
		load[i] = cpu_load(&cpus[i]);
	int i = runq_choose(load, ncpu, t->affinity & cpus_online(), t->cpu, mycpu()->id);
	return &cpus[i];
}

/* Put t at the back of c's run queue. Caller holds sched_lock. */
static void enqueue(struct cpu *c, struct thread *t)
{
	t->state = T_RUNNABLE;
	t->cpu = c->id;
	list_push_back(&c->runq, &t->link);
	c->nqueued++;
}

/*
 * Make t (not on any queue) runnable on the CPU choose_cpu picks, and wake
 * that CPU if it idles. Caller holds sched_lock.
 */
static void make_runnable(struct thread *t)
{
	struct cpu *c = choose_cpu(t);

	enqueue(c, t);
	if (c != mycpu() && c->idle)
		lapic_ipi(c->apic_id, T_IPI_RESCHED);
}

void thread_start(struct thread *t)
{
	spin_lock(&sched_lock);
	make_runnable(t);
	spin_unlock(&sched_lock);
}

/* Called by thread_trampoline: a new thread still holds sched_lock from its switch. */
void thread_first_run(void)
{
	spin_unlock(&sched_lock);
	if (mythread()->user && mythread()->interrupted) {
		sti();
		proc_user_return();	/* what it was asked before it first ran */
		cli();
	}
}

/* Take t off the run queue of the CPU it is queued on. Caller holds sched_lock. */
static void dequeue(struct thread *t)
{
	list_remove(&t->link);
	cpus[t->cpu].nqueued--;
}

/*
 * The first thread on victim's run queue that may run on c, or NULL. Caller
 * holds sched_lock.
 */
static struct thread *first_allowed(struct cpu *victim, struct cpu *c)
{
	struct list_node *n;

	for (n = victim->runq.next; n != &victim->runq; n = n->next) {
		struct thread *t = list_entry(n, struct thread, link);
		if (t->affinity & (1U << c->id))
			return t;
	}
	return NULL;
}

/*
 * What c runs next, taken off its queue: the first thread of c's own queue,
 * else one stolen from the CPU with the longest queue (the first there that
 * may run on c), else NULL. Stealing from a queue, never from a CPU's running
 * thread, moves only threads whose registers are saved. Caller holds sched_lock.
 */
static struct thread *runq_take(struct cpu *c)
{
	struct thread *t = NULL;

	if (!list_empty(&c->runq)) {
		t = list_entry(c->runq.next, struct thread, link);
	} else {
		int nqueued[MAXCPU];
		uint32_t stealable = 0;
		for (int i = 0; i < ncpu; i++) {
			nqueued[i] = cpus[i].nqueued;
			if (nqueued[i] > 0 && i != c->id && first_allowed(&cpus[i], c))
				stealable |= 1U << i;
		}
		int victim = runq_victim(nqueued, ncpu, stealable, c->id);
		t = victim >= 0 ? first_allowed(&cpus[victim], c) : NULL;
	}
	if (t) {
		dequeue(t);
		t->cpu = c->id;
	}
	return t;
}

/*
 * Make t this CPU's running thread: its address space, kernel stack and FPU
 * state. prev, if not NULL, ran last and left its address space loaded: a
 * thread of the same process (a user thread and its syscall threads) needs no
 * change of page tables, nor even a look at them.
 */
static void make_current(struct cpu *c, struct thread *t, struct thread *prev)
{
	t->state = T_RUNNING;
	c->thread = t;
	if (!prev || !t->proc || prev->proc != t->proc)
		vmspace_activate(t->proc ? t->proc->vs : NULL);
	cpu_set_kstack(c, t->kstack_top);
	fpu_switch_to(c, t);
	if (t->user)
		switch_segment_bases(c, t);
}

/*
 * Switch from the running thread to the next runnable one. The caller holds
 * sched_lock (and nothing else) and has already changed the thread's state. The
 * switch goes straight from thread to thread, one swtch instead of two through
 * the scheduler loop, except for a dead thread (the loop frees it, off its stack)
 * and when nothing else can run (the loop idles).
 */
static void sched(void)
{
	struct cpu *c = mycpu();
	struct thread *t = c->thread;

	spin_assert_none_but(&sched_lock, "sleeping or switching");
	if (!spin_holding(&sched_lock) || c->ncli != 1)
		panic("sched: must hold exactly sched_lock (ncli %d)", c->ncli);
	if (t->state == T_RUNNING)
		panic("sched: thread %s still running", t->name);
	bool intena = c->intena;
	struct thread *next = t->state == T_DEAD ? NULL : runq_take(c);
	if (next != t && t->user && t->state != T_DEAD)
		fxsave(t);	/* see fpu_switch_to */
	if (next == t) {
		t->state = T_RUNNING;	/* it yielded, and nothing else wants the CPU */
	} else if (next) {
		make_current(c, next, t);
		swtch(&t->context, next->context);
	} else {
		swtch(&t->context, c->scheduler);
	}
	c = mycpu();
	c->intena = intena;
}

void scheduler(void)
{
	struct cpu *c = mycpu();

	for (;;) {
		spin_lock(&sched_lock);
		struct thread *t = runq_take(c);
		c->idle = !t;
		if (!t) {
			spin_unlock(&sched_lock);
			/* Idle on the kernel's tables: no shootdown needs to reach us. */
			vmspace_activate(NULL);
			tlb_idle_enter();
			/*
			 * sti takes effect after hlt starts, so no wakeup slips between: a
			 * reschedule IPI sent once idle was set ends the hlt. So does this
			 * CPU's own timer, after which it looks for threads to steal.
			 */
			asm volatile("sti; hlt; cli" ::: "memory");
			tlb_idle_exit();
			continue;
		}
		make_current(c, t, NULL);
		swtch(&c->scheduler, t->context);
		/* Back from whichever thread switched here, not necessarily t. */
		struct thread *prev = c->thread;
		c->thread = NULL;
		spin_unlock(&sched_lock);
		if (prev->state == T_DEAD)
			thread_destroy(prev);
	}
}

/*
 * Give up the CPU. If nothing else waits here and the thread may still run
 * here, it goes back to this CPU's queue and runs on. Otherwise it is placed
 * as a woken thread is (make_runnable, counting it as this CPU's running
 * thread): an idle CPU it may run on takes it at once, else the least loaded
 * one, this CPU on a tie. So a thread that has to wait never waits behind
 * another while a CPU idles that could run it.
 */
void yield(void)
{
	spin_lock(&sched_lock);
	struct cpu *c = mycpu();
	struct thread *t = c->thread;
	if ((t->affinity & (1U << c->id)) && list_empty(&c->runq))
		enqueue(c, t);
	else
		make_runnable(t);
	sched();
	spin_unlock(&sched_lock);
}

void sched_ipi(void)
{
	if (preemptible())
		yield();
}

void thread_set_affinity(struct thread *t, uint32_t mask)
{
	spin_lock(&sched_lock);
	t->affinity = mask;
	if (t->state == T_RUNNABLE) {
		dequeue(t);	/* placed again: the mask may allow an idle CPU */
		make_runnable(t);
	} else if (t->state == T_RUNNING && t != mythread() && !(mask & (1U << t->cpu))) {
		lapic_ipi(cpus[t->cpu].apic_id, T_IPI_RESCHED);
	}
	spin_unlock(&sched_lock);
	if (t == mythread() && !(mask & (1U << t->cpu)))
		yield();
}

void thread_exit(void)
{
	spin_lock(&sched_lock);
	mycpu()->thread->state = T_DEAD;
	sched();
	panic("thread_exit: dead thread ran again");
}

void thread_interrupt(struct thread *t)
{
	spin_lock(&sched_lock);
	t->interrupted = true;
	if (t->state == T_SLEEPING) {
		list_remove(&t->link);	/* from whichever wait queue holds it */
		make_runnable(t);
	}
	spin_unlock(&sched_lock);
}

void thread_clear_interrupt(void)
{
	spin_lock(&sched_lock);
	mythread()->interrupted = false;
	spin_unlock(&sched_lock);
}

void wakeup_one_locked(struct waitq *wq)
{
	if (list_empty(&wq->sleepers))
		return;
	struct list_node *n = wq->sleepers.next;
	list_remove(n);
	make_runnable(list_entry(n, struct thread, link));
}

void thread_spin_wait(void)
{
	const struct thread_block_hooks *h = mythread()->block_hooks;

	if (h)
		h->yielding(h->arg);
}

/* Sleep on wq until woken. sched_lock held (and kept across the sleep). */
static void sleep_locked(struct thread *t, struct waitq *wq)
{
	if (t->block_hooks)
		t->block_hooks->before_sleep(t->block_hooks->arg, wq);
	t->state = T_SLEEPING;
	list_push_back(&wq->sleepers, &t->link);
	sched();
	if (t->block_hooks)
		t->block_hooks->after_sleep(t->block_hooks->arg, wq);
}

/* Trade the caller's lock lk for sched_lock (nothing to do if lk is sched_lock). */
static void lock_for_sleep(struct spinlock *lk)
{
	if (lk != &sched_lock) {
		spin_lock(&sched_lock);
		spin_unlock(lk);
	}
}

/* Trade sched_lock back for lk. */
static void unlock_after_sleep(struct spinlock *lk)
{
	if (lk != &sched_lock) {
		spin_unlock(&sched_lock);
		spin_lock(lk);
	}
}

void sleep_on(struct waitq *wq, struct spinlock *lk)
{
	lock_for_sleep(lk);
	sleep_locked(mythread(), wq);
	unlock_after_sleep(lk);
}

bool sleep_on_interruptible(struct waitq *wq, struct spinlock *lk)
{
	struct thread *t = mythread();

	lock_for_sleep(lk);
	/* Under sched_lock, where thread_interrupt sets the flag: none is lost. */
	if (!t->interrupted)
		sleep_locked(t, wq);
	bool woken = !t->interrupted;
	unlock_after_sleep(lk);
	return woken;
}

bool sleep_on_until(struct waitq *wq, struct spinlock *lk, uint64_t deadline)
{
	struct thread *t = mythread();

	lock_for_sleep(lk);
	t->timed_out = ticks >= deadline;
	if (!t->timed_out && !t->interrupted) {
		t->wake_tick = deadline;
		t->timeout_listed = true;
		list_push_back(&timed_sleepers, &t->timeout_link);
		sleep_locked(t, wq);
		if (t->timeout_listed) {	/* woken before the deadline */
			list_remove(&t->timeout_link);
			t->timeout_listed = false;
		}
	}
	bool woken = !t->timed_out;
	unlock_after_sleep(lk);
	return woken;
}

/* Move every sleeper of wq to the run queue. Called with sched_lock held. */
static void wake_locked(struct waitq *wq)
{
	struct list_node *n, *tmp;
	list_foreach_safe(n, tmp, &wq->sleepers) {
		list_remove(n);
		make_runnable(list_entry(n, struct thread, link));
	}
}

void wakeup_all(struct waitq *wq)
{
	spin_lock(&sched_lock);
	wake_locked(wq);
	spin_unlock(&sched_lock);
}

void wakeup_one(struct waitq *wq)
{
	spin_lock(&sched_lock);
	wakeup_one_locked(wq);
	spin_unlock(&sched_lock);
}

bool sleep_until(uint64_t deadline)
{
	struct thread *t = mythread();

	spin_lock(&sched_lock);
	t->wake_tick = deadline;
	while (ticks < deadline && !t->interrupted)
		sleep_on(&timer_sleepers, &sched_lock);
	spin_unlock(&sched_lock);
	return !t->interrupted;
}

/*
 * Load averages, Linux's way: every LOAD_INTERVAL ticks each average moves
 * towards the number of threads running or queued on every CPU, by the factor
 * e^(-5 s / 1, 5 and 15 min) in LOAD_FSHIFT-bit fixed point. Under sched_lock.
 */
#define LOAD_FSHIFT 11
#define LOAD_INTERVAL (5 * TICK_HZ)
static const uint64_t load_decay[3] = { 1884, 2014, 2037 };
static uint64_t load_avg[3];

static void load_avg_update(void)
{
	uint64_t active = 0;

	for (int i = 0; i < ncpu; i++)
		active += (uint64_t)cpu_load(&cpus[i]);
	active <<= LOAD_FSHIFT;
	for (int i = 0; i < 3; i++)
		load_avg[i] = (load_avg[i] * load_decay[i] +
			       active * ((1 << LOAD_FSHIFT) - load_decay[i])) >> LOAD_FSHIFT;
}

void sched_load_averages(uint64_t loads[3], int shift)
{
	spin_lock(&sched_lock);
	for (int i = 0; i < 3; i++)
		loads[i] = load_avg[i] << (shift - LOAD_FSHIFT);
	spin_unlock(&sched_lock);
}

void sched_tick(void)
{
	spin_lock(&sched_lock);
	ticks++;
	if (ticks % LOAD_INTERVAL == 0)
		load_avg_update();
	struct list_node *n, *tmp;
	list_foreach_safe(n, tmp, &timed_sleepers) {
		struct thread *t = list_entry(n, struct thread, timeout_link);
		if (t->wake_tick <= ticks) {
			list_remove(n);
			t->timeout_listed = false;
			if (t->state == T_SLEEPING) {
				list_remove(&t->link);	/* from the wait queue it sleeps on */
				t->timed_out = true;
				make_runnable(t);
			}
		}
	}
	list_foreach_safe(n, tmp, &timer_sleepers.sleepers) {
		struct thread *t = list_entry(n, struct thread, link);
		if (t->wake_tick <= ticks) {
			list_remove(n);
			make_runnable(t);
		}
	}
	spin_unlock(&sched_lock);
}
