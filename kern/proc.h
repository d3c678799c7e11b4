/*
 * Processes: an address space, a pid, a parent, an exit status, one user thread
 * and perhaps syscall threads. proc_lock protects the process table, parent links,
 * states, thread counts and exit statuses.
 */
#ifndef ELK_KERN_PROC_H
#define ELK_KERN_PROC_H

#include <inc/resource.h>
#include <inc/types.h>
#include <inc/wait.h>
#include <kern/ipc.h>
#include <kern/sched.h>
#include <kern/signal.h>
#include <kern/spinlock.h>

struct exec_image;
struct fdtable;
struct fs_context;
struct vmspace;

#define NPROC 64		/* system-wide process limit */
#define MAXCHILDREN 32		/* children (live or zombie) one process may have */
#define PROC_NAMELEN 32

/*
 * A process that exits is P_EXITING until the last of its threads has been
 * destroyed, then P_ZOMBIE: wait4 reaps it only when everything it held is free.
 */
enum proc_state { P_FREE, P_ALIVE, P_EXITING, P_ZOMBIE };

struct proc {
	enum proc_state state;
	pid_t pid;
	struct proc *parent;
	char name[PROC_NAMELEN];
	struct vmspace *vs;		/* address space; NULL once the process has exited */
	struct thread *thread;
	int nthreads;			/* its threads not yet destroyed (user and syscall) */
	int wstatus;			/* for wait4, Linux encoding, once P_ZOMBIE */
	struct waitq child_exit;	/* this process sleeps here in wait4 */
	struct fdtable *files;		/* open descriptors; NULL once it has exited */
	struct fs_context *fs;		/* current directory (kern/vfs.h); NULL once exited */
	struct flexsc_ctx *flexsc;	/* syscall pages and threads, if registered */
	struct ipc_state ipc;		/* JOS-style IPC; protected by proc_lock */
	/*
	 * Requests from syscall threads, which the user thread carries out on its
	 * way back to user mode (proc_user_return); protected by proc_lock.
	 */
	bool exit_requested;
	int exit_wstatus;
	struct exec_image *pending_exec;
	/*
	 * Resource limits (kern/resource.c): written under proc_lock, read under it
	 * or, a field at a time, with atomic loads by the process's own threads.
	 */
	struct rlimit limits[RLIM_NLIMITS];
	uint32_t umask;			/* file mode creation mask; atomic loads and stores */
	/* Process group and session (kern/pgrp.c); under proc_lock. */
	pid_t pgid, sid;
	bool did_exec;			/* has called execve since fork: setpgid's -EACCES */
	/*
	 * The thread group (docs/threads.md), under proc_lock: thread is the
	 * first of the user threads, the one syscall threads and FlexSC serve.
	 * thread changes (under proc_lock) only when the first thread leaves or
	 * another ends the group, and never while syscall threads exist (the
	 * first thread ends them before it leaves, group_leave): so they read
	 * it without the lock.
	 */
	struct list_node threads;	/* user threads, by thread.group_link */
	int nuser;			/* how many */
	struct thread *group_ender;	/* ending the others (exit_group, execve) */
	struct waitq group_wait;	/* group_ender waits here for them to go */
	bool vfork_pending;		/* a vfork child: its parent waits for exec or exit */
	struct waitq vfork_done;
	/* Signals (kern/signal.h), under proc_lock. */
	struct ksigaction sig_actions[NSIG];	/* [sig - 1] */
	struct sigqueue sig_queue;		/* process-directed pending signals */
	int exit_signal;		/* sent to the parent at the end: SIGCHLD, clone's CSIGNAL */
	/* Job control (kern/signal.c, docs/signals.md), under proc_lock. */
	int stop_sig;			/* the signal stopping or that stopped the group, or 0 */
	bool stop_done;			/* every user thread has stopped; the stop was reported */
	int nstopped;			/* user threads stopped in the group stop */
	int wait_report;		/* for wait4: W_STOPCODE(sig), W_CONTINUED, or 0 */
	struct waitq stop_wait;		/* stopped threads (and syscall threads) sleep here */
};

/* The process table; entries change under proc_lock. */
extern struct proc procs[NPROC];

extern struct spinlock proc_lock;
extern struct proc *initproc;

/* The process of the running thread, or NULL for a kernel thread. */
static inline struct proc *myproc(void)
{
	struct thread *t = mythread();
	return t ? t->proc : NULL;
}
/*
 * The user thread a system call acts for: the calling thread, or, for a call
 * posted on a syscall page, its process's first thread (docs/threads.md).
 */
static inline struct thread *proc_caller(void)
{
	struct thread *t = mythread();
	return t->user ? t : t->proc->thread;
}
/*
 * Create init, the first process, running the program at path name, or called
 * name in /bin if name has no '/', with argv (kernel memory), its current
 * directory "/" and the console open on fds 0, 1 and 2. Returns false with
 * *err = -errno if it could not be started.
 */
