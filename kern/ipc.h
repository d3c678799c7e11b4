/*
 * JOS-style IPC in the kernel (inc/ipc.h has the user contract; kern/ipc.c
 * explains how the rendezvous works).
 */
#ifndef ELK_KERN_IPC_H
#define ELK_KERN_IPC_H

#include <inc/ipc.h>
#include <inc/types.h>
#include <kern/sched.h>

struct page;
struct proc;

/*
 * A process's side of IPC. proc_lock protects every field, so that a sender sees
 * whether the target is alive (its state and pid, also under proc_lock) and
 * whether it is receiving in one atomic look.
 */
struct ipc_state {
	bool receiving;		/* one of the process's threads waits in ipc_recv */
	uintptr_t dstva;	/* where that receiver accepts a page, or 0 for none */
	bool delivered;		/* a sender has filled msg (and page) for that receiver */
	struct ipc_msg msg;
	struct page *page;	/* the copy sent with msg (one reference), or NULL */
	struct waitq senders;	/* senders wait here for a receiver */
	struct waitq receiver;	/* the receiver waits here for a sender */
};

/* Reset ipc for a new process. Caller holds proc_lock. */
void ipc_state_init(struct ipc_state *ipc);
/*
 * p has just stopped being live (a zombie now, or freed before it ran): wake the
 * senders waiting on it, so that they give up with -ESRCH. Caller holds proc_lock.
 */
void ipc_proc_exit(struct proc *p);

int64_t sys_ipc_send(pid_t to, uint64_t value, const void *srcva, int perm);
int64_t sys_ipc_recv(void *dstva, struct ipc_msg *umsg);

#endif
