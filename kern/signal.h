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
struct trapframe;

/* Pending signals, with what siginfo will say of each (one of each kind pends). */
struct sigqueue {
	ksigset_t pending;
	struct {
		int code;	/* si_code */
		uint64_t value;	/* the sender's pid, or the fault address */
	} note[NSIG];
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
/*
 * The process-directed signals of sigs pending for p may be waiting for a
 * thread that has just blocked them or left: interrupt one that takes them, if
 * there is one. Caller holds proc_lock.
 */
void signal_retarget_locked(struct proc *p, ksigset_t sigs);
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
