/*
 * Open files, per-process descriptor tables, and the system calls on
 * descriptors. What a file is (tmpfs.c, dev.c, pipe.c) is its ops table's
 * business; opening by name is vfs.c's.
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
#include <kern/uaccess.h>
#include <kern/vfs.h>

struct file *file_alloc(const struct file_ops *ops, bool readable, bool writable)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->readable = readable;
	f->writable = writable;
	spin_init(&f->lock, "file", LOCK_FILE);
	sleeplock_init(&f->pos_lock, "file-pos", LOCK_FILEPOS);
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
	if (f->vn)
		vn_put(f->vn);
	kfree(f);
}

int64_t file_seek(struct file *f, off_t offset, int whence, uint64_t size)
{
	off_t base, pos;

	sleeplock_acquire(&f->pos_lock);
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->offset; break;
	case SEEK_END: base = (off_t)size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (offset < 0 || (uint64_t)offset >= size) {
			sleeplock_release(&f->pos_lock);
			return -ENXIO;
		}
		base = whence == SEEK_DATA ? 0 : (off_t)size;
		offset = whence == SEEK_DATA ? offset : 0;
		break;
	default:
		sleeplock_release(&f->pos_lock);
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, offset, &pos) || pos < 0) {
		sleeplock_release(&f->pos_lock);
		return -EINVAL;
	}
	f->offset = pos;
	sleeplock_release(&f->pos_lock);
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

struct fdtable *fdtable_with_console(struct file *console)
{
	struct fdtable *t = fdtable_alloc();

	if (!t) {
		file_put(console);
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

/* Entry i of u, or -EFAULT if it cannot be read or has left user space. */
static int user_iov_entry(const struct user_iov *u, int i, struct iovec *v)
{
	if (!u->uiov)
		*v = u->one;
	else if (copy_from_user(v, &u->uiov[i], sizeof(*v)) < 0)
		return -EFAULT;
	return user_range_ok(v->iov_base, v->iov_len) ? 0 : -EFAULT;
}

int64_t user_iov_len(const struct user_iov *u)
{
	int64_t total = 0;
	struct iovec v;

	for (int i = 0; i < u->cnt; i++) {
		if (user_iov_entry(u, i, &v) < 0)
			return -EFAULT;
		total += (int64_t)v.iov_len;
	}
	return total;
}

/*
 * Call fn on each piece of u's buffers that the n bytes from skip on cover,
 * with the offset of the piece in those n bytes; stop where fn returns false.
 * The bytes whose pieces fn took.
 */
static size_t user_iov_walk(const struct user_iov *u, size_t skip, size_t n,
			    bool (*fn)(char *ubuf, size_t at, size_t len, void *arg), void *arg)
{
	size_t done = 0;
	struct iovec v;

	for (int i = 0; i < u->cnt && done < n; i++) {
		if (user_iov_entry(u, i, &v) < 0)
			break;
		if (skip >= v.iov_len) {
			skip -= v.iov_len;
			continue;
		}
		size_t k = MIN(v.iov_len - skip, n - done);
		if (!fn((char *)v.iov_base + skip, done, k, arg))
			break;
		skip = 0;
		done += k;
	}
	return done;
}

/* user_iov_walk's step for copying out: returns false after a short copy, noting how much went. */
struct copy_out { const char *src; size_t partial; };

static bool copy_out_piece(char *ubuf, size_t at, size_t len, void *arg)
{
	struct copy_out *c = arg;
	size_t done = 0;

	while (done < len) {	/* a page at a time, to stop at the first that faults */
		size_t k = MIN(len - done, PGSIZE - (uintptr_t)(ubuf + done) % PGSIZE);
		if (copy_to_user(ubuf + done, c->src + at + done, k) < 0)
			break;
		done += k;
	}
	c->partial = done;
	return done == len;
}

size_t user_iov_copy_out(const struct user_iov *u, size_t skip, const void *src, size_t n)
{
	struct copy_out c = { src, 0 };
	size_t whole = user_iov_walk(u, skip, n, copy_out_piece, &c);

	return whole < n ? whole + c.partial : whole;
}

static bool copy_in_piece(char *ubuf, size_t at, size_t len, void *arg)
{
	return copy_from_user((char *)arg + at, ubuf, len) == 0;
}

int user_iov_copy_in(const struct user_iov *u, size_t skip, void *dst, size_t n)
{
	return user_iov_walk(u, skip, n, copy_in_piece, dst) == n ? 0 : -EFAULT;
}

/* Take (or release) f's write lock, if its kind has one. */
static void write_lock(struct file *f, bool take)
{
	if (!f->ops->write_lock)
		return;
	if (take)
		sleeplock_acquire(f->ops->write_lock);
	else
		sleeplock_release(f->ops->write_lock);
}

