/*
 * The VFS: vnode references and links, the root and mounts, current
 * directories, and the system calls on names (see vfs.h). Each call copies
 * its paths in, takes vfs_lock, resolves names with namei, asks the vnodes'
 * operations, and copies results out after letting go.
 */
#include <inc/dirent.h>
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/mmu.h>
#include <inc/stat.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/time.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/proc.h>
#include <kern/sleeplock.h>
#include <kern/time.h>
#include <kern/tmpfs.h>
#include <kern/uaccess.h>
#include <kern/vfs.h>
#include <kern/vmobj.h>

#define FSTYPE_MAX 16	/* bytes of mount's file system type name, NUL included */

static struct sleeplock vfs_lock;
/* Every vnode's ref and nlink (see kern/vnode.h). */
static struct spinlock vnode_lock = SPINLOCK_INIT("vnode", LOCK_VNODE);
static struct vnode *vfs_root;

struct vnode *vn_hold(struct vnode *vn)
{
	spin_lock(&vnode_lock);
	vn->ref++;
	spin_unlock(&vnode_lock);
	return vn;
}

/* vn's ref and nlink change by dref and dlink; at 0 and 0 vn is destroyed. */
static void vn_count_change(struct vnode *vn, int dref, int dlink)
{
	spin_lock(&vnode_lock);
	vn->ref += dref;
	vn->nlink += (uint32_t)dlink;
	bool dead = vn->ref == 0 && vn->nlink == 0;
	spin_unlock(&vnode_lock);
	if (dead)
		vn->ops->destroy(vn);
}

void vn_put(struct vnode *vn)
{
	vn_count_change(vn, -1, 0);
}

void vn_link_change(struct vnode *vn, int delta)
{
	vn_count_change(vn, 0, delta);
}

bool vfs_init(void)
{
	sleeplock_init(&vfs_lock, "vfs", LOCK_VFS);
	if (tmpfs_mount(&vfs_root) < 0) {
		cprintf("elk: no memory for the root file system\n");
		return false;
	}
	return true;
}

/* --- current directories --- */

/* A context whose cwd is vn (which the caller holds, and gives up); NULL if out of memory. */
static struct fs_context *context_at(struct vnode *vn)
{
	struct fs_context *c = kzalloc(sizeof(*c));

	if (!c) {
		vn_put(vn);
		return NULL;
	}
	spin_init(&c->lock, "fs-context", LOCK_FSCONTEXT);
	c->ref = 1;
	c->cwd = vn;
	return c;
}

struct fs_context *fs_context_create(void)
{
	return context_at(vn_hold(vfs_root));
}

/* c's cwd, held for the caller. */
static struct vnode *context_cwd(struct fs_context *c)
{
	spin_lock(&c->lock);
	struct vnode *vn = vn_hold(c->cwd);
	spin_unlock(&c->lock);
	return vn;
}

struct fs_context *fs_context_copy(struct fs_context *c)
{
	return context_at(context_cwd(c));
}

void fs_context_put(struct fs_context *c)
{
	spin_lock(&c->lock);
	bool last = --c->ref == 0;
	spin_unlock(&c->lock);
	if (last) {
		vn_put(c->cwd);
		kfree(c);
	}
}

/* Where the calling process's relative paths start, held: its cwd, or "/". */
static struct vnode *my_cwd(void)
{
	struct proc *p = myproc();
	return p && p->fs ? context_cwd(p->fs) : vn_hold(vfs_root);
}

/* --- attributes --- */

