/*
 * tmpfs: a file system in memory. Directories are lists of entries in the
 * order they were made, each with a cookie (readdir's position) that never
 * changes; regular files keep their bytes in their page cache (a file memory
 * object, kern/pagecache.c), the same pages that mmap maps; symbolic links keep
 * their target; device nodes their number (kern/dev.c opens them).
 *
 * Locks: vfs_lock (kern/vfs.c) covers every directory's entries and every
 * node's metadata. A regular file's io lock (a sleep lock) orders its writers
 * and truncations; readers go without it, page by page.
 *
 * Out of memory is -ENOSPC, as a full tmpfs is on Linux.
 */
#include <inc/dirent.h>
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/stat.h>
#include <inc/string.h>
#include <kern/dev.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/list.h>
#include <kern/pagecache.h>
#include <kern/sleeplock.h>
#include <kern/tmpfs.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

/* One name in a directory. */
struct tmpfs_dirent {
	struct list_node link;	/* in the directory's entries, oldest first */
	uint64_t cookie;	/* readdir's position of this entry; 0 and 1 are "." and ".." */
	struct vnode *vn;	/* the named vnode: one link, counted in its nlink */
	size_t len;
	char name[];
};

struct tmpfs_node {
	struct vnode vn;		/* first: a vnode pointer is a node pointer */
	struct sleeplock io;		/* regular files: writers and truncation */
	struct list_node entries;	/* directories: struct tmpfs_dirent */
	uint64_t next_cookie;		/* directories: the next entry's cookie */
	struct tmpfs_node *parent;	/* directories: "..", held once removed */
	bool removed;			/* directories: rmdir'd, so taking no new names */
	char *target;			/* symbolic links: the target, NUL-terminated */
};

/* One mounted tmpfs: what its vnodes' fs pointer names. */
struct tmpfs {
	struct fs_instance inst;	/* first: a vnode's fs points here */
	uint64_t next_ino;	/* under vfs_lock */
};

static struct tmpfs_node *node(struct vnode *vn)
{
	return (struct tmpfs_node *)vn;
}

static const struct vnode_ops dir_vops, reg_vops, link_vops, dev_vops;

/* The entry called name in dir, or NULL. */
static struct tmpfs_dirent *find(struct tmpfs_node *dir, const char *name, size_t len)
{
	struct list_node *pos, *tmp;

	list_foreach_safe(pos, tmp, &dir->entries) {
		struct tmpfs_dirent *e = list_entry(pos, struct tmpfs_dirent, link);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

/* A new entry for vn called name (not yet in any list), or NULL if out of memory. */
static struct tmpfs_dirent *dirent_alloc(const char *name, size_t len, struct vnode *vn)
{
	struct tmpfs_dirent *e = kmalloc(sizeof(*e) + len);

	if (!e)
		return NULL;
	e->vn = vn;
	e->len = len;
	memcpy(e->name, name, len);
	return e;
}

/* Put e at the end of dir's entries with the next cookie. */
static void dirent_add(struct tmpfs_node *dir, struct tmpfs_dirent *e)
{
	e->cookie = dir->next_cookie++;
	list_push_back(&dir->entries, &e->link);
	vfs_touch(&dir->vn, false, true);
}

/* Take e out of dir and free it; its vnode loses the link. */
static void dirent_drop(struct tmpfs_node *dir, struct tmpfs_dirent *e)
{
	list_remove(&e->link);
	vfs_touch(&dir->vn, false, true);
	vn_link_change(e->vn, -1);
	kfree(e);
}

static int tmpfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct tmpfs_node *d = node(dir);

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = vn_hold(&d->parent->vn);
		return 0;
	}
	struct tmpfs_dirent *e = find(d, name, len);
	if (!e)
		return -ENOENT;
	*out = vn_hold(e->vn);
	return 0;
}

/* A new node of mode in fs, with one reference and no links; NULL if out of memory. */
static struct tmpfs_node *node_alloc(struct tmpfs *fs, uint32_t mode)
{
	struct tmpfs_node *n = kzalloc(sizeof(*n));

	if (!n)
		return NULL;
	n->vn.fs = &fs->inst;
	n->vn.ref = 1;
	n->vn.ino = ++fs->next_ino;
	n->vn.mode = mode;
	sleeplock_init(&n->io, "tmpfs-io", LOCK_VNODE_IO);
	list_init(&n->entries);
	n->next_cookie = 2;
	vfs_touch(&n->vn, true, true);
	if (S_ISDIR(mode)) {
		n->vn.ops = &dir_vops;
	} else if (S_ISREG(mode)) {
		n->vn.ops = &reg_vops;
		if (!(n->vn.pages = vmobj_file_create())) {
			kfree(n);
			return NULL;
		}
	} else if (S_ISLNK(mode)) {
		n->vn.ops = &link_vops;
	} else {
		n->vn.ops = &dev_vops;
	}
	return n;
}

