/*
 * User memory: the system calls (docs/vm.md) and the heap built on them
 * (lib/malloc.c). Calls that return a pointer return a negative errno cast to a
 * pointer on failure: test with ptr_failed(). Included by inc/lib.h.
 */
#ifndef ELK_INC_MALLOC_H
#define ELK_INC_MALLOC_H

#include <inc/types.h>

/*
 * The memory calls' wrappers, made from inc/syscall.def with all the others
 * (lib/syscall.c). Declared here as well, so that the heap needs nothing but
 * this header (its host test builds it alone); the compiler checks the two
 * declarations agree wherever both are seen.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
/* The raw call: move the break to addr if possible; returns the break as it now is. */
void *brk(void *addr);
/* Move the break by incr bytes: the old break, or (void *)-ENOMEM. */
void *sbrk(intptr_t incr);

static inline bool ptr_failed(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-4095;
}

/* The heap: 16-byte-aligned blocks, NULL when memory runs out. */
void *malloc(size_t n);
void free(void *p);
void *realloc(void *p, size_t n);
void *calloc(size_t count, size_t size);

#endif
