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

#endif
