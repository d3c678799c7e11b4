/*
 * Open files (the console, initrd files, /dev/null, /dev/zero; pipes are in pipe.c),
 * per-process descriptor tables, and the system calls on descriptors.
 */
#include <inc/ioctl.h>
#include <inc/poll.h>
#include <inc/termios.h>
#include <inc/uio.h>
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/mmu.h>
#include <inc/stat.h>
#include <inc/string.h>
#include <kern/console.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/pgrp.h>
#include <kern/proc.h>
#include <kern/ramdisk.h>
#include <kern/uaccess.h>

/* The console moves data through a kernel bounce buffer of this size. */
#define CONSOLE_CHUNK 256
/* Longest path open() accepts, terminator included. */
#define OPEN_PATHMAX 256

struct file *file_alloc(const struct file_ops *ops, bool readable, bool writable)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->readable = readable;
	f->writable = writable;
	spin_init(&f->lock, "file", LOCK_FILE);
	f->ref = 1;
	return f;
}

/* Add a reference to f, which the caller keeps alive. Returns f. */
static struct file *file_hold(struct file *f)
{
	spin_lock(&f->lock);
	f->ref++;
	spin_unlock(&f->lock);
	return f;
}

void file_put(struct file *f)
{
	spin_lock(&f->lock);
	bool last = --f->ref == 0;
	spin_unlock(&f->lock);
	if (!last)
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
}

bool file_initrd_contents(struct file *f, const uint8_t **data, size_t *size)
{
	if (f->ops->kind != FILE_INITRD)
		return false;
	*data = f->initrd.data;
	*size = f->initrd.size;
	return true;
}

/* Console input: as the terminal settings say (kern/console.h). */
static int64_t console_file_read(struct file *f, void *ubuf, size_t n)
{
	char kbuf[CONSOLE_CHUNK];
	int64_t got = console_read(kbuf, MIN(n, sizeof(kbuf)),
				   __atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK);

	if (got > 0 && copy_to_user(ubuf, kbuf, (size_t)got) < 0)
		return -EFAULT;
	return got;
}

/* Console output; a fault after some bytes went out returns their count. */
static int64_t console_file_write(struct file *f, const void *ubuf, size_t n)
{
	char kbuf[CONSOLE_CHUNK];
	size_t done = 0;

	while (done < n) {
		size_t k = MIN(n - done, sizeof(kbuf));
		if (copy_from_user(kbuf, (const char *)ubuf + done, k) < 0)
			return done ? (int64_t)done : -EFAULT;
		console_write_tty(kbuf, k);
		done += k;
	}
	return (int64_t)done;
}

/*
 * The console's size, as TIOCGWINSZ reports it: 24 x 80 until a program sets
 * another with TIOCSWINSZ (a serial line cannot tell). Under winsize_lock.
 */
static struct winsize console_winsize = { 24, 80, 0, 0 };
static struct spinlock winsize_lock = SPINLOCK_INIT("winsize", LOCK_WINSIZE);

