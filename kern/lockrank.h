/*
 * The kernel's lock order, written once. A thread takes sleep locks before any
 * spinlock, and locks of either kind in increasing rank only, never two of one
 * rank at once. The debug build checks it (kern/spinlock.h, kern/sleeplock.c);
 * docs/locking.md says what each lock protects and why the order is this one.
 */
#ifndef ELK_KERN_LOCKRANK_H
#define ELK_KERN_LOCKRANK_H

enum lock_rank {
	/* Sleep locks. */
	LOCK_TTY_WRITE = 5,	/* the console's write lock: one write or writev's bytes together */
	LOCK_FILEPOS,		/* file.pos_lock: an open file's offset, across a read or write */
	LOCK_VFS,		/* vfs_lock: names, directories, vnode metadata (kern/vfs.c) */
	LOCK_VNODE_IO,		/* a tmpfs file's io lock: its writers and truncation */
	LOCK_FILE_SHRINK,	/* shrink_lock: vm_file_shrunk's walks, one at a time (kern/vm.c) */
	LOCK_VMSPACE = 10,	/* vmspace.lock: one address space's areas and tables */
	LOCK_SELFTEST_SLEEP,	/* the locktest-sleep boot's sleep lock (kern/init.c) */
	/* Spinlocks, outermost first. */
	LOCK_FLEXSC = 20,	/* flexsc_ctx.lock: a pool's threads */
	LOCK_OOM,		/* the out-of-memory victim (kern/oom.c) */
	LOCK_PROC,		/* proc_lock: the process table, IPC */
	LOCK_FDTABLE,		/* a descriptor table */
	LOCK_FILE,		/* an open file's count */
	LOCK_FSCONTEXT,		/* fs_context.lock: a process's current directory */
	LOCK_VNODE,		/* vnode_lock: every vnode's ref and nlink */
	LOCK_PIPE,		/* a pipe's ring */
	LOCK_CONSOLE_IN,	/* the console's input ring */
	LOCK_WINSIZE,		/* the console's window size (ioctl) */
	LOCK_RANDOM,		/* the random generator's key (kern/random.c) */
	LOCK_POLL,		/* the pollers' generation count (kern/poll.c) */
	/*
	 * The futex hash buckets (kern/futex.c): one rank per bucket, so that a
	 * requeue takes its two buckets in index order.
	 */
	LOCK_FUTEX,
	LOCK_FUTEX_LAST = LOCK_FUTEX + 63,
	LOCK_SLEEPLOCK,		/* a sleep lock's guard */
	LOCK_PAGEOUT,		/* the page-out thread's requests and rounds (kern/swap.c) */
	LOCK_VMSPACES,		/* the list of every address space (kern/vm.c) */
	LOCK_VMOBJ,		/* every memory object */
	LOCK_SWAP,		/* the swap slot map and counters (kern/swap.c) */
	LOCK_KSTACKS,		/* the kernel-stack slots */
	LOCK_KMALLOC,		/* kmalloc's partial lists */
	LOCK_BLKTEST,		/* the blktest boot's worker count (kern/blktest.c) */
	LOCK_BLK,		/* the disk's request queue (kern/virtio_blk.c) */
	LOCK_PAGES,		/* the free page list */
	LOCK_PCI,		/* PCI configuration space: address, then data (kern/pci.c) */
	LOCK_SCHED,		/* run queues, thread states, wait queues */
	LOCK_TLB,		/* one TLB shootdown at a time (kern/tlb.c) */
	LOCK_CONSOLE_OUT,	/* console output: cprintf may run under any lock */
	LOCK_SELFTEST_OUTER,	/* the lock self-tests' spinlocks (kern/init.c) */
	LOCK_SELFTEST_INNER,
};

#endif
