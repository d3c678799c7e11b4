/*
 * Pipes: a one-page ring buffer between a read end and a write end, each end one
 * struct file (shared, like any file, by dup and fork).
 *
 * A read sleeps until there is data or the write end is closed (then it returns
 * 0: end of file); a readv fills its buffers in order from what is there. A write sleeps until all its bytes are in or the read end is
 * closed; writes (and writevs, whatever their buffers) of at most PIPE_SIZE bytes
 * (POSIX's PIPE_BUF) go in whole, never mixed with another writer's bytes. Writing with the read end closed fails with
 * -EPIPE, or returns the count written before it closed, and sends the writing
 * thread SIGPIPE (which kills it unless caught or ignored), as Linux does.
 *
 * The pipe's lock is never held across a user copy. A write copies the caller's
 * bytes into a kernel bounce buffer first. A read copies straight from the ring,
 * outside the lock: while one reader is copying (reading), the bytes between head
 * and tail are its own (writers only add after tail, other readers wait), and it
 * moves head only past the bytes that reached the caller. So a read into a bad
 * buffer leaves the data in the pipe: -EFAULT, or the count copied before the
 * first bad page.
 */
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/ioctl.h>
#include <inc/mmu.h>
#include <inc/poll.h>
#include <inc/stat.h>
#include <inc/string.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/oom.h>
#include <kern/poll.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/uaccess.h>

#define PIPE_SIZE PGSIZE	/* bytes the ring holds; also the atomic write limit */

struct pipe {
	struct spinlock lock;	/* protects everything below; taken before sched_lock */
	char *ring;		/* PIPE_SIZE bytes */
	size_t head, tail;	/* read at head, write at tail; free-running counts */
	bool reader_open;	/* the read end's file still exists */
	bool writer_open;	/* the write end's file still exists */
	bool reading;		/* a reader is copying out from head, outside the lock */
	struct waitq readable;	/* readers wait here for data or the writer's close */
	struct waitq writable;	/* writers wait here for room or the reader's close */
};

/* Copy n bytes (at most the room left) from src into p's ring. p->lock held. */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
	size_t at = p->tail % PIPE_SIZE, first = MIN(n, PIPE_SIZE - at);

	memcpy(p->ring + at, src, first);
	memcpy(p->ring, src + first, n - first);
	p->tail += n;
}

/* Whether a reader must wait: another is copying, or the pipe is empty but has a writer. */
static bool read_must_wait(struct pipe *p)
{
	return p->reading || (p->head == p->tail && p->writer_open);
}

/*
 * Read up to as many bytes as u's buffers hold, filling them in order,
 * sleeping while another reader copies or the pipe is empty and has a writer
 * (with O_NONBLOCK, an empty pipe is -EAGAIN instead). The count, 0 at end of
 * file or when the buffers hold nothing (at once, as on Linux), -EINTR, or
 * -EFAULT if not one byte could be copied (the pipe is then unchanged). Takes
 * and releases p->lock.
 */
static int64_t pipe_readv(struct file *f, const struct user_iov *u)
{
	struct pipe *p = f->pipe;
	bool nonblock = __atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK;
	int64_t n = user_iov_len(u);

	if (n <= 0)
		return n;
	spin_lock(&p->lock);
	while (read_must_wait(p) && !thread_interrupted()) {
		if (nonblock && !p->reading) {
			spin_unlock(&p->lock);
			return -EAGAIN;
		}
		sleep_on_interruptible(&p->readable, &p->lock);
	}
	if (read_must_wait(p)) {
		spin_unlock(&p->lock);
		return -EINTR;
	}
	size_t k = MIN((size_t)n, p->tail - p->head), at = p->head % PIPE_SIZE;
	p->reading = k > 0;
	spin_unlock(&p->lock);
	if (k == 0)
		return 0;

	size_t first = MIN(k, PIPE_SIZE - at);
	size_t done = user_iov_copy_out(u, 0, p->ring + at, first);
	if (done == first)
		done += user_iov_copy_out(u, first, p->ring, k - first);

	spin_lock(&p->lock);
	p->head += done;
	p->reading = false;
	wakeup_all(&p->readable);	/* readers that waited for this one */
	if (done > 0)
		wakeup_all(&p->writable);
	spin_unlock(&p->lock);
	if (done > 0)
		poll_wakeup();
	return done > 0 ? (int64_t)done : -EFAULT;
}

static int64_t pipe_read(struct file *f, void *ubuf, size_t n)
{
	return pipe_readv(f, &(struct user_iov){ .cnt = 1, .one = { ubuf, n } });
}

/*
 * Put the n <= PIPE_SIZE bytes at src into p, sleeping for room unless
 * nonblock; if whole, only all n at once. Returns how many went in: fewer than
 * n only if the read end closed, the thread was interrupted, or nonblock and
 * the room ran out. Takes and releases p->lock.
 */
static size_t pipe_put(struct pipe *p, const char *src, size_t n, bool whole, bool nonblock)
{
	size_t done = 0;

	spin_lock(&p->lock);
	while (done < n && p->reader_open && !thread_interrupted()) {
		size_t room = PIPE_SIZE - (p->tail - p->head);
		if (room == 0 || (whole && room < n)) {
			if (nonblock)
				break;
			sleep_on_interruptible(&p->writable, &p->lock);
			continue;
		}
		size_t k = MIN(room, n - done);
		ring_put(p, src + done, k);
		done += k;
		wakeup_all(&p->readable);
	}
	spin_unlock(&p->lock);
	if (done > 0)
		poll_wakeup();
	return done;
}

