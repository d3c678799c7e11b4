/* Process lifecycle: creation, fork, exit, wait4. */
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/sched.h>
#include <inc/signal.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/file.h>
#include <kern/flexsc.h>
#include <kern/futex.h>
#include <kern/lapic.h>
#include <kern/oom.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vfs.h>
#include <kern/vm.h>

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

struct thread *proc_thread_lookup(pid_t tgid, pid_t tid)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_ALIVE || (tgid && p->pid != tgid))
			continue;
		struct list_node *n;
		for (n = p->threads.next; n != &p->threads; n = n->next) {
			struct thread *t = list_entry(n, struct thread, group_link);
			if (t->utid == tid)
				return t;
		}
	}
	return NULL;
}

struct proc *proc_lookup_id(pid_t id)
{
	struct proc *p = proc_lookup(id);
	struct thread *t = p ? NULL : proc_thread_lookup(0, id);

	return p ? p : t ? t->proc : NULL;
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
		/* A reused slot forgets its last process's handlers, pending signals, stop. */
		signal_proc_init(p);
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
	list_init(&p->threads);
	p->nuser = 0;
	p->group_ender = NULL;
	waitq_init(&p->group_wait);
	p->vfork_pending = false;
	waitq_init(&p->vfork_done);
	strlcpy(p->name, name, sizeof(p->name));
	return p;
}

/*
 * Make t one of p's user threads, with a thread id from the pids' sequence (so
 * that no thread id is a pid): the first takes the pid. false, adding nothing,
 * if p's threads are being ended. Caller holds proc_lock.
 */
static bool group_add_locked(struct proc *p, struct thread *t)
{
	if (p->group_ender)
		return false;
	t->utid = p->nuser == 0 ? p->pid : next_pid++;
	list_push_back(&p->threads, &t->group_link);
	p->nuser++;
	signal_thread_added_locked(t);
	return true;
}

/* group_add_locked for the first thread of a new process. */
static void group_add_first(struct proc *p, struct thread *t)
{
	spin_lock(&proc_lock);
	group_add_locked(p, t);
	spin_unlock(&proc_lock);
}

/*
 * Remove user thread t from its group; the first thread's role passes to the
 * next one, and process-directed signals t might have taken go to another.
 * Caller holds proc_lock.
 */
static void group_remove_locked(struct thread *t)
{
	struct proc *p = t->proc;

	list_remove(&t->group_link);
	p->nuser--;
	if (p->nuser > 0) {
		if (p->thread == t)
			p->thread = list_entry(p->threads.next, struct thread, group_link);
		signal_thread_removed_locked(p);
	}
	wakeup_all(&p->group_wait);
}

/*
 * The calling user thread is ending: write 0 to its clear_child_tid and wake
 * one futex waiter there (pthread_join's wait), as Linux does.
 */
static void clear_child_tid(struct thread *t)
{
	int *u = __atomic_exchange_n(&t->clear_child_tid, NULL, __ATOMIC_ACQ_REL), zero = 0;

	if (u && copy_to_user(u, &zero, sizeof(zero)) == 0)
		futex_wake((uint32_t *)u, 1);
}

/*
 * End the calling user thread, one of several of its process (it must not be
 * the last: then the process ends, proc_exit). The first thread of a process
 * registered for FlexSC gets here only when another thread ends the group;
 * it ends the syscall threads before the role passes on, since they read
 * p->thread without the lock (proc.h).
 */
static void __attribute__((noreturn)) group_leave(void)
{
	struct thread *t = mythread();

	clear_child_tid(t);
	if (t == t->proc->thread)
		flexsc_teardown(t->proc);
	spin_lock(&proc_lock);
	group_remove_locked(t);
	spin_unlock(&proc_lock);
	thread_exit();
}

/*
 * Called by a user thread of p: end every other user thread of p (each is
 * interrupted, and leaves on its way back to user mode) and wait until they
 * have gone; the caller becomes p's first thread, with the pid as its id (as
 * Linux's execve gives it). false if another thread is already ending the
 * group: then the caller must leave (group_leave).
 */
