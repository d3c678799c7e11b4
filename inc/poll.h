/* poll and ppoll: Linux's struct pollfd and event bits. */
#ifndef ELK_INC_POLL_H
#define ELK_INC_POLL_H

#define POLLIN     0x001	/* a read would not block */
#define POLLPRI    0x002	/* urgent data (nothing of elk's has any) */
#define POLLOUT    0x004	/* a write would not block */
#define POLLERR    0x008	/* an error: a pipe's write end with no reader (always reported) */
#define POLLHUP    0x010	/* hung up: a pipe's read end with no writer (always reported) */
#define POLLNVAL   0x020	/* fd is not open (always reported) */
#define POLLRDNORM 0x040	/* as POLLIN */
#define POLLWRNORM 0x100	/* as POLLOUT */

struct pollfd {
	int fd;			/* negative: ignored, revents 0 */
	short events;		/* what the caller waits for */
	short revents;		/* what is so, set by the kernel */
};

#endif
