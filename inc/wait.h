/*
 * wait4's options and status word, with Linux's values, for the kernel: it
 * builds the word with the W_* encoders and reads it with the W* decoders
 * (programs have musl's <sys/wait.h>, with the same values).
 */
#ifndef ELK_INC_WAIT_H
#define ELK_INC_WAIT_H

/* wait4's options. */
#define WNOHANG    1	/* return 0 rather than sleep */
#define WUNTRACED  2	/* also report children that have stopped */
#define WCONTINUED 8	/* also report stopped children that have been continued */
#define __WALL     0x40000000	/* wait for every child, whatever its exit signal */
#define __WCLONE   0x80000000	/* wait only for clone children: exit signal not SIGCHLD */

/* Encoding: exit code in bits 8..15; a killing signal in 0..6; 0x7f marks a stop. */
#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig)  ((sig) & 0x7f)
#define W_STOPCODE(sig)  ((((sig) & 0xff) << 8) | 0x7f)
#define W_CONTINUED      0xffff

/* Decoding. */
#define WIFEXITED(s)    (((s) & 0x7f) == 0)
#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WIFSIGNALED(s)  (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WIFSTOPPED(s)   (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s)     WEXITSTATUS(s)
#define WIFCONTINUED(s) ((s) == W_CONTINUED)

#endif