/* The time now, in nanoseconds since the epoch. */
static int64_t now_ns(void)
{
	struct timespec ts;

	clock_realtime(&ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void vfs_touch(struct vnode *vn, bool access, bool modify)
{
	int64_t now = now_ns();

	if (access)
		__atomic_store_n(&vn->atime, now, __ATOMIC_RELAXED);
	if (modify)
		__atomic_store_n(&vn->mtime, now, __ATOMIC_RELAXED);
	__atomic_store_n(&vn->ctime, now, __ATOMIC_RELAXED);
}

/* A time of vn, split for struct stat. */
static void split_time(const int64_t *t, uint64_t *sec, uint64_t *nsec)
{
	int64_t v = __atomic_load_n(t, __ATOMIC_RELAXED);

	*sec = (uint64_t)(v / 1000000000L);
	*nsec = (uint64_t)(v % 1000000000L);
}

uint32_t vfs_new_dev(void)
{
	static uint32_t last;

	return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

void vfs_stat(struct vnode *vn, struct stat *st)
{
	uint64_t size = vn->pages ? vmobj_file_size(vn->pages) : vn->size;

	memset(st, 0, sizeof(*st));
	/* Linux's layout of major 0, minor dev: the low 8 bits, the rest from bit 20. */
	st->st_dev = (vn->fs->dev & 0xff) | ((uint64_t)(vn->fs->dev & ~0xffu) << 12);
	st->st_ino = vn->ino;
	st->st_nlink = __atomic_load_n(&vn->nlink, __ATOMIC_RELAXED);
	st->st_mode = __atomic_load_n(&vn->mode, __ATOMIC_RELAXED);
	st->st_rdev = vn->rdev;
	st->st_size = (int64_t)size;
	st->st_blksize = PGSIZE;
	st->st_blocks = (int64_t)(ROUNDUP(size, PGSIZE) / 512);
	split_time(&vn->atime, &st->st_atime, &st->st_atime_nsec);
	split_time(&vn->mtime, &st->st_mtime, &st->st_mtime_nsec);
	split_time(&vn->ctime, &st->st_ctime, &st->st_ctime_nsec);
}

/* --- paths and starting points --- */

/* Copy the user path at upath into a new PATH_MAX buffer (*kpath, kfree it): 0 or -errno. */
static int path_in(const char *upath, char **kpath)
{
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return -ENOMEM;
	int64_t r = strncpy_from_user(buf, upath, PATH_MAX);
	if (r < 0) {
		kfree(buf);
		return (int)r;
	}
	*kpath = buf;
	return 0;
}

/*
 * Where a path given with dirfd starts, held: the cwd for AT_FDCWD, else
 * dirfd's directory (-EBADF, -ENOTDIR). An absolute path needs no start. An
 * empty path names nothing: -ENOENT before dirfd is looked at, as on Linux
 * (callers that take AT_EMPTY_PATH deal with it first).
 */
static int at_start(int dirfd, const char *path, struct vnode **start)
{
	if (!path[0])
		return -ENOENT;
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*start = my_cwd();
		return 0;
	}
	struct file *f = fd_get(myproc()->files, dirfd);
	if (!f)
		return -EBADF;
	int r = f->vn && S_ISDIR(f->vn->mode) ? 0 : -ENOTDIR;
	if (r == 0)
		*start = vn_hold(f->vn);
	file_put(f);
	return r;
}

/* The vnode behind descriptor fd, held: -EBADF, or -EINVAL for a pipe. */
static int fd_vnode(int fd, struct vnode **out)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int r = f->vn ? 0 : -EINVAL;
	if (f->vn)
		*out = vn_hold(f->vn);
	file_put(f);
	return r;
}

/*
 * The vnode a call with (dirfd, upath) is about, held, links in the last
 * component followed if follow. With empty_ok, an empty path means dirfd's
 * file itself, whatever it is (AT_EMPTY_PATH). 0 or -errno.
 */
static int lookup_at(int dirfd, const char *upath, bool follow, bool empty_ok,
		     struct vnode **out)
{
	char *path = NULL;
	struct vnode *start;
	int r = path_in(upath, &path);

	if (r < 0)
		return r;
	if (!path[0] && empty_ok) {
		kfree(path);
		if (dirfd == AT_FDCWD) {
			*out = my_cwd();
			return 0;
		}
		r = fd_vnode(dirfd, out);
		return r == -EINVAL ? -ENOENT : r;
	}
	if ((r = at_start(dirfd, path, &start)) == 0) {
		sleeplock_acquire(&vfs_lock);
		r = namei(vfs_root, start, path, follow ? NAMEI_FOLLOW : 0, out);
		sleeplock_release(&vfs_lock);
		vn_put(start);
	}
	kfree(path);
	return r;
}

/*
 * A name for a call that makes or removes one: the directory (held), the last
 * component, and whether a slash followed it. Kernel path, vfs_lock held.
 */
struct target {
	struct vnode *dir;
	char name[NAME_MAX + 1];
	size_t len;
	bool slash;
};

static int target_at(struct vnode *start, const char *path, struct target *t)
{
	int r = namei_parent(vfs_root, start, path, &t->dir, t->name, &t->slash);

	if (r == 0)
		t->len = strlen(t->name);
	return r;
}

/* Whether t's name is "." or "..", which no call makes, removes or renames. */
static bool target_is_dot(const struct target *t)
{
	return strcmp(t->name, ".") == 0 || strcmp(t->name, "..") == 0;
}

/* The vnode t names (not following a link), held; -ENOENT if none. */
static int target_lookup(struct target *t, struct vnode **out)
{
	return t->dir->ops->lookup(t->dir, t->name, t->len, out);
}

/* --- open --- */

/*
 * The target of symbolic link vn, the links-th followed, as a string in *buf
 * (PATH_MAX bytes, allocated on first use): 0, -ELOOP past SYMLOOP_MAX links,
 * -ENAMETOOLONG, -ENOMEM.
 */
static int link_text(struct vnode *vn, char **buf, int links)
{
	if (links > SYMLOOP_MAX)
		return -ELOOP;
	if (!*buf && !(*buf = kmalloc(PATH_MAX)))
		return -ENOMEM;
	int len = vn->ops->readlink(vn, *buf, PATH_MAX - 1);
	if (len < 0)
		return len;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	(*buf)[len] = '\0';
	return 0;
}

/*
 * With vfs_lock held: the vnode open(path, flags, mode) opens, made if O_CREAT
 * asks. With O_CREAT, as Linux: a trailing slash (or a last component of "."
 * or "..") is -EISDIR, an existing name -EEXIST if O_EXCL, and a symbolic link
 * there is followed to its target (-ELOOP if O_NOFOLLOW), which is made if it
 * is not there.
 */
static int open_vnode(struct vnode *start, const char *path, int flags, uint32_t mode,
		      struct vnode **out)
{
	struct vnode *from = vn_hold(start);
	char *link = NULL;
	struct target t;
	int r, links = 0;

	if (!(flags & O_CREAT)) {
		r = namei(vfs_root, start, path, flags & O_NOFOLLOW ? 0 : NAMEI_FOLLOW, out);
		if (r == 0 && S_ISLNK((*out)->mode)) {
			vn_put(*out);
			r = -ELOOP;
		}
		vn_put(from);
		return r;
	}
	while ((r = target_at(from, path, &t)) == 0) {
		vn_put(from);
		from = t.dir;
		if (t.slash || target_is_dot(&t)) {
			r = -EISDIR;
			break;
		}
		if ((r = target_lookup(&t, out)) == -ENOENT) {
			uint32_t perm = mode & ~__atomic_load_n(&myproc()->umask, __ATOMIC_RELAXED) & 07777;
			r = t.dir->ops->create(t.dir, t.name, t.len, S_IFREG | perm, 0, NULL, out);
			break;
		}
		if (r < 0 || (flags & O_EXCL) || !S_ISLNK((*out)->mode)) {
			if (r == 0 && (flags & O_EXCL)) {
				vn_put(*out);
				r = -EEXIST;
			}
			break;
		}
		struct vnode *lnk = *out;
		r = flags & O_NOFOLLOW ? -ELOOP : link_text(lnk, &link, ++links);
		vn_put(lnk);
		if (r < 0)
			break;
		path = link;
	}
	vn_put(from);
	kfree(link);
	return r;
}

/*
 * With vfs_lock held: check that vn may be opened with flags, and truncate it
 * if O_TRUNC asks, whatever the access mode (as Linux, given write permission,
 * which everyone has here); so a directory refuses O_TRUNC as it refuses writing.
 */
static int open_check(struct vnode *vn, int flags, bool writable)
{
	if ((flags & O_DIRECTORY) && !S_ISDIR(vn->mode))
		return -ENOTDIR;
	if (S_ISDIR(vn->mode) && (writable || (flags & (O_CREAT | O_TRUNC))))
		return -EISDIR;
	if (!vn->ops->open)
		return -ENXIO;
	if ((flags & O_TRUNC) && vn->ops->truncate)
		return vn->ops->truncate(vn, 0);
	return 0;
}

/* open from start: a new file in *fp. */
static int open_from(struct vnode *start, const char *path, int flags, uint32_t mode,
		     struct file **fp)
{
	int access = flags & O_ACCMODE;
	bool readable = access != O_WRONLY, writable = access != O_RDONLY;
	struct vnode *vn;

	if (access == O_ACCMODE)
		return -EINVAL;
	sleeplock_acquire(&vfs_lock);
	int r = open_vnode(start, path, flags, mode, &vn);
	if (r == 0 && (r = open_check(vn, flags, writable)) < 0)
		vn_put(vn);
	sleeplock_release(&vfs_lock);
	if (r < 0)
		return r;
	struct file *f = file_alloc(NULL, readable, writable);
	if (!f) {
		vn_put(vn);
		return -ENOMEM;
	}
	f->vn = vn;
	f->status = (flags & (O_APPEND | O_NONBLOCK)) | O_LARGEFILE;	/* as 64-bit Linux */
	if ((r = vn->ops->open(vn, f)) < 0) {
		f->ops = NULL;
		file_put(f);
		return r;
	}
	*fp = f;
	return 0;
}

int vfs_open(const char *path, int flags, uint32_t mode, struct file **fp)
{
	struct vnode *start = my_cwd();
	int r = open_from(start, path, flags, mode, fp);

	vn_put(start);
	return r;
}

int vfs_lookup(const char *path, struct vnode **out)
{
	struct vnode *start = my_cwd();

	sleeplock_acquire(&vfs_lock);
	int r = namei(vfs_root, start, path, NAMEI_FOLLOW, out);
	sleeplock_release(&vfs_lock);
	vn_put(start);
	return r;
}

/*
 * openat: see open_vnode and open_check for what may be opened how. O_CLOEXEC
 * marks the descriptor close-on-exec; O_APPEND and O_NONBLOCK are the file's
 * status flags (fcntl F_GETFL). O_CREAT with O_DIRECTORY is -EINVAL, before
 * the path is read, as on Linux 6.x.
 */
int64_t sys_openat(int dirfd, const char *upath, int flags, uint32_t mode)
{
	char *path = NULL;
	struct vnode *start;
	struct file *f;

	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	int r = path_in(upath, &path);

	if (r < 0)
		return r;
	if ((r = at_start(dirfd, path, &start)) == 0) {
		r = open_from(start, path, flags, mode, &f);
		vn_put(start);
	}
	kfree(path);
	return r < 0 ? r : fd_install_file(f, flags & O_CLOEXEC);
}

int64_t sys_open(const char *upath, int flags, uint32_t mode)
{
	return sys_openat(AT_FDCWD, upath, flags, mode);
}

int64_t sys_creat(const char *upath, uint32_t mode)
{
	return sys_openat(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* --- attributes by name --- */

/* stat into user memory of what (dirfd, upath) names. */
static int64_t stat_at(int dirfd, const char *upath, struct stat *ust, int flags)
{
	struct vnode *vn;
	struct stat st;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int r = lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
			  &vn);
	if (r < 0)
		return r;
	vfs_stat(vn, &st);
	vn_put(vn);
	return copy_to_user(ust, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

int64_t sys_newfstatat(int dirfd, const char *upath, struct stat *ust, int flags)
{
	return stat_at(dirfd, upath, ust, flags);
}

int64_t sys_stat(const char *upath, struct stat *ust)
{
	return stat_at(AT_FDCWD, upath, ust, 0);
}

int64_t sys_lstat(const char *upath, struct stat *ust)
{
	return stat_at(AT_FDCWD, upath, ust, AT_SYMLINK_NOFOLLOW);
}

/*
 * faccessat2: whether the file exists and may be used as mode (F_OK, or R_OK,
 * W_OK, X_OK) says. Everyone is root: reading and writing are always allowed,
 * executing a file that is not a directory needs one of its x bits.
 */
int64_t sys_faccessat2(int dirfd, const char *upath, int mode, int flags)
{
	struct vnode *vn;

	if ((mode & ~(R_OK | W_OK | X_OK)) ||
	    (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		return -EINVAL;
	int r = lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
			  &vn);
	if (r < 0)
		return r;
	if ((mode & X_OK) && !S_ISDIR(vn->mode) && !(vn->mode & 0111))
		r = -EACCES;
	vn_put(vn);
	return r;
}

int64_t sys_faccessat(int dirfd, const char *upath, int mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

int64_t sys_access(const char *upath, int mode)
{
	return sys_faccessat2(AT_FDCWD, upath, mode, 0);
}

/* Set vn's permission bits (the type stays). */
static void set_mode(struct vnode *vn, uint32_t mode)
{
	sleeplock_acquire(&vfs_lock);
	__atomic_store_n(&vn->mode, (vn->mode & S_IFMT) | (mode & S_IALLUGO), __ATOMIC_RELAXED);
	sleeplock_release(&vfs_lock);
	vfs_touch(vn, false, false);
}

int64_t sys_fchmodat(int dirfd, const char *upath, uint32_t mode)
{
	struct vnode *vn;
	int r = lookup_at(dirfd, upath, true, false, &vn);

	if (r < 0)
		return r;
	set_mode(vn, mode);
	vn_put(vn);
	return 0;
}

int64_t sys_chmod(const char *upath, uint32_t mode)
{
	return sys_fchmodat(AT_FDCWD, upath, mode);
}

int64_t sys_fchmod(int fd, uint32_t mode)
{
	struct vnode *vn;
	int r = fd_vnode(fd, &vn);

	if (r < 0)
		return r;
	set_mode(vn, mode);
	vn_put(vn);
	return 0;
}

/* One of utimensat's times: *t changes to ts (UTIME_NOW: now, UTIME_OMIT: not at all). */
static void time_from(const struct timespec *ts, int64_t now, int64_t *t)
{
	if (ts->tv_nsec != UTIME_OMIT)
		__atomic_store_n(t, ts->tv_nsec == UTIME_NOW ? now
				    : ts->tv_sec * 1000000000L + ts->tv_nsec, __ATOMIC_RELAXED);
}

/*
 * utimensat: set the access and modification times of (dirfd, upath), or of
 * dirfd itself when upath is NULL (or empty, with AT_EMPTY_PATH), to utimes[0]
 * and [1], or to now if utimes is NULL. The change time becomes now.
 */
int64_t sys_utimensat(int dirfd, const char *upath, const struct timespec *utimes, int flags)
{
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct vnode *vn;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(ts, utimes, sizeof(ts)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
		    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L))
			return -EINVAL;
	r = upath ? lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH, &vn)
		  : dirfd == AT_FDCWD ? -EFAULT : fd_vnode(dirfd, &vn);
	if (r < 0)
		return r == -EINVAL ? -EBADF : r;
	int64_t now = now_ns();
	time_from(&ts[0], now, &vn->atime);
	time_from(&ts[1], now, &vn->mtime);
	__atomic_store_n(&vn->ctime, now, __ATOMIC_RELAXED);
	vn_put(vn);
	return 0;
}

/* --- directories --- */

/* Append one record for e to buf (room bytes free at *used): false if it does not fit. */
static bool put_dirent(char *buf, size_t room, size_t *used, const struct dirent_info *e)
{
	size_t namelen = strlen(e->name);
	size_t reclen = ROUNDUP(sizeof(struct linux_dirent64) + namelen + 1, 8);

	if (*used + reclen > room)
		return false;
	struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + *used);
	memset(d, 0, reclen);
	d->d_ino = e->ino;
	d->d_off = (int64_t)e->next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = e->type;
	memcpy(d->d_name, e->name, namelen);
	*used += reclen;
	return true;
}

/*
 * getdents64: records of the directory open on fd from its offset on, as many
 * as fit in count bytes (at most a page a call); the bytes stored, 0 at the
 * end, -EINVAL if not even one record fits, -ENOTDIR if fd is no directory.
 */
int64_t sys_getdents64(int fd, struct linux_dirent64 *ubuf, size_t count)
{
	struct file *f = fd_get(myproc()->files, fd);
	struct dirent_info *e = kmalloc(sizeof(*e));
	size_t room = MIN(count, PGSIZE), used = 0;
	char *buf = kmalloc(room ? room : 1);
	int64_t r = 0;

	if (!f || !e || !buf) {
		r = f ? -ENOMEM : -EBADF;
		goto out;
	}
	if (!user_range_ok(ubuf, count)) {
		r = -EFAULT;
		goto out;
	}
	if (!f->vn || !f->vn->ops->readdir) {
		r = -ENOTDIR;
		goto out;
	}
	sleeplock_acquire(&f->pos_lock);
	uint64_t cookie = (uint64_t)f->offset;
	/* readdir walks the directory's entries: only under vfs_lock (vnode.h). */
	sleeplock_acquire(&vfs_lock);
	int more;
	while ((more = f->vn->ops->readdir(f->vn, cookie, e)) == 1 &&
	       put_dirent(buf, room, &used, e))
		cookie = e->next;
	sleeplock_release(&vfs_lock);
	if (used == 0 && more == 1)	/* the first entry does not fit */
		r = -EINVAL;
	else if (copy_to_user(ubuf, buf, used) < 0)
		r = -EFAULT;
	else {
		f->offset = (off_t)cookie;
		r = (int64_t)used;
	}
	sleeplock_release(&f->pos_lock);
	if (r == 0)
		vfs_touch(f->vn, true, false);
out:
	if (f)
		file_put(f);
	kfree(e);
	kfree(buf);
	return r;
}

/*
 * Prepend "/name" of vn's entry in parent to the path being built backwards
 * at buf + *at: -ENOENT if parent no longer holds vn, -ERANGE if it does not fit.
 */
static int prepend_name(struct vnode *parent, struct vnode *vn, char *buf, size_t *at,
			struct dirent_info *e)
{
	for (uint64_t cookie = 2; parent->ops->readdir(parent, cookie, e) == 1; cookie = e->next) {
		if (e->ino != vn->ino)
			continue;
		size_t len = strlen(e->name);
		if (len + 1 > *at)
			return -ERANGE;
		*at -= len;
		memcpy(buf + *at, e->name, len);
		buf[--*at] = '/';
		return 0;
	}
	return -ENOENT;
}

/* The absolute path of directory vn, built at the end of buf (PATH_MAX bytes): its start. */
static int path_of(struct vnode *vn, char *buf, size_t *at, struct dirent_info *e)
{
	struct vnode *cur = vn_hold(vn);
	int r = 0;

	*at = PATH_MAX - 1;
	buf[*at] = '\0';
	while (r == 0 && cur != vfs_root) {
		struct vnode *up;
		while (cur->covered) {
			struct vnode *under = vn_hold(cur->covered);
			vn_put(cur);
			cur = under;
		}
		if ((r = cur->ops->lookup(cur, "..", 2, &up)) < 0)
			break;
		r = prepend_name(up, cur, buf, at, e);
		vn_put(cur);
		cur = up;
	}
	vn_put(cur);
	if (r == 0 && *at == PATH_MAX - 1)
		buf[--*at] = '/';
	return r;
}

/*
 * getcwd: the current directory's path, NUL included, and its length (the
 * raw call's result, as on Linux). -ENOENT if it has been removed, -ERANGE if
 * size is too small, -EFAULT.
 */
int64_t sys_getcwd(char *ubuf, size_t size)
{
	char *buf = kmalloc(PATH_MAX);
	struct dirent_info *e = kmalloc(sizeof(*e));
	struct vnode *cwd = my_cwd();
	size_t at;
	int64_t r = buf && e ? 0 : -ENOMEM;

	if (r == 0) {
		sleeplock_acquire(&vfs_lock);
		r = path_of(cwd, buf, &at, e);
		sleeplock_release(&vfs_lock);
	}
	vn_put(cwd);
	if (r == 0) {
		size_t len = PATH_MAX - at;
		if (size < len)
			r = -ERANGE;
		else
			r = copy_to_user(ubuf, buf + at, len) < 0 ? -EFAULT : (int64_t)len;
	}
	kfree(buf);
	kfree(e);
	return r;
}

/* Make directory vn (held, given up) the calling process's cwd; -ENOTDIR if it is none. */
static int set_cwd(struct vnode *vn)
{
	struct fs_context *c = myproc()->fs;

	if (!S_ISDIR(vn->mode)) {
		vn_put(vn);
		return -ENOTDIR;
	}
	spin_lock(&c->lock);
	struct vnode *old = c->cwd;
	c->cwd = vn;
	spin_unlock(&c->lock);
	vn_put(old);
	return 0;
}

int64_t sys_chdir(const char *upath)
{
	struct vnode *vn;
	int r = lookup_at(AT_FDCWD, upath, true, false, &vn);

	return r < 0 ? r : set_cwd(vn);
}

int64_t sys_fchdir(int fd)
{
	struct vnode *vn;
	int r = fd_vnode(fd, &vn);

	return r < 0 ? (r == -EINVAL ? -ENOTDIR : r) : set_cwd(vn);
}

/*
 * Run op on the target named by (dirfd, upath), with vfs_lock held and the
 * target's directory resolved. arg is passed through.
 */
typedef int (*target_op)(struct target *t, void *arg);

static int64_t with_target(int dirfd, const char *upath, target_op op, void *arg)
{
	char *path = NULL;
	struct vnode *start;
	struct target *t = kmalloc(sizeof(*t));
	int r = t ? path_in(upath, &path) : -ENOMEM;

	if (r < 0) {
		kfree(t);
		return r;
	}
	if ((r = at_start(dirfd, path, &start)) == 0) {
		sleeplock_acquire(&vfs_lock);
		if ((r = target_at(start, path, t)) == 0) {
			r = op(t, arg);
			vn_put(t->dir);
		}
		sleeplock_release(&vfs_lock);
		vn_put(start);
	}
	kfree(path);
	kfree(t);
	return r;
}

/* What a create makes: its mode and, for a symbolic link, its target. */
struct create_args {
	uint32_t mode;
	const char *target;
};

/* Make t: -EEXIST for "." and "..", and -ENOENT for a slash after a name that is no directory. */
static int create_target(struct target *t, void *arg)
{
	struct create_args *a = arg;
	struct vnode *vn;

	if (target_is_dot(t))
		return -EEXIST;
	if (t->slash && !S_ISDIR(a->mode)) {
		int r = target_lookup(t, &vn);
		if (r == 0)
			vn_put(vn);
		return r == 0 ? -EEXIST : -ENOENT;
	}
	int r = t->dir->ops->create(t->dir, t->name, t->len, a->mode, 0, a->target, &vn);
	if (r == 0)
		vn_put(vn);
	return r;
}

int64_t sys_mkdirat(int dirfd, const char *upath, uint32_t mode)
{
	struct create_args a = {
		S_IFDIR | (mode & ~__atomic_load_n(&myproc()->umask, __ATOMIC_RELAXED) & 07777), NULL
	};

	return with_target(dirfd, upath, create_target, &a);
}

int64_t sys_mkdir(const char *upath, uint32_t mode)
{
	return sys_mkdirat(AT_FDCWD, upath, mode);
}

int64_t sys_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	char *target = NULL;
	int r = path_in(utarget, &target);

	if (r < 0)
		return r;
	struct create_args a = { S_IFLNK | 0777, target };
	r = target[0] ? (int)with_target(dirfd, upath, create_target, &a) : -ENOENT;
	kfree(target);
	return r;
}

int64_t sys_symlink(const char *utarget, const char *upath)
{
	return sys_symlinkat(utarget, AT_FDCWD, upath);
}

int vfs_mknod(const char *path, uint32_t mode, uint32_t rdev, const char *target,
	      struct vnode **out)
{
	struct vnode *start = my_cwd(), *vn;
	struct target *t = kmalloc(sizeof(*t));
	int r = t ? 0 : -ENOMEM;

	sleeplock_acquire(&vfs_lock);
	if (r == 0 && (r = target_at(start, path, t)) == 0) {
		r = target_is_dot(t) ? -EEXIST
				     : t->dir->ops->create(t->dir, t->name, t->len, mode, rdev,
							   target, &vn);
		vn_put(t->dir);
	}
	sleeplock_release(&vfs_lock);
	vn_put(start);
	kfree(t);
	if (r == 0 && out)
		*out = vn;
	else if (r == 0)
		vn_put(vn);
	return r;
}

/* Remove t: a directory if *(bool *)rmdir, else anything else. */
static int remove_target(struct target *t, void *arg)
{
	bool rmdir = *(bool *)arg;
	struct vnode *vn;

	if (target_is_dot(t))
		return !rmdir ? -EISDIR : strcmp(t->name, ".") == 0 ? -EINVAL : -ENOTEMPTY;
	int r = target_lookup(t, &vn);
	if (r < 0)
		return r;
	if (rmdir && !S_ISDIR(vn->mode))
		r = -ENOTDIR;
	else if (!rmdir && S_ISDIR(vn->mode))
		r = -EISDIR;
	else if (!rmdir && t->slash)
		r = -ENOTDIR;
	else if (vn->mounted || vn == vfs_root)
		r = -EBUSY;
	else
		r = t->dir->ops->unlink(t->dir, t->name, t->len, vn);
	vn_put(vn);
	return r;
}

int64_t sys_unlinkat(int dirfd, const char *upath, int flags)
{
	bool rmdir = flags & AT_REMOVEDIR;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return with_target(dirfd, upath, remove_target, &rmdir);
}

int64_t sys_unlink(const char *upath)
{
	return sys_unlinkat(AT_FDCWD, upath, 0);
}

int64_t sys_rmdir(const char *upath)
{
	return sys_unlinkat(AT_FDCWD, upath, AT_REMOVEDIR);
}

/* Whether directory dir is vn or lies under it. vfs_lock held. */
static bool is_under(struct vnode *dir, struct vnode *vn)
{
	struct vnode *cur = vn_hold(dir), *up;
	bool under = false;

	while (!under && cur != vfs_root && !cur->covered &&
	       cur->ops->lookup(cur, "..", 2, &up) == 0) {
		under = cur == vn;
		vn_put(cur);
		cur = up;
	}
	under = under || cur == vn;
	vn_put(cur);
	return under;
}

/* renameat2's checks and the move, both targets resolved; vfs_lock held. */
static int rename_targets(struct target *o, struct target *n, unsigned flags)
{
	struct vnode *vn, *old = NULL;
	int r;

	/* As Linux: a last component of ".", ".." or "/" is busy. */
	if (target_is_dot(o))
		return -EBUSY;
	if (target_is_dot(n))
		return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	if ((r = target_lookup(o, &vn)) < 0)
		return r;
	if (target_lookup(n, &old) < 0)
		old = NULL;
	if (o->dir->fs != n->dir->fs)
		r = -EXDEV;
	else if (old && (flags & RENAME_NOREPLACE))
		r = -EEXIST;
	else if ((o->slash || n->slash) && !S_ISDIR(vn->mode))
		r = -ENOTDIR;
	else if (vn->mounted || (old && old->mounted))
		r = -EBUSY;
	else if (S_ISDIR(vn->mode) && is_under(n->dir, vn))
		r = -EINVAL;
	else if (old && old != vn && S_ISDIR(old->mode) != S_ISDIR(vn->mode))
		r = S_ISDIR(vn->mode) ? -ENOTDIR : -EISDIR;
	else
		r = o->dir->ops->rename(o->dir, o->name, o->len, n->dir, n->name, n->len);
	if (old)
		vn_put(old);
	vn_put(vn);
	return r;
}

/*
 * renameat2's RENAME_EXCHANGE: both names must exist, and neither may be a
 * directory that would move under itself; vfs_lock held.
 */
static int exchange_targets(struct target *a, struct target *b, unsigned flags)
{
	struct vnode *avn, *bvn;
	int r;

	if (target_is_dot(a) || target_is_dot(b))
		return -EBUSY;
	if ((r = target_lookup(a, &avn)) < 0)
		return r;
	if ((r = target_lookup(b, &bvn)) < 0) {
		vn_put(avn);
		return r;
	}
	if (a->dir->fs != b->dir->fs)
		r = -EXDEV;
	else if ((a->slash && !S_ISDIR(avn->mode)) || (b->slash && !S_ISDIR(bvn->mode)))
		r = -ENOTDIR;
	else if (avn->mounted || bvn->mounted)
		r = -EBUSY;
	else if ((S_ISDIR(avn->mode) && is_under(b->dir, avn)) ||
		 (S_ISDIR(bvn->mode) && is_under(a->dir, bvn)))
		r = -EINVAL;
	else if (avn != bvn)
		r = a->dir->ops->exchange(a->dir, a->name, a->len, b->dir, b->name, b->len);
	vn_put(bvn);
	vn_put(avn);
	return r;
}

/* The second path of a two-path call: its start and text. */
struct second_path {
	int dirfd;
	const char *path;
	unsigned flags;
	int (*op)(struct target *first, struct target *second, unsigned flags);
};

/* Resolve the second target and run the two-path op on both. vfs_lock held. */
static int second_target(struct target *first, void *arg)
{
	struct second_path *s = arg;
	struct target *t = kmalloc(sizeof(*t));
	struct vnode *start;
	int r = t ? at_start(s->dirfd, s->path, &start) : -ENOMEM;

	if (r == 0) {
		if ((r = target_at(start, s->path, t)) == 0) {
			r = s->op(first, t, s->flags);
			vn_put(t->dir);
		}
		vn_put(start);
	}
	kfree(t);
	return r;
}

/* A call on two paths (rename, link): op with both targets resolved. */
static int64_t two_paths(int olddirfd, const char *uold, int newdirfd, const char *unew,
			 unsigned flags, int (*op)(struct target *, struct target *, unsigned))
{
	char *newpath = NULL;
	int r = path_in(unew, &newpath);

	if (r < 0)
		return r;
	struct second_path s = { newdirfd, newpath, flags, op };
	r = (int)with_target(olddirfd, uold, second_target, &s);
	kfree(newpath);
	return r;
}

int64_t sys_renameat2(int olddirfd, const char *uold, int newdirfd, const char *unew,
		      unsigned flags)
{
	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	return two_paths(olddirfd, uold, newdirfd, unew, flags,
			 flags & RENAME_EXCHANGE ? exchange_targets : rename_targets);
}

int64_t sys_renameat(int olddirfd, const char *uold, int newdirfd, const char *unew)
{
	return sys_renameat2(olddirfd, uold, newdirfd, unew, 0);
}

int64_t sys_rename(const char *uold, const char *unew)
{
	return sys_renameat2(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* link's checks and the new name; flags AT_SYMLINK_FOLLOW. vfs_lock held. */
static int link_targets(struct target *o, struct target *n, unsigned flags)
{
	struct vnode *vn;
	int r = target_is_dot(o) ? -EPERM : target_lookup(o, &vn);

	if (r < 0)
		return r;
	if (S_ISLNK(vn->mode) && (flags & AT_SYMLINK_FOLLOW)) {
		struct vnode *to;
		r = namei(vfs_root, o->dir, o->name, NAMEI_FOLLOW, &to);
		vn_put(vn);
		if (r < 0)
			return r;
		vn = to;
	}
	if (S_ISDIR(vn->mode))
		r = -EPERM;
	else if (target_is_dot(n))
		r = -EEXIST;
	else if (vn->fs != n->dir->fs)
		r = -EXDEV;
	else if (n->slash)
		r = -ENOENT;
	else
		r = n->dir->ops->link(n->dir, n->name, n->len, vn);
	vn_put(vn);
	return r;
}

int64_t sys_linkat(int olddirfd, const char *uold, int newdirfd, const char *unew, int flags)
{
	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	return two_paths(olddirfd, uold, newdirfd, unew, (unsigned)flags, link_targets);
}

int64_t sys_link(const char *uold, const char *unew)
{
	return sys_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/*
 * readlinkat: the target of the symbolic link (dirfd, upath), without a NUL,
 * cut to size bytes; its length. -EINVAL if it is no link or size is 0; for an
 * empty path (dirfd itself) that is no link, -ENOENT, as Linux.
 */
int64_t sys_readlinkat(int dirfd, const char *upath, char *ubuf, size_t size)
{
	struct vnode *vn;
	char *buf, first;

	if ((int64_t)size <= 0)
		return -EINVAL;
	int r = lookup_at(dirfd, upath, false, true, &vn);
	if (r < 0)
		return r;
	if (!vn->ops->readlink) {
		vn_put(vn);
		return copy_from_user(&first, upath, 1) == 0 && !first ? -ENOENT : -EINVAL;
	}
	if (!(buf = kmalloc(PATH_MAX))) {
		vn_put(vn);
		return -ENOMEM;
	}
	sleeplock_acquire(&vfs_lock);
	int len = vn->ops->readlink(vn, buf, PATH_MAX);
	sleeplock_release(&vfs_lock);
	vn_put(vn);
	size_t n = MIN((size_t)len, size);
	r = copy_to_user(ubuf, buf, n) < 0 ? -EFAULT : (int)n;
	kfree(buf);
	return r;
}

int64_t sys_readlink(const char *upath, char *ubuf, size_t size)
{
	return sys_readlinkat(AT_FDCWD, upath, ubuf, size);
}

/* --- sizes and syncing --- */

/* Truncate vn to length: -EISDIR for a directory, -EINVAL for what has no size. */
static int truncate_vnode(struct vnode *vn, off_t length)
{
	if (length < 0)
		return -EINVAL;
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	return vn->ops->truncate ? vn->ops->truncate(vn, (uint64_t)length) : -EINVAL;
}

int64_t sys_truncate(const char *upath, off_t length)
{
	struct vnode *vn;
	int r = lookup_at(AT_FDCWD, upath, true, false, &vn);

	if (r < 0)
		return r;
	r = truncate_vnode(vn, length);
	vn_put(vn);
	return r;
}

/* ftruncate: only of a file open for writing (-EINVAL otherwise, as on Linux). */
int64_t sys_ftruncate(int fd, off_t length)
{
	struct file *f = fd_get(myproc()->files, fd);

	if (!f)
		return -EBADF;
	int r = f->vn && f->writable ? truncate_vnode(f->vn, length) : -EINVAL;
	file_put(f);
	return r == -EISDIR ? -EINVAL : r;
}

/*
 * fsync and fdatasync: tmpfs keeps everything in memory, so once a write has
 * returned its bytes are where they will ever be: nothing is left to do for a
 * file; -EINVAL for a pipe, as on Linux.
 */
int64_t sys_fsync(int fd)
{
	struct vnode *vn;
	int r = fd_vnode(fd, &vn);

	if (r == 0)
		vn_put(vn);
	return r;
}

int64_t sys_fdatasync(int fd)
{
	return sys_fsync(fd);
}

/* --- mounts --- */

/* Mount a new tmpfs on directory t (held by the caller). vfs_lock held. */
static int mount_on(struct vnode *t)
{
	struct vnode *root;

	if (!S_ISDIR(t->mode))
		return -ENOTDIR;
	if (t->mounted || t == vfs_root)
		return -EBUSY;
	int r = tmpfs_mount(&root);
	if (r < 0)
		return r;
	t->mounted = root;		/* the mount's reference */
	root->covered = vn_hold(t);
	return 0;
}

/*
 * mount: a new, empty tmpfs on the directory target (source, flags and data
 * are not looked at). -ENODEV for any other type. Mounts stay until the
 * machine stops: there is no umount.
 */
int64_t sys_mount(const char *usource, const char *utarget, const char *ufstype,
		  unsigned long flags, const void *udata)
{
	char fstype[FSTYPE_MAX];
	struct vnode *t;
	int64_t r = strncpy_from_user(fstype, ufstype, sizeof(fstype));

	if (r == -ENAMETOOLONG)
		return -ENODEV;
	if (r < 0)
		return r;
	if (strcmp(fstype, "tmpfs") != 0)
		return -ENODEV;
	if ((r = lookup_at(AT_FDCWD, utarget, true, false, &t)) < 0)
		return r;
	sleeplock_acquire(&vfs_lock);
	r = mount_on(t);
	sleeplock_release(&vfs_lock);
	vn_put(t);
	return r;
}
