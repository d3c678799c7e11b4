/* Signals: sending, delivery into a Linux-layout frame, the rt_sig* calls. */
#include <inc/errno.h>
#include <inc/futex.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/syscall.h>
#include <inc/trap.h>
#include <kern/flexsc.h>
#include <kern/pgrp.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/signal.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
/* The signals a fault sends, with codes of their own (SEGV_MAPERR, FPE_INTDIV, ...). */
#define FAULT_SIGNALS (SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGBUS) | SIGBIT(SIGFPE) | \
		       SIGBIT(SIGSEGV))
/* The rflags bits a frame may change (Linux's FIX_EFLAGS). */
#define USER_RFLAGS (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_DF | FL_OF | FL_AC | FL_RF)
/* Bytes below the interrupted rsp a frame leaves alone: the ABI's red zone. */
#define RED_ZONE 128

static const char *const signal_names[32] = SIGNAL_NAMES;

/* Whether sig is a signal number. */
static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= NSIG;
}

const char *signal_name(int sig)
{
	return sig > 0 && sig < 32 ? signal_names[sig] : "signal";
}

/* What SIG_DFL does with a signal (signal(7)); no core dumps. */
enum default_action { DFL_TERM, DFL_IGNORE, DFL_STOP, DFL_CONT };

static enum default_action default_action(int sig)
{
	if (SIGBIT(sig) & STOP_SIGNALS)
		return DFL_STOP;
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return DFL_IGNORE;
	case SIGCONT:
		return DFL_CONT;	/* sending it continued the group: nothing is left to do */
	default:
		return DFL_TERM;
	}
}

/* Whether p would do nothing on sig, so that sending it drops it. Caller holds proc_lock. */
static bool ignored(struct proc *p, int sig)
{
	void *h = p->sig_actions[sig - 1].handler;
	enum default_action d = default_action(sig);
	return sig != SIGKILL && (h == SIG_IGN || (h == SIG_DFL && (d == DFL_IGNORE || d == DFL_CONT)));
}

/*
 * Whether sending sig to p drops it at once: p ignores it and thread t (the
 * one whose mask counts: the target of a thread-directed signal, p's first
 * thread for a process-directed one; NULL for none) does not block it. A
 * blocked signal pends even if ignored, as on Linux, for sigpending to see;
 * unblocked, it is then discarded on delivery if still ignored. Caller holds
 * proc_lock.
 */
static bool dropped_at_send(struct proc *p, struct thread *t, int sig)
{
	return ignored(p, sig) && !(t && (t->sig_blocked & SIGBIT(sig)));
}

static void queue_add(struct sigqueue *q, int sig, int code, uint64_t value, int status)
{
	if (q->pending & SIGBIT(sig))
		return;	/* one of each pends, as for Linux's standard signals */
	q->pending |= SIGBIT(sig);
	q->note[sig - 1] = (struct signote){ code, status, value };
}

/* Drop the signals of sigs where they pend for p or any of its threads. Caller holds proc_lock. */
static void drop_pending(struct proc *p, ksigset_t sigs)
{
	struct list_node *n;

	p->sig_queue.pending &= ~sigs;
	for (n = p->threads.next; n != &p->threads; n = n->next)
		list_entry(n, struct thread, group_link)->sig_queue.pending &= ~sigs;
}

/*
 * The thread that takes a process-directed signal sig: the first thread if it
 * does not block sig, else the first in the group's list that does not, else
 * NULL (sig waits in the process's queue until some thread unblocks it). The
 * one place that chooses. Caller holds proc_lock.
 */
static struct thread *process_signal_target(struct proc *p, int sig)
{
	struct list_node *n;

	if (p->thread && !(p->thread->sig_blocked & SIGBIT(sig)))
		return p->thread;
	for (n = p->threads.next; n != &p->threads; n = n->next) {
		struct thread *t = list_entry(n, struct thread, group_link);
		if (!(t->sig_blocked & SIGBIT(sig)))
			return t;
	}
	return NULL;
}

/* Interrupt t if sig, pending for it, is one it does not block. Caller holds proc_lock. */
static void wake_for(struct thread *t, int sig)
{
	if (t && !(t->sig_blocked & SIGBIT(sig)))
		thread_interrupt(t);
}

/*
 * The process-directed signals of sigs pending for p may be waiting for a
 * thread that has just blocked them or left: interrupt one that takes them, if
 * there is one. Caller holds proc_lock.
 */
