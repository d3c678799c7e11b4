/* Process lifecycle: creation, fork, exit, wait4. */
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/signal.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/file.h>
#include <kern/flexsc.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vfs.h>
#include <kern/vm.h>

#define WNOHANG 1
#define RUSAGE_SIZE 144	/* sizeof(struct rusage) on Linux x86-64 */

struct spinlock proc_lock = SPINLOCK_INIT("proc", LOCK_PROC);
struct proc procs[NPROC];
static pid_t next_pid = 1;
struct proc *initproc;

int proc_count(void)
{
	int n = 0;
	spin_lock(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state != P_FREE;
	spin_unlock(&proc_lock);
	return n;
}

struct proc *proc_lookup(pid_t pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_ALIVE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
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
		p->pgid = parent ? parent->pgid : p->pid;
		p->sid = parent ? parent->sid : p->pid;
		p->did_exec = false;
		ipc_state_init(&p->ipc);
	}
	spin_unlock(&proc_lock);
	if (!p) {
		*err = -EAGAIN;
		return NULL;
	}
	p->thread = NULL;
	p->nthreads = 0;
	p->vs = NULL;
	p->files = NULL;
	p->fs = NULL;
	p->flexsc = NULL;
	p->exit_requested = false;
	p->pending_exec = NULL;
	p->wstatus = 0;
	proc_limits_inherit(p, parent);
	p->umask = parent ? __atomic_load_n(&parent->umask, __ATOMIC_RELAXED) : 022;
	waitq_init(&p->child_exit);
	strlcpy(p->name, name, sizeof(p->name));
	return p;
}

/* Undo proc_alloc for a process that never ran: free its memory and its slot. */
static void proc_discard(struct proc *p)
{
	if (p->thread)
		thread_destroy(p->thread);
	if (p->files)
		fdtable_free(p->files);
	if (p->fs)
		fs_context_put(p->fs);
	if (p->vs)
		vmspace_destroy(p->vs);
	spin_lock(&proc_lock);
	p->state = P_FREE;
	ipc_proc_exit(p);
	spin_unlock(&proc_lock);
}

/* The longest path init= may name, NUL included. */
#define INIT_PATHMAX 256

bool proc_start_init(const char *name, char *const argv[], int *err)
{
	static const struct trapframe blank;
	char *const envp[] = { NULL };
	struct proc *p = proc_alloc(NULL, name, err);

	if (!p)
		return false;
	if ((*err = thread_create(&p->thread, name, p, &blank, NULL, NULL)) < 0) {
		proc_discard(p);
		return false;
	}
	if (!(p->fs = fs_context_create())) {
		*err = -ENOMEM;
		proc_discard(p);
		return false;
	}
	/* A name without a slash is a program in /bin. */
	char path[INIT_PATHMAX];
	struct exec_image *x = NULL;
	*err = -ENAMETOOLONG;
	if (snprintf(path, sizeof(path), "%s%s", strchr(name, '/') ? "" : "/bin/", name) <
	    (int)sizeof(path))
		x = exec_prepare(path, argv, envp, err);
	if (!x) {
		proc_discard(p);
		return false;
	}
	exec_commit(p, x);
	struct file *console;
	if ((*err = vfs_open("/dev/console", O_RDWR, 0, &console)) < 0) {
		proc_discard(p);
		return false;
	}
	p->files = fdtable_with_console(console);
	if (!p->files) {
		*err = -ENOMEM;
		proc_discard(p);
		return false;
	}
	initproc = p;
	thread_start(p->thread);
	return true;
}

/*
 * The child of a fork run by a syscall thread is a copy of the user thread as
 * it last entered the kernel. If that was a system call still under way, the
 * child's copy of the call returns -EINTR, which syscall_dispatch leaves in the
 * frame meanwhile (flexsc_wait's result is flexsc_fork_child's to give); but
 * exit and exit_group never return, so the child makes them again and ends as
 * its parent does.
 */
static void resume_copied_call(struct trapframe *tf)
{
	int64_t num = syscall_frame_num(tf);

	if (num == SYS_exit || num == SYS_exit_group) {
		tf->rax = (uint64_t)num;
		tf->rip -= 2;	/* back over the syscall or int $0x80 instruction */
	}
}

/*
 * fork, also when a syscall thread runs it: the child copies the parent's user
 * thread as it stood when it last entered the kernel.
 */