static bool end_other_threads(struct proc *p)
{
	struct thread *me = mythread();
	struct list_node *n;

	spin_lock(&proc_lock);
	if (p->group_ender && p->group_ender != me) {
		spin_unlock(&proc_lock);
		return false;
	}
	p->group_ender = me;
	for (n = p->threads.next; n != &p->threads; n = n->next) {
		struct thread *t = list_entry(n, struct thread, group_link);
		if (t != me)
			thread_interrupt(t);
	}
	while (p->nuser > 1)
		sleep_on(&p->group_wait, &proc_lock);
	p->group_ender = NULL;
	p->thread = me;
	me->utid = p->pid;
	spin_unlock(&proc_lock);
	return true;
}

/* A vfork child has execed or is exiting: let its parent go on. */
static void vfork_release(struct proc *p)
{
	spin_lock(&proc_lock);
	if (p->vfork_pending) {
		p->vfork_pending = false;
		wakeup_all(&p->vfork_done);
	}
	spin_unlock(&proc_lock);
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
	group_add_first(p, p->thread);
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
 * A copy of the calling process (fork, and clone without CLONE_VM), also when
 * a syscall thread runs it: the child's one thread copies the caller (or, for
 * a syscall thread, the process's first user thread as it stood when it last
 * entered the kernel), on stack if stack is not 0. The child in *childp, not
 * yet started; 0 or -errno.
 */
static int fork_copy(uintptr_t stack, struct proc **childp)
{
	struct proc *parent = myproc();
	struct thread *user = proc_caller();
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
	group_add_first(child, child->thread);
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
	if (stack)
		child->thread->tf->rsp = stack;
	thread_save_fpu(user);
	memcpy(child->thread->fpu, user->fpu, sizeof(user->fpu));
	child->thread->affinity = __atomic_load_n(&user->affinity, __ATOMIC_RELAXED);
	thread_set_segment_bases(child->thread, user->fs_base, user->gs_base);
	signal_fork(user, child);
	*childp = child;
	return 0;
}

/* fork_copy, tried again while memory runs out and memory_wait says it may come back. */
static int fork_proc(uintptr_t stack, struct proc **childp)
{
	int err;
	for (int tries = 0; (err = fork_copy(stack, childp)) == -ENOMEM && memory_wait(tries); tries++)
		;
	return err;
}

int64_t sys_fork(void)
{
	struct proc *child;
	int err = fork_proc(0, &child);

	if (err < 0)
		return err;
	pid_t pid = child->pid;
	thread_start(child->thread);
	return pid;
}

/*
 * Start vfork child c and sleep until it execs or exits (or the caller is
 * interrupted). The child runs in a copy-on-write copy of the address space,
 * not in the parent's own (docs/threads.md). c's pid.
 */
static int64_t vfork_start(struct proc *c)
{
	pid_t pid = c->pid;

	c->vfork_pending = true;
	thread_start(c->thread);
	spin_lock(&proc_lock);
	while (c->vfork_pending && !thread_interrupted())
		sleep_on_interruptible(&c->vfork_done, &proc_lock);
	spin_unlock(&proc_lock);
	return pid;
}

int64_t sys_vfork(void)
{
	struct proc *child;
	int err = fork_proc(0, &child);

	return err < 0 ? err : vfork_start(child);
}

/* The flags clone accepts for a new thread, and for a new process. */
#define CLONE_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
			    CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)
#define CLONE_PROC_FLAGS (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | \
			  CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)

/*
 * A new user thread of the calling process on stack with TLS tls (if
 * CLONE_SETTLS), returning 0 there; its thread id, or -EAGAIN (no kernel stack,
 * or the group is being ended), -EINVAL from a syscall thread.
 */
static int64_t clone_thread(unsigned long flags, uintptr_t stack, int *uptid, int *uctid,
			    unsigned long tls)
{
	struct thread *me = mythread(), *t;
	struct proc *p = me->proc;
	int err;

	if (!me->user)
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_END - PGSIZE)
		return -EPERM;
	if ((err = thread_create(&t, me->name, p, me->tf, NULL, NULL)) < 0)
		return err;
	t->tf->rax = 0;
	if (stack)
		t->tf->rsp = stack;
	thread_save_fpu(me);
	memcpy(t->fpu, me->fpu, sizeof(me->fpu));
	t->affinity = __atomic_load_n(&me->affinity, __ATOMIC_RELAXED);
	thread_set_segment_bases(t, (flags & CLONE_SETTLS) ? tls : me->fs_base, me->gs_base);
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = uctid;
	spin_lock(&proc_lock);
	t->sig_blocked = me->sig_blocked;	/* as Linux: the mask is inherited, no altstack */
	bool added = group_add_locked(p, t);
	spin_unlock(&proc_lock);
	if (!added) {
		thread_destroy(t);
		return -EAGAIN;
	}
	pid_t tid = t->utid;
	/* As Linux, a bad pointer here is not the call's failure. */
	if (flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(uptid, &tid, sizeof(tid));
	if (flags & CLONE_CHILD_SETTID)
		(void)copy_to_user(uctid, &tid, sizeof(tid));
	thread_start(t);
	return tid;
}

