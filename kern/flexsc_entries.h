/*
 * The kernel's side of the syscall-page protocol (inc/flexsc.h), on its own:
 * finding and claiming SUBMITTED entries, publishing results, and what
 * flexsc_wait needs to know (how many entries are DONE, whether anything may
 * still be SUBMITTED) without reading every entry. No threads, sleeping or
 * locks here, only atomics on the entries and on the fields below, so that
 * tests/host/test_flexsc_entries.c can run it on the host; kern/flexsc.c builds
 * the syscall threads and flexsc_wait on top.
 *
 * Everything is inline: these run once or more per entry, and under QEMU's
 * software emulation a call and its return cost as much as the work itself.
 */
#ifndef ELK_KERN_FLEXSC_ENTRIES_H
#define ELK_KERN_FLEXSC_ENTRIES_H

#include <inc/flexsc.h>
#include <inc/types.h>

#define FLEXSC_MAX_ENTRIES (FLEXSC_MAX_PAGES * FLEXSC_ENTRIES_PER_PAGE)

struct flexsc_entries {
	unsigned nentries;
	struct flexsc_entry *page[FLEXSC_MAX_PAGES];	/* the kernel's view of each page */
	/*
	 * All atomics. scan_from is where the next scan starts: after the entry
	 * claimed last. completed marks each entry a syscall thread made DONE that
	 * entries_count_done has not yet found reaped: a byte per entry, so that a
	 * thread marks with a plain store and the waiter reads eight at a time;
	 * page_completed marks the pages that have such entries, so that the
	 * waiter reads only those. scan_kick is the highest kick count at which
	 * a syscall thread began a full scan.
	 */
	unsigned scan_from;
	union {
		uint8_t entry[FLEXSC_MAX_ENTRIES];
		uint64_t word[FLEXSC_MAX_ENTRIES / 8];
	} completed;
	uint8_t page_completed[FLEXSC_MAX_PAGES];
	uint64_t scan_kick;
};

/* Set s up over npages pages (1..FLEXSC_MAX_PAGES) of entries, all FREE. */
static inline void entries_init(struct flexsc_entries *s, struct flexsc_entry *const pages[],
				unsigned npages)
{
	s->nentries = npages * FLEXSC_ENTRIES_PER_PAGE;
	for (unsigned p = 0; p < FLEXSC_MAX_PAGES; p++)
		s->page[p] = p < npages ? pages[p] : NULL;
	s->scan_from = 0;
	for (unsigned w = 0; w < FLEXSC_MAX_ENTRIES / 8; w++)
		s->completed.word[w] = 0;
	for (unsigned p = 0; p < FLEXSC_MAX_PAGES; p++)
		s->page_completed[p] = 0;
	s->scan_kick = 0;
}

/* Entry i (below s->nentries). */
static inline struct flexsc_entry *entries_at(struct flexsc_entries *s, unsigned i)
{
	return &s->page[i / FLEXSC_ENTRIES_PER_PAGE][i % FLEXSC_ENTRIES_PER_PAGE];
}

static inline uint32_t entries_status(struct flexsc_entries *s, unsigned i)
{
	return __atomic_load_n(&entries_at(s, i)->status, __ATOMIC_ACQUIRE);
}

/* Whether a status says on its way: SUBMITTED, BUSY or BLOCKED. */
static inline bool entries_status_pending(uint32_t status)
{
	return status == FLEXSC_SUBMITTED || status == FLEXSC_BUSY || status == FLEXSC_BLOCKED;
}

/* Whether entry i is on its way. */
static inline bool entries_pending(struct flexsc_entries *s, unsigned i)
{
	return entries_status_pending(entries_status(s, i));
}

/*
 * Claimed entry i's thread is going to sleep inside its call (blocked true,
 * BUSY -> BLOCKED) or has woken (BLOCKED -> BUSY): for the user to see. Only
 * the thread that runs the entry writes its status until it publishes.
 */
static inline void entries_mark_blocked(struct flexsc_entries *s, unsigned i, bool blocked)
{
	__atomic_store_n(&entries_at(s, i)->status, blocked ? FLEXSC_BLOCKED : FLEXSC_BUSY,
			 __ATOMIC_RELEASE);
}

