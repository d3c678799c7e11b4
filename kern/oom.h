/*
 * Running out of memory (kern/oom.c): a caller whose allocation failed, and
 * that may sleep, waits for the page-out thread to free memory while swap has
 * room; when swap is full too, or absent, one process is ended for its memory
 * (the out-of-memory victim) and the caller tries again once it is gone.
 */
#ifndef ELK_KERN_OOM_H
#define ELK_KERN_OOM_H

#include <inc/types.h>

/*
 * An allocation failed: wait until trying again makes sense. tries is how
 * many times this caller already waited for the same allocation: the first
 * ones wait for a page-out round (swap_wait_for_memory), and once rounds free
 * nothing (swap full or off, or everything in use) or tries reaches a bound,
 * an out-of-memory victim is ended (one at a time: a caller that finds one
 * already ending waits for it too). true: try again; false: give up with
 * -ENOMEM (the caller was interrupted, its own process is the victim, there
 * is nothing to end, or the victim has not ended after 10 s: the caller may
 * hold a sleep lock the victim waits for). Sleeps, interruptibly; the caller
 * holds no spinlock and not its address space's lock, so it is never the
 * page-out thread (which waits for nobody's memory), disk completion or any
 * interrupt handler, which fail at once instead.
 */
bool memory_wait(int tries);
/* Whether the calling thread's process is the out-of-memory victim, being ended. */
bool oom_is_victim(void);
/* kmalloc for a caller that may wait as memory_wait says; NULL once memory_wait gives up. */
void *kmalloc_wait(size_t size);

#endif
