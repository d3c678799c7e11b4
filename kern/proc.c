/* Process lifecycle: creation, fork, exit, wait4. */
#include <inc/errno.h>
#include <inc/signal.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/file.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/uaccess.h>
#include <kern/vm.h>

#define WNOHANG 1
#define RUSAGE_SIZE 144	/* sizeof(struct rusage) on Linux x86-64 */

struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct proc procs[NPROC];
static pid_t next_pid = 1;
struct proc *initproc;

struct proc *myproc(void)
{
	struct thread *t = mythread();
	return t ? t->proc : NULL;
}

int proc_count(void)
{
	int n = 0;
	spin_lock(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state != P_FREE;
	spin_unlock(&proc_lock);
	return n;
}

/* How many processes (live or zombie) have parent p. Caller holds proc_lock. */
static int count_children(struct proc *p)
{
	int n = 0;
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state != P_FREE && procs[i].parent == p;
	return n;
}

/*
 * A new live child of parent (NULL for init) with no address space, files or
 * thread yet, or NULL with *err = -EAGAIN: the table is full or parent already has
 * MAXCHILDREN children, so that one runaway forker cannot take every slot.
 */
static struct proc *proc_alloc(struct proc *parent, const char *name, int *err)
{
	struct proc *p = NULL;

	spin_lock(&proc_lock);
	if (!parent || count_children(parent) < MAXCHILDREN)
		for (int i = 0; i < NPROC && !p; i++)
			if (procs[i].state == P_FREE)
				p = &procs[i];
	if (p) {
		p->state = P_ALIVE;
		p->pid = next_pid++;
		p->parent = parent;
	}
	spin_unlock(&proc_lock);
	if (!p) {
		*err = -EAGAIN;
		return NULL;
	}
	p->thread = NULL;
	p->vs = NULL;
	p->wstatus = 0;
	waitq_init(&p->child_exit);
	strlcpy(p->name, name, sizeof(p->name));
	return p;
}

/* Undo proc_alloc for a process that never ran: free its memory and its slot. */
static void proc_discard(struct proc *p)
{
	if (p->thread)
		thread_destroy(p->thread);
	if (p->vs)
		vmspace_destroy(p->vs);
	spin_lock(&proc_lock);
	p->state = P_FREE;
	spin_unlock(&proc_lock);
}

bool proc_start_init(const char *name, char *const argv[], int *err)
{
	static const struct trapframe blank;
	char *const envp[] = { NULL };
	struct proc *p = proc_alloc(NULL, name, err);

	if (!p)
		return false;
	p->thread = thread_create(name, p, &blank, NULL, NULL);
	if (!p->thread) {
		*err = -ENOMEM;
		proc_discard(p);
		return false;
	}
	*err = exec_load(p, name, argv, envp);
	if (*err < 0) {
		proc_discard(p);
		return false;
	}
	p->files = fdtable_with_console();
	if (!p->files) {
		*err = -ENOMEM;
		proc_discard(p);
		return false;
	}
	initproc = p;
	thread_start(p->thread);
	return true;
}

int64_t sys_fork(void)
{
	struct proc *parent = myproc();
	struct thread *cur = mythread();
	int err;
	struct proc *child = proc_alloc(parent, parent->name, &err);

	if (!child)
		return err;
	child->vs = vmspace_fork(parent->vs);
	if (!child->vs) {
		proc_discard(child);
		return -ENOMEM;
	}
	child->thread = thread_create(cur->name, child, cur->tf, NULL, NULL);
	if (!child->thread) {
		proc_discard(child);
		return -ENOMEM;
	}
	child->files = fdtable_copy(parent->files);
	if (!child->files) {
		proc_discard(child);
		return -ENOMEM;
	}
	child->thread->tf->rax = 0;	/* fork returns 0 in the child */
	/* The parent's FPU state is live in the registers, not yet saved anywhere. */
	asm volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])child->thread->fpu));

	pid_t pid = child->pid;
	thread_start(child->thread);
	return pid;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	default: return "signal";
	}
}

/* init is gone: report how, and leave the machine. */
static void init_ended(int wstatus)
{
	if ((wstatus & 0x7f) == 0) {
		int code = (wstatus >> 8) & 0xff;
		cprintf("elk: init exited with status %d\n", code);
		machine_exit(code);
	}
	int sig = wstatus & 0x7f;
	cprintf("elk: init killed by signal %d (%s)\n", sig, signal_name(sig));
	machine_exit(0x7e);
}

void proc_exit(int wstatus)
{
	struct proc *p = myproc();
	struct thread *t = mythread();

	if (p == initproc)
		init_ended(wstatus);

	/* Close files before becoming a zombie: readers of our pipes see end of file now. */
	fdtable_free(p->files);
	p->files = NULL;

	/* Leave the address space before freeing it; the kernel half is everywhere. */
	struct vmspace *vs = p->vs;
	push_cli();
	p->vs = NULL;
	vmspace_activate(NULL);
	pop_cli();
	vmspace_destroy(vs);

	spin_lock(&proc_lock);
	for (int i = 0; i < NPROC; i++) {
		if (procs[i].state != P_FREE && procs[i].parent == p) {
			procs[i].parent = initproc;
			if (procs[i].state == P_ZOMBIE)
				wakeup_all(&initproc->child_exit);
		}
	}
	p->wstatus = wstatus;
	p->state = P_ZOMBIE;
	p->thread = NULL;
	if (p->parent)
		wakeup_all(&p->parent->child_exit);
	t->proc = NULL;	/* the parent may reap p as soon as proc_lock is released */
	spin_unlock(&proc_lock);
	thread_exit();
}

int64_t sys_wait4(pid_t pid, int *ustatus, int options, void *urusage)
{
	static const char zero_rusage[RUSAGE_SIZE];
	struct proc *p = myproc();

	if (options & ~WNOHANG)
		return -EINVAL;
	/* Check the pointers before reaping, so a bad one loses no child. */
	int zero = 0;
	if (ustatus && copy_to_user(ustatus, &zero, sizeof(zero)) < 0)
		return -EFAULT;
	if (urusage && copy_to_user(urusage, zero_rusage, RUSAGE_SIZE) < 0)
		return -EFAULT;

	spin_lock(&proc_lock);
	for (;;) {
		bool have_child = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &procs[i];
			if (c->state == P_FREE || c->parent != p || (pid > 0 && c->pid != pid))
				continue;
			have_child = true;
			if (c->state != P_ZOMBIE)
				continue;
			pid_t cpid = c->pid;
			int wstatus = c->wstatus;
			c->state = P_FREE;
			spin_unlock(&proc_lock);
			if (ustatus && copy_to_user(ustatus, &wstatus, sizeof(wstatus)) < 0)
				return -EFAULT;
			return cpid;
		}
		if (!have_child) {
			spin_unlock(&proc_lock);
			return -ECHILD;
		}
		if (options & WNOHANG) {
			spin_unlock(&proc_lock);
			return 0;
		}
		sleep_on(&p->child_exit, &proc_lock);
	}
}