/*
 * clone(flags, stack, parent_tid, child_tid, tls), Linux's argument order
 * on x86-64. Two shapes are supported: a thread (CLONE_THREAD with CLONE_VM,
 * CLONE_SIGHAND, CLONE_FILES and CLONE_FS, as pthread_create makes it: the
 * process's threads share its descriptors, cwd and umask) and a new
 * process (no CLONE_VM, or CLONE_VM with CLONE_VFORK: a vfork). Combinations
 * Linux rejects, and the ones elk does not support (a thread without
 * CLONE_FILES or CLONE_FS, CLONE_VM without CLONE_THREAD or CLONE_VFORK, namespaces,
 * ptrace, pidfds, CLONE_PARENT), are -EINVAL.
 */
int64_t sys_clone(unsigned long flags, uintptr_t stack, int *uptid, int *uctid, unsigned long tls)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_THREAD) {
		if ((flags & ~CLONE_THREAD_FLAGS) || !(flags & CLONE_FILES) || !(flags & CLONE_FS))
			return -EINVAL;
		return clone_thread(flags, stack, uptid, uctid, tls);
	}
	if ((flags & ~CLONE_PROC_FLAGS) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_END - PGSIZE)
		return -EPERM;
	struct proc *child;
	int err = fork_proc(stack, &child);
	if (err < 0)
		return err;
	struct thread *t = child->thread;
	pid_t pid = child->pid;
	spin_lock(&proc_lock);
	child->exit_signal = flags & CSIGNAL;	/* sent at its end only if a signal number */
	spin_unlock(&proc_lock);
	if (flags & CLONE_SETTLS)
		thread_set_segment_bases(t, tls, t->gs_base);
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = uctid;
	if (flags & CLONE_CHILD_SETTID) {
		t->set_child_tid = uctid;	/* in the child's memory: written as it starts */
		t->interrupted = true;
	}
	if (flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(uptid, &pid, sizeof(pid));
	if (flags & CLONE_VFORK)
		return vfork_start(child);
	thread_start(t);
	return pid;
}

/* gettid: the calling user thread's id (for a syscall thread, the first user thread's). */
int64_t sys_gettid(void)
{
	return proc_caller()->utid;
}

/*
 * set_tid_address(tidptr): when the calling user thread ends, 0 is written
 * at tidptr and one futex waiter there woken. The thread's id.
 */
int64_t sys_set_tid_address(int *tidptr)
{
	struct thread *t = proc_caller();
	__atomic_store_n(&t->clear_child_tid, tidptr, __ATOMIC_RELEASE);
	return t->utid;
}

void proc_thread_exit(int wstatus)
{
	struct thread *t = mythread();
	struct proc *p = t->proc;

	if (t->user) {
		clear_child_tid(t);
		spin_lock(&proc_lock);
		/* The thread FlexSC serves ends the process, as its registration did not move. */
		bool last = p->nuser == 1 || (t == p->thread && p->flexsc);
		if (!last)
			group_remove_locked(t);
		spin_unlock(&proc_lock);
		if (!last)
			thread_exit();
	}
	proc_exit(wstatus);
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
	struct thread *t = mythread();

	thread_clear_interrupt();
	if (t->set_child_tid) {
		(void)copy_to_user(t->set_child_tid, &t->utid, sizeof(t->utid));
		t->set_child_tid = NULL;
	}
	spin_lock(&proc_lock);
	if (p->group_ender && p->group_ender != t) {
		spin_unlock(&proc_lock);
		group_leave();
	}
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
	if (x)
		proc_exec(p, x);
	signal_deliver(t->tf);
}