/* write: as the file's kind does it; 0 for n == 0. */
int64_t sys_write(int fd, const void *ubuf, size_t n)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = transfer_check(f->writable, ubuf, n);
	if (r == 0 && n > 0) {
		write_lock(f, true);
		r = f->ops->write(f, ubuf, n);
		write_lock(f, false);
	}
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

int64_t user_iov_each(const struct user_iov *u, bool stop_early,
		      int64_t (*step)(void *ubuf, size_t n, void *arg), void *arg)
{
	int64_t r = 0, done = 0;

	for (int i = 0; i < u->cnt; i++) {
		struct iovec v;
		if ((r = user_iov_entry(u, i, &v)) < 0)
			break;
		if (v.iov_len == 0)
			continue;
		if ((r = step(v.iov_base, v.iov_len, arg)) < 0)
			break;
		done += r;
		if ((size_t)r < v.iov_len || stop_early)
			break;
	}
	return done > 0 || r >= 0 ? done : r;
}

/* user_iov_each's step for a file without a vectored call of its own: one read or write. */
struct rw_step { struct file *f; bool writing; };

static int64_t rw_piece(void *ubuf, size_t n, void *arg)
{
	struct rw_step *s = arg;

	return s->writing ? s->f->ops->write(s->f, ubuf, n) : s->f->ops->read(s->f, ubuf, n);
}

/*
 * A vectored transfer on f as a read or write per buffer of u, in order; a
 * read from a file whose reads may wait stops once it got data, so that readv
 * never waits once it has something.
 */
static int64_t transfer_each(struct file *f, const struct user_iov *u, bool writing)
{
	struct rw_step s = { f, writing };

	return user_iov_each(u, !writing && f->ops->reads_may_wait, rw_piece, &s);
}

/*
 * readv and writev: the buffers in order, as one call (a writev under the
 * file's write lock, if it has one, as a write is): the kind's own readv or
 * writev if it has one, else transfer_each.
 */
static int64_t transfer_vector(int fd, const struct iovec *uiov, int iovcnt, bool writing)
{
	struct file *f = fd_get(myproc()->files, fd);
	struct user_iov u = { .uiov = uiov, .cnt = iovcnt };
	int64_t r = 0;

	if (!f)
		return -EBADF;
	if (!(writing ? f->writable : f->readable) || (r = iovec_check(uiov, iovcnt)) < 0) {
		file_put(f);
		return r < 0 ? r : -EBADF;
	}
	int64_t (*vectored)(struct file *, const struct user_iov *) =
		writing ? f->ops->writev : f->ops->readv;
	if (writing)
		write_lock(f, true);
	r = vectored ? vectored(f, &u) : transfer_each(f, &u, writing);
	if (writing)
		write_lock(f, false);
	file_put(f);
	return r;
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

int fd_install_file(struct file *f, bool cloexec)
{
	int r = fd_install(myproc()->files, f, cloexec);

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

/* fstat: the vnode's attributes (vfs_stat), or for a pipe its type alone. */
int64_t sys_fstat(int fd, struct stat *ust)
{
	struct file *f = fd_get(myproc()->files, fd);
	struct stat st;

	if (!f)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	if (f->vn) {
		vfs_stat(f->vn, &st);
	} else {
		st.st_mode = f->ops->mode;
		st.st_nlink = 1;
		st.st_blksize = PGSIZE;
	}
	file_put(f);
	return copy_to_user(ust, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* lseek: as the file's ops say; pipes and the console give -ESPIPE. */
int64_t sys_lseek(int fd, off_t offset, int whence)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int64_t r = f->ops->llseek ? f->ops->llseek(f, offset, whence) : -ESPIPE;
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
 * (access mode and status flags, O_LARGEFILE among them for what open made) and
 * F_SETFL (O_APPEND and O_NONBLOCK; other bits are kept, as on Linux). -EBADF for a closed fd, -EINVAL for other
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
	case F_SETFL: {
		int old = __atomic_load_n(&f->status, __ATOMIC_RELAXED), set = O_APPEND | O_NONBLOCK;
		while (!__atomic_compare_exchange_n(&f->status, &old, (old & ~set) | ((int)arg & set),
						    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		break;
	}
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

/*
 * umask: set the calling process's file mode creation mask to mask & 0777 and
 * return the old one. Inherited by fork, kept by execve; the calls that
 * create files (kern/vfs.c) clear its bits from the mode they are given.
 */
int64_t sys_umask(uint32_t mask)
{
	return __atomic_exchange_n(&myproc()->umask, mask & 0777, __ATOMIC_RELAXED);
}
