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
#define MAP_TYPE       0x0f	/* the bits that say how the mapping is shared */
#define MAP_SHARED_VALIDATE 0x03 /* MAP_SHARED, but unknown flags are -EOPNOTSUPP */
#define MAP_NORESERVE  0x4000	/* no swap reserved: elk reserves none anyway */
#define MAP_POPULATE   0x8000	/* fault the pages in now: elk leaves them to faults */
#define MAP_SYNC       0x80000	/* persistent-memory stores: no file here has them */
#define MAP_FIXED_NOREPLACE 0x100000 /* exactly at addr, -EEXIST if anything is there */
/*
 * The flags MAP_SHARED_VALIDATE knows (Linux's LEGACY_MAP_MASK): the four above,
 * MAP_32BIT, GROWSDOWN, DENYWRITE, EXECUTABLE, LOCKED, NORESERVE, POPULATE,
 * NONBLOCK, STACK, HUGETLB, UNINITIALIZED and the 2 MiB and 1 GiB huge page sizes.
 * Those that elk does not act on it ignores, as Linux ignores unknown ones.
 */
#define MAP_LEGACY_MASK 0x7c07f973

/* msync's flags: at most one of MS_ASYNC and MS_SYNC. */
#define MS_ASYNC       1
#define MS_INVALIDATE  2
#define MS_SYNC        4

#endif