/*
 * Write all n bytes of u's buffers, in order, a PIPE_SIZE piece at a time (all
 * at once if n <= PIPE_SIZE, however many buffers hold them). With O_NONBLOCK,
 * what fits now (nothing, if n <= PIPE_SIZE and not all fits). The count (0
 * at once when n is 0, as on Linux), or if none went in -EPIPE (no reader),
 * -EAGAIN (no room, O_NONBLOCK), -EINTR, -EFAULT or -ENOMEM.
 */
static int64_t pipe_writev(struct file *f, const struct user_iov *u)
{
	struct pipe *p = f->pipe;
	bool nonblock = __atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK;
	int64_t len = user_iov_len(u);

	if (len <= 0)
		return len;
	size_t n = (size_t)len;
	char *bounce = kmalloc_wait(MIN(n, PIPE_SIZE));
	size_t done = 0;
	int64_t err = 0;

	if (!bounce)
		return -ENOMEM;
	while (done < n && !err) {
		size_t k = MIN(n - done, PIPE_SIZE);
		if (user_iov_copy_in(u, done, bounce, k) < 0) {
			err = -EFAULT;
			break;
		}
		size_t put = pipe_put(p, bounce, k, n <= PIPE_SIZE, nonblock);
		done += put;
		if (put == k)
			continue;
		if (thread_interrupted())
			err = -EINTR;
		else if (!__atomic_load_n(&p->reader_open, __ATOMIC_RELAXED))
			err = -EPIPE;
		else
			err = -EAGAIN;	/* O_NONBLOCK and no room */
	}
	kfree(bounce);
	if (err == -EPIPE && myproc())
		signal_send_thread(proc_caller(), SIGPIPE, SI_USER, (uint64_t)myproc()->pid);
	return done ? (int64_t)done : err;
}

static int64_t pipe_write(struct file *f, const void *ubuf, size_t n)
{
	return pipe_writev(f, &(struct user_iov){ .cnt = 1, .one = { (void *)ubuf, n } });
}

/* One end's last reference is gone: wake the other side; free p once both are. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->pipe;

	spin_lock(&p->lock);
	if (f->readable) {
		p->reader_open = false;
		wakeup_all(&p->writable);
	} else {
		p->writer_open = false;
		wakeup_all(&p->readable);
	}
	bool unused = !p->reader_open && !p->writer_open;
	spin_unlock(&p->lock);
	poll_wakeup();
	if (unused) {
		kfree(p->ring);
		kfree(p);
	}
}

/*
 * poll: the read end is readable with data, and hung up (POLLHUP) with no
 * writer; the write end is writable with any room (a write of more than the
 * room then blocks, or with O_NONBLOCK puts in what fits or, for a write that
 * must go in whole, is -EAGAIN), and in error (POLLERR) with no reader.
 */
static int pipe_poll(struct file *f)
{
	struct pipe *p = f->pipe;
	int mask = 0;

	spin_lock(&p->lock);
	if (f->readable) {
		if (p->tail != p->head)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writer_open)
			mask |= POLLHUP;
	} else {
		if (p->tail - p->head < PIPE_SIZE)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->reader_open)
			mask |= POLLERR;
	}
	spin_unlock(&p->lock);
	return mask;
}

/*
 * ioctl: FIONREAD stores how many bytes the pipe holds (on either end, as
 * Linux does) as an int at arg; 0 or -EFAULT. Anything else is -ENOTTY.
 */
static int64_t pipe_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct pipe *p = f->pipe;

	if (request != FIONREAD)
		return -ENOTTY;
	spin_lock(&p->lock);
	int held = (int)(p->tail - p->head);
	spin_unlock(&p->lock);
	return copy_to_user((void *)arg, &held, sizeof(held)) < 0 ? -EFAULT : 0;
}

static const struct file_ops pipe_ops = {
	.mode = S_IFIFO | 0600,
	.read = pipe_read,
	.write = pipe_write,
	.readv = pipe_readv,
	.writev = pipe_writev,
	.reads_may_wait = true,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* Make the read or write end of p, which nobody else sees yet; NULL if out of memory. */
static struct file *pipe_end(struct pipe *p, bool reading)
{
	struct file *f = file_alloc(&pipe_ops, reading, !reading);

	if (!f)
		return NULL;
	f->pipe = p;
	if (reading)
		p->reader_open = true;
	else
		p->writer_open = true;
	return f;
}

int pipe_create(struct file **readf, struct file **writef)
{
	struct pipe *p = kmalloc_wait(sizeof(*p));
	char *ring = p ? kmalloc_wait(PIPE_SIZE) : NULL;

	if (!p || !ring) {
		kfree(p);
		kfree(ring);
		return -ENOMEM;
	}
	memset(p, 0, sizeof(*p));
	spin_init(&p->lock, "pipe", LOCK_PIPE);
	p->ring = ring;
	waitq_init(&p->readable);
	waitq_init(&p->writable);
	*readf = pipe_end(p, true);
	if (!*readf) {
		kfree(ring);
		kfree(p);
		return -ENOMEM;
	}
	*writef = pipe_end(p, false);
	if (!*writef) {
		file_put(*readf);	/* the pipe goes with its only end */
		return -ENOMEM;
	}
	return 0;
}
