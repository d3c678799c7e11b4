/*
 * Open files and per-process descriptor tables.
 *
 * A struct file is one open file description, made by open() or pipe(). It is
 * reference counted: dup, dup2 and fork add descriptors that share it, and with it
 * its offset, as POSIX says. What read, write, lseek and mmap do is the file's
 * ops table's business: a regular file's or a directory's (kern/tmpfs.c), a
 * device's (kern/dev.c), a pipe end's (kern/pipe.c). This layer never asks
 * which kind it holds.
 *
 * Lock order: an fdtable's lock, then a file's lock. Neither is held across a user
 * copy, which may fault pages in and sleep. A file's pos_lock, a sleep lock, is
 * held across the copies of a read or write that moves the offset (kern/lockrank.h
 * places it). Pipes have their own lock (pipe.c), never taken together with these.
 */
#ifndef ELK_KERN_FILE_H
#define ELK_KERN_FILE_H

#include <inc/types.h>
#include <inc/uio.h>
#include <kern/sleeplock.h>
#include <kern/spinlock.h>

#define NOFILE 64	/* descriptors per process */

struct pipe;
struct stat;
struct vmobj;
struct vnode;

struct file;

/*
 * The user buffers of a vectored transfer: cnt iovecs at user address uiov
 * (readv's and writev's vector, checked as Linux checks it), or, if uiov is
 * NULL, the one user buffer one. The user_iov_* helpers read each entry
 * again and treat one that has left user space as a fault.
 */
struct user_iov {
	const struct iovec *uiov;
	int cnt;
	struct iovec one;
};

/* The total length of u's buffers, or -EFAULT. */
int64_t user_iov_len(const struct user_iov *u);
/*
 * Copy n bytes from src into u's buffers, starting skip bytes into them,
 * stopping at the first page that faults: how many were copied.
 */
size_t user_iov_copy_out(const struct user_iov *u, size_t skip, const void *src, size_t n);
/* Copy n bytes from u's buffers, starting skip bytes in, to dst: 0 or -EFAULT. */
int user_iov_copy_in(const struct user_iov *u, size_t skip, void *dst, size_t n);
/*
 * Call step on each of u's buffers in order (a user address that may still
 * fault, its length > 0, and arg), as one transfer: a step that moves less
 * than its buffer (end of file, a fault) ends it, and so, if stop_early, does
 * any step. The bytes the steps moved, or if none the first one's -errno.
 */
int64_t user_iov_each(const struct user_iov *u, bool stop_early,
		      int64_t (*step)(void *ubuf, size_t n, void *arg), void *arg);

/* What one kind of file does. A file is only read if readable, written if writable. */
struct file_ops {
	uint32_t mode;	/* st_mode for fstat of a file without a vnode (a pipe) */
	/*
	 * Move up to n > 0 bytes between the file and user memory ubuf (which lies in
	 * user space, but may still fault). Returns the count (read: 0 at end of file)
	 * or -errno. Called with no locks held; may sleep.
	 */
	int64_t (*read)(struct file *f, void *ubuf, size_t n);
	int64_t (*write)(struct file *f, const void *ubuf, size_t n);
	/*
	 * readv and writev as one transfer over u's buffers in order, for a kind
	 * whose vectored call is not a read or write per buffer (a pipe: a readv
	 * fills its buffers from what is there, a writev of at most PIPE_BUF
	 * bytes goes in whole; a regular file: a writev is one write, under
	 * one lock, and a readv moves the offset once). As read and write
	 * otherwise. NULL: one read or write per buffer (kern/file.c).
	 */
	int64_t (*readv)(struct file *f, const struct user_iov *u);
	int64_t (*writev)(struct file *f, const struct user_iov *u);
	/*
	 * The same at offset off >= 0, without moving the file's offset (pread64,
	 * pwrite64). NULL for files without offsets: -ESPIPE.
	 */
	int64_t (*pread)(struct file *f, void *ubuf, size_t n, off_t off);
	int64_t (*pwrite)(struct file *f, const void *ubuf, size_t n, off_t off);
	/*
	 * Held across each whole write and writev (kern/file.c), so that the
	 * bytes of one call are not interleaved with another writer's, as on a
	 * Linux terminal. NULL: none.
	 */
	struct sleeplock *write_lock;
	/* lseek: the new offset or -errno (file_seek does the arithmetic). NULL: -ESPIPE. */
	int64_t (*llseek)(struct file *f, off_t offset, int whence);
	/*
	 * The memory object an mmap of f maps, with a reference for the caller (a
	 * private mapping puts a copy-on-write shadow over it). NULL: -ENODEV.
	 */
	int (*mmap)(struct file *f, struct vmobj **objp);
	/*
	 * Whether a read may wait for data (a pipe, the console): then readv stops
	 * after the first buffer that got some, as a read may return less.
	 */
	bool reads_may_wait;
	/*
	 * What is so now, as poll's POLL* bits (inc/poll.h); whoever changes it
	 * calls poll_wakeup (kern/poll.h). NULL: always readable and writable.
	 */
	int (*poll)(struct file *f);
	/* Carry out ioctl request with argument arg (often a user pointer). NULL: -ENOTTY. */
	int64_t (*ioctl)(struct file *f, uint64_t request, uint64_t arg);
	/* The last reference is gone: let go of what f holds, not f itself. May be NULL. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	bool readable, writable;	/* fixed when the file is made */
	int status;			/* O_APPEND | O_NONBLOCK | O_LARGEFILE: open's, or fcntl(F_SETFL)'s; atomic */
	struct spinlock lock;		/* protects ref */
	int ref;			/* descriptors and calls in progress using f */
	struct sleeplock pos_lock;	/* protects offset */
	off_t offset;			/* where the next read or write starts */
	struct vnode *vn;		/* the file opened (held); NULL for a pipe */
	struct pipe *pipe;		/* a pipe end: the pipe */
};

