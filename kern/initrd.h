/*
 * Reading the initial ramdisk (format in inc/initrd.h). These functions only parse;
 * the caller keeps track of where the archive lies in memory.
 */
#ifndef ELK_KERN_INITRD_H
#define ELK_KERN_INITRD_H

#include <inc/initrd.h>
#include <inc/types.h>

/*
 * 0 if the size bytes at base (8-byte aligned) are a well-formed archive: right
 * magic, the entry table and every file's data inside the archive, every file at an
 * INITRD_ALIGN-aligned offset, every name non-empty and NUL-terminated. Else -EINVAL.
 * The other functions expect an archive that has passed this check.
 */
int initrd_check(const void *base, size_t size);

/* Number of files in the archive. */
uint32_t initrd_count(const void *base);

/* The i'th file's entry, or NULL if i >= initrd_count(base). */
const struct initrd_file *initrd_file_at(const void *base, uint32_t i);

/* The entry of the file called name, ignoring leading '/'s in name; NULL if none. */
const struct initrd_file *initrd_lookup(const void *base, const char *name);

/* The first byte of f's data (f->size bytes). */
const void *initrd_data(const void *base, const struct initrd_file *f);

#endif
