/* Kernel object allocator: power-of-two size classes carved from whole pages. */
#ifndef ELK_KERN_KMALLOC_H
#define ELK_KERN_KMALLOC_H

#include <inc/types.h>

/* Up to 4096 bytes; NULL when out of memory. Memory is not zeroed. */
void *kmalloc(size_t size);
/* Like kmalloc, zero-filled. */
void *kzalloc(size_t size);
/* Free what kmalloc returned; kfree(NULL) does nothing. */
void kfree(void *p);

/*
 * Pages split into small objects, and objects handed out and not yet freed (whole
 * pages included). Where objects happen to land decides how many pages hold them,
 * so leak checks compare objects, and pages outside these (KSTAT_KMALLOC_*).
 */
long kmalloc_slab_pages(void);
long kmalloc_objects(void);

#endif