static void retarget_locked(struct proc *p, ksigset_t sigs)
{
	ksigset_t left = p->sig_queue.pending & sigs;

	while (left) {
		int sig = __builtin_ctzll(left) + 1;
		left &= ~SIGBIT(sig);
		wake_for(process_signal_target(p, sig), sig);
	}
}

static void send_proc_locked(struct proc *p, int sig, int code, uint64_t value, int status);

/*
 * Tell c's parent that c has stopped, continued or ended (code CLD_*, si_status
 * status): wake its wait4, and send it sig (SIGCHLD, or for an end c's exit
 * signal; none if not a signal number) unless it asked with SA_NOCLDSTOP not
 * to hear of stops and continues. Caller holds proc_lock.
 */
static void notify_parent_locked(struct proc *c, int sig, int code, int status)
{
	struct proc *pp = c->parent;

	if (!pp)
		return;
	wakeup_all(&pp->child_exit);
	if (!valid_signal(sig) || ((code == CLD_STOPPED || code == CLD_CONTINUED) &&
				   (pp->sig_actions[SIGCHLD - 1].flags & SA_NOCLDSTOP)))
		return;
	send_proc_locked(pp, sig, code, (uint64_t)c->pid, status);
}

/*
 * A group stop is under way: once every user thread of p has stopped, the
 * stop is complete; report it to the parent, once. Caller holds proc_lock.
 */
static void stop_check_done_locked(struct proc *p)
{
	if (!p->stop_sig || p->stop_done || p->nstopped < p->nuser)
		return;
	p->stop_done = true;
	p->wait_report = W_STOPCODE(p->stop_sig);
	notify_parent_locked(p, SIGCHLD, CLD_STOPPED, p->stop_sig);
}

/* SIGCONT: end p's group stop (under way or complete). Caller holds proc_lock. */
static void group_continue_locked(struct proc *p)
{
	bool was_done = p->stop_done;

	__atomic_store_n(&p->stop_sig, 0, __ATOMIC_RELAXED);	/* signal_stop_wait reads it unlocked */
	p->stop_done = false;
	wakeup_all(&p->stop_wait);
	if (was_done) {
		p->wait_report = W_CONTINUED;
		notify_parent_locked(p, SIGCHLD, CLD_CONTINUED, SIGCONT);
	}
}

/*
 * What sending sig to p does at once, whether it is then delivered, ignored
 * or blocked (as Linux's prepare_signal): a stop signal drops a pending
 * SIGCONT; SIGCONT drops pending stop signals and continues the group if it
 * is stopped or stopping. Caller holds proc_lock.
 */
static void send_prepare(struct proc *p, int sig)
{
	if (SIGBIT(sig) & STOP_SIGNALS) {
		drop_pending(p, SIGBIT(SIGCONT));
	} else if (sig == SIGCONT) {
		drop_pending(p, STOP_SIGNALS);
		if (p->stop_sig)
			group_continue_locked(p);
	}
}

/* signal_send_proc_locked, with si_status status (SIGCHLD's). */
static void send_proc_locked(struct proc *p, int sig, int code, uint64_t value, int status)
{
	send_prepare(p, sig);
	if (dropped_at_send(p, p->thread, sig))
		return;
	queue_add(&p->sig_queue, sig, code, value, status);
	wake_for(process_signal_target(p, sig), sig);
}

void signal_send_proc_locked(struct proc *p, int sig, int code, uint64_t value)
{
	send_proc_locked(p, sig, code, value, 0);
}

