/* The initrd the boot loader handed us, for exec and (later) open. */
#ifndef ELK_KERN_RAMDISK_H
#define ELK_KERN_RAMDISK_H

#include <inc/initrd.h>

/* Find and check the initrd from bootinfo; false (with a message) if absent or bad. */
bool ramdisk_init(void);
/* The file called name (a leading '/' is ignored), or NULL. */
const struct initrd_file *ramdisk_lookup(const char *name);
const uint8_t *ramdisk_data(const struct initrd_file *f);
/* How many files the initrd holds. */
size_t ramdisk_count(void);

#endif
