/* open() flags and lseek() origins: Linux's values, shared by kernel and user. */
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
#define O_NONBLOCK  04000
#define O_CLOEXEC   02000000

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

#endif