bool signal_autoreap_locked(struct proc *parent)
{
	const struct ksigaction *a = &parent->sig_actions[SIGCHLD - 1];
	return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

bool signal_child_ended_locked(struct proc *c)
{
	int st = c->wstatus;
	/* As Linux: only a SIGCHLD child is reaped at once, and then without a signal if ignored. */
	bool autoreap = c->parent && c->exit_signal == SIGCHLD && signal_autoreap_locked(c->parent);
	int sig = autoreap && c->parent->sig_actions[SIGCHLD - 1].handler == SIG_IGN ? 0 :
		  c->exit_signal;

	if (WIFSIGNALED(st))
		notify_parent_locked(c, sig, CLD_KILLED, WTERMSIG(st));
	else
		notify_parent_locked(c, sig, CLD_EXITED, WEXITSTATUS(st));
	return autoreap;
}

int signal_take_wait_report_locked(struct proc *c, int options)
{
	int r = c->wait_report;

	if ((WIFSTOPPED(r) && (options & WUNTRACED)) || (WIFCONTINUED(r) && (options & WCONTINUED))) {
		c->wait_report = 0;
		return r;
	}
	return 0;
}

void signal_thread_added_locked(struct thread *t)
{
	if (t->proc->stop_sig)
		thread_interrupt(t);	/* it stops as it first heads for user mode */
}

void signal_thread_removed_locked(struct proc *p)
{
	retarget_locked(p, ~(ksigset_t)0);
	stop_check_done_locked(p);
}

void signal_proc_init(struct proc *p)
{
	memset(p->sig_actions, 0, sizeof(p->sig_actions));
	memset(&p->sig_queue, 0, sizeof(p->sig_queue));
	p->stop_sig = 0;
	p->stop_done = false;
	p->nstopped = 0;
	p->wait_report = 0;
	p->exit_signal = SIGCHLD;
	waitq_init(&p->stop_wait);
}

bool signal_stop_wait(struct proc *p)
{
	bool continued = true;

	if (!__atomic_load_n(&p->stop_sig, __ATOMIC_SEQ_CST))
		return true;	/* the common case, without the global lock */
	spin_lock(&proc_lock);
	while (p->stop_sig && continued)
		continued = sleep_on_interruptible(&p->stop_wait, &proc_lock);
	spin_unlock(&proc_lock);
	return continued;
}

void signal_send_thread_locked(struct thread *t, int sig, int code, uint64_t value)
{
	send_prepare(t->proc, sig);
	if (dropped_at_send(t->proc, t, sig))
		return;
	queue_add(&t->sig_queue, sig, code, value, 0);
	wake_for(t, sig);
}

void signal_send_thread(struct thread *t, int sig, int code, uint64_t value)
{
	spin_lock(&proc_lock);
	signal_send_thread_locked(t, sig, code, value);
	spin_unlock(&proc_lock);
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct proc *p = myproc();
	struct thread *t = mythread();

	spin_lock(&proc_lock);
	void *h = p->sig_actions[sig - 1].handler;
	bool caught = h != SIG_DFL && h != SIG_IGN && !(t->sig_blocked & SIGBIT(sig));
	if (caught) {
		t->sig_queue.pending &= ~SIGBIT(sig);	/* this fault's address wins */
		queue_add(&t->sig_queue, sig, code, addr, 0);
		thread_interrupt(t);
	}
	spin_unlock(&proc_lock);
	return caught;
}

/*
 * Take t's deliverable signal off its queue or p's, with its note in *note;
 * 0 if none. SIGKILL comes first (nothing else matters once it is pending),
 * then the lowest number.
 */
static int dequeue(struct proc *p, struct thread *t, struct signote *note)
{
	struct sigqueue *queues[2] = { &t->sig_queue, &p->sig_queue };

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 2; i++) {
			ksigset_t ready = queues[i]->pending & ~t->sig_blocked;
			if (pass == 0)
				ready &= SIGBIT(SIGKILL);
			if (!ready)
				continue;
			int sig = __builtin_ctzll(ready) + 1;
			queues[i]->pending &= ~SIGBIT(sig);
			*note = queues[i]->note[sig - 1];
			return sig;
		}
	}
	return 0;
}

/* Whether SIGKILL is pending for t. Caller holds proc_lock. */
static bool kill_pending(const struct thread *t)
{
	return ((t->sig_queue.pending | t->proc->sig_queue.pending) & SIGBIT(SIGKILL)) != 0;
}

/* Whether another thread than t is ending t's group (exit_group, execve). Caller holds proc_lock. */
static bool group_ending(const struct proc *p, const struct thread *t)
{
	return p->group_ender && p->group_ender != t;
}

/*
 * Stop signal sig's default action, taken by the running thread: the whole
 * group stops. Every other user thread is interrupted, to stop as it heads for
 * user mode (from user code on another CPU at its next tick; out of a blocking
 * wait with -EINTR); the last to stop reports the stop (stop_check_done_locked).
 * Caller holds proc_lock.
 */
static void group_stop_begin_locked(struct proc *p, int sig)
{
	struct list_node *n;

	/*
	 * seq_cst: signal_stop_wait reads it without proc_lock after a syscall
	 * thread names its entry (a seq_cst store), and flexsc_interrupt_calls
	 * reads the names after this (seq_cst loads): one of the two sees the other.
	 */
	__atomic_store_n(&p->stop_sig, sig, __ATOMIC_SEQ_CST);
	for (n = p->threads.next; n != &p->threads; n = n->next) {
		struct thread *u = list_entry(n, struct thread, group_link);
		if (u != mythread())
			thread_interrupt(u);
	}
}

