/*
 * The console's line discipline: what termios says to do with typed bytes
 * before a read sees them (editing, echo, CR/NL mapping, signal characters).
 * Plain data and functions without locks or hardware, so that the host unit
 * test (tests/host/test_ldisc.c) runs them as the kernel does; kern/console.c
 * holds the one instance under its input lock.
 */
#ifndef ELK_KERN_LDISC_H
#define ELK_KERN_LDISC_H

#include <inc/termios.h>
#include <inc/types.h>

#define LDISC_BUF 256		/* bytes of a line being edited; slots of the ready ring */
#define LDISC_EOF 0x100		/* a ready slot holding VEOF's end of a read, not a byte */

struct ldisc {
	struct termios tio;
	uint16_t ready[LDISC_BUF];	/* what reads take: bytes and LDISC_EOF marks */
	size_t head, tail;		/* read at head, add at tail; free-running */
	char line[LDISC_BUF];		/* ICANON: the line being edited, not yet readable */
	size_t linelen;
	/* Where echo goes (the console's output), with output processing applied. */
	void (*echo)(void *arg, const char *s, size_t n);
	void *echo_arg;
};

/* Linux's default settings: canonical input with echo, CR read as NL, NL written as CR NL. */
void ldisc_init(struct ldisc *l, void (*echo)(void *, const char *, size_t), void *echo_arg);
/*
 * Take one typed byte. Returns the signal the byte asks for (SIGINT, SIGQUIT,
 * SIGTSTP: ISIG and the VINTR, VQUIT or VSUSP character; the line and the
 * unread input are dropped first, as without NOFLSH), else 0.
 */
int ldisc_input(struct ldisc *l, char c);
/*
 * Whether a read of n > 0 bytes would return now: ICANON, a line (or a VEOF)
 * is complete; else at least min(VMIN, n) bytes are there, or VMIN is 0.
 */
bool ldisc_can_read(const struct ldisc *l, size_t n);
/* Whether poll says readable: as a read of VMIN bytes (at least one) would return. */
bool ldisc_poll_readable(const struct ldisc *l);
/*
 * Move up to n bytes to buf as a read does: ICANON, at most one line (through
 * its NL or VEOL) and a VEOF ends the read there (0 if it is first: end of
 * file); else what is there. Call when ldisc_can_read says so.
 */
size_t ldisc_read(struct ldisc *l, char *buf, size_t n);
/* Bytes a read could take now, for FIONREAD. */
size_t ldisc_pending(const struct ldisc *l);
/*
 * New settings. Leaving ICANON hands the line being edited to reads, so that
 * nothing typed is lost; with flush, unread input is dropped first.
 */
void ldisc_set(struct ldisc *l, const struct termios *tio, bool flush);
/* Drop what has been typed and not read (TCFLSH, TCSETSF). */
void ldisc_flush(struct ldisc *l);

#endif
