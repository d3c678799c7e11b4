/*
 * Pipes: a one-page ring buffer between a read end and a write end, each end one
 * struct file (shared, like any file, by dup and fork).
 *
 * A read sleeps until there is data or the write end is closed (then it returns
 * 0: end of file). A write sleeps until all its bytes are in or the read end is
 * closed; writes of at most PIPE_SIZE bytes (POSIX's PIPE_BUF) go in whole, never
 * mixed with another writer's bytes. Writing with the read end closed fails with
 * -EPIPE, or returns the count written before it closed; elk has no signals, so
 * there is no SIGPIPE.
 *
 * Data crosses between user memory and the ring through a kernel bounce buffer,
 * since the pipe's lock is never held across a user copy. Bytes a read takes from
 * the ring are lost if the copy to the caller's buffer then faults (-EFAULT).
 */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/stat.h>
#include <inc/string.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/sched.h>
#include <kern/uaccess.h>

#define PIPE_SIZE PGSIZE	/* bytes the ring holds; also the atomic write limit */

struct pipe {
	struct spinlock lock;	/* protects everything below; taken before sched_lock */
	char *ring;		/* PIPE_SIZE bytes */
	size_t head, tail;	/* read at head, write at tail; free-running counts */
	bool reader_open;	/* the read end's file still exists */
	bool writer_open;	/* the write end's file still exists */
	struct waitq readable;	/* readers wait here for data or the writer's close */
	struct waitq writable;	/* writers wait here for room or the reader's close */
};

/* Copy n bytes (at most those buffered) out of p's ring into dst. p->lock held. */
static void ring_take(struct pipe *p, char *dst, size_t n)
{
	size_t at = p->head % PIPE_SIZE, first = MIN(n, PIPE_SIZE - at);

	memcpy(dst, p->ring + at, first);
	memcpy(dst + first, p->ring, n - first);
	p->head += n;
}

/* Copy n bytes (at most the room left) from src into p's ring. p->lock held. */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
	size_t at = p->tail % PIPE_SIZE, first = MIN(n, PIPE_SIZE - at);

	memcpy(p->ring + at, src, first);
	memcpy(p->ring, src + first, n - first);
	p->tail += n;
}

/*
 * Read up to n bytes, sleeping while the pipe is empty and has a writer. The
 * count, 0 at end of file, -EINTR, -EFAULT or -ENOMEM. Takes and releases p->lock.
 */
static int64_t pipe_read(struct file *f, void *ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	char *bounce = kmalloc(MIN(n, PIPE_SIZE));	/* small calls, small buffers */

	if (!bounce)
		return -ENOMEM;
	spin_lock(&p->lock);
	while (p->head == p->tail && p->writer_open && !thread_interrupted())
		sleep_on(&p->readable, &p->lock);
	if (p->head == p->tail && p->writer_open) {
		spin_unlock(&p->lock);
		kfree(bounce);
		return -EINTR;
	}
	size_t k = MIN(n, p->tail - p->head);
	ring_take(p, bounce, k);
	if (k > 0)
		wakeup_all(&p->writable);
	spin_unlock(&p->lock);

	int64_t r = (int64_t)k;
	if (k > 0 && copy_to_user(ubuf, bounce, k) < 0)
		r = -EFAULT;
	kfree(bounce);
	return r;
}

/*
 * Put the n <= PIPE_SIZE bytes at src into p, sleeping for room; if whole, only
 * all n at once. Returns how many went in: fewer than n only if the read end
 * closed or the thread was interrupted. Takes and releases p->lock.
 */
static size_t pipe_put(struct pipe *p, const char *src, size_t n, bool whole)
{
	size_t done = 0;

	spin_lock(&p->lock);
	while (done < n && p->reader_open && !thread_interrupted()) {
		size_t room = PIPE_SIZE - (p->tail - p->head);
		if (room == 0 || (whole && room < n)) {
			sleep_on(&p->writable, &p->lock);
			continue;
		}
		size_t k = MIN(room, n - done);
		ring_put(p, src + done, k);
		done += k;
		wakeup_all(&p->readable);
	}
	spin_unlock(&p->lock);
	return done;
}

/*
 * Write all n bytes, a PIPE_SIZE piece at a time (all at once if n <= PIPE_SIZE).
 * The count, or if none went in -EPIPE (no reader), -EINTR, -EFAULT or -ENOMEM.
 */
static int64_t pipe_write(struct file *f, const void *ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	char *bounce = kmalloc(MIN(n, PIPE_SIZE));
	size_t done = 0;
	int64_t err = 0;

	if (!bounce)
		return -ENOMEM;
	while (done < n && !err) {
		size_t k = MIN(n - done, PIPE_SIZE);
		if (copy_from_user(bounce, (const char *)ubuf + done, k) < 0) {
			err = -EFAULT;
			break;
		}
		size_t put = pipe_put(p, bounce, k, n <= PIPE_SIZE);
		done += put;
		if (put < k)
			err = thread_interrupted() ? -EINTR : -EPIPE;
	}
	kfree(bounce);
	return done ? (int64_t)done : err;
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
	if (unused) {
		kfree(p->ring);
		kfree(p);
	}
}

static const struct file_ops pipe_ops = {
	.kind = FILE_PIPE,
	.mode = S_IFIFO | 0600,
	.read = pipe_read,
	.write = pipe_write,
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
	struct pipe *p = kzalloc(sizeof(*p));
	char *ring = kmalloc(PIPE_SIZE);

	if (!p || !ring) {
		kfree(p);
		kfree(ring);
		return -ENOMEM;
	}
	spin_init(&p->lock, "pipe");
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