/*
 * Stop the running thread t in p's group stop until SIGCONT ends it, SIGKILL
 * comes, or another thread ends the group. Sleeps under proc_lock, which the
 * caller holds; other interruptions (signals stay pending while stopped) only
 * send it back to sleep, and are seen once it goes on (proc_user_return).
 */
static void stop_park_locked(struct proc *p, struct thread *t)
{
	p->nstopped++;
	stop_check_done_locked(p);
	while (p->stop_sig && !kill_pending(t) && !group_ending(p, t))
		sleep_on(&p->stop_wait, &proc_lock);
	p->nstopped--;
}

/* Whether t has a signal it does not block pending. Caller holds proc_lock. */
static bool deliverable(struct thread *t)
{
	return ((t->sig_queue.pending | t->proc->sig_queue.pending) & ~t->sig_blocked) != 0;
}

/*
 * Whether user stack pointer sp is on t's alternate stack: never while it
 * has SS_AUTODISARM, as Linux says (a handler on it has disarmed it).
 */
static bool on_altstack(const struct thread *t, uint64_t sp)
{
	const kstack_t *ss = &t->sig_altstack;
	return ss->ss_size && !(ss->ss_flags & SS_AUTODISARM) && sp > (uint64_t)ss->ss_sp &&
	       sp <= (uint64_t)ss->ss_sp + ss->ss_size;
}

/* t's alternate stack's ss_flags as sigaltstack reports them with t at sp. */
static int altstack_flags(const struct thread *t, uint64_t sp)
{
	const kstack_t *ss = &t->sig_altstack;
	return (!ss->ss_size ? SS_DISABLE : on_altstack(t, sp) ? SS_ONSTACK : 0) |
	       (ss->ss_flags & SS_AUTODISARM);
}

/*
 * Set t's alternate stack to ss, t's stack pointer being sp, by sigaltstack's
 * rules: -EPERM on the current one, -EINVAL for a mode (ss_flags without
 * SS_AUTODISARM) other than 0, SS_ONSTACK or SS_DISABLE, -ENOMEM under
 * MINSIGSTKSZ. Caller holds proc_lock.
 */
static int altstack_set(struct thread *t, const kstack_t *ss, uint64_t sp)
{
	int mode = ss->ss_flags & ~SS_AUTODISARM;

	if (on_altstack(t, sp))
		return -EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE)
		memset(&t->sig_altstack, 0, sizeof(t->sig_altstack));
	else if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	else
		t->sig_altstack = (kstack_t){ ss->ss_sp, ss->ss_flags & SS_AUTODISARM, ss->ss_size };
	return 0;
}

/* End the process for a signal frame it cannot have, with one line saying why. */
static void __attribute__((noreturn)) frame_kill(struct trapframe *tf, const char *why,
						  uint64_t addr)
{
	struct proc *p = myproc();

	cprintf("elk: pid %d (%s) killed: %s, addr 0x%lx, rip 0x%lx\n", p->pid, p->name, why,
		addr, tf->rip);
	proc_exit(W_SIGNALED(SIGSEGV));
}

/*
 * The number of the system call that tf is the frame of if that call gave up
 * with -EINTR, else -1. rt_sigreturn's result is the interrupted context's
 * rax, which may read -EINTR: it is never the call that gave up.
 */
static int64_t interrupted_call(const struct trapframe *tf)
{
	int64_t num = syscall_frame_num(tf);

	return num >= 0 && num != SYS_rt_sigreturn && (int64_t)tf->rax == -EINTR ? num : -1;
}

/*
 * Whether call num with arguments args is one Linux never restarts after a
 * handler, SA_RESTART or not (signal(7)): the sleeps, the waits for a signal,
 * poll and ppoll, and a futex wait with a timeout.
 */
static bool never_restarted(int64_t num, const uint64_t args[6])
{
	if (num == SYS_futex) {
		int cmd = (int)args[1] & FUTEX_CMD_MASK;
		return (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && args[3] != 0;
	}
	return num == SYS_nanosleep || num == SYS_clock_nanosleep || num == SYS_restart_syscall ||
	       num == SYS_rt_sigsuspend || num == SYS_pause || num == SYS_poll || num == SYS_ppoll;
}

/*
 * Make system call frame tf run call num again: rip back over the 2-byte
 * syscall or int $0x80, and rax the call, or restart_syscall when the call
 * left the rest of its work in the thread's restart record.
 */
static void restart_call(struct trapframe *tf, int64_t num)
{
	tf->rax = (uint64_t)signal_restart_num(mythread(), (uint32_t)num);
	tf->rip -= 2;
}

/*
 * If tf is a system call that gave up with -EINTR for this signal, make it
 * what the handler's flags say: restarted for SA_RESTART unless Linux never
 * restarts it (never_restarted); else left -EINTR.
 */
static void restart_or_eintr(struct trapframe *tf, unsigned long flags)
{
	int64_t num = interrupted_call(tf);
	uint64_t args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };

	if (num < 0 || !(flags & SA_RESTART) || never_restarted(num, args))
		return;
	restart_call(tf, num);
}

