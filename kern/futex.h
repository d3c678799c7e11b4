/*
 * Futexes (Linux's futex(2) for FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE,
 * FUTEX_CMP_REQUEUE, FUTEX_WAIT_BITSET and FUTEX_WAKE_BITSET). A futex is
 * keyed by (address space, user virtual address), or by (memory object,
 * offset) when it is not FUTEX_PRIVATE_FLAG and lies in a MAP_SHARED
 * mapping: see docs/threads.md.
 */
#ifndef ELK_KERN_FUTEX_H
#define ELK_KERN_FUTEX_H

#include <inc/types.h>

struct timespec;

/* Set up the hash table; once, at boot. */
void futex_init(void);
/*
 * Wake at most n (at least one) waiters on the calling process's futex at
 * uaddr, shared if its page is; how many woke. May sleep.
 */
int futex_wake(uint32_t *uaddr, int n);

int64_t sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *utimeout,
		  uint32_t *uaddr2, uint32_t val3);

#endif
