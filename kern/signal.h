/*
 * Signals (docs/signals.md). A process has the handler table and a pending set
 * for process-directed signals; each of its user threads has its own pending
 * set, the blocked mask and the alternate stack. proc_lock protects all of them. A
 * signal is made pending, then its thread is interrupted (thread_interrupt):
 * a blocking wait gives up with -EINTR, and on its way back to user mode
 * (proc_user_return) the thread runs signal_deliver.
 */
#ifndef ELK_KERN_SIGNAL_H
#define ELK_KERN_SIGNAL_H

#include <inc/signal.h>
#include <inc/types.h>

struct proc;
struct thread;
struct timespec;
struct trapframe;

/*
 * Why the calls syscall threads run for a process are interrupted
 * (flexsc_interrupt_calls), bits that add up until the call ends: a handler
 * with SA_RESTART, one without, a group stop (which runs no handler).
 */
#define SIGINTR_RESTART   1u
#define SIGINTR_NORESTART 2u
#define SIGINTR_STOP      4u

/* What siginfo will say of a pending signal. */
struct signote {
	int code;	/* si_code */
	int status;	/* SIGCHLD's si_status */
	uint64_t value;	/* the sender's pid (SIGCHLD: the child's), or the fault address */
};

/*
 * The rest of a call's work once a signal with no handler (a stop, say) has
 * interrupted it, for restart_syscall to go on with, as Linux's restart
 * block: a relative sleep's deadline and where the time left goes. num is the
 * call that left it (0: none); it holds only for a later restart of that call.
 * The thread's own; no lock.
 */
struct restart_record {
	uint32_t num;
	uint64_t deadline_ns;		/* on the uptime clock */
	struct timespec *urem;		/* nanosleep's rem, or NULL */
};

/* Pending signals, with a note for each (one of each kind pends). */
struct sigqueue {
	ksigset_t pending;
	struct signote note[NSIG];
};

/*
 * Make sig pending for p (process-directed, as kill sends it), with si_code
 * code and sender pid (or fault address) value. A signal p ignores is dropped.
 * Caller holds proc_lock.
 */
void signal_send_proc_locked(struct proc *p, int sig, int code, uint64_t value);
/* The same for one thread of its process (tgkill, SIGPIPE, faults). */
void signal_send_thread_locked(struct thread *t, int sig, int code, uint64_t value);
/* signal_send_thread_locked for a caller that does not hold proc_lock. */
void signal_send_thread(struct thread *t, int sig, int code, uint64_t value);
/* A new process's signal state: default handlers, nothing pending, not stopped. */
void signal_proc_init(struct proc *p);
/*
 * User thread t has joined its group: if the group is stopping or stopped, t
 * stops as it first heads for user mode. Caller holds proc_lock.
 */
void signal_thread_added_locked(struct thread *t);
/*
 * A user thread has left p's group: process-directed signals it might have
 * taken go to another thread, and a group stop may now be complete. Caller
 * holds proc_lock.
 */
void signal_thread_removed_locked(struct proc *p);
/*
 * Whether the children of parent are reaped as they end rather than left as
 * zombies: parent ignores SIGCHLD (SIG_IGN) or set SA_NOCLDWAIT, as on Linux.
 * Caller holds proc_lock.
 */
bool signal_autoreap_locked(struct proc *parent);
/*
 * Child c has ended (its last thread is gone): wake its parent's wait4 and
 * send the parent c->exit_signal (CLD_EXITED or CLD_KILLED, si_status from
 * c->wstatus; nothing if 0). Whether c is reaped at once (a SIGCHLD child,
 * signal_autoreap_locked) rather than left a zombie. Caller holds proc_lock.
 */
bool signal_child_ended_locked(struct proc *c);
/*
 * For wait4 with options (WUNTRACED, WCONTINUED): the stop or continue of
 * live child c not yet reported, as a Linux status word, consumed; 0 if none.
 * Caller holds proc_lock.
 */
int signal_take_wait_report_locked(struct proc *c, int options);
/*
 * A syscall thread of p about to run an entry: while p's group is stopped (or
 * stopping), wait until it is continued. Returns early, false, if the thread
 * is interrupted (teardown, or a signal's flexsc_interrupt_calls); true if it
 * did not wait or was continued. No locks held. With no stop under way it
 * returns at once without proc_lock: a seq_cst load of stop_sig, which a
 * stopper stores seq_cst before it reads the syscall threads' entries.
 */
bool signal_stop_wait(struct proc *p);
/*
 * Whether a call num (arguments args) that a syscall thread ran and that gave
 * up with -EINTR for interruptions why (SIGINTR_*) runs again, as on the trap
 * path: not after a handler without SA_RESTART; after one with it unless Linux
 * never restarts the call; after a stop (no handler ran) always.
 */
bool signal_call_restarts(unsigned why, uint32_t num, const uint64_t args[6]);
/*
 * The call to run to restart call num in thread t: restart_syscall if num left
 * its rest in t's restart record, else num itself.
 */
uint32_t signal_restart_num(struct thread *t, uint32_t num);
/* Send sig to every live process in group pgrp (the console's Ctrl-C); no locks held. */
void signal_send_group(pid_t pgrp, int sig);
/*
 * A user-mode exception that Linux answers with sig: if the running thread has
 * a handler for sig that it does not block, make sig pending with si_code code
 * and si_addr addr and return true (the handler runs on the way out); false if
 * the caller must kill the process instead.
 */
bool signal_fault(int sig, int code, uint64_t addr);
/*
 * Deliver the running user thread's deliverable signals into tf, its user
 * frame: run default actions (which may end the process) and set up a handler
 * frame for each caught one. Called on the way back to user mode.
 */
void signal_deliver(struct trapframe *tf);
/* fork: the child gets the handlers of from's process, and from's mask and alternate stack. */
void signal_fork(struct thread *from, struct proc *child);
/* execve: caught signals go back to SIG_DFL; the alternate stack is gone. */
void signal_exec(struct proc *p);
/*
 * A wait with a temporary blocked mask (rt_sigsuspend, ppoll): from now on the
 * user thread blocks mask (less SIGKILL and SIGSTOP), and is interrupted at
 * once if that leaves a signal deliverable. signal_wait_mask_end puts the old
 * mask back: at once if the wait ended without one, else (interrupted) when
 * the signal is delivered, so that a handler the temporary mask let through
 * runs first and its sigreturn restores the old mask. begin is -EINVAL on a
 * syscall page (the mask is the user thread's), else 0. No locks held.
 */
int signal_wait_mask_begin(ksigset_t mask);
void signal_wait_mask_end(bool interrupted);
/* The name of signal sig ("SIGSEGV"), or "signal". */
const char *signal_name(int sig);

int64_t sys_rt_sigaction(int sig, const struct ksigaction *uact, struct ksigaction *uoact,
			 size_t sigsetsize);
int64_t sys_rt_sigprocmask(int how, const ksigset_t *uset, ksigset_t *uoset, size_t sigsetsize);
int64_t sys_rt_sigreturn(void);
int64_t sys_rt_sigpending(ksigset_t *uset, size_t sigsetsize);
int64_t sys_rt_sigsuspend(const ksigset_t *umask, size_t sigsetsize);
int64_t sys_pause(void);
int64_t sys_sigaltstack(const kstack_t *uss, kstack_t *uoss);
int64_t sys_kill(pid_t pid, int sig);
int64_t sys_tkill(pid_t tid, int sig);
int64_t sys_tgkill(pid_t tgid, pid_t tid, int sig);

#endif
