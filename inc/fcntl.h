/*
 * open() flags and lseek() origins: Linux's values, for the kernel (a user
 * program has musl's <fcntl.h>, with the same values; musl's O_ACCMODE also
 * holds O_PATH).
 */
#ifndef ELK_INC_FCNTL_H
#define ELK_INC_FCNTL_H

/* Access modes: exactly one of these, in the low two bits. */
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_ACCMODE   03

#define O_CREAT     0100
#define O_EXCL      0200
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NOCTTY    0400
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000	/* offsets past 2 GiB: always so on x86-64, F_GETFL shows it */
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000

/* The *at calls: the directory a relative path starts from, and their flags. */
#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200	/* unlinkat */
#define AT_EACCESS          0x200	/* faccessat */
#define AT_SYMLINK_FOLLOW   0x400	/* linkat */
#define AT_EMPTY_PATH       0x1000

/* renameat2's flags. */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2

/* access and faccessat: what to check. */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* utimensat: tv_nsec values that mean "now" and "leave as it is". */
#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

/* fcntl commands, and the descriptor flag F_GETFD and F_SETFD take. */
#define F_DUPFD          0
#define F_GETFD          1
#define F_SETFD          2
#define F_GETFL          3
#define F_SETFL          4
#define F_DUPFD_CLOEXEC  1030
#define FD_CLOEXEC       1

/* lseek: where the offset counts from. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3	/* the next byte of data at or after offset */
#define SEEK_HOLE 4	/* the next hole at or after offset: the end, at least */
#define SEEK_MAX SEEK_HOLE	/* Linux's last; beyond it whence is -EINVAL */

#endif
