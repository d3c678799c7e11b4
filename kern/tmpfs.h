/* tmpfs, the in-memory file system (kern/tmpfs.c). */
#ifndef ELK_KERN_TMPFS_H
#define ELK_KERN_TMPFS_H

struct vnode;

/* A new, empty tmpfs: its root directory in *rootp, held. 0 or -ENOMEM. */
int tmpfs_mount(struct vnode **rootp);

#endif
