/* Character devices (kern/dev.c). */
#ifndef ELK_KERN_DEV_H
#define ELK_KERN_DEV_H

#include <inc/types.h>

struct file;

/* Make f a file of device rdev (MKDEV, inc/stat.h): 0, or -ENXIO if there is none. */
int dev_open(uint32_t rdev, struct file *f);

#endif
