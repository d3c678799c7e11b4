/*
 * poll and ppoll.
 *
 * Each file says through its ops' poll what is so now (no poll: a regular
 * file's or a device's answer, always readable and writable, as on Linux).
 * Waiting is one wait queue for every poller, and a generation count that
 * poll_wakeup bumps whenever a pipe or the console changes: a poller reads the
 * count, looks at its descriptors, and sleeps only if the count is still the
 * same, so a change between its look and its sleep is never missed. Every
 * change wakes every poller, which looks again: simple, and cheap while
 * pollers are few.
 */
#include <inc/errno.h>
#include <inc/poll.h>
#include <inc/resource.h>
#include <inc/time.h>
#include <kern/file.h>
#include <kern/poll.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/signal.h>
#include <kern/time.h>
#include <kern/uaccess.h>

static struct spinlock poll_lock = SPINLOCK_INIT("poll", LOCK_POLL);
static struct waitq pollers = WAITQ_INIT(pollers);
static uint64_t poll_generation;	/* under poll_lock */

#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)
#define NO_DEADLINE UINT64_MAX

void poll_wakeup(void)
{
	spin_lock(&poll_lock);
	poll_generation++;
	wakeup_all(&pollers);
	spin_unlock(&poll_lock);
}

/* What is so for one descriptor, filtered by what it asks for. */
static short poll_one(struct fdtable *t, const struct pollfd *pfd)
{
	if (pfd->fd < 0)
		return 0;
	struct file *f = fd_get(t, pfd->fd);
	if (!f)
		return POLLNVAL;
	int mask = f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	file_put(f);
	return (short)(mask & (pfd->events | POLL_ALWAYS));
}

/* Set every revents in fds[0..n); the count of descriptors with any. */
static int poll_scan(struct pollfd *fds, size_t n)
{
	struct fdtable *t = myproc()->files;
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		fds[i].revents = poll_one(t, &fds[i]);
		ready += fds[i].revents != 0;
	}
	return ready;
}

/*
 * Look at fds until one is ready, the tick deadline passes (NO_DEADLINE:
 * never) or the thread is interrupted. The count ready (0 at the deadline) or
 * -EINTR.
 */
static int poll_wait(struct pollfd *fds, size_t n, uint64_t deadline)
{
	for (;;) {
		spin_lock(&poll_lock);
		uint64_t seen = poll_generation;
		spin_unlock(&poll_lock);
		int ready = poll_scan(fds, n);
		if (ready)
			return ready;
		if (thread_interrupted())
			return -EINTR;
		spin_lock(&poll_lock);
		bool in_time = true;
		if (poll_generation == seen && deadline == NO_DEADLINE)
			sleep_on_interruptible(&pollers, &poll_lock);
		else if (poll_generation == seen)
			in_time = sleep_on_until(&pollers, &poll_lock, deadline);
		spin_unlock(&poll_lock);
		if (!in_time)
			return poll_scan(fds, n);
	}
}

/* Copy the array in, wait, copy the revents back: poll's body. */
static int64_t poll_fds(struct pollfd *ufds, uint64_t nfds, uint64_t deadline)
{
	struct pollfd fds[NOFILE];

	if (nfds > proc_limit(RLIMIT_NOFILE))
		return -EINVAL;
	if (copy_from_user(fds, ufds, nfds * sizeof(fds[0])) < 0)
		return -EFAULT;
	int r = poll_wait(fds, nfds, deadline);
	if (r >= 0 && copy_to_user(ufds, fds, nfds * sizeof(fds[0])) < 0)
		return -EFAULT;
	return r;
}

/* The tick by which a wait of ns nanoseconds from now ends, rounded up. */
static uint64_t deadline_after_ns(uint64_t ns)
{
	uint64_t tick_ns = 1000000000 / TICK_HZ;
	uint64_t n = ns / tick_ns + (ns % tick_ns != 0);
	return n > NO_DEADLINE - ticks - 1 ? NO_DEADLINE - 1 : ticks + n;
}

/*
 * poll: wait up to timeout_ms milliseconds (negative: for ever, 0: not at all)
 * until one of nfds descriptors is ready. The count ready, 0 on timeout,
 * -EINVAL (nfds past RLIMIT_NOFILE), -EFAULT or -EINTR.
 */
int64_t sys_poll(struct pollfd *ufds, uint64_t nfds, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? NO_DEADLINE :
			    deadline_after_ns((uint64_t)timeout_ms * 1000000);
	return poll_fds(ufds, nfds, deadline);
}

/*
 * ppoll: poll with a timespec (NULL: for ever; -EINVAL if malformed) and, if
 * usigmask is given (sigsetsize 8 bytes, else -EINVAL; readable, else
 * -EFAULT), that blocked mask while it waits (signal_wait_mask_begin; -EINVAL
 * on a syscall page).
 */
int64_t sys_ppoll(struct pollfd *ufds, uint64_t nfds, const struct timespec *utimeout,
		  const void *usigmask, size_t sigsetsize)
{
	uint64_t deadline = NO_DEADLINE;
	ksigset_t mask;
	struct timespec ts;
	int r;

	if (utimeout) {
		if ((r = timespec_from_user(&ts, utimeout)) < 0)
			return r;
		deadline = deadline_after_ns(timespec_ns(&ts));
	}
	if (usigmask) {
		if (sigsetsize != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, usigmask, sizeof(mask)) < 0)
			return -EFAULT;
		if ((r = signal_wait_mask_begin(mask)) < 0)
			return r;
	}
	int64_t ready = poll_fds(ufds, nfds, deadline);
	if (usigmask)
		signal_wait_mask_end(ready == -EINTR);
	return ready;
}