int proc_exec(struct proc *p, struct exec_image *x)
{
	if (mythread()->user) {
		if (!end_other_threads(p)) {
			exec_discard(x);
			group_leave();
		}
		flexsc_teardown(p);
		exec_commit(p, x);
		vfork_release(p);
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

	if (!t->user)
		request_exit(p, wstatus);
	if (!end_other_threads(p))
		group_leave();
	vfork_release(p);
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
			procs[i].exit_signal = SIGCHLD;	/* as Linux: init hears of it as of a fork */
			/* A zombie handed to init is news to init, as on Linux: SIGCHLD. */
			if (procs[i].state == P_ZOMBIE && signal_child_ended_locked(&procs[i]))
				procs[i].state = P_FREE;
		}
	}
	p->wstatus = wstatus;
	p->state = P_EXITING;
	ipc_proc_exit(p);
	group_remove_locked(t);
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
	if (--p->nthreads == 0 && p->state == P_EXITING)
		p->state = signal_child_ended_locked(p) ? P_FREE : P_ZOMBIE;
	spin_unlock(&proc_lock);
}

/*
 * The size of the CPU masks of the affinity calls, as Linux's cpumask_size():
 * MAXCPU bits in whole longs.
 */
#define CPUMASK_BYTES ((MAXCPU + 63) / 64 * 8)

/*
 * Call fn on the user thread of process pid (0: the caller's), or else on the
 * thread with id pid, under proc_lock, so that it cannot go away meanwhile;
 * fn's result, or -ESRCH.
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
	struct thread *t = p ? p->thread : proc_thread_lookup(0, pid);
	if (t)
		r = fn(t, arg);
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

/* wait4's report of a child: its status word (and zero rusage) to the caller; pid or -EFAULT. */
static int64_t wait_report(pid_t cpid, int wstatus, int *ustatus, void *urusage)
{
	static const char zero_rusage[RUSAGE_SIZE];

	if ((ustatus && copy_to_user(ustatus, &wstatus, sizeof(wstatus)) < 0) ||
	    (urusage && copy_to_user(urusage, zero_rusage, RUSAGE_SIZE) < 0))
		return -EFAULT;
	return cpid;
}

/*
 * Whether child c is one wait4(pid, options) waits for, as on Linux: pid > 0
 * that child, -1 any child, 0 any child in the caller's process group (pgid),
 * < -1 any child in group -pid; and of those, with __WALL any, with __WCLONE
 * only a clone child (exit signal not SIGCHLD), else only the others. Caller holds proc_lock (process groups change under it).
 */
static bool wait_selects(const struct proc *c, pid_t pid, pid_t pgid, int options)
{
	if (!(options & __WALL) && (c->exit_signal != SIGCHLD) != !!(options & __WCLONE))
		return false;
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? pgid : -pid);
}

/*
 * wait4: a zombie child is reaped and its exit status reported; with WUNTRACED
 * a stop, with WCONTINUED a continue, of a live child is reported once (the
 * child stays); __WCLONE and __WALL choose among clone children (wait_selects).
 * -ECHILD when there is no child to wait for (children reaped
 * as they end, signal_autoreap_locked, included: the call waits for them to
 * go first).
 */
int64_t sys_wait4(pid_t pid, int *ustatus, int options, void *urusage)
{
	struct proc *p = myproc();

	if ((unsigned)options & ~(unsigned)(WNOHANG | WUNTRACED | WCONTINUED | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN)	/* -pid does not exist */
		return -ESRCH;
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
			if (c->state == P_FREE || c->parent != p || !wait_selects(c, pid, p->pgid, options))
				continue;
			have_child = true;
			pid_t cpid = c->pid;
			int wstatus = c->state == P_ALIVE ? signal_take_wait_report_locked(c, options) : 0;
			if (wstatus) {
				spin_unlock(&proc_lock);
				return wait_report(cpid, wstatus, ustatus, urusage);
			}
			if (c->state != P_ZOMBIE)
				continue;
			wstatus = c->wstatus;
			c->state = P_FREE;
			spin_unlock(&proc_lock);
			/* What we shared with the child copy-on-write is ours alone now. */
			vmspace_collapse(p->vs);
			return wait_report(cpid, wstatus, ustatus, urusage);
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
		sleep_on_interruptible(&p->child_exit, &proc_lock);
	}
}
