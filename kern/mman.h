/* Memory system calls (Linux semantics; see kern/mman.c). */
#ifndef ELK_KERN_MMAN_H
#define ELK_KERN_MMAN_H

#include <inc/types.h>

int64_t sys_mmap(void *addr, size_t len, int prot, int flags, int fd, uint64_t off);
int64_t sys_munmap(void *addr, size_t len);
int64_t sys_mprotect(void *addr, size_t len, int prot);
int64_t sys_msync(void *addr, size_t len, int flags);
/* Set the program break to want if it can; returns the break as it now is. */
int64_t sys_brk(void *want);

#endif