/* Store a console ioctl's pid_t answer at user address ubuf: 0 or -EFAULT. */
static int64_t put_pid(pid_t v, uint64_t ubuf)
{
	return copy_to_user((void *)ubuf, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/*
 * The console's ioctls: its settings (inc/termios.h; output never queues, so
 * TCSETSW waits for nothing) and input count; its size, get and set; its
 * foreground group and session (kern/pgrp.c). -EFAULT for a bad pointer.
 */
static int64_t console_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct winsize ws;
	pid_t pid = 0;
	int r;

	struct termios tio;
	int count;

	switch (request) {
	case TCGETS:
		console_get_termios(&tio);
		return copy_to_user((void *)arg, &tio, sizeof(tio)) < 0 ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&tio, (const void *)arg, sizeof(tio)) < 0)
			return -EFAULT;
		console_set_termios(&tio, request == TCSETSF);
		return 0;
	case TCFLSH:
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)
			console_flush_input();
		return 0;
	case FIONREAD:
		count = (int)console_pending();
		return copy_to_user((void *)arg, &count, sizeof(count)) < 0 ? -EFAULT : 0;
	case TIOCGPGRP:
		r = console_foreground(&pid);
		return r < 0 ? r : put_pid(pid, arg);
	case TIOCGSID:
		r = console_session(&pid);
		return r < 0 ? r : put_pid(pid, arg);
	case TIOCSPGRP:
		if (copy_from_user(&pid, (const void *)arg, sizeof(pid)) < 0)
			return -EFAULT;
		return console_set_foreground(pid);
	case TIOCSCTTY:
		return console_take(arg == 1);
	case TIOCGWINSZ:
		spin_lock(&winsize_lock);
		ws = console_winsize;
		spin_unlock(&winsize_lock);
		return copy_to_user((void *)arg, &ws, sizeof(ws)) < 0 ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, (const void *)arg, sizeof(ws)) < 0)
			return -EFAULT;
		spin_lock(&winsize_lock);
		console_winsize = ws;
		spin_unlock(&winsize_lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* poll: readable as the line discipline says; output never waits. */
static int console_poll(struct file *f)
{
	return (console_poll_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

static const struct file_ops console_ops = {
	.kind = FILE_CONSOLE,
	.mode = S_IFCHR | 0620,
	.read = console_file_read,
	.write = console_file_write,
	.reads_may_wait = true,
	.ioctl = console_ioctl,
	.poll = console_poll,
};

/* /dev/null and /dev/zero swallow writes whole, as Linux's do, without reading them. */
static int64_t discard_write(struct file *f, const void *ubuf, size_t n)
{
	return (int64_t)n;
}

/* /dev/null reads as an empty file. */
static int64_t null_read(struct file *f, void *ubuf, size_t n)
{
	return 0;
}

/* /dev/zero reads as endless zeros; a fault after some were stored returns their count. */
static int64_t zero_read(struct file *f, void *ubuf, size_t n)
{
	static const char zeros[PGSIZE];
	size_t done = 0;

	while (done < n) {
		size_t k = MIN(n - done, sizeof(zeros));
		if (copy_to_user((char *)ubuf + done, zeros, k) < 0)
			return done ? (int64_t)done : -EFAULT;
		done += k;
	}
	return (int64_t)done;
}

/* The devices have no offset: pread and pwrite act as read and write. */
static int64_t null_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	return null_read(f, ubuf, n);
}

static int64_t zero_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	return zero_read(f, ubuf, n);
}

static int64_t discard_pwrite(struct file *f, const void *ubuf, size_t n, off_t off)
{
	return discard_write(f, ubuf, n);
}

static const struct file_ops null_ops = {
	.kind = FILE_NULL,
	.mode = S_IFCHR | 0666,
	.read = null_read,
	.write = discard_write,
	.pread = null_pread,
	.pwrite = discard_pwrite,
};

static const struct file_ops zero_ops = {
	.kind = FILE_ZERO,
	.mode = S_IFCHR | 0666,
	.read = zero_read,
	.write = discard_write,
	.pread = zero_pread,
	.pwrite = discard_pwrite,
};

/*
 * Read from an initrd file at its offset. The range is claimed under the lock
 * before the copy, so readers sharing f never get the same bytes twice; if the
 * copy faults the offset goes back, unless another call has moved it since.
 */
static int64_t initrd_file_read(struct file *f, void *ubuf, size_t n)
{
	spin_lock(&f->lock);
	off_t pos = f->offset;
	size_t left = (size_t)pos < f->initrd.size ? f->initrd.size - (size_t)pos : 0;
	size_t k = MIN(n, left);
	f->offset = pos + (off_t)k;
	spin_unlock(&f->lock);

	if (k == 0 || copy_to_user(ubuf, f->initrd.data + pos, k) == 0)
		return (int64_t)k;
	spin_lock(&f->lock);
	if (f->offset == pos + (off_t)k)
		f->offset = pos;
	spin_unlock(&f->lock);
	return -EFAULT;
}

/* pread of an initrd file: up to n bytes from off, leaving the offset alone. */
static int64_t initrd_file_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	size_t left = (uint64_t)off < f->initrd.size ? f->initrd.size - (size_t)off : 0;
	size_t k = MIN(n, left);

	if (k && copy_to_user(ubuf, f->initrd.data + off, k) < 0)
		return -EFAULT;
	return (int64_t)k;
}

