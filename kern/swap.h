/*
 * Swap: the disk's blocks as slots for pages (kern/swapmap.c), the page-out
 * thread that frees memory when it runs low (its policy is vm_reclaim in
 * kern/vm.c), and the waits of those who need memory meanwhile. Without a
 * disk, swap is off: every call here does nothing, and memory that runs out
 * stays out, as before.
 */
#ifndef ELK_KERN_SWAP_H
#define ELK_KERN_SWAP_H

#include <inc/types.h>

struct page;

/* Take the disk (blk_blocks) as the swap area, if there is one, and start the page-out thread. */
void swap_init(void);
/* Whether there is a swap area. */
bool swap_enabled(void);

/* A free slot, or -1 if swap is full (or off). */
int64_t swap_slot_alloc(void);
/* Give back a slot swap_slot_alloc gave. */
void swap_slot_free(uint64_t slot);
/* Write or read page pp to or from slot, sleeping until done: 0 or -EIO. No spinlock held. */
int swap_write(uint64_t slot, struct page *pp);
int swap_read(uint64_t slot, struct page *pp);

/*
 * Copies: a page read back may keep its slot while swap is less than half full
 * (swap_keep_copy), so that it can go out again without a write if it stays
 * clean (kern/vmobj.c). swap_copy_count adds delta to the slots so kept;
 * swap_count_clean_drop counts a page-out that reused its copy.
 */
bool swap_keep_copy(void);
void swap_copy_count(int delta);
void swap_count_clean_drop(void);

/*
 * Before a page fault: if free memory is below the low-water mark, wake the
 * page-out thread (unless its last round could not reach the high-water mark);
 * if it is nearly gone, also wait for one round of its work. No lock held.
 */
void swap_throttle(void);
/*
 * Memory ran out: wake the page-out thread and wait for its round. Whether it
 * freed anything (false at once if swap is off or full, or if the wait was
 * interrupted), so that trying again makes sense. Never the page-out thread
 * itself (it would wait for its own round); no spinlock held. The waits here
 * and in swap_throttle are interruptible: SIGKILL ends them.
 */
bool swap_wait_for_memory(void);

/*
 * Counters, for kstat: slots in all and free, pages written and read, slots
 * kept as copies of pages in memory, pages paged out without a write.
 */
uint64_t swap_total(void);
uint64_t swap_free(void);
uint64_t swap_writes(void);
uint64_t swap_reads(void);
uint64_t swap_copies(void);
uint64_t swap_clean_drops(void);
/* Rounds the page-out thread has run; its low-water mark in pages (0 without swap). */
uint64_t swap_rounds(void);
uint64_t swap_low_water(void);

#endif