/* The entry before entry i, wrapping: the one whose FLEXSC_LINK makes i its follower. */
static inline unsigned entries_before(struct flexsc_entries *s, unsigned i)
{
	return i == 0 ? s->nentries - 1 : i - 1;
}

/*
 * Whether entry i waits for a leader: the entry before it carries FLEXSC_LINK
 * and is on its way, so only the thread that runs that one claims i, right
 * after running it and before publishing its result (entries_claim_after). A
 * scan leaves such an entry alone; once the leader reads DONE its follower
 * has been claimed (or was not SUBMITTED then, and is an entry like any
 * other). The user wrote the flags before it released i's SUBMITTED, so a
 * thread that has read that SUBMITTED sees them.
 */
static inline bool entries_follower(struct flexsc_entries *s, unsigned i)
{
	struct flexsc_entry *lead = entries_at(s, entries_before(s, i));

	return (__atomic_load_n(&lead->flags, __ATOMIC_RELAXED) & FLEXSC_LINK) &&
	       entries_status_pending(__atomic_load_n(&lead->status, __ATOMIC_ACQUIRE));
}

/*
 * Claim entry i if it is SUBMITTED (SUBMITTED -> BUSY, by compare-and-swap, so
 * that of threads racing for it one wins), and start the next scan after it.
 * A scan (scan true) leaves followers alone.
 */
