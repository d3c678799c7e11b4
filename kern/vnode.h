/*
 * Vnodes: the VFS's files. A vnode is one file of some file system (tmpfs is
 * the only one): a directory, a regular file, a symbolic link, or a device
 * node. What it does is its operations table, so that the VFS (kern/vfs.c),
 * path lookup (kern/namei.c) and the open-file layer (kern/file.c) never ask
 * what kind of file they hold.
 *
 * Lifetime: a vnode lives while it has references (open files, current
 * directories, mounts, lookups in progress: vn_hold and vn_put) or links (names
 * in directories, counted in nlink). When both reach zero its file system's
 * destroy frees it. ref and nlink change under vnode_lock (kern/vfs.c), so that
 * the last vn_put and the last unlink agree on which of them frees it.
 *
 * Everything else of a vnode (mode, times, a directory's entries, a symlink's
 * target) changes only under vfs_lock, the VFS's sleep lock; a regular file's
 * bytes and size are its page cache's (struct vmobj, kern/pagecache.c).
 */
#ifndef ELK_KERN_VNODE_H
#define ELK_KERN_VNODE_H

#include <inc/types.h>

#define NAME_MAX 255		/* bytes in one path component */
#define PATH_MAX 4096		/* bytes in a path, its NUL included */
#define SYMLOOP_MAX 40		/* symbolic links one lookup follows */

struct file;
struct vmobj;
struct vnode;

/* One directory entry, as readdir hands it out. */
struct dirent_info {
	uint64_t ino;
	uint8_t type;		/* DT_* (inc/dirent.h) */
	uint64_t next;		/* readdir's cookie for the entry after this one */
	char name[NAME_MAX + 1];
};

/*
 * What a vnode does. Names are (name, len) pairs, not NUL-terminated, of 1 to
 * NAME_MAX bytes, never "." or ".." except in lookup. The operations on names
 * (lookup through readlink) are called with vfs_lock held, which keeps every
 * directory's entries still; truncate, open and destroy need not be (a file's
 * size has its own lock, open only sets ops, destroy runs when no one can
 * reach vn). Each returns 0 or -errno; a NULL operation is refused with the
 * errno vfs.c names for it (-ENOTDIR for directory operations, -EINVAL for
 * readlink, ...).
 */
struct vnode_ops {
	/* Directories. */
	/* The vnode called name in dir (".." too: dir's parent), held for the caller. */
	int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
	/*
	 * A new name in dir for a new vnode of mode (S_IF* and permissions): rdev
	 * for a device node, target (NUL-terminated) for a symbolic link. -EEXIST if
	 * the name is taken, -ENOSPC if memory runs out. The vnode, held, in *out.
	 */
	int (*create)(struct vnode *dir, const char *name, size_t len, uint32_t mode,
		      uint32_t rdev, const char *target, struct vnode **out);
	/* A new name in dir for vn (not a directory): -EEXIST if taken. */
	int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
	/*
	 * Remove the name, which refers to vn (looked up by the caller, who checked
	 * that vn is a directory exactly when rmdir is asked): -ENOTEMPTY for a
	 * directory that holds entries.
	 */
	int (*unlink)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
	/*
	 * Move the name from (odir, oname) to (ndir, nname) in one step, replacing
	 * what nname names: both in this file system; the caller has checked that
	 * the types fit and that no directory moves under itself.
	 */
	int (*rename)(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
		      const char *nname, size_t nlen);
	/*
	 * Swap what (adir, aname) and (bdir, bname) name, in one step: both exist,
	 * in this file system; the caller has checked that neither directory moves
	 * under itself.
	 */
	int (*exchange)(struct vnode *adir, const char *aname, size_t alen, struct vnode *bdir,
			const char *bname, size_t blen);
	/*
	 * The first entry at or after cookie (0 is the first) in *out: 1, or 0 at
	 * the end. Cookies stay valid while entries come and go.
	 */
	int (*readdir)(struct vnode *dir, uint64_t cookie, struct dirent_info *out);
	/* Symbolic links: the target's length (no NUL), copied into buf if it fits in size. */
	int (*readlink)(struct vnode *vn, char *buf, size_t size);
	/* Regular files: make the size exactly size (-EFBIG past what the file system holds). */
	int (*truncate)(struct vnode *vn, uint64_t size);
	/* Make f (whose vn is vn) an open file of vn: set its ops. */
	int (*open)(struct vnode *vn, struct file *f);
	/* vn has no references and no links left: free it and what it holds. */
	void (*destroy)(struct vnode *vn);
};

/* What each mounted file system instance starts with. */
struct fs_instance {
	uint32_t dev;		/* its minor number (major 0), unique among mounts; fixed */
};

struct vnode {
	const struct vnode_ops *ops;
	const struct fs_instance *fs;	/* the instance it belongs to (st_dev, -EXDEV) */
	int ref;		/* under vnode_lock */
	uint32_t nlink;		/* under vnode_lock */
	uint64_t ino;
	uint32_t mode;		/* S_IF* type, fixed, and permissions */
	uint32_t rdev;		/* device nodes: MKDEV(major, minor) */
	uint64_t size;		/* what stat says, for all but regular files */
	struct vmobj *pages;	/* regular files: the page cache, which holds the size */
	int64_t atime, mtime, ctime;	/* nanoseconds since the epoch, under vfs_lock */
	struct vnode *mounted;	/* a directory: the root of what is mounted on it, held */
	struct vnode *covered;	/* a mounted file system's root: the directory under it, held */
};

/* Add a reference to vn, which the caller can already reach. Returns vn. */
struct vnode *vn_hold(struct vnode *vn);
/* Drop a reference; the last one of a vnode without links destroys it. */
void vn_put(struct vnode *vn);

/* Flags of namei. */
#define NAMEI_FOLLOW 1		/* a symbolic link as the last component is followed */

/*
 * Resolve path from start (or from root if it begins with '/') and return the
 * vnode it names, held, in *out. "." and ".." are as usual, ".." of root is
 * root, ".." of a mounted root is ".." of the directory it covers, a directory
 * with something mounted on it stands for the mounted root, and repeated
 * slashes count as one. Symbolic links are followed in every component but the
 * last, and in the last with NAMEI_FOLLOW or a trailing slash; a trailing
 * slash demands a directory. -ENOENT (also for ""), -ENOTDIR, -ENAMETOOLONG
 * (a component over NAME_MAX, or a path over PATH_MAX with a link's target
 * spliced in), -ELOOP past SYMLOOP_MAX links, -ENOMEM. vfs_lock held.
 */
int namei(struct vnode *root, struct vnode *start, const char *path, int flags,
	  struct vnode **out);
/*
 * As namei, but for the directory that holds path's last component: *dir (held)
 * and the component in name (NAME_MAX + 1 bytes, NUL-terminated; "." for a
 * path of slashes alone, naming root). *slash says whether path ended in '/'.
 */
int namei_parent(struct vnode *root, struct vnode *start, const char *path,
		 struct vnode **dir, char *name, bool *slash);

#endif
