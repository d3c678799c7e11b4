/* poll and ppoll (kern/poll.c). */
#ifndef ELK_KERN_POLL_H
#define ELK_KERN_POLL_H

#include <inc/types.h>

struct pollfd;
struct timespec;

/*
 * Something a poller may wait for has changed (a pipe's contents or ends, the
 * console's input): wake every poller to look again. Callers hold no lock of
 * rank at or after LOCK_POLL.
 */
void poll_wakeup(void);

int64_t sys_poll(struct pollfd *ufds, uint64_t nfds, int timeout_ms);
int64_t sys_ppoll(struct pollfd *ufds, uint64_t nfds, const struct timespec *utimeout,
		  const void *usigmask, size_t sigsetsize);

#endif
