/*
 * Out of memory (see oom.h). oom_lock protects victim and choosing.
 *
 * The victim is chosen as Linux's OOM killer chooses, simplified: the user
 * process, init aside, with the largest footprint, its resident anonymous
 * pages and their swap entries (vm_footprints), the lower pid on a tie. It
 * gets SIGKILL and one console line; callers wait until it is no longer alive
 * (its address space is freed before that) and then try again. While a victim
 * is being ended nobody chooses another, so one shortage kills one process.
 */
#include <inc/signal.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/oom.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/signal.h>
#include <kern/spinlock.h>
#include <kern/swap.h>
#include <kern/vm.h>

/* Page-out rounds a caller waits for before it asks for a victim, even if they freed pages. */
#define PAGEOUT_TRIES 16
/*
 * How long a caller waits for a victim to end before it gives up (-ENOMEM):
 * a fault from a system call may hold a sleep lock (a file's offset, say)
 * that the victim waits for on its way out, and the victim ends once the
 * caller fails and lets go. Exiting takes far less than this.
 */
#define VICTIM_WAIT_TICKS (10 * TICK_HZ)

static struct spinlock oom_lock = SPINLOCK_INIT("oom", LOCK_OOM);
static struct waitq oom_wq = WAITQ_INIT(oom_wq);	/* waiters for a victim or a choice */
static pid_t victim;		/* killed, not yet gone; 0 if none (pids are never reused) */
static bool choosing;		/* a caller is choosing a victim, oom_lock dropped */

/* The best victim vm_footprints has shown so far (pid 0: none yet). */
struct pick {
	pid_t pid;
	size_t pages;
	char name[PROC_NAMELEN];
};

/*
 * vm_footprints' callback: vs's process, if vs is a user process's (not
 * init's) and holds more pages than the pick so far, or as many with a lower
 * pid, becomes the pick. Takes proc_lock.
 */
static void consider(struct vmspace *vs, size_t pages, void *arg)
{
	struct pick *best = arg;

	spin_lock(&proc_lock);
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_ALIVE || p == initproc || __atomic_load_n(&p->vs, __ATOMIC_RELAXED) != vs)
			continue;
		if (best->pid == 0 || pages > best->pages || (pages == best->pages && p->pid < best->pid)) {
			best->pid = p->pid;
			best->pages = pages;
			memcpy(best->name, p->name, sizeof(best->name));
		}
	}
	spin_unlock(&proc_lock);
}

/* Whether process pid is alive (its memory not yet given back). Takes proc_lock. */
static bool alive(pid_t pid)
{
	spin_lock(&proc_lock);
	bool r = proc_lookup(pid) != NULL;
	spin_unlock(&proc_lock);
	return r;
}

/*
 * Choose a victim and send it SIGKILL, with the line: its pid, 0 if there is
 * none, or -1 if the one chosen ended meanwhile (its memory is back).
 */
static pid_t kill_one(void)
{
	struct pick best = { .pid = 0, .pages = 0 };

	vm_footprints(consider, &best);
	if (best.pid == 0)
		return 0;
	spin_lock(&proc_lock);
	struct proc *p = proc_lookup(best.pid);
	if (p)
		signal_send_proc_locked(p, SIGKILL, SI_KERNEL, 0);
	spin_unlock(&proc_lock);
	if (!p)
		return -1;
	cprintf("oom: killed pid %d (%s), %lu pages\n", best.pid, best.name, best.pages);
	return best.pid;
}

bool oom_is_victim(void)
{
	struct proc *p = myproc();
	spin_lock(&oom_lock);
	bool r = p && victim == p->pid;
	spin_unlock(&oom_lock);
	return r;
}

/*
 * End a victim, unless one is being ended already, and wait until it is gone.
 * Whether the caller should try again: false if it was interrupted, its own
 * process is the victim, there was nothing to end or the victim did not end
 * within VICTIM_WAIT_TICKS.
 */
static bool oom_kill_and_wait(void)
{
	pid_t me = myproc() ? myproc()->pid : 0;
	bool waited = false;	/* for a victim, which has gone */
	uint64_t deadline = ticks + VICTIM_WAIT_TICKS;

	spin_lock(&oom_lock);
	for (;;) {
		if (victim && !alive(victim))
			victim = 0;
		if (victim == me && me != 0)
			break;
		if (!victim && waited) {
			spin_unlock(&oom_lock);
			return true;
		}
		if (thread_interrupted() || ticks >= deadline)
			break;
		if (victim || choosing) {
			waited |= victim != 0;
			/* Woken by a choice; a victim's end is seen at the next tick. */
			sleep_on_until(&oom_wq, &oom_lock, ticks + 1);
			continue;
		}
		choosing = true;
		spin_unlock(&oom_lock);
		pid_t v = kill_one();
		spin_lock(&oom_lock);
		choosing = false;
		victim = MAX(v, 0);
		wakeup_all(&oom_wq);
		if (v <= 0) {
			spin_unlock(&oom_lock);
			return v < 0;
		}
	}
	spin_unlock(&oom_lock);
	return false;
}

bool memory_wait(int tries)
{
	if (thread_interrupted())
		return false;
	if (tries < PAGEOUT_TRIES && swap_wait_for_memory())
		return true;
	return oom_kill_and_wait();
}

void *kmalloc_wait(size_t size)
{
	void *p;
	for (int tries = 0; !(p = kmalloc(size)) && memory_wait(tries); tries++)
		;
	return p;
}
