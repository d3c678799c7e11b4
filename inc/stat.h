/* fstat(): Linux x86-64's struct stat (144 bytes) and the file type bits of st_mode. */
#ifndef ELK_INC_STAT_H
#define ELK_INC_STAT_H

#include <inc/types.h>

struct stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;	/* S_IF* type and permission bits */
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t st_pad0;
	uint64_t st_rdev;
	int64_t st_size;	/* bytes */
	int64_t st_blksize;	/* preferred I/O size */
	int64_t st_blocks;	/* 512-byte units */
	uint64_t st_atime, st_atime_nsec;
	uint64_t st_mtime, st_mtime_nsec;
	uint64_t st_ctime, st_ctime_nsec;
	int64_t st_reserved[3];
};

_Static_assert(sizeof(struct stat) == 144, "struct stat must match Linux x86-64");

#define S_IFMT   0170000
#define S_IFIFO  0010000
#define S_IFCHR  0020000
#define S_IFDIR  0040000
#define S_IFBLK  0060000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_IFSOCK 0140000

/* Permission bits, with set-user-id, set-group-id and sticky. */
#define S_IALLUGO 07777

#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)

/* A device number as Linux packs it for st_rdev (major and minor below 256 here). */
#define MKDEV(major, minor) (((major) << 8) | (minor))

#endif
