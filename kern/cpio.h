/*
 * Reading a "newc" cpio archive (the format of Linux's initramfs, written by
 * `cpio -H newc` or tools/mkinitrd.py): each entry is a 110-byte header of
 * ASCII hex fields, the name with its NUL, padding to a multiple of 4, the
 * data, padding again; an entry named TRAILER!!! ends the archive. Only
 * parses: kern/ramdisk.c puts the entries into the file tree.
 */
#ifndef ELK_KERN_CPIO_H
#define ELK_KERN_CPIO_H

#include <inc/types.h>

struct cpio_entry {
	const char *name;	/* NUL-terminated, in the archive */
	uint32_t mode;		/* S_IF* type and permissions */
	uint32_t rdev_major, rdev_minor;
	uint64_t mtime;		/* seconds since the epoch */
	const void *data;	/* size bytes in the archive: a file's bytes, a link's target */
	size_t size;
};

/*
 * The entry at offset *pos of the size bytes at base: 1 with *e filled in and
 * *pos moved to the next entry, 0 at the trailer, or -EINVAL if the entry is
 * malformed (bad magic or hex digits, a name without its NUL, a name or data
 * running past the end).
 */
int cpio_next(const void *base, size_t size, size_t *pos, struct cpio_entry *e);

#endif
