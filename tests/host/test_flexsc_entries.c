// host-test-sources:
/*
 * Host test of the syscall-page protocol's kernel side (kern/flexsc_entries.h),
 * with the user's side played by the test: fill an entry, release-store
 * SUBMITTED, wait for DONE, read ret, store FREE.
 *
 * In one thread: a batch is claimed in the order it was laid out, across the
 * end of the entries and back to the start; a thread that looks only at the
 * next entry misses one laid out elsewhere, which a full scan finds; counts of
 * DONE entries follow reaping, and only pages with completions are read;
 * garbage statuses are never claimed or counted; an entry handed back unrun is
 * pending and claimed again; the idle record only moves forward; a chain of
 * linked entries is claimed head first, each follower by its leader's thread.
 *
 * Then two threads play syscall threads racing for entries (one per core of
 * a small machine) while the user posts and reaps a million calls in batches:
 * every call must run exactly once and return its own result.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <kern/flexsc_entries.h>

#include "check.h"

#define NPAGES 2
#define NENTRIES (NPAGES * FLEXSC_ENTRIES_PER_PAGE)

static struct flexsc_entry pages[NPAGES][FLEXSC_ENTRIES_PER_PAGE];
static struct flexsc_entries entries;

static void setup(void)
{
	struct flexsc_entry *views[NPAGES];

	memset(pages, 0, sizeof(pages));
	for (int p = 0; p < NPAGES; p++)
		views[p] = pages[p];
	entries_init(&entries, views, NPAGES);
}

/* The user's side: post call number sysnum with one argument at entry i. */
static void post(unsigned i, uint32_t sysnum, uint64_t arg)
{
	struct flexsc_entry *e = entries_at(&entries, i);
	e->sysnum = sysnum;
	e->args[0] = arg;
	__atomic_store_n(&e->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
}

static void reap(unsigned i)
{
	__atomic_store_n(&entries_at(&entries, i)->status, FLEXSC_FREE, __ATOMIC_RELEASE);
}

/*
 * A syscall thread's step: claim (with after < 0 by a full scan, else the entry
 * after entry after), fetch, "run" (ret = sysnum * 1000 + arg), publish.
 */
static int serve_one(int after)
{
	uint64_t args[6];
	bool link;
	int i = after < 0 ? entries_claim(&entries) : entries_claim_after(&entries, (unsigned)after);
	if (i >= 0) {
		uint32_t sysnum = entries_fetch(&entries, (unsigned)i, args, &link);
		entries_publish(&entries, (unsigned)i, (int64_t)sysnum * 1000 + (int64_t)args[0]);
	}
	return i;
}

static void test_batch_in_order(void)
{
	setup();
	for (unsigned i = 0; i < 10; i++)
		post(i, 7, i);
	CHECK_EQ(entries_count_done(&entries), 0);
	bool in_order = serve_one(-1) == 0;
	for (int i = 1; i < 10; i++)
		in_order &= serve_one(i - 1) == i;
	CHECK(in_order);
	CHECK_EQ(serve_one(9), -1);
	CHECK_EQ(entries_count_done(&entries), 10);
	CHECK_EQ(entries_at(&entries, 4)->status, FLEXSC_DONE);
	CHECK_EQ(entries_at(&entries, 4)->ret, 7004);
	reap(2);
	reap(5);
	CHECK_EQ(entries_count_done(&entries), 8);
	for (unsigned i = 0; i < 10; i++)
		reap(i);
	CHECK_EQ(entries_count_done(&entries), 0);
	bool forgotten = true;
	for (unsigned i = 0; i < 10; i++)
		forgotten &= entries.completed.entry[i] == 0;
	CHECK(forgotten);
}

/* A batch that runs off the end of the entries continues at entry 0, in order. */
static void test_wrap(void)
{
	setup();
	for (unsigned i = 0; i < NENTRIES - 2; i++) {
		post(i, 1, 0);
		serve_one(-1);
		reap(i);
	}
	unsigned laid_out[] = { NENTRIES - 2, NENTRIES - 1, 0, 1 };
	for (int k = 0; k < 4; k++)
		post(laid_out[k], 2, k);
	bool in_order = serve_one(-1) == (int)laid_out[0];
	for (int k = 1; k < 4; k++)
		in_order &= serve_one((int)laid_out[k - 1]) == (int)laid_out[k];
	CHECK(in_order);
	CHECK_EQ(entries_count_done(&entries), 4);
}

/* An entry away from the batch: looking at the next one misses it, a full scan finds it. */
static void test_stray_entry(void)
{
	setup();
	post(0, 3, 0);
	post(40, 3, 40);
	CHECK_EQ(serve_one(-1), 0);
	CHECK_EQ(serve_one(0), -1);
	CHECK_EQ(entries_at(&entries, 40)->status, FLEXSC_SUBMITTED);
	CHECK_EQ(serve_one(-1), 40);
	CHECK_EQ(serve_one(-1), -1);
	CHECK_EQ(entries_count_done(&entries), 2);
}

/* Statuses the protocol does not know are never claimed, counted or changed. */
static void test_garbage(void)
{
	setup();
	entries_at(&entries, 3)->status = 0xdeadbeef;
	entries_at(&entries, 4)->status = FLEXSC_BUSY;
	entries_at(&entries, 5)->status = FLEXSC_DONE;	/* the user's own doing */
	CHECK_EQ(serve_one(-1), -1);
	CHECK_EQ(entries_count_done(&entries), 0);
	CHECK_EQ(entries_at(&entries, 3)->status, 0xdeadbeef);
	CHECK_EQ(entries_at(&entries, 4)->status, FLEXSC_BUSY);

	/* A completed entry scribbled on before it is reaped is forgotten. */
	post(6, 1, 0);
	CHECK_EQ(serve_one(-1), 6);
	entries_at(&entries, 6)->status = 77;
	CHECK_EQ(entries_count_done(&entries), 0);
	CHECK_EQ(entries.completed.entry[6], 0);
}

/* Page marks: set by a publish, cleared once the page's completions are reaped. */
static void test_page_marks(void)
{
	setup();
	post(FLEXSC_ENTRIES_PER_PAGE + 3, 4, 0);
	CHECK_EQ(serve_one(-1), FLEXSC_ENTRIES_PER_PAGE + 3);
	CHECK_EQ(entries.page_completed[0], 0);
	CHECK_EQ(entries.page_completed[1], 1);
	CHECK_EQ(entries_count_done(&entries), 1);
	CHECK_EQ(entries.page_completed[1], 1);
	reap(FLEXSC_ENTRIES_PER_PAGE + 3);
	CHECK_EQ(entries_count_done(&entries), 0);
	CHECK_EQ(entries.page_completed[1], 0);

	/* A DONE the kernel did not publish is not counted: its page is not marked. */
	entries_at(&entries, 7)->status = FLEXSC_DONE;
	CHECK_EQ(entries_count_done(&entries), 0);
}

/* An entry claimed and handed back is pending, and the next scan claims it. */
static void test_unclaim(void)
{
	setup();
	post(9, 5, 1);
	int i = entries_claim(&entries);
	CHECK_EQ(i, 9);
	CHECK(entries_pending(&entries, 9));
	entries_unclaim(&entries, 9);
	CHECK_EQ(entries_at(&entries, 9)->status, FLEXSC_SUBMITTED);
	CHECK_EQ(entries_count_done(&entries), 0);
	CHECK_EQ(serve_one(-1), 9);
	CHECK(!entries_pending(&entries, 9));
}

static void test_any_submitted_and_scans(void)
{
	setup();
	CHECK(!entries_any_submitted(&entries));
	entries_at(&entries, 40)->status = FLEXSC_BUSY;	/* a status the user wrote */
	entries_at(&entries, 41)->status = 77;
	CHECK(!entries_any_submitted(&entries));
	post(3, 5, 1);
	CHECK(entries_any_submitted(&entries));
	CHECK_EQ(entries_claim(&entries), 3);	/* the next scan starts at 4 */
	CHECK(!entries_any_submitted(&entries));
	post(2, 5, 1);				/* behind where the scan starts */
	CHECK(entries_any_submitted(&entries));

	CHECK(!entries_scanned_since(&entries, 1));
	entries_note_scan(&entries, 5);
	CHECK(entries_scanned_since(&entries, 5) && !entries_scanned_since(&entries, 6));
	entries_note_scan(&entries, 3);
	CHECK(entries_scanned_since(&entries, 5));
}

/*
 * A chain 3 -> 4 -> 5 (FLEXSC_LINK on 3 and 4), submitted last first: a scan
 * claims only its head, and each follower is claimed after its leader, before
 * the leader is published; no scan takes a follower meanwhile. A stale
 * FLEXSC_LINK on an entry that is not on its way holds nothing up.
 */
static void test_links(void)
{
	uint64_t args[6];
	bool link;

	setup();
	for (unsigned i = 5; i >= 3; i--) {
		entries_at(&entries, i)->flags = i < 5 ? FLEXSC_LINK : 0;
		post(i, 4, i);
	}
	CHECK(entries_any_submitted(&entries));
	CHECK_EQ(entries_claim(&entries), 3);
	entries_fetch(&entries, 3, args, &link);
	CHECK(link);
	CHECK(!entries_any_submitted(&entries));	/* 4 and 5 wait for their leaders */
	CHECK_EQ(entries_claim(&entries), -1);
	CHECK_EQ(entries_claim_after(&entries, 3), 4);
	entries_publish(&entries, 3, 1);
	CHECK_EQ(entries_claim(&entries), -1);	/* 5's leader, 4, is BUSY */
	entries_fetch(&entries, 4, args, &link);
	CHECK(link && args[0] == 4);
	CHECK_EQ(entries_claim_after(&entries, 4), 5);
	entries_publish(&entries, 4, 1);
	entries_fetch(&entries, 5, args, &link);
	CHECK(!link);
	entries_publish(&entries, 5, 1);
	CHECK_EQ(entries_count_done(&entries), 3);
	for (unsigned i = 3; i <= 5; i++)
		reap(i);
	/* 3 and 4 still carry FLEXSC_LINK, FREE: 4 and 5 are entries like any other. */
	post(5, 1, 0);
	CHECK_EQ(entries_claim(&entries), 5);
	/* A follower SUBMITTED after its leader completed is one too. */
	entries_at(&entries, 9)->flags = FLEXSC_LINK;
	post(9, 1, 0);
	CHECK_EQ(serve_one(-1), 9);
	post(10, 1, 0);
	CHECK_EQ(entries_claim(&entries), 10);
}

#define RACE_CALLS 1000000
#define RACERS 2
#define BATCH 40

static unsigned char runs[RACE_CALLS];
static bool race_over;

/* A racing syscall thread: claim anything submitted, count each run. */
static void *racer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&race_over, __ATOMIC_ACQUIRE)) {
		uint64_t args[6];
		bool link;
		int i = entries_claim(&entries);
		if (i < 0) {
			/* Nothing submitted: let the user post, on a host with fewer free cores than threads. */
			sched_yield();
			continue;
		}
		entries_fetch(&entries, (unsigned)i, args, &link);
		__atomic_add_fetch(&runs[args[0]], 1, __ATOMIC_RELAXED);
		entries_publish(&entries, (unsigned)i, (int64_t)args[0] * 3);
	}
	return NULL;
}

