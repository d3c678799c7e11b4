/*
 * The blktest boot option: exercise the disk (kern/blk.h) from kernel
 * threads, then end the run with the selftest exit line. Patterns are
 * written and read back in batches (all of a batch queued before the device
 * is notified, so the whole batch is in flight at once, beyond the queue's
 * room), by several threads at once with blk_rw, and at the disk's last
 * block; a block past the end is refused; the free-page count is back where
 * it started.
 */
#include <inc/errno.h>
#include <inc/stdio.h>
#include <kern/blk.h>
#include <kern/blktest.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/smp.h>
#include <kern/spinlock.h>

#define BATCH 64	/* more than a queue of 128 descriptors holds (42 requests) */
#define WORKERS 4
#define ROUNDS 16

static int failures;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		cprintf("blktest: FAIL %s\n", what);
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	}
}

/* The word at index i of the pattern for block in round. */
static uint64_t pattern(uint64_t block, int round, size_t i)
{
	return (block << 24 | (uint64_t)round << 16 | i) * 0x9e3779b97f4a7c15ull;
}

static void fill(struct page *pp, uint64_t block, int round)
{
	uint64_t *w = page2kva(pp);
	for (size_t i = 0; i < BLK_SIZE / 8; i++)
		w[i] = pattern(block, round, i);
}

static bool holds(struct page *pp, uint64_t block, int round)
{
	const uint64_t *w = page2kva(pp);
	for (size_t i = 0; i < BLK_SIZE / 8; i++)
		if (w[i] != pattern(block, round, i))
			return false;
	return true;
}

/* Block i of BATCH, spread over the disk, the last one its last block. */
static uint64_t spread(int i)
{
	return (blk_blocks() - 1) - (uint64_t)i * ((blk_blocks() - 1) / BATCH);
}

/* Write BATCH patterns in one submission, wait, read them back in another, compare. */
static void batches(void)
{
	static struct blk_req reqs[BATCH];
	struct page *pages[BATCH];
	int n = 0;

	for (; n < BATCH; n++) {
		if (!(pages[n] = page_alloc(0)))
			break;
		page_incref(pages[n]);
		fill(pages[n], spread(n), 0);
		reqs[n] = (struct blk_req){ .page = pages[n], .block = spread(n), .write = true };
	}
	expect(n == BATCH, "pages for the batch");
	expect(blk_submit(reqs, n) == 0, "submit the writes");
	for (int i = 0; i < n; i++)
		expect(blk_wait(&reqs[i]) == 0, "a write completes");
	for (int i = 0; i < n; i++) {
		fill(pages[i], 0, 99);	/* something else, so that a read must change it */
		reqs[i] = (struct blk_req){ .page = pages[i], .block = spread(i), .write = false };
	}
	expect(blk_submit(reqs, n) == 0, "submit the reads");
	int good = 0;
	for (int i = 0; i < n; i++)
		good += blk_wait(&reqs[i]) == 0 && holds(pages[i], spread(i), 0);
	expect(good == n, "every page reads back as written");
	for (int i = 0; i < n; i++)
		page_decref(pages[i]);
	cprintf("blktest: %d writes then %d reads in batches: %d pages match\n", n, n, good);
}

static struct spinlock done_lock = SPINLOCK_INIT("blktest", LOCK_BLKTEST);
static struct waitq done_wq = WAITQ_INIT(done_wq);
static int workers_left;

/* A worker: ROUNDS times, write its own blocks' patterns and read them back. */
static void worker(void *arg)
{
	int id = (int)(uintptr_t)arg;
	struct page *pp = page_alloc(0);

	expect(pp != NULL, "a worker's page");
	if (pp) {
		page_incref(pp);
		for (int round = 1; round <= ROUNDS; round++) {
			uint64_t block = (uint64_t)id * ROUNDS + (uint64_t)round;
			fill(pp, block, round);
			expect(blk_rw(pp, block, true) == 0, "a worker's write");
			fill(pp, 0, 99);
			expect(blk_rw(pp, block, false) == 0 && holds(pp, block, round),
			       "a worker's read gives back its write");
		}
		page_decref(pp);
	}
	spin_lock(&done_lock);
	workers_left--;
	wakeup_all(&done_wq);
	spin_unlock(&done_lock);
}

/* WORKERS threads at once, each with its own blocks. */
static void threads(void)
{
	workers_left = WORKERS;
	for (int i = 0; i < WORKERS; i++) {
		struct thread *t;
		if (thread_create(&t, "blkworker", NULL, NULL, worker, (void *)(uintptr_t)i) < 0) {
			expect(false, "a worker thread");
			spin_lock(&done_lock);
			workers_left--;
			spin_unlock(&done_lock);
			continue;
		}
		thread_start(t);
	}
	spin_lock(&done_lock);
	while (workers_left > 0)
		sleep_on(&done_wq, &done_lock);
	spin_unlock(&done_lock);
	cprintf("blktest: %d threads, %d write-read rounds each\n", WORKERS, ROUNDS);
}

static void run(void *arg)
{
	(void)arg;
	size_t free_before = pages_free(), kstacks_before = kstack_count();

	if (blk_blocks() < BATCH + WORKERS * ROUNDS + 1) {
		cprintf("blktest: FAIL no disk, or one too small (%lu blocks)\n", blk_blocks());
		failures++;
	} else {
		batches();
		threads();
		struct page *pp = page_alloc(0);
		if (pp) {
			page_incref(pp);
			expect(blk_rw(pp, blk_blocks(), false) == -EINVAL, "a block past the end");
			page_decref(pp);
		}
		expect(blk_max_in_flight() >= 2, "several requests in flight");
		cprintf("blktest: %lu requests, at most %d in flight\n", blk_completed(),
			blk_max_in_flight());
	}
	/* A dead worker's stack is freed by the scheduler loop of its CPU, soon after. */
	while (kstack_count() != kstacks_before)
		sleep_until(ticks + 1);
	expect(pages_free() == free_before, "free pages back where they were");
	int status = failures ? 1 : 0;
	if (status == 0)
		cprintf("blktest: ok\n");
	cprintf("elk: selftest exited with status %d\n", status);
	machine_exit(status);
}

void blktest_run(void)
{
	struct thread *t;

	if (thread_create(&t, "blktest", NULL, NULL, run, NULL) < 0)
		panic("blktest: no memory for its thread");
	thread_start(t);
	smp_release();
	scheduler();
}