static int tmpfs_create(struct vnode *dir, const char *name, size_t len, uint32_t mode,
			uint32_t rdev, const char *target, struct vnode **out)
{
	struct tmpfs_node *d = node(dir);

	if (d->removed)
		return -ENOENT;		/* a removed directory takes no new names */
	if (find(d, name, len))
		return -EEXIST;
	struct tmpfs_node *n = node_alloc((struct tmpfs *)dir->fs, mode);
	if (!n)
		return -ENOSPC;
	struct tmpfs_dirent *e = dirent_alloc(name, len, &n->vn);
	if (target) {
		n->vn.size = strlen(target);
		n->target = kmalloc(n->vn.size + 1);
		if (n->target)
			memcpy(n->target, target, n->vn.size + 1);
	}
	if (!e || (target && !n->target)) {
		kfree(e);
		vn_put(&n->vn);		/* no links: this frees it */
		return -ENOSPC;
	}
	n->vn.rdev = rdev;
	n->vn.nlink = 1;
	if (S_ISDIR(mode)) {
		n->vn.nlink = 2;	/* its name, and its own "." */
		n->parent = d;
		vn_link_change(dir, 1);	/* the new directory's ".." */
	}
	dirent_add(d, e);
	*out = &n->vn;
	return 0;
}

static int tmpfs_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	struct tmpfs_node *d = node(dir);

	if (d->removed)
		return -ENOENT;
	if (find(d, name, len))
		return -EEXIST;
	struct tmpfs_dirent *e = dirent_alloc(name, len, vn);
	if (!e)
		return -ENOSPC;
	vn_link_change(vn, 1);
	vfs_touch(vn, false, false);
	dirent_add(d, e);
	return 0;
}

/*
 * Remove entry e of dir, whose vnode is vn: a directory must be empty, and
 * then it loses its own "." link and dir its ".."; as on Linux its ".." still
 * leads to dir, which it holds from now on. 0 or -ENOTEMPTY.
 */
static int remove_entry(struct tmpfs_node *dir, struct tmpfs_dirent *e)
{
	struct tmpfs_node *victim = node(e->vn);

	if (S_ISDIR(victim->vn.mode)) {
		if (!list_empty(&victim->entries))
			return -ENOTEMPTY;
		victim->removed = true;
		vn_hold(&dir->vn);
		vn_link_change(&victim->vn, -1);
		vn_link_change(&dir->vn, -1);
	}
	vfs_touch(&victim->vn, false, false);
	dirent_drop(dir, e);
	return 0;
}

static int tmpfs_unlink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	struct tmpfs_dirent *e = find(node(dir), name, len);

	return e ? remove_entry(node(dir), e) : -ENOENT;
}

static int tmpfs_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
			const char *nname, size_t nlen)
{
	struct tmpfs_node *od = node(odir), *nd = node(ndir);
	struct tmpfs_dirent *e = find(od, oname, olen), *old = find(nd, nname, nlen);

	if (!e)
		return -ENOENT;
	if (nd->removed)
		return -ENOENT;
	if (old && old->vn == e->vn)
		return 0;	/* two names of one file: POSIX says nothing happens */
	struct tmpfs_dirent *moved = dirent_alloc(nname, nlen, e->vn);
	if (!moved)
		return -ENOSPC;
	int r = old ? remove_entry(nd, old) : 0;
	if (r < 0) {
		kfree(moved);
		return r;
	}
	struct tmpfs_node *n = node(e->vn);
	if (S_ISDIR(n->vn.mode) && od != nd) {
		n->parent = nd;
		vn_link_change(odir, -1);
		vn_link_change(ndir, 1);
	}
	vn_link_change(e->vn, 1);	/* the new name's link, before the old one goes */
	dirent_add(nd, moved);
	dirent_drop(od, e);
	vfs_touch(&n->vn, false, false);
	return 0;
}

/* Let e, an entry of dir, name vn instead: a directory's parent and ".." links follow. */
static void repoint(struct tmpfs_node *dir, struct tmpfs_dirent *e, struct vnode *vn)
{
	struct tmpfs_node *n = node(vn);

	if (S_ISDIR(vn->mode) && n->parent != dir) {
		vn_link_change(&n->parent->vn, -1);
		vn_link_change(&dir->vn, 1);
		n->parent = dir;
	}
	e->vn = vn;
	vfs_touch(vn, false, false);
}