bool proc_start_init(const char *name, char *const argv[], int *err);
/*
 * End the current process with the given wait status. Never returns. Called by
 * a syscall thread, it asks the user thread to end the process and leaves.
 */
void proc_exit(int wstatus) __attribute__((noreturn));
/*
 * Called by a user thread just before it returns to user mode: carry out what
 * its syscall threads asked for (exit, execve) if it was interrupted to do so.
 * Inline, since it is on every trap's way out and almost always does nothing.
 */
void proc_carry_out_requests(void);
static inline void proc_user_return(void)
{
	while (__atomic_load_n(&mythread()->interrupted, __ATOMIC_ACQUIRE))
		proc_carry_out_requests();	/* again if it was interrupted meanwhile */
}
/*
 * thread_create and thread_destroy count p's threads with these; no locks held.
 * A process's threads (its own and its syscall threads) may hold at most half
 * of the kernel stacks there can be, as Linux's default RLIMIT_NPROC is half of
 * max_threads: proc_thread_born is false, and counts nothing, when p has that
 * many.
 */
bool proc_thread_born(struct proc *p);
void proc_thread_gone(struct proc *p);
/* Number of processes in the table that are not free. */
int proc_count(void);
/* The live (not zombie) process with pid, or NULL. Caller holds proc_lock. */
struct proc *proc_lookup(pid_t pid);
/*
 * The live process with pid id, or else the one with a user thread whose id
 * is id (what Linux's calls that take a pid but act on a thread group find
 * for a thread's id), or NULL. Caller holds proc_lock.
 */
struct proc *proc_lookup_id(pid_t id);
/*
 * The user thread with id tid, in thread group tgid unless tgid is 0, of a
 * live process, or NULL. Caller holds proc_lock.
 */
struct thread *proc_thread_lookup(pid_t tgid, pid_t tid);

/*
 * p starts with parent's resource limits, or init's defaults when parent is
 * NULL. Takes proc_lock.
 */
void proc_limits_inherit(struct proc *p, const struct proc *parent);
/* The calling process's soft limit on resource (RLIMIT_*). */
uint64_t proc_limit(int resource);

/* System calls implemented in proc.c and exec.c. */
int64_t sys_fork(void);
int64_t sys_vfork(void);
int64_t sys_clone(unsigned long flags, uintptr_t stack, int *uptid, int *uctid, unsigned long tls);
int64_t sys_gettid(void);
int64_t sys_set_tid_address(int *tidptr);
/* exit: end the calling user thread, or the process with its last one. */
void proc_thread_exit(int wstatus) __attribute__((noreturn));
int64_t sys_wait4(pid_t pid, int *ustatus, int options, void *urusage);
int64_t sys_execve(const char *upath, char *const *uargv, char *const *uenvp);
int64_t sys_sched_setaffinity(pid_t pid, size_t len, const void *umask);
int64_t sys_sched_getaffinity(pid_t pid, size_t len, void *umask);
int64_t sys_getcpu(unsigned *ucpu, unsigned *unode);
int64_t sys_prlimit64(pid_t pid, int resource, const struct rlimit *unew, struct rlimit *uold);
struct sysinfo;
int64_t sys_sysinfo(struct sysinfo *uinfo);
int64_t sys_getrlimit(int resource, struct rlimit *ulim);
int64_t sys_setrlimit(int resource, const struct rlimit *ulim);

/* A program laid out in a fresh address space, ready to replace a process's image. */
struct exec_image {
	struct vmspace *vs;
	uintptr_t entry, sp;
	char name[PROC_NAMELEN];
};

/* The most strings execve takes in argv, and separately in envp. */
#define EXEC_MAXARG 32

/*
 * Lay out the program file at path (relative to the caller's current
 * directory) with kernel-memory argv and envp (NULL-terminated, at most
 * EXEC_MAXARG strings each) in a new address space. NULL with *err = what
 * path lookup gave (-ENOENT, -ENOTDIR, ...), -EACCES (not an executable
 * regular file), -ENOEXEC (with a message saying why) or -ENOMEM.
 */
struct exec_image *exec_prepare(const char *path, char *const argv[], char *const envp[],
				int *err);
/* Free an image that will not be used. */
void exec_discard(struct exec_image *x);
/*
 * Make x p's image (freeing x and the old address space): p's user thread runs
 * the new program from its next return to user mode. Only p's user thread, or
 * code creating p, may call this: no other thread of p may be using the old
 * address space.
 */
void exec_commit(struct proc *p, struct exec_image *x);
/*
 * execve's last step: commit x now if the caller is p's user thread, else (a
 * syscall thread) hand it to the user thread, which commits it on its way back
 * to user mode once the syscall threads are gone. 0 or -EBUSY (another exec is
 * already pending; x is discarded).
 */
int proc_exec(struct proc *p, struct exec_image *x);

#endif
