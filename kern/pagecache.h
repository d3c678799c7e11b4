/*
 * Reading and writing a regular file through its page cache, a file memory
 * object (kern/vmobj.h): read, write and mmap all see the same pages. The
 * buffer is user memory (checked copies, which may fault pages in and sleep)
 * or kernel memory, as user says.
 */
#ifndef ELK_KERN_PAGECACHE_H
#define ELK_KERN_PAGECACHE_H

#include <inc/types.h>

struct vmobj;

/* The largest size a file may reach: what the page tree can index. */
#define PAGECACHE_MAXSIZE (1ULL << 40)

/*
 * Up to n bytes from offset off into buf, stopping at the end of the file: the
 * count (0 at or past the end), or -EFAULT if a user buffer faults before any
 * byte arrived. Holes read as zeros.
 */
int64_t pagecache_read(struct vmobj *obj, void *buf, size_t n, uint64_t off, bool user);
/*
 * n bytes from buf at offset off, making pages as needed and growing the size
 * past what was written: the count, or if nothing was written -EFAULT, -ENOSPC
 * (out of memory) or -EFBIG (past PAGECACHE_MAXSIZE). A write that may grow
 * the file first zeroes what a MAP_SHARED store left past the old end, so the
 * new bytes and any hole read as written. The caller serializes writers of one
 * file.
 */
int64_t pagecache_write(struct vmobj *obj, const void *buf, size_t n, uint64_t off, bool user);

#endif
