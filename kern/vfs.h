/*
 * The VFS (kern/vfs.c): the file tree, mounts, each process's current
 * directory, and the system calls that work on names. Vnodes are in
 * kern/vnode.h, path lookup in kern/namei.c, open files in kern/file.h.
 *
 * vfs_lock, a sleep lock, is held by every operation on names (lookups,
 * creates, unlinks, renames, mounts) and every change to a vnode's metadata;
 * it is never held across a user copy. Times are stored and read with atomic
 * stores and loads, since writes update them without vfs_lock.
 */
#ifndef ELK_KERN_VFS_H
#define ELK_KERN_VFS_H

#include <inc/types.h>
#include <kern/spinlock.h>
#include <kern/vnode.h>

struct file;
struct stat;
struct timespec;
struct linux_dirent64;

/*
 * A process's place in the tree: its current directory. Reference counted on
 * its own (fork copies it; a process's threads share it through their proc,
 * which is clone's CLONE_FS sharing); lock protects cwd.
 */
struct fs_context {
	struct spinlock lock;
	int ref;		/* under lock */
	struct vnode *cwd;	/* held */
};

/* Mount a tmpfs as "/". false (with a message) if out of memory. */
bool vfs_init(void);

/* A context at "/" (init's), or a copy of c (fork's); NULL if out of memory. */
struct fs_context *fs_context_create(void);
struct fs_context *fs_context_copy(struct fs_context *c);
/* Drop a reference; the last one frees c. */
void fs_context_put(struct fs_context *c);

/*
 * Change vn's times to now: ctime always, atime if access, mtime if modify.
 * Atomic stores: callers need not hold vfs_lock.
 */
void vfs_touch(struct vnode *vn, bool access, bool modify);
/* vn's nlink goes up or down by delta; at 0 links and 0 references vn is destroyed. */
void vn_link_change(struct vnode *vn, int delta);
/* A new file system instance's device number: 1, 2, ... (never reused: no umount). */
uint32_t vfs_new_dev(void);
/* vn's attributes as fstat reports them. */
void vfs_stat(struct vnode *vn, struct stat *st);

/*
 * Kernel callers, paths in kernel memory, relative to the calling process's
 * current directory (or "/" for a kernel thread):
 *   vfs_open: open path with open()'s flags and mode, the new file in *fp;
 *   vfs_lookup: the vnode path names (links followed), held;
 *   vfs_mknod: a new file of mode (S_IF* too) with rdev for a device node and
 *   target for a symbolic link, the vnode held in *out (NULL: not wanted).
 * 0 or -errno.
 */
int vfs_open(const char *path, int flags, uint32_t mode, struct file **fp);
int vfs_lookup(const char *path, struct vnode **out);
int vfs_mknod(const char *path, uint32_t mode, uint32_t rdev, const char *target,
	      struct vnode **out);

/* The system calls on names, with Linux's numbers, arguments and errors. */
int64_t sys_open(const char *upath, int flags, uint32_t mode);
int64_t sys_openat(int dirfd, const char *upath, int flags, uint32_t mode);
int64_t sys_creat(const char *upath, uint32_t mode);
int64_t sys_stat(const char *upath, struct stat *ust);
int64_t sys_lstat(const char *upath, struct stat *ust);
int64_t sys_newfstatat(int dirfd, const char *upath, struct stat *ust, int flags);
int64_t sys_access(const char *upath, int mode);
int64_t sys_faccessat(int dirfd, const char *upath, int mode);
int64_t sys_faccessat2(int dirfd, const char *upath, int mode, int flags);
int64_t sys_getdents64(int fd, struct linux_dirent64 *ubuf, size_t count);
int64_t sys_getcwd(char *ubuf, size_t size);
int64_t sys_chdir(const char *upath);
int64_t sys_fchdir(int fd);
int64_t sys_mkdir(const char *upath, uint32_t mode);
int64_t sys_mkdirat(int dirfd, const char *upath, uint32_t mode);
int64_t sys_rmdir(const char *upath);
int64_t sys_unlink(const char *upath);
int64_t sys_unlinkat(int dirfd, const char *upath, int flags);
int64_t sys_rename(const char *uold, const char *unew);
int64_t sys_renameat(int olddirfd, const char *uold, int newdirfd, const char *unew);
int64_t sys_renameat2(int olddirfd, const char *uold, int newdirfd, const char *unew,
		      unsigned flags);
int64_t sys_link(const char *uold, const char *unew);
int64_t sys_linkat(int olddirfd, const char *uold, int newdirfd, const char *unew, int flags);
int64_t sys_symlink(const char *utarget, const char *upath);
int64_t sys_symlinkat(const char *utarget, int dirfd, const char *upath);
int64_t sys_readlink(const char *upath, char *ubuf, size_t size);
int64_t sys_readlinkat(int dirfd, const char *upath, char *ubuf, size_t size);
int64_t sys_chmod(const char *upath, uint32_t mode);
int64_t sys_fchmod(int fd, uint32_t mode);
int64_t sys_fchmodat(int dirfd, const char *upath, uint32_t mode);
int64_t sys_utimensat(int dirfd, const char *upath, const struct timespec *utimes, int flags);
int64_t sys_truncate(const char *upath, off_t length);
int64_t sys_ftruncate(int fd, off_t length);
int64_t sys_fsync(int fd);
int64_t sys_fdatasync(int fd);
int64_t sys_mount(const char *usource, const char *utarget, const char *ufstype,
		  unsigned long flags, const void *udata);

#endif
