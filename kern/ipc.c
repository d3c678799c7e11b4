/*
 * JOS-style IPC (the contract is inc/ipc.h).
 *
 * Rendezvous, under proc_lock. A receiver marks its process receiving (saying
 * where it accepts a page), wakes the senders waiting on the process, and sleeps
 * until one of them has delivered. A sender sleeps on its target's senders queue
 * until the target is receiving and nothing is delivered yet; then it fills in the
 * message and wakes the receiver. When several senders wait, the first to take
 * proc_lock after a receiver shows up delivers and the others sleep until the
 * next ipc_recv: one message per ipc_recv, and no promise about which sender goes
 * first. The state lives in the process, not the thread, so a FlexSC syscall
 * thread receives for its process like the user thread does; only one thread of a
 * process may receive at a time.
 *
 * Pages are copied, never shared. The sender copies its page into a fresh page
 * before it waits (so a bad srcva fails at once, and the message carries the page
 * as it stood at the call) and hands that page over with the message. The
 * receiver maps it into its own address space once it wakes, so that no thread
 * touches another process's vmspace or holds two vmspace locks.
 *
 * proc_exit calls ipc_proc_exit when the process becomes a zombie; the senders it
 * wakes find no live process with that pid and return -ESRCH.
 */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <kern/ipc.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/uaccess.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

void ipc_state_init(struct ipc_state *ipc)
{
	ipc->receiving = false;
	ipc->dstva = 0;
	ipc->delivered = false;
	ipc->page = NULL;
	waitq_init(&ipc->senders);
	waitq_init(&ipc->receiver);
}

void ipc_proc_exit(struct proc *p)
{
	wakeup_all(&p->ipc.senders);
}

/*
 * A fresh page (one reference, the caller's) holding a copy of the user page at
 * srcva, which is faulted in as the process's own read would fault it. NULL with
 * *err = -EFAULT (not mapped or not readable) or -ENOMEM.
 */
static struct page *copy_user_page(const void *srcva, int *err)
{
	struct page *pp = page_alloc(0);

	if (!pp) {
		*err = -ENOMEM;
		return NULL;
	}
	page_incref(pp);
	if (copy_from_user(page2kva(pp), srcva, PGSIZE) < 0) {
		page_decref(pp);
		*err = -EFAULT;
		return NULL;
	}
	return pp;
}

/*
 * Give target, which is receiving with nothing delivered, a message from the
 * caller's process, with page (may be NULL) if target accepts one, and wake it.
 * Returns page if target did not take it, else NULL. Caller holds proc_lock.
 */
static struct page *deliver(struct proc *target, uint64_t value, struct page *page, int perm)
{
	struct ipc_state *ipc = &target->ipc;
	bool page_taken = page && ipc->dstva;

	ipc->msg.from = myproc()->pid;
	ipc->msg.value = value;
	ipc->msg.perm = page_taken ? perm : 0;
	ipc->page = page_taken ? page : NULL;
	ipc->delivered = true;
	wakeup_all(&ipc->receiver);
	return page_taken ? NULL : page;
}

int64_t sys_ipc_send(pid_t to, uint64_t value, const void *srcva, int perm)
{
	struct page *page = NULL;
	int r;

	if (srcva) {
		if ((uintptr_t)srcva % PGSIZE ||
		    (perm != PROT_READ && perm != (PROT_READ | PROT_WRITE)))
			return -EINVAL;
		page = copy_user_page(srcva, &r);
		if (!page)
			return r;
	}
	spin_lock(&proc_lock);
	for (;;) {
		struct proc *target = proc_lookup(to);
		if (!target) {
			r = -ESRCH;
			break;
		}
		if (target->ipc.receiving && !target->ipc.delivered) {
			page = deliver(target, value, page, perm);
			r = 0;
			break;
		}
		if (thread_interrupted()) {
			r = -EINTR;
			break;
		}
		sleep_on_interruptible(&target->ipc.senders, &proc_lock);
	}
	spin_unlock(&proc_lock);
	if (page)
		page_decref(page);
	return r;
}

/*
 * Map page at va in vs with prot, replacing whatever is mapped there, as the one
 * page of a new private anonymous object. Consumes the caller's reference on
 * page. 0 or -ENOMEM (va may then be left unmapped). Takes vs->lock.
 */
static int map_received_page(struct vmspace *vs, uintptr_t va, struct page *page, int prot)
{
	struct vmobj *obj = vmobj_anon_create();
	int r = obj ? vmobj_insert_page(obj, 0, page) : -ENOMEM;

	page_decref(page);
	if (r == 0) {
		sleeplock_acquire(&vs->lock);
		r = vm_unmap(vs, va, va + PGSIZE);
		if (r == 0)
			r = vm_map(vs, va, PGSIZE, prot, MAP_PRIVATE, obj, 0);
		sleeplock_release(&vs->lock);
	}
	if (obj)
		vmobj_put(obj);
	return r;
}

/*
 * Wait until a sender delivers to the caller's process, which accepts a page at
 * dstva (0: none). The message in *msg and the page, if one came, in *page (the
 * caller's reference); 0, -EBUSY if another thread of the process is receiving,
 * or -EINTR.
 */
static int wait_for_message(uintptr_t dstva, struct ipc_msg *msg, struct page **page)
{
	struct ipc_state *ipc = &myproc()->ipc;

	spin_lock(&proc_lock);
	if (ipc->receiving) {
		spin_unlock(&proc_lock);
		return -EBUSY;
	}
	ipc->receiving = true;
	ipc->dstva = dstva;
	wakeup_all(&ipc->senders);
	while (!ipc->delivered && !thread_interrupted())
		sleep_on_interruptible(&ipc->receiver, &proc_lock);
	/* A delivered message is taken even if we were interrupted meanwhile. */
	bool delivered = ipc->delivered;
	*msg = ipc->msg;
	*page = ipc->page;
	ipc->receiving = false;
	ipc->delivered = false;
	ipc->page = NULL;
	spin_unlock(&proc_lock);
	return delivered ? 0 : -EINTR;
}

int64_t sys_ipc_recv(void *dstva, struct ipc_msg *umsg)
{
	static const struct ipc_msg blank;
	uintptr_t va = (uintptr_t)dstva;
	struct ipc_msg msg;
	struct page *page;

	if (va % PGSIZE)
		return -EINVAL;
	if (va && (va < UMIN || va >= USER_END))
		return -EFAULT;
	/* Check umsg before waiting, so that a bad pointer loses no message. */
	if (copy_to_user(umsg, &blank, sizeof(blank)) < 0)
		return -EFAULT;
	int r = wait_for_message(va, &msg, &page);
	if (r == 0 && page)
		r = map_received_page(myproc()->vs, va, page, msg.perm);
	if (r == 0 && copy_to_user(umsg, &msg, sizeof(msg)) < 0)
		r = -EFAULT;
	return r;
}