/* A process's descriptors: fd n refers to fd[n], or is closed if that is NULL. */
struct fdtable {
	struct spinlock lock;	/* protects fd[] and cloexec; each entry holds one file reference */
	struct file *fd[NOFILE];
	uint64_t cloexec;	/* bit n: close fd n at a successful execve (FD_CLOEXEC) */
};

_Static_assert(NOFILE <= 64, "one bit of fdtable.cloexec a descriptor");

/* A new file with ops, one reference and offset 0; NULL if out of memory. */
struct file *file_alloc(const struct file_ops *ops, bool readable, bool writable);
/* Drop a reference to f; the last one releases f's contents and frees it. */
void file_put(struct file *f);
/*
 * lseek's arithmetic for a file of size bytes: SEEK_SET, SEEK_CUR, SEEK_END,
 * and SEEK_DATA and SEEK_HOLE for a file that is data throughout (offset
 * itself, or the end; -ENXIO unless offset is inside the file); the new
 * offset, or -EINVAL (a bad whence, a negative or overflowing result).
 */
int64_t file_seek(struct file *f, off_t offset, int whence, uint64_t size);

/* A table for init: console open for reading and writing on fds 0, 1 and 2 (taking the caller's reference). NULL if out of memory. */
struct fdtable *fdtable_with_console(struct file *console);
/* A table whose descriptors share the files of t's; NULL (taking nothing) if out of memory. */
struct fdtable *fdtable_copy(struct fdtable *t);
/*
 * The file behind descriptor fd of t with a reference added for the caller (drop
 * it with file_put), so that a close elsewhere cannot free it mid-call; NULL if fd
 * is not open.
 */
struct file *fd_get(struct fdtable *t, int fd);
/* Close the descriptors of t marked close-on-exec: execve has succeeded. */
void fdtable_close_on_exec(struct fdtable *t);
/* Close every descriptor of t and free it. The caller is t's last user. */
void fdtable_free(struct fdtable *t);

/*
 * A new pipe: *readf is its read end and *writef its write end, one reference each.
 * 0, or -ENOMEM with nothing allocated. Implemented in pipe.c.
 */
int pipe_create(struct file **readf, struct file **writef);

/* System calls on descriptors of the calling process. */
int64_t sys_read(int fd, void *ubuf, size_t n);
int64_t sys_write(int fd, const void *ubuf, size_t n);
int64_t sys_pread64(int fd, void *ubuf, size_t n, off_t off);
int64_t sys_pwrite64(int fd, const void *ubuf, size_t n, off_t off);
int64_t sys_readv(int fd, const struct iovec *uiov, int iovcnt);
int64_t sys_writev(int fd, const struct iovec *uiov, int iovcnt);
int64_t sys_ioctl(int fd, uint64_t request, uint64_t arg);
int64_t sys_fcntl(int fd, int cmd, uint64_t arg);
int64_t sys_dup3(int oldfd, int newfd, int flags);
int64_t sys_close(int fd);
int64_t sys_fstat(int fd, struct stat *ust);
int64_t sys_lseek(int fd, off_t offset, int whence);
int64_t sys_pipe2(int *ufds, int flags);
int64_t sys_umask(uint32_t mask);
/*
 * Give f a descriptor of the calling process, the lowest free one, taking over
 * the caller's reference (dropped on failure): the fd, or -EMFILE.
 */
int fd_install_file(struct file *f, bool cloexec);
static inline int64_t sys_pipe(int *ufds)
{
	return sys_pipe2(ufds, 0);
}
int64_t sys_dup(int fd);
int64_t sys_dup2(int oldfd, int newfd);

#endif
