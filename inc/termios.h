/*
 * Terminal settings: the kernel's struct termios and the flags and control
 * characters elk's console acts on, with Linux's x86-64 values (TCGETS and
 * friends are in inc/ioctl.h).
 */
#ifndef ELK_INC_TERMIOS_H
#define ELK_INC_TERMIOS_H

#include <inc/types.h>

#define NCCS 19		/* control characters in the kernel's struct */

struct termios {
	uint32_t c_iflag;	/* input modes */
	uint32_t c_oflag;	/* output modes */
	uint32_t c_cflag;	/* control modes */
	uint32_t c_lflag;	/* local modes */
	uint8_t c_line;		/* line discipline: 0, N_TTY */
	uint8_t c_cc[NCCS];	/* control characters, indexed by V* */
};

/* c_cc indices. */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSWTC    7
#define VSTART   8
#define VSTOP    9
#define VSUSP    10
#define VEOL     11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE  14
#define VLNEXT   15
#define VEOL2    16

/* c_iflag. */
#define INLCR  0000100	/* NL to CR on input */
#define IGNCR  0000200	/* drop CR on input */
#define ICRNL  0000400	/* CR to NL on input */
#define IXON   0002000	/* ^S/^Q flow control (reported, not acted on: output never waits) */

/* c_oflag. */
#define OPOST  0000001	/* process output */
#define ONLCR  0000004	/* NL to CR NL on output */

/* c_cflag. */
#define B38400 0000017
#define CSIZE  0000060
#define CS8    0000060
#define CREAD  0000200
#define HUPCL  0002000
#define CLOCAL 0004000

/* c_lflag. */
#define ISIG    0000001	/* INTR, QUIT and SUSP characters send signals */
#define ICANON  0000002	/* line at a time, with editing */
#define ECHO    0000010
#define ECHOE   0000020	/* ERASE rubs out the character */
#define ECHOK   0000040	/* NL after KILL */
#define ECHONL  0000100	/* echo NL even without ECHO */
#define ECHOCTL 0001000	/* control characters echo as ^X */
#define ECHOKE  0004000	/* KILL rubs out the line */
#define IEXTEN  0100000	/* WERASE, LNEXT, REPRINT */

#endif
