/* ioctl requests elk's console answers, with Linux's numbers and layouts. */
#ifndef ELK_INC_IOCTL_H
#define ELK_INC_IOCTL_H

#include <inc/types.h>

#define TCGETS     0x5401	/* the terminal's settings: struct termios (inc/termios.h) */
#define TCSETS     0x5402	/* set them now */
#define TCSETSW    0x5403	/* set them once output has drained */
#define TCSETSF    0x5404	/* the same, and drop input not yet read */
#define TCFLSH     0x540b	/* drop input (arg 0 or 2) or output (1 or 2) not yet moved */
#define TIOCSCTTY  0x540e	/* a session leader takes the terminal (arg 1: from another session) */
#define TIOCGPGRP  0x540f	/* the foreground process group: *(pid_t *)arg */
#define TIOCSPGRP  0x5410	/* set it from *(const pid_t *)arg */
#define TIOCGWINSZ 0x5413	/* get the terminal's size: struct winsize */
#define TIOCSWINSZ 0x5414	/* set it */
#define FIONREAD   0x541b	/* bytes a read would return now: *(int *)arg */
#define FIONBIO    0x5421	/* any descriptor: *(int *)arg ? set : clear O_NONBLOCK */
#define TIOCGSID   0x5429	/* the terminal's session: *(pid_t *)arg */
#define FIONCLEX   0x5450	/* any descriptor: clear close-on-exec */
#define FIOCLEX    0x5451	/* any descriptor: set close-on-exec */

struct winsize {
	uint16_t ws_row, ws_col;
	uint16_t ws_xpixel, ws_ypixel;
};

#endif
