/*
 * The block device that swap uses: one disk of 4 KiB blocks, read and
 * written a page at a time through a request queue (kern/virtio_blk.c, a
 * virtio-blk disk). Callers sleep while their requests are in flight, and
 * any number of callers may have requests in flight at once.
 */
#ifndef ELK_KERN_BLK_H
#define ELK_KERN_BLK_H

#include <inc/types.h>
#include <kern/sched.h>

#define BLK_SIZE 4096

struct page;

/* One page-sized transfer. The caller fills the first three fields. */
struct blk_req {
	struct page *page;	/* the memory read into or written from */
	uint64_t block;		/* which 4 KiB block of the disk */
	bool write;
	/* The driver's, under its lock. */
	bool done;
	int status;		/* once done: 0 or -EIO */
	struct waitq wq;	/* the caller sleeps here for done */
};

/* Find and start the disk, if the machine has one. At boot, before the other CPUs. */
void blk_init(void);
/* The disk's size in blocks; 0 if there is no disk. */
uint64_t blk_blocks(void);

/*
 * Queue the n requests of reqs with one notification of the device, sleeping
 * while the queue is full (then what is queued so far goes first). 0, or
 * -EINVAL (nothing queued) if a block lies past the end of the disk or there
 * is no disk. Caller holds no spinlock.
 */
int blk_submit(struct blk_req *reqs, int n);
/* Sleep until r is done; its status. */
int blk_wait(struct blk_req *r);
/* Read (write false) or write one page at block and wait: 0, -EINVAL or -EIO. */
int blk_rw(struct page *pp, uint64_t block, bool write);

/* Counters: requests completed, and the most that were ever in flight at once. */
uint64_t blk_completed(void);
int blk_max_in_flight(void);

#endif