bool signal_call_restarts(unsigned why, uint32_t num, const uint64_t args[6])
{
	if (why & SIGINTR_NORESTART)
		return false;
	if (why & SIGINTR_RESTART)
		return !never_restarted(num, args);
	return (why & SIGINTR_STOP) != 0;
}

uint32_t signal_restart_num(struct thread *t, uint32_t num)
{
	return t->restart.num && t->restart.num == num ? SYS_restart_syscall : num;
}

/* The general registers of tf in a sigcontext. */
static void save_regs(struct ksigcontext *sc, const struct trapframe *tf)
{
	*sc = (struct ksigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .rflags = tf->rflags, .cs = tf->cs, .ss = tf->ss,
		.err = tf->err, .trapno = tf->trapno,
	};
}

/*
 * Whether a note with code is a child's news (CLD_*, with pid and status) to
 * its parent: any signal but those a fault sends, whose codes overlap (clone
 * may name any exit signal; one that a fault could send gets the fault's
 * layout).
 */
static bool child_note(int sig, int code)
{
	return code >= CLD_EXITED && code <= CLD_CONTINUED && !(SIGBIT(sig) & FAULT_SIGNALS);
}

/*
 * Build sig's frame for handler act on the user stack (or the alternate one)
 * and point tf at the handler. oldmask is the mask sigreturn restores. Kills
 * the process if the frame cannot be written.
 */
static void setup_frame(struct trapframe *tf, int sig, const struct ksigaction *act,
			const struct signote *note, ksigset_t oldmask)
{
	struct thread *t = mythread();
	uint64_t sp = tf->rsp - RED_ZONE;

	if (!(act->flags & SA_RESTORER))
		frame_kill(tf, "signal handler without SA_RESTORER", (uint64_t)act->handler);
	if ((act->flags & SA_ONSTACK) && t->sig_altstack.ss_size && !on_altstack(t, tf->rsp))
		sp = (uint64_t)t->sig_altstack.ss_sp + t->sig_altstack.ss_size;
	uint64_t fpstate = (sp - sizeof(t->fpu)) & ~63UL;
	uint64_t frame = ((fpstate - sizeof(struct rt_sigframe)) & ~15UL) - 8;

	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = (uint64_t)act->restorer;
	f.uc.uc_stack = t->sig_altstack;
	f.uc.uc_stack.ss_flags = altstack_flags(t, tf->rsp);
	save_regs(&f.uc.uc_mcontext, tf);
	f.uc.uc_mcontext.fpstate = fpstate;
	f.uc.uc_mcontext.oldmask = oldmask;
	if (tf->trapno == T_PGFLT)
		f.uc.uc_mcontext.cr2 = note->value;
	f.uc.uc_sigmask = oldmask;
	f.info.si_signo = sig;
	f.info.si_code = note->code;
	if (child_note(sig, note->code)) {
		f.info.child.pid = (int)note->value;
		f.info.child.status = note->status;
	} else if (note->code == SI_USER || note->code == SI_TKILL) {
		f.info.kill.pid = (int)note->value;
	} else {
		f.info.addr = note->value;
	}

	thread_save_fpu(t);
	if (frame >= USER_END || frame < PGSIZE || copy_to_user((void *)fpstate, t->fpu, sizeof(t->fpu)) < 0 ||
	    copy_to_user((void *)frame, &f, sizeof(f)) < 0)
		frame_kill(tf, "signal frame not writable", frame);
	thread_reset_fpu(t);	/* the handler starts with a fresh FPU, as on Linux */
	if (t->sig_altstack.ss_flags & SS_AUTODISARM) {	/* sigreturn restores it from the frame */
		spin_lock(&proc_lock);
		memset(&t->sig_altstack, 0, sizeof(t->sig_altstack));
		spin_unlock(&proc_lock);
	}
	tf->rip = (uint64_t)act->handler;
	tf->rsp = frame;
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame + offsetof(struct rt_sigframe, info);
	tf->rdx = frame + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(FL_TF | FL_DF | FL_AC);
}