int64_t sys_fork(void)
{
	struct proc *parent = myproc();
	struct thread *user = parent->thread;
	int err;
	struct proc *child = proc_alloc(parent, parent->name, &err);

	if (!child)
		return err;
	child->vs = vmspace_fork(parent->vs);
	if (!child->vs) {
		proc_discard(child);
		return -ENOMEM;
	}
	if ((err = thread_create(&child->thread, user->name, child, user->tf, NULL, NULL)) < 0) {
		proc_discard(child);
		return err;
	}
	child->files = fdtable_copy(parent->files);
	child->fs = fs_context_copy(parent->fs);
	if (!child->files || !child->fs || (parent->flexsc && flexsc_fork_child(parent, child) < 0)) {
		proc_discard(child);
		return -ENOMEM;
	}
	if (mythread() == user)
		child->thread->tf->rax = 0;	/* fork returns 0 in the child */
	else
		resume_copied_call(child->thread->tf);
	thread_save_fpu(user);
	memcpy(child->thread->fpu, user->fpu, sizeof(user->fpu));
	child->thread->affinity = __atomic_load_n(&user->affinity, __ATOMIC_RELAXED);
	thread_set_segment_bases(child->thread, user->fs_base, user->gs_base);
	signal_fork(parent, child);

	pid_t pid = child->pid;
	thread_start(child->thread);
	return pid;
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

/* A syscall thread ends its process: ask the user thread to do it, and leave. */
static void request_exit(struct proc *p, int wstatus)
{
	spin_lock(&proc_lock);
	if (!p->exit_requested) {
		p->exit_requested = true;
		p->exit_wstatus = wstatus;
	}
	spin_unlock(&proc_lock);
	flexsc_close(p);
	thread_interrupt(p->thread);
	flexsc_thread_leave();
}

void proc_carry_out_requests(void)
{
	struct proc *p = myproc();

	thread_clear_interrupt();
	spin_lock(&proc_lock);
	bool exit = p->exit_requested;
	int wstatus = p->exit_wstatus;
	struct exec_image *x = p->pending_exec;
	p->pending_exec = NULL;
	spin_unlock(&proc_lock);
	if (exit) {
		if (x)
			exec_discard(x);
		proc_exit(wstatus);
	}
	if (x) {
		flexsc_teardown(p);
		exec_commit(p, x);
	}
	signal_deliver(mythread()->tf);
}

int proc_exec(struct proc *p, struct exec_image *x)
{
	if (mythread() == p->thread) {
		flexsc_teardown(p);
		exec_commit(p, x);
		return 0;
	}
	spin_lock(&proc_lock);
	bool busy = p->pending_exec || p->exit_requested;
	if (!busy)
		p->pending_exec = x;
	spin_unlock(&proc_lock);
	if (busy) {
		exec_discard(x);
		return -EBUSY;
	}
	flexsc_close(p);
	thread_interrupt(p->thread);
	return 0;
}

void proc_exit(int wstatus)
{
	struct proc *p = myproc();
	struct thread *t = mythread();

	if (t != p->thread)
		request_exit(p, wstatus);
	flexsc_teardown(p);
	if (p->pending_exec) {
		exec_discard(p->pending_exec);
		p->pending_exec = NULL;
	}
	if (p == initproc)
		init_ended(wstatus);

	/* Close files before becoming a zombie: readers of our pipes see end of file now. */
	fdtable_free(p->files);
	p->files = NULL;
	fs_context_put(p->fs);
	p->fs = NULL;

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
	p->state = P_EXITING;
	ipc_proc_exit(p);
	p->thread = NULL;
	spin_unlock(&proc_lock);
	thread_exit();
}

bool proc_thread_born(struct proc *p)
{
	spin_lock(&proc_lock);
	bool room = (size_t)p->nthreads < kstack_max() / 2;
	if (room)
		p->nthreads++;
	spin_unlock(&proc_lock);
	return room;
}

void proc_thread_gone(struct proc *p)
{
	spin_lock(&proc_lock);
	if (--p->nthreads == 0 && p->state == P_EXITING) {
		p->state = P_ZOMBIE;
		if (p->parent) {
			wakeup_all(&p->parent->child_exit);
			signal_send_proc_locked(p->parent, SIGCHLD, SI_KERNEL, (uint64_t)p->pid);
		}
	}
	spin_unlock(&proc_lock);
}

/*
 * The size of the CPU masks of the affinity calls, as Linux's cpumask_size():
 * MAXCPU bits in whole longs.
 */
#define CPUMASK_BYTES ((MAXCPU + 63) / 64 * 8)

/*
 * Call fn on the user thread of process pid (0: the caller's) under
 * proc_lock, so that it cannot go away meanwhile; fn's result, or -ESRCH.
 */
static int64_t with_user_thread(pid_t pid, int64_t (*fn)(struct thread *, void *), void *arg)
{
	struct proc *p = pid == 0 ? myproc() : NULL;
	int64_t r = -ESRCH;

	if (pid < 0)
		return -ESRCH;
	spin_lock(&proc_lock);
	if (!p)
		p = proc_lookup(pid);
	if (p && p->thread)
		r = fn(p->thread, arg);
	spin_unlock(&proc_lock);
	return r;
}

static int64_t read_affinity(struct thread *t, void *mask)
{
	*(uint64_t *)mask = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED) & cpus_online();
	return 0;
}