/* Initrd files are never writable: open refuses every mode that would write. */
static const struct file_ops initrd_ops = {
	.kind = FILE_INITRD,
	.mode = S_IFREG | 0555,
	.read = initrd_file_read,
	.pread = initrd_file_pread,
};

/* Move f's offset as lseek says. Returns the new offset, or -EINVAL. */
static int64_t initrd_file_seek(struct file *f, off_t offset, int whence)
{
	off_t base, pos;

	spin_lock(&f->lock);
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->offset; break;
	case SEEK_END: base = (off_t)f->initrd.size; break;
	default:
		spin_unlock(&f->lock);
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, offset, &pos) || pos < 0) {
		spin_unlock(&f->lock);
		return -EINVAL;
	}
	f->offset = pos;
	spin_unlock(&f->lock);
	return pos;
}

/* A table with every descriptor closed, or NULL if out of memory. */
static struct fdtable *fdtable_alloc(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (t)
		spin_init(&t->lock, "fdtable", LOCK_FDTABLE);
	return t;
}

struct fdtable *fdtable_with_console(void)
{
	struct fdtable *t = fdtable_alloc();
	struct file *console = t ? file_alloc(&console_ops, true, true) : NULL;

	if (!console) {
		kfree(t);
		return NULL;
	}
	t->fd[0] = console;
	t->fd[1] = file_hold(console);
	t->fd[2] = file_hold(console);
	return t;
}

struct fdtable *fdtable_copy(struct fdtable *t)
{
	struct fdtable *copy = fdtable_alloc();

	if (!copy)
		return NULL;
	spin_lock(&t->lock);
	for (int fd = 0; fd < NOFILE; fd++)
		if (t->fd[fd])
			copy->fd[fd] = file_hold(t->fd[fd]);
	copy->cloexec = t->cloexec;
	spin_unlock(&t->lock);
	return copy;
}

void fdtable_close_on_exec(struct fdtable *t)
{
	struct file *closing[NOFILE];
	int n = 0;

	spin_lock(&t->lock);
	for (int fd = 0; fd < NOFILE; fd++) {
		if (t->fd[fd] && (t->cloexec & (1UL << fd))) {
			closing[n++] = t->fd[fd];
			t->fd[fd] = NULL;
		}
	}
	t->cloexec = 0;
	spin_unlock(&t->lock);
	while (n > 0)
		file_put(closing[--n]);
}

void fdtable_free(struct fdtable *t)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (t->fd[fd])
			file_put(t->fd[fd]);
	kfree(t);
}

/* Set or clear descriptor fd's close-on-exec flag. Caller holds t->lock. */
static void set_cloexec_locked(struct fdtable *t, int fd, bool cloexec)
{
	if (cloexec)
		t->cloexec |= 1UL << fd;
	else
		t->cloexec &= ~(1UL << fd);
}

/*
 * One more than the highest descriptor the calling process may use: its
 * RLIMIT_NOFILE, which setrlimit keeps at most NOFILE.
 */
static int fd_limit(void)
{
	return (int)proc_limit(RLIMIT_NOFILE);
}

/*
 * Give f the lowest closed descriptor of t from lowest on (below the caller's
 * fd_limit), taking over the caller's reference, close-on-exec if cloexec says
 * so. The fd, or -EMFILE.
 */
static int fd_install_from(struct fdtable *t, struct file *f, int lowest, bool cloexec)
{
	int limit = fd_limit();

	spin_lock(&t->lock);
	for (int fd = lowest; fd < limit; fd++) {
		if (!t->fd[fd]) {
			t->fd[fd] = f;
			set_cloexec_locked(t, fd, cloexec);
			spin_unlock(&t->lock);
			return fd;
		}
	}
	spin_unlock(&t->lock);
	return -EMFILE;
}