/*
 * Whether stop signal sig's default action stops p: not for the terminal's
 * stop signals in an orphaned group, which no job-control shell would
 * continue (POSIX; Linux discards them). Caller holds proc_lock.
 */
static bool stops(struct proc *p, int sig)
{
	return sig == SIGSTOP || !pgrp_orphaned_locked(p->pgid);
}

void signal_deliver(struct trapframe *tf)
{
	struct proc *p = myproc();
	struct thread *t = mythread();
	struct signote note;
	bool handled = false;

	spin_lock(&proc_lock);
	for (;;) {
		if (p->stop_sig)
			stop_park_locked(p, t);
		if (group_ending(p, t))
			break;	/* the thread leaves (proc_carry_out_requests): deliver nothing */
		int sig = dequeue(p, t, &note);
		if (!sig)
			break;
		struct ksigaction act = p->sig_actions[sig - 1];
		if (act.handler == SIG_IGN)
			continue;
		if (act.handler == SIG_DFL) {
			enum default_action d = default_action(sig);
			if (d == DFL_STOP && stops(p, sig)) {
				group_stop_begin_locked(p, sig);
				spin_unlock(&proc_lock);
				flexsc_interrupt_calls(p, SIGINTR_STOP);	/* its blocked entries */
				spin_lock(&proc_lock);
			}
			if (d != DFL_TERM)
				continue;
			spin_unlock(&proc_lock);
			proc_exit(W_SIGNALED(sig));
		}
		ksigset_t oldmask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
		t->sig_restore_mask = false;
		if (act.flags & SA_RESETHAND)
			p->sig_actions[sig - 1].handler = SIG_DFL;
		t->sig_blocked = oldmask | (act.mask & ~UNBLOCKABLE) |
				 ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig));
		spin_unlock(&proc_lock);
		flexsc_interrupt_calls(p, act.flags & SA_RESTART ? SIGINTR_RESTART : SIGINTR_NORESTART);
		restart_or_eintr(tf, act.flags);
		setup_frame(tf, sig, &act, &note, oldmask);
		handled = true;
		spin_lock(&proc_lock);
	}
	/*
	 * A call that gave up with -EINTR and ran no handler (the thread stopped,
	 * or another thread took the process-directed signal it was interrupted
	 * for) runs again, as Linux restarts it when no handler runs; a relative
	 * sleep goes on with the time left (restart_syscall).
	 */
	int64_t num = interrupted_call(tf);
	if (!handled && num >= 0 && !group_ending(p, t))
		restart_call(tf, num);
	if (t->sig_restore_mask) {	/* rt_sigsuspend ran no handler */
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
	spin_unlock(&proc_lock);
}

void signal_fork(struct thread *from, struct proc *child)
{
	spin_lock(&proc_lock);
	memcpy(child->sig_actions, from->proc->sig_actions, sizeof(child->sig_actions));
	child->thread->sig_blocked = from->sig_blocked;
	child->thread->sig_altstack = from->sig_altstack;
	spin_unlock(&proc_lock);
}

void signal_exec(struct proc *p)
{
	spin_lock(&proc_lock);
	for (int i = 0; i < NSIG; i++) {
		bool keep_ignored = p->sig_actions[i].handler == SIG_IGN;
		memset(&p->sig_actions[i], 0, sizeof(p->sig_actions[i]));
		if (keep_ignored)
			p->sig_actions[i].handler = SIG_IGN;
	}
	memset(&p->thread->sig_altstack, 0, sizeof(p->thread->sig_altstack));
	spin_unlock(&proc_lock);
}

/*
 * rt_sigaction: -EINVAL for a bad number or set size, or to change SIGKILL or
 * SIGSTOP; -EFAULT for a bad pointer. Ignoring a signal drops it where pending.
 */