static int64_t write_affinity(struct thread *t, void *mask)
{
	if (t == mythread())
		return 1;	/* the caller moves itself, after proc_lock is dropped */
	thread_set_affinity(t, (uint32_t)*(uint64_t *)mask);
	return 0;
}

/*
 * sched_setaffinity, as Linux: pid 0 is the caller (elk: the process's user
 * thread, also when a syscall thread runs the call). Bytes of the mask past
 * CPUMASK_BYTES are ignored, missing ones read as 0; a mask with no CPU that
 * runs is -EINVAL. A syscall thread of the process keeps its own affinity.
 */
int64_t sys_sched_setaffinity(pid_t pid, size_t len, const void *umask)
{
	uint64_t mask = 0;

	if (copy_from_user(&mask, umask, MIN(len, CPUMASK_BYTES)) < 0)
		return -EFAULT;
	mask &= cpus_online();
	if (mask == 0)
		return -EINVAL;
	int64_t r = with_user_thread(pid, write_affinity, &mask);
	if (r == 1) {
		thread_set_affinity(myproc()->thread, (uint32_t)mask);
		r = 0;
	}
	return r;
}

/*
 * sched_getaffinity, as Linux: len must hold a bit for every CPU and be a
 * multiple of 8 (-EINVAL); the mask (the CPUs that run, of those allowed) is
 * written in min(len, CPUMASK_BYTES) bytes, and that count is returned.
 */
int64_t sys_sched_getaffinity(pid_t pid, size_t len, void *umask)
{
	uint64_t mask;

	if (len * 8 < (size_t)ncpu || len % 8)
		return -EINVAL;
	int64_t r = with_user_thread(pid, read_affinity, &mask);
	if (r < 0)
		return r;
	size_t n = MIN(len, CPUMASK_BYTES);
	return copy_to_user(umask, &mask, n) < 0 ? -EFAULT : (int64_t)n;
}

/* getcpu, as Linux: the CPU running the call and its NUMA node (always 0); -EFAULT. */
int64_t sys_getcpu(unsigned *ucpu, unsigned *unode)
{
	unsigned cpu, node = 0;

	push_cli();
	cpu = (unsigned)mycpu()->id;
	pop_cli();
	if ((ucpu && copy_to_user(ucpu, &cpu, sizeof(cpu)) < 0) ||
	    (unode && copy_to_user(unode, &node, sizeof(node)) < 0))
		return -EFAULT;
	return 0;
}

int64_t sys_wait4(pid_t pid, int *ustatus, int options, void *urusage)
{
	static const char zero_rusage[RUSAGE_SIZE];
	struct proc *p = myproc();

	if (options & ~WNOHANG)
		return -EINVAL;
	/*
	 * Check the pointers before reaping, so a bad one loses no child (unless a
	 * syscall thread unmaps them while we sleep, as another thread could on
	 * Linux), but write them only when a child is returned: as on Linux,
	 * -ECHILD and WNOHANG's 0 leave the caller's status and rusage alone.
	 */
	if ((ustatus && vm_writable(p->vs, (uintptr_t)ustatus, sizeof(*ustatus)) < 0) ||
	    (urusage && vm_writable(p->vs, (uintptr_t)urusage, RUSAGE_SIZE) < 0))
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
			/* What we shared with the child copy-on-write is ours alone now. */
			vmspace_collapse(p->vs);
			if ((ustatus && copy_to_user(ustatus, &wstatus, sizeof(wstatus)) < 0) ||
			    (urusage && copy_to_user(urusage, zero_rusage, RUSAGE_SIZE) < 0))
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
		if (thread_interrupted()) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		sleep_on(&p->child_exit, &proc_lock);
	}
}