/* fd_install_from the lowest descriptor. */
static int fd_install(struct fdtable *t, struct file *f, bool cloexec)
{
	return fd_install_from(t, f, 0, cloexec);
}

struct file *fd_get(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= NOFILE)
		return NULL;
	spin_lock(&t->lock);
	if (t->fd[fd])
		f = file_hold(t->fd[fd]);
	spin_unlock(&t->lock);
	return f;
}

/*
 * Close descriptor fd of t if it still refers to f: undoes an fd_install that a
 * later step of the same call could not complete.
 */
static void fd_uninstall(struct fdtable *t, int fd, struct file *f)
{
	spin_lock(&t->lock);
	bool ours = t->fd[fd] == f;
	if (ours)
		t->fd[fd] = NULL;
	spin_unlock(&t->lock);
	if (ours)
		file_put(f);
}

/* The devices open() knows, by name without the leading '/'. */
static const struct {
	const char *name;
	const struct file_ops *ops;
} devices[] = {
	{ "dev/null", &null_ops },
	{ "dev/zero", &zero_ops },
};

/*
 * Open the file path names with open()'s flags: a device from the table above
 * (any access mode), or an initrd file (read-only). Returns 0 with *fp set to a
 * new file, or -errno: -EINVAL for a bad access mode, -ENOENT if nothing has that
 * name, -EEXIST for O_CREAT | O_EXCL on a name that exists, -EROFS if the call
 * asks to create, truncate or write an initrd file, -ENOMEM.
 */
static int file_open(const char *path, int flags, struct file **fp)
{
	int access = flags & O_ACCMODE;

	if (access == O_ACCMODE)
		return -EINVAL;
	bool readable = access != O_WRONLY, writable = access != O_RDONLY;
	bool exclusive = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	while (*path == '/')
		path++;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		if (strcmp(path, devices[i].name) == 0) {
			if (exclusive)
				return -EEXIST;
			*fp = file_alloc(devices[i].ops, readable, writable);
			return *fp ? 0 : -ENOMEM;
		}
	}
	const struct initrd_file *entry = ramdisk_lookup(path);
	if (!entry)
		return flags & O_CREAT ? -EROFS : -ENOENT;
	if (exclusive)
		return -EEXIST;
	if (writable || (flags & O_TRUNC))
		return -EROFS;
	*fp = file_alloc(&initrd_ops, true, false);
	if (!*fp)
		return -ENOMEM;
	(*fp)->initrd.data = ramdisk_data(entry);
	(*fp)->initrd.size = entry->size;
	return 0;
}

/*
 * Whether a read or write of the n bytes at ubuf may go ahead on a file that was
 * (allowed) or was not opened for it: 0, -EBADF, or -EFAULT if the buffer is not
 * in user space.
 */
static int transfer_check(bool allowed, const void *ubuf, size_t n)
{
	if (!allowed)
		return -EBADF;
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	return 0;
}

/* read: as the file's kind does it; 0 for n == 0 without touching the file. */
int64_t sys_read(int fd, void *ubuf, size_t n)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = transfer_check(f->readable, ubuf, n);
	if (r == 0 && n > 0)
		r = f->ops->read(f, ubuf, n);
	file_put(f);
	return r;
}

/* write: as the file's kind does it; 0 for n == 0. */
int64_t sys_write(int fd, const void *ubuf, size_t n)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = transfer_check(f->writable, ubuf, n);
	if (r == 0 && n > 0)
		r = f->ops->write(f, ubuf, n);
	file_put(f);
	return r;
}

/*
 * pread64 and pwrite64: n bytes at offset off, the file's own offset left as it
 * is. -EBADF (closed, or not open that way), -EINVAL for a negative offset,
 * -ESPIPE for files without offsets (pipes, the console), -EFAULT.
 */