static int tmpfs_exchange(struct vnode *adir, const char *aname, size_t alen, struct vnode *bdir,
			  const char *bname, size_t blen)
{
	struct tmpfs_node *ad = node(adir), *bd = node(bdir);
	struct tmpfs_dirent *a = find(ad, aname, alen), *b = find(bd, bname, blen);

	if (!a || !b)
		return -ENOENT;
	struct vnode *avn = a->vn;
	repoint(ad, a, b->vn);
	repoint(bd, b, avn);
	return 0;
}

static int tmpfs_readdir(struct vnode *dir, uint64_t cookie, struct dirent_info *out)
{
	struct tmpfs_node *d = node(dir);
	struct list_node *pos, *tmp;

	if (cookie < 2) {
		struct tmpfs_node *up = cookie == 0 || d->removed ? d : d->parent;
		out->ino = up->vn.ino;
		out->type = DT_DIR;
		out->next = cookie + 1;
		memcpy(out->name, "..", cookie + 1);
		out->name[cookie + 1] = '\0';
		return 1;
	}
	list_foreach_safe(pos, tmp, &d->entries) {
		struct tmpfs_dirent *e = list_entry(pos, struct tmpfs_dirent, link);
		if (e->cookie < cookie)
			continue;
		out->ino = e->vn->ino;
		out->type = (uint8_t)((e->vn->mode & S_IFMT) >> 12);
		out->next = e->cookie + 1;
		memcpy(out->name, e->name, e->len);
		out->name[e->len] = '\0';
		return 1;
	}
	return 0;
}

static int tmpfs_readlink(struct vnode *vn, char *buf, size_t size)
{
	struct tmpfs_node *n = node(vn);

	if (n->vn.size <= size)
		memcpy(buf, n->target, n->vn.size);
	return (int)n->vn.size;
}

static int tmpfs_truncate(struct vnode *vn, uint64_t size)
{
	struct tmpfs_node *n = node(vn);

	if (size > PAGECACHE_MAXSIZE)
		return -EFBIG;
	sleeplock_acquire(&n->io);
	bool shrinks = size < vmobj_file_size(vn->pages);
	vmobj_file_truncate(vn->pages, size);
	if (shrinks)
		vm_file_shrunk(vn->pages, size);
	sleeplock_release(&n->io);
	vfs_touch(vn, false, true);
	return 0;
}

static void tmpfs_destroy(struct vnode *vn)
{
	struct tmpfs_node *n = node(vn);

	if (vn->pages)
		vmobj_put(vn->pages);
	kfree(n->target);
	if (n->removed)
		vn_put(&n->parent->vn);
	kfree(n);
}

/* --- open files of regular files --- */

/* A readv's or writev's place in the file, for its steps: each moves off past what went. */
struct reg_pos {
	struct vmobj *pages;
	uint64_t off;
	bool writing;		/* the steps write to the file, else read from it */
};

/* One step of a readv or writev: n bytes between ubuf and the file at p->off. */
static int64_t move_piece(void *ubuf, size_t n, void *arg)
{
	struct reg_pos *p = arg;
	int64_t r = p->writing ? pagecache_write(p->pages, ubuf, n, p->off, true)
			       : pagecache_read(p->pages, ubuf, n, p->off, true);

	if (r > 0)
		p->off += (uint64_t)r;
	return r;
}

/* Read u's buffers in order from *off, which the caller owns and which moves past what was read. */
static int64_t reg_read_vec(struct file *f, const struct user_iov *u, off_t *off)
{
	struct reg_pos p = { f->vn->pages, (uint64_t)*off, false };
	int64_t r = user_iov_each(u, false, move_piece, &p);

	*off = (off_t)p.off;
	return r;
}

/*
 * Write u's buffers in order at *off (at the end of the file instead, for a
 * file opened O_APPEND, as Linux's pwrite also does) as one write: under the
 * io lock, so that no other write lands among its bytes. *off ends after the
 * bytes written.
 */
static int64_t reg_write_vec(struct file *f, const struct user_iov *u, off_t *off)
{
	struct tmpfs_node *nd = node(f->vn);
	struct reg_pos p = { f->vn->pages, (uint64_t)*off, true };

	sleeplock_acquire(&nd->io);
	if (__atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_APPEND)
		p.off = vmobj_file_size(f->vn->pages);
	int64_t r = user_iov_each(u, false, move_piece, &p);
	sleeplock_release(&nd->io);
	if (r > 0) {
		*off = (off_t)p.off;
		vfs_touch(f->vn, false, true);
	}
	return r;
}