int64_t sys_rt_sigaction(int sig, const struct ksigaction *uact, struct ksigaction *uoact,
			 size_t sigsetsize)
{
	struct proc *p = myproc();
	struct ksigaction act, old;

	if (sigsetsize != sizeof(ksigset_t) || !valid_signal(sig))
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)) < 0)
		return -EFAULT;
	spin_lock(&proc_lock);
	old = p->sig_actions[sig - 1];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		p->sig_actions[sig - 1] = act;
		if (ignored(p, sig))
			drop_pending(p, SIGBIT(sig));
	}
	spin_unlock(&proc_lock);
	if (uoact && copy_to_user(uoact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/*
 * Set t's blocked mask to mask (less SIGKILL and SIGSTOP); if that leaves a
 * signal deliverable, interrupt t so that it is delivered on the way out.
 * Process-directed signals it now blocks go to another thread that takes them.
 * Caller holds proc_lock.
 */
static void set_blocked(struct thread *t, ksigset_t mask)
{
	ksigset_t newly = mask & ~UNBLOCKABLE & ~t->sig_blocked;

	t->sig_blocked = mask & ~UNBLOCKABLE;
	if (deliverable(t))
		thread_interrupt(t);
	retarget_locked(t->proc, newly);
}

/* rt_sigprocmask, for the calling thread (posted on a syscall page, the first thread). */
int64_t sys_rt_sigprocmask(int how, const ksigset_t *uset, ksigset_t *uoset, size_t sigsetsize)
{
	struct thread *t = proc_caller();
	ksigset_t set, old;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	spin_lock(&proc_lock);
	old = t->sig_blocked;
	if (uset)
		set_blocked(t, how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set);
	spin_unlock(&proc_lock);
	if (uoset && copy_to_user(uoset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

int64_t sys_rt_sigpending(ksigset_t *uset, size_t sigsetsize)
{
	struct thread *t = proc_caller();

	if (sigsetsize > sizeof(ksigset_t))	/* Linux's rule: a smaller set gets its first bytes */
		return -EINVAL;
	spin_lock(&proc_lock);
	ksigset_t set = (t->sig_queue.pending | t->proc->sig_queue.pending) & t->sig_blocked;
	spin_unlock(&proc_lock);
	return copy_to_user(uset, &set, sigsetsize) < 0 ? -EFAULT : 0;
}

/*
 * Sleep with blocked mask mask until a signal is to be delivered; -EINTR. The
 * old mask comes back when the handler returns (the frame holds it). Only the
 * user thread may wait so: -EINVAL on a syscall page.
 */
int signal_wait_mask_begin(ksigset_t mask)
{
	struct thread *t = mythread();

	if (!t->user)
		return -EINVAL;
	spin_lock(&proc_lock);
	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	set_blocked(t, mask);
	spin_unlock(&proc_lock);
	return 0;
}

void signal_wait_mask_end(bool interrupted)
{
	struct thread *t = mythread();

	if (interrupted)
		return;
	spin_lock(&proc_lock);
	if (t->sig_restore_mask) {
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
	spin_unlock(&proc_lock);
}

static int64_t suspend(ksigset_t mask)
{
	static struct waitq nobody_wakes = WAITQ_INIT(nobody_wakes);
	int r = signal_wait_mask_begin(mask);

	if (r < 0)
		return r;
	spin_lock(&proc_lock);
	while (!thread_interrupted())
		sleep_on_interruptible(&nobody_wakes, &proc_lock);
	spin_unlock(&proc_lock);
	return -EINTR;
}

int64_t sys_rt_sigsuspend(const ksigset_t *umask, size_t sigsetsize)
{
	ksigset_t mask;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	return suspend(mask);
}

int64_t sys_pause(void)
{
	return suspend(mythread()->sig_blocked);
}

/*
 * rt_sigreturn: restore the registers, FPU state, mask and alternate stack
 * (as sigaltstack would set it, an error ignored, as on Linux) from the frame
 * the handler returned over (at rsp - 8: the restorer's ret popped pretcode). A
 * frame that would leave user mode other than to canonical user code with
 * user flags, or that cannot be read, kills the process with SIGSEGV.
 */
int64_t sys_rt_sigreturn(void)
{
	struct thread *t = mythread();
	struct trapframe *tf = t->tf;
	uint64_t frame = tf->rsp - 8;
	struct rt_sigframe f;
	uint8_t fpu[512] __attribute__((aligned(16)));

	if (!t->user)
		return -EINVAL;	/* on a syscall page: there is no frame to return over */
	if (copy_from_user(&f, (void *)frame, sizeof(f)) < 0)
		frame_kill(tf, "bad signal frame", frame);
	const struct ksigcontext *sc = &f.uc.uc_mcontext;
	if (sc->rip >= USER_END || (sc->fpstate & 15) ||
	    copy_from_user(fpu, (void *)sc->fpstate, sizeof(fpu)) < 0)
		frame_kill(tf, "bad signal frame", frame);
	/* MXCSR bits the CPU lacks would make fxrstor fault in the kernel. */
	uint32_t mxcsr_mask = *(uint32_t *)&t->fpu[28] ? *(uint32_t *)&t->fpu[28] : 0xffbf;
	*(uint32_t *)&fpu[24] &= mxcsr_mask;
	memset(&fpu[464], 0, 48);	/* the software-reserved bytes */

	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rcx = sc->rcx; tf->rsp = sc->rsp; tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~USER_RFLAGS) | (sc->rflags & USER_RFLAGS) | FL_IF;
	tf->cs = GD_UT | 3;
	tf->ss = GD_UD | 3;
	thread_set_fpu(t, fpu);
	spin_lock(&proc_lock);
	set_blocked(t, f.uc.uc_sigmask);
	(void)altstack_set(t, &f.uc.uc_stack, frame);
	spin_unlock(&proc_lock);
	return (int64_t)sc->rax;
}

int64_t sys_sigaltstack(const kstack_t *uss, kstack_t *uoss)
{
	struct thread *t = proc_caller();
	kstack_t ss, old;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)) < 0)
		return -EFAULT;
	spin_lock(&proc_lock);
	old = t->sig_altstack;
	old.ss_flags = altstack_flags(t, t->tf->rsp);
	int err = uss ? altstack_set(t, &ss, t->tf->rsp) : 0;
	spin_unlock(&proc_lock);
	if (!err && uoss && copy_to_user(uoss, &old, sizeof(old)) < 0)
		return -EFAULT;
	return err;
}

/*
 * Send sig (if not 0) to every process in group pgrp, or with pgrp -1 to
 * every one but init and skip; the number of processes it went to. One that
 * has exited but is not yet reaped counts, as on Linux, and the signal does
 * nothing to it. Caller holds proc_lock.
 */
static int send_many(int64_t pgrp, struct proc *skip, int sig, int code, uint64_t value)
{
	int n = 0;

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state == P_FREE || (pgrp == -1 ? p == initproc || p == skip : p->pgid != pgrp))
			continue;
		if (sig && p->state == P_ALIVE)
			signal_send_proc_locked(p, sig, code, value);
		n++;
	}
	return n;
}

