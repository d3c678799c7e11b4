/*
 * The user side of exception-less system calls, in the spirit of liburing: a
 * ring of syscall-page entries and a few verbs over the raw protocol of
 * inc/flexsc.h.
 *
 *   e = flexsc_get_entry(ring);         a FREE entry, RESERVED for us
 *   flexsc_prep(e, SYS_write, fd, buf, n, 0, 0, 0);
 *   flexsc_submit(e);                   release store of SUBMITTED
 *   flexsc_wait();                      the one trap: until something is DONE
 *   if (flexsc_done(e)) r = flexsc_reap(e);   read ret, entry FREE again
 *   flexsc_release(e);                  give back an entry not wanted
 *
 * The verbs that run once per entry are inline in inc/lib.h. flexsc_post does
 * the first three at once, flexsc_wait_for waits for one entry (the trap returns
 * when that entry is DONE, not any other) and reaps it, flexsc_call does it all;
 * the flex_* wrappers are flexsc_call on the ring flexsc_setup registered last.
 */
#include <time.h>
#include <unistd.h>
#include <inc/lib.h>

struct flexsc_ring flexsc_default_ring;
unsigned long flexsc_submitted, flexsc_waits, flexsc_wakes;
const struct flexsc_ctl *flexsc_poll_ctl;
unsigned long flexsc_spin_limit = 16384;

int flexsc_setup_with(struct flexsc_ring *r, const struct flexsc_options *opts)
{
	long addr = syscall6(SYS_flexsc_register, (long)opts, 0, 0, 0, 0, 0);

	if (addr < 0)
		return (int)addr;
	unsigned npages = opts->npages ? opts->npages : 1;
	r->entries = (struct flexsc_entry *)addr;
	r->nentries = npages * FLEXSC_ENTRIES_PER_PAGE;
	r->cursor = 0;
	flexsc_poll_ctl = opts->flags & FLEXSC_POLL ? (const struct flexsc_ctl *)(addr + npages * 4096)
						     : NULL;
	if (r != &flexsc_default_ring)
		flexsc_default_ring = *r;
	return 0;
}

int flexsc_setup(struct flexsc_ring *r, unsigned npages, unsigned nthreads)
{
	struct flexsc_options opts = { .npages = npages, .nthreads = nthreads };
	return flexsc_setup_with(r, &opts);
}

int flexsc_wake(void)
{
	flexsc_wakes++;
	return (int)syscall6(SYS_flexsc_wake, 0, 0, 0, 0, 0, 0);
}

int flexsc_wait(void)
{
	flexsc_waits++;
	return (int)syscall6(SYS_flexsc_wait, 0, 0, 0, 0, 0, 0);
}

int flexsc_wait_entry(const struct flexsc_entry *e)
{
	flexsc_waits++;
	return (int)syscall6(SYS_flexsc_wait, (long)e, 0, 0, 0, 0, 0);
}

int flexsc_await(struct flexsc_entry *e)
{
	for (;;) {
		int r = flexsc_wait_entry(e);
		if (r == -EINTR)
			continue;	/* a handler ran; e itself says whether it was interrupted */
		if (r != -EAGAIN && r != -ENOMEM)
			return r;
		uint32_t submitted = FLEXSC_SUBMITTED;
		if (__atomic_compare_exchange_n(&e->status, &submitted, FLEXSC_FREE, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return r;
		struct timespec pause = { 0, 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
}

/* Whether the n entries of r from index first (wrapping) are all FREE. */
static bool run_free(struct flexsc_ring *r, unsigned first, unsigned n)
{
	for (unsigned k = 0, i = first; k < n; k++, i = i + 1 == r->nentries ? 0 : i + 1)
		if (__atomic_load_n(&r->entries[i].status, __ATOMIC_ACQUIRE) != FLEXSC_FREE)
			return false;
	return true;
}

int flexsc_get_chain(struct flexsc_ring *r, struct flexsc_entry **chain, unsigned n)
{
	if (!r->entries)
		return -EINVAL;
	if (n == 0 || n > r->nentries)
		return -EBUSY;
	for (unsigned k = 0, first = r->cursor; k < r->nentries;
	     k++, first = first + 1 == r->nentries ? 0 : first + 1) {
		if (!run_free(r, first, n))
			continue;
		unsigned i = first;
		for (unsigned j = 0; j < n; j++, i = i + 1 == r->nentries ? 0 : i + 1) {
			chain[j] = &r->entries[i];
			__atomic_store_n(&chain[j]->status, FLEXSC_RESERVED, __ATOMIC_RELAXED);
		}
		r->cursor = i;
		return 0;
	}
	return -EBUSY;
}

void flexsc_submit_chain(struct flexsc_entry **chain, unsigned n)
{
	for (unsigned j = 0; j + 1 < n; j++)
		chain[j]->flags |= FLEXSC_LINK;
	for (unsigned j = n; j-- > 0;)
		flexsc_submit(chain[j]);
}

int64_t flexsc_call(struct flexsc_ring *r, long sysnum, long a0, long a1, long a2, long a3,
		    long a4, long a5)
{
	struct flexsc_entry *e = flexsc_post(r, sysnum, a0, a1, a2, a3, a4, a5);
	if (!e)
		return r->entries ? -EBUSY : -EINVAL;
	return flexsc_wait_for(e);
}

/* flexsc_call on the default ring. */
static int64_t flex_call(long sysnum, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return flexsc_call(&flexsc_default_ring, sysnum, a0, a1, a2, a3, a4, a5);
}

/*
 * musl's unistd.h makes pread64 and pwrite64 macros for pread and pwrite; the
 * wrappers' names must be the calls' own (flex_pread64, as inc/lib.h declares).
 */
#undef pread64
#undef pwrite64
#define WRAPPER_NAME(name) flex_##name
#define WRAPPER_CALL flex_call
#include "syscall_wrappers.h"

/* In the child the default ring is the parent's snapshot: forget it. */
pid_t flex_fork(void)
{
	pid_t pid = flex_call(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (pid == 0) {
		flexsc_default_ring.entries = NULL;
		flexsc_poll_ctl = NULL;
	}
	return pid;
}

void flex_exit(int status)
{
	flex_call(SYS_exit_group, status, 0, 0, 0, 0, 0);
	_exit(status);	/* only if the page could not take the call */
}
