/* getdents64's records: Linux's struct linux_dirent64 and the d_type values. */
#ifndef ELK_INC_DIRENT_H
#define ELK_INC_DIRENT_H

#include <inc/types.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;		/* the position (lseek) of the next record */
	uint16_t d_reclen;	/* this record's bytes: a multiple of 8 */
	uint8_t d_type;		/* DT_* */
	char d_name[];		/* NUL-terminated, padded with NULs to d_reclen */
};

/* d_type: the S_IF* type bits shifted down by 12, as Linux has them. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#endif
