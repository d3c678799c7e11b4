/* readv and writev: a buffer of a scattered transfer (Linux's layout). */
#ifndef ELK_INC_UIO_H
#define ELK_INC_UIO_H

#include <inc/types.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#define IOV_MAX 1024	/* the most buffers one call takes (Linux's UIO_MAXIOV) */

#endif
