/* The kernel's random numbers: getrandom and AT_RANDOM (kern/random.c). */
#ifndef ELK_KERN_RANDOM_H
#define ELK_KERN_RANDOM_H

#include <inc/types.h>

/* Fill buf with n random bytes (kernel memory). Never blocks. */
void random_bytes(void *buf, size_t n);
/*
 * getrandom: up to n random bytes to ubuf; flags may hold GRND_NONBLOCK,
 * GRND_RANDOM and GRND_INSECURE (not INSECURE with RANDOM), else -EINVAL.
 * n is capped at GRND_MAX. Returns the count (less than n only if a fault, or
 * a signal at a page boundary, cut it short), or -EFAULT (a buffer not wholly in user space, or one that faults
 * at once).
 */
int64_t sys_getrandom(void *ubuf, size_t n, uint32_t flags);

#endif