/*
 * The user: post calls in batches of BATCH on a ring, as the library does, then
 * wait for and reap the whole batch. Every batch starts the racers off at the
 * same entry, where they collide most.
 */
static void test_race(void)
{
	pthread_t threads[RACERS];
	unsigned next = 0;	/* the ring's next entry */
	int wrong = 0;

	setup();
	for (int t = 0; t < RACERS; t++)
		pthread_create(&threads[t], NULL, racer, NULL);
	for (unsigned call = 0; call < RACE_CALLS; call += BATCH) {
		unsigned first = next;
		for (unsigned k = 0; k < BATCH; k++) {
			post(next, 9, call + k);
			next = (next + 1) % NENTRIES;
		}
		for (unsigned k = 0; k < BATCH; k++) {
			unsigned i = (first + k) % NENTRIES;
			struct flexsc_entry *e = entries_at(&entries, i);
			while (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_DONE)
				sched_yield();	/* leave both cores to the racers */
			wrong += e->ret != (int64_t)(call + k) * 3;
			reap(i);
		}
	}
	__atomic_store_n(&race_over, true, __ATOMIC_RELEASE);
	for (int t = 0; t < RACERS; t++)
		pthread_join(threads[t], NULL);

	int not_once = 0;
	for (unsigned c = 0; c < RACE_CALLS; c++)
		not_once += runs[c] != 1;
	CHECK_EQ(not_once, 0);
	CHECK_EQ(wrong, 0);
}

int main(void)
{
	test_batch_in_order();
	test_wrap();
	test_stray_entry();
	test_garbage();
	test_page_marks();
	test_unclaim();
	test_any_submitted_and_scans();
	test_links();
	test_race();
	return check_summary("test_flexsc_entries");
}