/* Whether process pid has exited and is not yet reaped (kill finds it). Caller holds proc_lock. */
static bool ended_unreaped(pid_t pid)
{
	for (int i = 0; i < NPROC; i++)
		if ((procs[i].state == P_EXITING || procs[i].state == P_ZOMBIE) && procs[i].pid == pid)
			return true;
	return false;
}

void signal_send_group(pid_t pgrp, int sig)
{
	spin_lock(&proc_lock);
	send_many(pgrp, NULL, sig, SI_KERNEL, 0);
	spin_unlock(&proc_lock);
}

/*
 * kill(pid, sig): pid > 0 names a process (or, as on Linux, the process of
 * the thread with that id), 0 the caller's process group, -1
 * every process but init and the caller, < -1 group -pid. sig 0 only checks
 * that there is one; an exited process not yet reaped is one (the signal does
 * nothing to it). -EINVAL for a bad signal, -ESRCH if there is none.
 */
int64_t sys_kill(pid_t pid, int sig)
{
	struct proc *self = myproc();
	uint64_t sender = (uint64_t)self->pid;
	int n;

	if (sig != 0 && !valid_signal(sig))
		return -EINVAL;
	spin_lock(&proc_lock);
	if (pid > 0) {
		struct proc *p = proc_lookup_id(pid);
		if ((n = p != NULL) && sig)
			signal_send_proc_locked(p, sig, SI_USER, sender);
		else if (!p)
			n = ended_unreaped(pid);
	} else {
		n = send_many(pid == 0 ? self->pgid : pid == -1 ? -1 : -(int64_t)pid, self, sig,
			       SI_USER, sender);
	}
	spin_unlock(&proc_lock);
	return n ? 0 : -ESRCH;
}

/* tgkill, and tkill with tgid 0: -EINVAL for a bad id or signal, -ESRCH for no such thread. */
static int64_t thread_kill(pid_t tgid, pid_t tid, int sig)
{
	if (tid <= 0 || (sig != 0 && !valid_signal(sig)))
		return -EINVAL;
	spin_lock(&proc_lock);
	struct thread *t = proc_thread_lookup(tgid, tid);
	if (t && sig)
		signal_send_thread_locked(t, sig, SI_TKILL, (uint64_t)myproc()->pid);
	spin_unlock(&proc_lock);
	return t ? 0 : -ESRCH;
}

int64_t sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
	return tgid <= 0 ? -EINVAL : thread_kill(tgid, tid, sig);
}

int64_t sys_tkill(pid_t tid, int sig)
{
	return thread_kill(0, tid, sig);
}