static int64_t transfer_at(int fd, void *ubuf, size_t n, off_t off, bool writing)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = off < 0 ? -EINVAL : transfer_check(writing ? f->writable : f->readable, ubuf, n);
	if (r == 0 && !(writing ? f->ops->pwrite != NULL : f->ops->pread != NULL))
		r = -ESPIPE;
	if (r == 0 && n > 0)
		r = writing ? f->ops->pwrite(f, ubuf, n, off) : f->ops->pread(f, ubuf, n, off);
	file_put(f);
	return r;
}

int64_t sys_pread64(int fd, void *ubuf, size_t n, off_t off)
{
	return transfer_at(fd, ubuf, n, off, false);
}

int64_t sys_pwrite64(int fd, const void *ubuf, size_t n, off_t off)
{
	return transfer_at(fd, (void *)ubuf, n, off, true);
}

/*
 * Check the iovcnt buffers at uiov as Linux does before moving a byte: a count
 * from 0 to IOV_MAX (-EINVAL), readable vectors and buffers in user space
 * (-EFAULT), and lengths whose total fits in an ssize_t (-EINVAL).
 */
static int64_t iovec_check(const struct iovec *uiov, int iovcnt)
{
	uint64_t total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (copy_from_user(&v, &uiov[i], sizeof(v)) < 0)
			return -EFAULT;
		if (v.iov_len > (uint64_t)INT64_MAX - total)
			return -EINVAL;
		if (!user_range_ok(v.iov_base, v.iov_len))
			return -EFAULT;
		total += v.iov_len;
	}
	return 0;
}

/*
 * readv and writev: the buffers in order, as one call. A short transfer (end
 * of file, a fault) ends the call with what moved so far; so does a read that
 * got data from a file whose reads may wait, so that readv never waits once it
 * has something. An error is returned only if nothing moved.
 */
static int64_t transfer_vector(int fd, const struct iovec *uiov, int iovcnt, bool writing)
{
	struct file *f = fd_get(myproc()->files, fd);
	int64_t r = 0, done = 0;

	if (!f)
		return -EBADF;
	if (!(writing ? f->writable : f->readable) || (r = iovec_check(uiov, iovcnt)) < 0) {
		file_put(f);
		return r < 0 ? r : -EBADF;
	}
	for (int i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (copy_from_user(&v, &uiov[i], sizeof(v)) < 0 ||
		    !user_range_ok(v.iov_base, v.iov_len)) {
			r = -EFAULT;
			break;
		}
		if (v.iov_len == 0)
			continue;
		r = writing ? f->ops->write(f, v.iov_base, v.iov_len)
			    : f->ops->read(f, v.iov_base, v.iov_len);
		if (r < 0)
			break;
		done += r;
		if ((size_t)r < v.iov_len || (!writing && f->ops->reads_may_wait))
			break;
	}
	file_put(f);
	return done > 0 || r >= 0 ? done : r;
}

int64_t sys_readv(int fd, const struct iovec *uiov, int iovcnt)
{
	return transfer_vector(fd, uiov, iovcnt, false);
}

int64_t sys_writev(int fd, const struct iovec *uiov, int iovcnt)
{
	return transfer_vector(fd, uiov, iovcnt, true);
}

/*
 * ioctl: the requests every descriptor takes (FIONBIO sets or clears
 * O_NONBLOCK from the int at arg, FIOCLEX and FIONCLEX the close-on-exec
 * flag), then the file's own; -ENOTTY for kinds that have none (not
 * terminals). The request is 32 bits, as on Linux.
 */
