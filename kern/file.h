/*
 * Open files and per-process descriptor tables.
 *
 * A struct file is one open file description, made by open() or pipe(). It is
 * reference counted: dup, dup2 and fork add descriptors that share it, and with it
 * its offset, as POSIX says. What read and write do depends on the file's kind,
 * through its ops table.
 *
 * Lock order: an fdtable's lock, then a file's lock. Neither is held across a user
 * copy, which may fault pages in and sleep. Pipes have their own lock (pipe.c),
 * never taken together with these.
 */
#ifndef ELK_KERN_FILE_H
#define ELK_KERN_FILE_H

#include <inc/types.h>
#include <kern/spinlock.h>

#define NOFILE 64	/* descriptors per process */

struct iovec;
struct pipe;
struct stat;

enum file_kind { FILE_CONSOLE, FILE_PIPE, FILE_INITRD, FILE_NULL, FILE_ZERO };

struct file;

/* What one kind of file does. A file is only read if readable, written if writable. */
struct file_ops {
	enum file_kind kind;
	uint32_t mode;	/* st_mode for fstat: S_IF* type and permissions */
	/*
	 * Move up to n > 0 bytes between the file and user memory ubuf (which lies in
	 * user space, but may still fault). Returns the count (read: 0 at end of file)
	 * or -errno. Called with no locks held; may sleep.
	 */
	int64_t (*read)(struct file *f, void *ubuf, size_t n);
	int64_t (*write)(struct file *f, const void *ubuf, size_t n);
	/*
	 * The same at offset off >= 0, without moving the file's offset (pread64,
	 * pwrite64). NULL for files without offsets: -ESPIPE.
	 */
	int64_t (*pread)(struct file *f, void *ubuf, size_t n, off_t off);
	int64_t (*pwrite)(struct file *f, const void *ubuf, size_t n, off_t off);
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
	int status;			/* O_APPEND | O_NONBLOCK: open's, or fcntl(F_SETFL)'s */
	struct spinlock lock;		/* protects ref and offset */
	int ref;			/* descriptors and calls in progress using f */
	off_t offset;			/* initrd files: where the next read starts */
	union {
		struct {		/* FILE_INITRD: the file's bytes in the ramdisk */
			const uint8_t *data;
			size_t size;
		} initrd;
		struct pipe *pipe;	/* FILE_PIPE: the pipe this is an end of */
	};
};

/* A process's descriptors: fd n refers to fd[n], or is closed if that is NULL. */
struct fdtable {
	struct spinlock lock;	/* protects fd[] and cloexec; each entry holds one file reference */
	struct file *fd[NOFILE];
	uint64_t cloexec;	/* bit n: close fd n at a successful execve (FD_CLOEXEC) */
};

_Static_assert(NOFILE <= 64, "one bit of fdtable.cloexec a descriptor");

/* A new file of the given kind with one reference and offset 0; NULL if out of memory. */
struct file *file_alloc(const struct file_ops *ops, bool readable, bool writable);
/* Drop a reference to f; the last one releases f's contents and frees it. */
void file_put(struct file *f);
/*
 * If f is an initrd file, set *data and *size to its bytes (which stay in place
 * for as long as the kernel runs) and return true; else return false.
 */
bool file_initrd_contents(struct file *f, const uint8_t **data, size_t *size);

/* A table for init: the console open for reading and writing on fds 0, 1 and 2. NULL if out of memory. */
struct fdtable *fdtable_with_console(void);
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
int64_t sys_open(const char *upath, int flags);
int64_t sys_close(int fd);
int64_t sys_fstat(int fd, struct stat *ust);
int64_t sys_lseek(int fd, off_t offset, int whence);
int64_t sys_pipe2(int *ufds, int flags);
int64_t sys_getcwd(char *ubuf, size_t size);
int64_t sys_umask(uint32_t mask);
static inline int64_t sys_pipe(int *ufds)
{
	return sys_pipe2(ufds, 0);
}
int64_t sys_dup(int fd);
int64_t sys_dup2(int oldfd, int newfd);

#endif