/* readv or writev at the file's offset, which moves once, by the whole transfer. */
static int64_t reg_transfer_vec(struct file *f, const struct user_iov *u,
				int64_t (*vec)(struct file *, const struct user_iov *, off_t *))
{
	sleeplock_acquire(&f->pos_lock);
	int64_t r = vec(f, u, &f->offset);
	sleeplock_release(&f->pos_lock);
	return r;
}

static int64_t reg_readv(struct file *f, const struct user_iov *u)
{
	return reg_transfer_vec(f, u, reg_read_vec);
}

static int64_t reg_writev(struct file *f, const struct user_iov *u)
{
	return reg_transfer_vec(f, u, reg_write_vec);
}

static int64_t reg_read(struct file *f, void *ubuf, size_t n)
{
	struct user_iov u = { .cnt = 1, .one = { ubuf, n } };

	return reg_readv(f, &u);
}

static int64_t reg_write(struct file *f, const void *ubuf, size_t n)
{
	struct user_iov u = { .cnt = 1, .one = { (void *)ubuf, n } };

	return reg_writev(f, &u);
}

/* pread: from off, the file's offset untouched. */
static int64_t reg_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	struct user_iov u = { .cnt = 1, .one = { ubuf, n } };

	return reg_read_vec(f, &u, &off);
}

static int64_t reg_pwrite(struct file *f, const void *ubuf, size_t n, off_t off)
{
	struct user_iov u = { .cnt = 1, .one = { (void *)ubuf, n } };

	return reg_write_vec(f, &u, &off);
}

static int64_t reg_llseek(struct file *f, off_t offset, int whence)
{
	return file_seek(f, offset, whence, vmobj_file_size(f->vn->pages));
}

/* Every mapping of the file maps its page cache. */
static int reg_mmap(struct file *f, struct vmobj **objp)
{
	vmobj_ref(f->vn->pages);
	*objp = f->vn->pages;
	return 0;
}

static const struct file_ops reg_fops = {
	.read = reg_read,
	.write = reg_write,
	.readv = reg_readv,
	.writev = reg_writev,
	.pread = reg_pread,
	.pwrite = reg_pwrite,
	.llseek = reg_llseek,
	.mmap = reg_mmap,
};

/* --- open files of directories: getdents64 reads them (kern/vfs.c) --- */

static int64_t dir_read(struct file *f, void *ubuf, size_t n)
{
	return -EISDIR;
}

static int64_t dir_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	return -EISDIR;
}

/* A directory's offset is a readdir cookie: SEEK_SET to one, or SEEK_CUR by 0 (else -EINVAL, as Linux). */
static int64_t dir_llseek(struct file *f, off_t offset, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return file_seek(f, offset, whence, 0);
}

static const struct file_ops dir_fops = {
	.read = dir_read,
	.pread = dir_pread,
	.llseek = dir_llseek,
};

static int reg_open(struct vnode *vn, struct file *f)
{
	f->ops = &reg_fops;
	return 0;
}

static int dir_open(struct vnode *vn, struct file *f)
{
	f->ops = &dir_fops;
	return 0;
}

static int dev_node_open(struct vnode *vn, struct file *f)
{
	return dev_open(vn->rdev, f);
}

static const struct vnode_ops dir_vops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rename = tmpfs_rename,
	.exchange = tmpfs_exchange,
	.readdir = tmpfs_readdir,
	.open = dir_open,
	.destroy = tmpfs_destroy,
};

static const struct vnode_ops reg_vops = {
	.truncate = tmpfs_truncate,
	.open = reg_open,
	.destroy = tmpfs_destroy,
};

/* A symbolic link is never opened: lookup follows it, or open refuses it (-ELOOP). */
static const struct vnode_ops link_vops = {
	.readlink = tmpfs_readlink,
	.destroy = tmpfs_destroy,
};

static const struct vnode_ops dev_vops = {
	.open = dev_node_open,
	.destroy = tmpfs_destroy,
};

int tmpfs_mount(struct vnode **rootp)
{
	struct tmpfs *fs = kzalloc(sizeof(*fs));
	struct tmpfs_node *root = fs ? node_alloc(fs, S_IFDIR | 0755) : NULL;

	if (!root) {
		kfree(fs);
		return -ENOMEM;
	}
	fs->inst.dev = vfs_new_dev();
	root->vn.nlink = 2;
	root->parent = root;
	*rootp = &root->vn;
	return 0;
}