int64_t sys_ioctl(int fd, uint64_t request, uint64_t arg)
{
	struct fdtable *t = myproc()->files;
	struct file *f = fd_get(t, fd);
	int64_t r = 0;
	int on;

	if (!f)
		return -EBADF;
	switch ((uint32_t)request) {
	case FIONBIO:
		if (copy_from_user(&on, (const void *)arg, sizeof(on)) < 0)
			r = -EFAULT;
		else if (on)
			__atomic_or_fetch(&f->status, O_NONBLOCK, __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&f->status, ~O_NONBLOCK, __ATOMIC_RELAXED);
		break;
	case FIOCLEX:
	case FIONCLEX:
		spin_lock(&t->lock);
		if (t->fd[fd] == f)
			set_cloexec_locked(t, fd, (uint32_t)request == FIOCLEX);
		spin_unlock(&t->lock);
		break;
	default:
		r = f->ops->ioctl ? f->ops->ioctl(f, (uint32_t)request, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/*
 * open(path, flags): see file_open for what can be opened. O_CLOEXEC marks
 * the descriptor close-on-exec; O_APPEND and O_NONBLOCK are the file's status
 * flags (fcntl F_GETFL). The mode argument is not needed, since nothing can be
 * created.
 */
int64_t sys_open(const char *upath, int flags)
{
	char path[OPEN_PATHMAX];
	int64_t r = strncpy_from_user(path, upath, sizeof(path));
	struct file *f;

	if (r < 0)
		return r;
	r = file_open(path, flags, &f);
	if (r < 0)
		return r;
	f->status = flags & (O_APPEND | O_NONBLOCK);
	r = fd_install(myproc()->files, f, flags & O_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

/* close: the file goes when its last descriptor (or call in progress) lets go. */
int64_t sys_close(int fd)
{
	struct fdtable *t = myproc()->files;

	if (fd < 0 || fd >= NOFILE)
		return -EBADF;
	spin_lock(&t->lock);
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* fstat: type, permissions and (initrd files) size; ids and times are 0. */
int64_t sys_fstat(int fd, struct stat *ust)
{
	struct file *f = fd_get(myproc()->files, fd);
	struct stat st;

	if (!f)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	st.st_mode = f->ops->mode;
	st.st_nlink = 1;
	st.st_blksize = PGSIZE;
	if (f->ops->kind == FILE_INITRD) {
		st.st_size = (int64_t)f->initrd.size;
		st.st_blocks = (int64_t)ROUNDUP(f->initrd.size, 512) / 512;
	}
	file_put(f);
	return copy_to_user(ust, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* lseek: only initrd files have an offset; pipes and devices give -ESPIPE. */
int64_t sys_lseek(int fd, off_t offset, int whence)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = f->ops->kind == FILE_INITRD ? initrd_file_seek(f, offset, whence) : -ESPIPE;
	file_put(f);
	return r;
}

/*
 * pipe2: flags may hold O_CLOEXEC (both descriptors close-on-exec) and
 * O_NONBLOCK (both ends' status); anything else is -EINVAL.
 */
int64_t sys_pipe2(int *ufds, int flags)
{
	struct fdtable *t = myproc()->files;
	struct file *readf, *writef;
	bool cloexec = flags & O_CLOEXEC;
	int fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	int r = pipe_create(&readf, &writef);
	if (r < 0)
		return r;
	readf->status = writef->status = flags & O_NONBLOCK;
	fds[0] = fd_install(t, readf, cloexec);
	if (fds[0] < 0) {
		file_put(readf);
		file_put(writef);
		return fds[0];
	}
	fds[1] = fd_install(t, writef, cloexec);
	if (fds[1] < 0) {
		fd_uninstall(t, fds[0], readf);
		file_put(writef);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds)) < 0) {
		fd_uninstall(t, fds[0], readf);
		fd_uninstall(t, fds[1], writef);
		return -EFAULT;
	}
	return 0;
}

/*
 * The lowest closed descriptor from lowest on now shares fd's file too,
 * close-on-exec if cloexec says so: the new fd, -EBADF, or -EMFILE if none.
 */
static int64_t dup_from(int fd, int lowest, bool cloexec)
{
	struct fdtable *t = myproc()->files;
	struct file *f = fd_get(t, fd);

	if (!f)
		return -EBADF;
	int r = fd_install_from(t, f, lowest, cloexec);
	if (r < 0)
		file_put(f);
	return r;
}

/* dup: the lowest closed descriptor, not close-on-exec. */
int64_t sys_dup(int fd)
{
	return dup_from(fd, 0, false);
}

/*
 * newfd refers to oldfd's file, closing what newfd had, close-on-exec as
 * cloexec says; oldfd == newfd changes nothing. newfd, or -EBADF (also for a
 * newfd at or past the caller's fd_limit).
 */
static int64_t dup_onto(int oldfd, int newfd, bool cloexec)
{
	struct fdtable *t = myproc()->files;

	if (oldfd < 0 || oldfd >= NOFILE || newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	spin_lock(&t->lock);
	struct file *f = t->fd[oldfd], *replaced = NULL;
	if (f && oldfd != newfd) {
		replaced = t->fd[newfd];
		t->fd[newfd] = file_hold(f);
		set_cloexec_locked(t, newfd, cloexec);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	if (replaced)
		file_put(replaced);
	return newfd;
}

/* dup2: dup_onto, newfd not close-on-exec; dup2(fd, fd) is fd. */
int64_t sys_dup2(int oldfd, int newfd)
{
	return dup_onto(oldfd, newfd, false);
}

/* dup3: as dup2, with flags 0 or O_CLOEXEC; -EINVAL for other flags or oldfd == newfd. */
int64_t sys_dup3(int oldfd, int newfd, int flags)
{
	if ((flags & ~O_CLOEXEC) || oldfd == newfd)
		return -EINVAL;
	return dup_onto(oldfd, newfd, flags & O_CLOEXEC);
}

/*
 * fcntl: F_DUPFD and F_DUPFD_CLOEXEC (the lowest closed descriptor >= arg,
 * -EINVAL if arg is at or past the caller's fd_limit), F_GETFD and F_SETFD (FD_CLOEXEC), F_GETFL
 * (access mode and status flags) and F_SETFL (O_APPEND and O_NONBLOCK; other
 * bits are ignored, as on Linux). -EBADF for a closed fd, -EINVAL for other
 * commands.
 */
int64_t sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct fdtable *t = myproc()->files;
	struct file *f = fd_get(t, fd);
	int64_t r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* The lowest descriptor is an unsigned int, as on Linux. */
		r = (uint32_t)arg >= (uint32_t)fd_limit() ? -EINVAL
					    : dup_from(fd, (int)(uint32_t)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		spin_lock(&t->lock);
		r = (t->cloexec >> fd) & 1 ? FD_CLOEXEC : 0;
		spin_unlock(&t->lock);
		break;
	case F_SETFD:
		spin_lock(&t->lock);
		if (t->fd[fd] == f)
			set_cloexec_locked(t, fd, arg & FD_CLOEXEC);
		spin_unlock(&t->lock);
		break;
	case F_GETFL:
		r = (f->readable && f->writable ? O_RDWR : f->writable ? O_WRONLY : O_RDONLY) |
		    __atomic_load_n(&f->status, __ATOMIC_RELAXED);
		break;
	case F_SETFL:
		__atomic_store_n(&f->status, (int)(arg & (O_APPEND | O_NONBLOCK)), __ATOMIC_RELAXED);
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

/*
 * getcwd: the current directory's path, NUL included, and its length (the
 * raw call's result, as on Linux). elk's files all sit in one directory, the
 * root, so every process's current directory is "/". -ERANGE if size is too
 * small, -EFAULT.
 */
int64_t sys_getcwd(char *ubuf, size_t size)
{
	static const char root[] = "/";

	if (size < sizeof(root))
		return -ERANGE;
	return copy_to_user(ubuf, root, sizeof(root)) < 0 ? -EFAULT : (int64_t)sizeof(root);
}

/*
 * umask: set the calling process's file mode creation mask to mask & 0777 and
 * return the old one. Inherited by fork, kept by execve. No call of elk's
 * creates a file yet, so nothing else reads it.
 */
int64_t sys_umask(uint32_t mask)
{
	return __atomic_exchange_n(&myproc()->umask, mask & 0777, __ATOMIC_RELAXED);
}