static inline bool entries_try_claim(struct flexsc_entries *s, unsigned i, bool scan)
{
	struct flexsc_entry *e = entries_at(s, i);
	uint32_t expected = FLEXSC_SUBMITTED;

	if (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_SUBMITTED ||
	    (scan && entries_follower(s, i)) ||
	    !__atomic_compare_exchange_n(&e->status, &expected, FLEXSC_BUSY, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&s->scan_from, i + 1 == s->nentries ? 0 : i + 1, __ATOMIC_RELAXED);
	return true;
}

/*
 * Claim a SUBMITTED entry that waits for no leader, looking at every entry from the
 * one after the entry claimed last: its index, or -1.
 */
static inline int entries_claim(struct flexsc_entries *s)
{
	unsigned i = __atomic_load_n(&s->scan_from, __ATOMIC_RELAXED);

	for (unsigned k = 0; k < s->nentries; k++, i++) {
		if (i >= s->nentries)
			i = 0;
		if (entries_try_claim(s, i, true))
			return (int)i;
	}
	return -1;
}

/*
 * Claim the entry after entry i, the next of a batch laid out in a row, or i's
 * follower if i carried FLEXSC_LINK; for the thread that has just run i, before
 * it publishes i's result. Its index, or -1.
 */
static inline int entries_claim_after(struct flexsc_entries *s, unsigned i)
{
	unsigned next = i + 1 == s->nentries ? 0 : i + 1;
	return entries_try_claim(s, next, false) ? (int)next : -1;
}

/*
 * Copy claimed entry i's call out of the page, once: the user may write to the
 * page at any moment. Returns the sysnum, fills args and says in *link whether
 * the entry carries FLEXSC_LINK.
 */
static inline uint32_t entries_fetch(struct flexsc_entries *s, unsigned i, uint64_t args[6],
				     bool *link)
{
	struct flexsc_entry *e = entries_at(s, i);

	/* Six loads rather than a loop: a loop trip is a jump under emulation. */
	args[0] = __atomic_load_n(&e->args[0], __ATOMIC_RELAXED);
	args[1] = __atomic_load_n(&e->args[1], __ATOMIC_RELAXED);
	args[2] = __atomic_load_n(&e->args[2], __ATOMIC_RELAXED);
	args[3] = __atomic_load_n(&e->args[3], __ATOMIC_RELAXED);
	args[4] = __atomic_load_n(&e->args[4], __ATOMIC_RELAXED);
	args[5] = __atomic_load_n(&e->args[5], __ATOMIC_RELAXED);
	*link = __atomic_load_n(&e->flags, __ATOMIC_RELAXED) & FLEXSC_LINK;
	return __atomic_load_n(&e->sysnum, __ATOMIC_RELAXED);
}

/*
 * Hand claimed entry i back unrun (BUSY -> SUBMITTED), for a thread that finds
 * after claiming it that the pool has closed: the entry stays pending.
 */
static inline void entries_unclaim(struct flexsc_entries *s, unsigned i)
{
	__atomic_store_n(&entries_at(s, i)->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
}

/*
 * Publish claimed entry i's result: store ret, release-store DONE, and mark the
 * entry completed, then its page. A waiter that reads a mark reads what was
 * stored before it.
 */
static inline void entries_publish(struct flexsc_entries *s, unsigned i, int64_t ret)
{
	struct flexsc_entry *e = entries_at(s, i);

	__atomic_store_n(&e->ret, ret, __ATOMIC_RELAXED);
	__atomic_store_n(&e->status, FLEXSC_DONE, __ATOMIC_RELEASE);
	__atomic_store_n(&s->completed.entry[i], 1, __ATOMIC_RELEASE);
	__atomic_store_n(&s->page_completed[i / FLEXSC_ENTRIES_PER_PAGE], 1, __ATOMIC_RELEASE);
}

/*
 * How many of page p's entries published here still read DONE; clears the mark
 * of each found reaped or scribbled on, and says in *marked whether any mark is
 * left.
 */
static inline unsigned entries_count_page(struct flexsc_entries *s, unsigned p, bool *marked)
{
	unsigned first = p * FLEXSC_ENTRIES_PER_PAGE, done = 0;

	*marked = false;
	for (unsigned w = first / 8; w < (first + FLEXSC_ENTRIES_PER_PAGE) / 8; w++) {
		if (!__atomic_load_n(&s->completed.word[w], __ATOMIC_ACQUIRE))
			continue;
		for (unsigned i = w * 8; i < w * 8 + 8; i++) {
			if (!__atomic_load_n(&s->completed.entry[i], __ATOMIC_RELAXED))
				continue;
			uint32_t status = entries_status(s, i);
			if (status == FLEXSC_DONE)
				done++;
			if (status == FLEXSC_DONE || entries_status_pending(status))
				*marked = true;
			else
				__atomic_store_n(&s->completed.entry[i], 0, __ATOMIC_RELAXED);
		}
	}
	return done;
}

/*
 * How many entries published here still read DONE (not yet reaped). For the one
 * user thread, while it cannot submit (inside flexsc_wait): entries it finds
 * reaped or scribbled on are forgotten, since they cannot become DONE again
 * before they are submitted, so each completion is looked at about once, and
 * only the pages marked since are read. A page's mark is cleared (with a full
 * barrier) before its entries are read, so that a publish racing with the
 * count leaves the page marked for the next one.
 */
static inline unsigned entries_count_done(struct flexsc_entries *s)
{
	unsigned done = 0;

	for (unsigned p = 0; p < s->nentries / FLEXSC_ENTRIES_PER_PAGE; p++) {
		if (!__atomic_load_n(&s->page_completed[p], __ATOMIC_ACQUIRE) ||
		    !__atomic_exchange_n(&s->page_completed[p], 0, __ATOMIC_SEQ_CST))
			continue;
		bool marked;
		done += entries_count_page(s, p, &marked);
		if (marked)
			__atomic_store_n(&s->page_completed[p], 1, __ATOMIC_RELAXED);
	}
	return done;
}

/*
 * Whether any entry that a scan would claim reads SUBMITTED (followers of
 * leaders on their way are their leaders' threads' to claim), looking first where the next claim
 * starts (where a fresh batch lies): one load per entry when none does.
 */
static inline bool entries_any_submitted(struct flexsc_entries *s)
{
	unsigned i = __atomic_load_n(&s->scan_from, __ATOMIC_RELAXED);

	for (unsigned k = 0; k < s->nentries; k++, i++) {
		if (i >= s->nentries)
			i = 0;
		if (entries_status(s, i) == FLEXSC_SUBMITTED && !entries_follower(s, i))
			return true;
	}
	return false;
}

/* Record that a syscall thread begins a full scan at kick count kick. */
static inline void entries_note_scan(struct flexsc_entries *s, uint64_t kick)
{
	uint64_t cur = __atomic_load_n(&s->scan_kick, __ATOMIC_RELAXED);
	while (cur < kick && !__atomic_compare_exchange_n(&s->scan_kick, &cur, kick, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
}

/*
 * Whether a full scan began at kick count kick or later: then every entry
 * SUBMITTED before that kick has been, or is being, looked at.
 */
static inline bool entries_scanned_since(struct flexsc_entries *s, uint64_t kick)
{
	return __atomic_load_n(&s->scan_kick, __ATOMIC_SEQ_CST) >= kick;
}

#endif
