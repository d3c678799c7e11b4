/* The initial ramdisk: a newc cpio archive the boot loader hands over. */
#ifndef ELK_KERN_RAMDISK_H
#define ELK_KERN_RAMDISK_H

#include <inc/types.h>

/*
 * Unpack the initrd from bootinfo into the file tree (which vfs_init made),
 * then give its memory back to the page allocator. false, with a message, if
 * it is absent or malformed, or memory runs out.
 */
bool ramdisk_unpack(void);

#endif
