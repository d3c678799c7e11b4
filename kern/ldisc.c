/*
 * The line discipline: Linux's N_TTY rules for the flags in inc/termios.h.
 *
 * Input: IGNCR drops CR, else ICRNL reads CR as NL, INLCR NL as CR. With ISIG
 * the VINTR, VQUIT and VSUSP characters drop all input and ask for a signal.
 * With ICANON bytes gather in an edited line (VERASE, VKILL, and with IEXTEN
 * VWERASE) that reads see only once NL, VEOL, VEOL2 or VEOF ends it; VEOF
 * itself is no byte but a mark that ends a read (at a line's start: 0, end of
 * file). Without ICANON every byte is readable at once. A full line takes
 * only what ends it; a full ready ring drops what does not fit, as a real
 * terminal's would.
 * Echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL) is written through the
 * echo callback.
 */
#include <inc/signal.h>
#include <inc/string.h>
#include <kern/ldisc.h>

static bool has(const struct ldisc *l, uint32_t lflag)
{
	return l->tio.c_lflag & lflag;
}

void ldisc_init(struct ldisc *l, void (*echo)(void *, const char *, size_t), void *echo_arg)
{
	static const uint8_t cc[NCCS] = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 004,
		[VTIME] = 0, [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032,
		[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
	};

	memset(l, 0, sizeof(*l));
	l->tio.c_iflag = ICRNL | IXON;
	l->tio.c_oflag = OPOST | ONLCR;
	l->tio.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	l->tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(l->tio.c_cc, cc, sizeof(cc));
	l->echo = echo;
	l->echo_arg = echo_arg;
}

/* Whether c is one that ECHOCTL shows as ^X: a control character but TAB and NL, or DEL. */
static bool shown_as_caret(char c)
{
	return ((unsigned char)c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* Echo c as typed: ^X for control characters under ECHOCTL. */
static void echo_char(struct ldisc *l, char c)
{
	if (has(l, ECHOCTL) && shown_as_caret(c)) {
		char caret[2] = { '^', (char)(c ^ 0x40) };
		l->echo(l->echo_arg, caret, 2);
	} else {
		l->echo(l->echo_arg, &c, 1);
	}
}

/* Rub out the edited line's last character on the screen: one column, or two for ^X. */
static void rub_out(struct ldisc *l, char c)
{
	int columns = has(l, ECHOCTL) && shown_as_caret(c) ? 2 : 1;

	for (int i = 0; i < columns; i++)
		l->echo(l->echo_arg, "\b \b", 3);
}

static size_t ready_count(const struct ldisc *l)
{
	return l->tail - l->head;
}

/* Add v to the ready ring, if it has room. */
static void ready_put(struct ldisc *l, uint16_t v)
{
	if (ready_count(l) < LDISC_BUF)
		l->ready[l->tail++ % LDISC_BUF] = v;
}

/* The edited line becomes readable, followed by end (a byte, or LDISC_EOF). */
static void line_done(struct ldisc *l, uint16_t end)
{
	for (size_t i = 0; i < l->linelen; i++)
		ready_put(l, (unsigned char)l->line[i]);
	l->linelen = 0;
	ready_put(l, end);
}

/* Whether c ends a canonical line. */
static bool ends_line(const struct ldisc *l, char c)
{
	const uint8_t *cc = l->tio.c_cc;
	return c == '\n' || (cc[VEOL] && (unsigned char)c == cc[VEOL]) ||
	       (has(l, IEXTEN) && cc[VEOL2] && (unsigned char)c == cc[VEOL2]);
}

/* Erase the line's last character (ECHOE shows it). */
static void erase_char(struct ldisc *l)
{
	if (l->linelen == 0)
		return;
	char c = l->line[--l->linelen];
	if (has(l, ECHO) && has(l, ECHOE))
		rub_out(l, c);
}

/* Canonical editing of one byte c, already mapped. */
static void canonical_input(struct ldisc *l, char c)
{
	const uint8_t *cc = l->tio.c_cc;
	unsigned char u = (unsigned char)c;

	if (u == cc[VERASE]) {
		erase_char(l);
	} else if (has(l, IEXTEN) && u == cc[VWERASE]) {
		while (l->linelen && l->line[l->linelen - 1] == ' ')
			erase_char(l);
		while (l->linelen && l->line[l->linelen - 1] != ' ')
			erase_char(l);
	} else if (u == cc[VKILL]) {
		if (has(l, ECHO) && has(l, ECHOKE) && has(l, ECHOE)) {
			while (l->linelen)
				erase_char(l);
		} else {
			l->linelen = 0;
			if (has(l, ECHO)) {
				echo_char(l, c);
				if (has(l, ECHOK))
					l->echo(l->echo_arg, "\n", 1);
			}
		}
	} else if (u == cc[VEOF]) {
		line_done(l, LDISC_EOF);
	} else if (ends_line(l, c)) {
		if (has(l, ECHO) || (c == '\n' && has(l, ECHONL)))
			echo_char(l, c);
		line_done(l, u);
	} else if (l->linelen < LDISC_BUF - 1) {
		l->line[l->linelen++] = c;
		if (has(l, ECHO))
			echo_char(l, c);
	}
}

int ldisc_input(struct ldisc *l, char c)
{
	const uint8_t *cc = l->tio.c_cc;
	uint32_t iflag = l->tio.c_iflag;

	if (c == '\r' && (iflag & IGNCR))
		return 0;
	if (c == '\r' && (iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (iflag & INLCR))
		c = '\r';
	if (has(l, ISIG)) {
		unsigned char u = (unsigned char)c;
		int sig = u == cc[VINTR] ? SIGINT : u == cc[VQUIT] ? SIGQUIT :
			  u == cc[VSUSP] ? SIGTSTP : 0;
		if (sig && u != 0) {
			ldisc_flush(l);
			if (has(l, ECHO))
				echo_char(l, c);
			return sig;
		}
	}
	if (has(l, ICANON)) {
		canonical_input(l, c);
	} else {
		ready_put(l, (unsigned char)c);
		if (has(l, ECHO))
			echo_char(l, c);
	}
	return 0;
}

/* Whether slot v ends a canonical read: a line's end or an EOF mark. */
static bool ends_read(const struct ldisc *l, uint16_t v)
{
	return v == LDISC_EOF || ends_line(l, (char)v);
}

bool ldisc_can_read(const struct ldisc *l, size_t n)
{
	if (has(l, ICANON)) {
		for (size_t i = l->head; i != l->tail; i++)
			if (ends_read(l, l->ready[i % LDISC_BUF]))
				return true;
		return false;
	}
	size_t vmin = l->tio.c_cc[VMIN];
	return ready_count(l) >= (vmin < n ? vmin : n);
}

bool ldisc_poll_readable(const struct ldisc *l)
{
	size_t vmin = l->tio.c_cc[VMIN];
	return has(l, ICANON) ? ldisc_can_read(l, 1) : ready_count(l) >= (vmin ? vmin : 1);
}

size_t ldisc_read(struct ldisc *l, char *buf, size_t n)
{
	size_t got = 0;
	bool canonical = has(l, ICANON);

	while (got < n && l->head != l->tail) {
		uint16_t v = l->ready[l->head % LDISC_BUF];
		if (v == LDISC_EOF) {
			if (canonical) {
				l->head++;	/* the mark ends this read, and is gone */
				break;
			}
			l->head++;	/* outside ICANON a mark left over is no byte */
			continue;
		}
		l->head++;
		buf[got++] = (char)v;
		if (canonical && ends_line(l, (char)v))
			break;
	}
	return got;
}

size_t ldisc_pending(const struct ldisc *l)
{
	size_t n = 0;
	for (size_t i = l->head; i != l->tail; i++)
		n += l->ready[i % LDISC_BUF] != LDISC_EOF;
	return n;
}

void ldisc_set(struct ldisc *l, const struct termios *tio, bool flush)
{
	if (flush)
		ldisc_flush(l);
	bool was_canonical = has(l, ICANON);
	l->tio = *tio;
	if (was_canonical && !has(l, ICANON)) {
		for (size_t i = 0; i < l->linelen; i++)
			ready_put(l, (unsigned char)l->line[i]);
		l->linelen = 0;
	}
}

void ldisc_flush(struct ldisc *l)
{
	l->head = l->tail;
	l->linelen = 0;
}
