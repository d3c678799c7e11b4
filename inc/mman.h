/*
 * mmap and mprotect constants for the kernel (a user program has musl's
 * <sys/mman.h>, with the same values). Linux's values, so that
 * programs built for the Linux ABI pass the numbers they were compiled with.
 */
#ifndef ELK_INC_MMAN_H
#define ELK_INC_MMAN_H

#define PROT_NONE   0x0
#define PROT_READ   0x1
#define PROT_WRITE  0x2
#define PROT_EXEC   0x4

#define MAP_SHARED     0x01	/* stores reach the object and every other mapping of it */
#define MAP_PRIVATE    0x02	/* stores are copied on write, seen only here */
#define MAP_FIXED      0x10	/* exactly at addr, replacing whatever was there */
#define MAP_ANONYMOUS  0x20	/* zero-filled memory, no file */

/* msync's flags: at most one of MS_ASYNC and MS_SYNC. */
#define MS_ASYNC       1
#define MS_INVALIDATE  2
#define MS_SYNC        4

#endif
