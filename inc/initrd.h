/*
 * The initial ramdisk: a flat archive written by tools/mkinitrd.py and passed as a
 * boot module.
 *
 *   offset 0     struct initrd_header
 *   offset 16    struct initrd_file[nfiles]
 *   ...          file data, each file starting at a multiple of 4096 bytes from the
 *                start of the archive, so that pages of a file can be mapped directly
 *
 * All integers are little-endian. Names are NUL-terminated, at most 47 characters.
 */
#ifndef ELK_INC_INITRD_H
#define ELK_INC_INITRD_H

#include <inc/types.h>

#define INITRD_MAGIC    "ELKRD01"	/* 7 characters and the NUL: 8 bytes */
#define INITRD_NAMELEN  48
#define INITRD_ALIGN    4096

struct initrd_header {
	char magic[8];
	uint32_t nfiles;
	uint32_t reserved;	/* zero */
};

struct initrd_file {
	char name[INITRD_NAMELEN];
	uint64_t offset;	/* from the start of the archive; a multiple of INITRD_ALIGN */
	uint64_t size;		/* bytes */
};

#endif
