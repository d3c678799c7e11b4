/*
 * The swap area and the page-out thread (see swap.h). swap_lock protects the
 * slot map and the counters; pageout_lock the thread's requests and rounds.
 *
 * The page-out thread sleeps until free memory falls below the low-water
 * mark (a fault saw it, swap_throttle) or someone ran out (swap_wait_for_memory),
 * then has vm_reclaim page out until free memory is above the high-water mark
 * or a pass over every address space frees nothing more (all is in use, or
 * swap is full). Each such run is a round; waiters sleep until the round after
 * their request ends, and hear whether it freed anything. A round that ends
 * short of the high-water mark (nothing more would go) makes the thread
 * stuck: faults under the low-water mark no longer ask for rounds, only a
 * shortfall does (a fault that finds memory nearly gone, an allocation that
 * failed), until free memory is over the low-water mark again (kswapd's rule,
 * so that memory held by what cannot be paged out, tmpfs files say, does not
 * keep it re-evicting everyone's working set).
 */
#include <inc/errno.h>
#include <inc/stdio.h>
#include <kern/blk.h>
#include <kern/pmap.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/swap.h>
#include <kern/swapmap.h>
#include <kern/vm.h>

#define RECLAIM_CHUNK 32	/* pages vm_reclaim is asked for at a time */

static struct spinlock swap_lock = SPINLOCK_INIT("swap", LOCK_SWAP);
static struct swapmap map;
static uint64_t writes, reads;
static uint64_t copies;		/* slots that hold a copy of a page in memory */
static uint64_t clean_drops;	/* pages paged out without a write */

static struct spinlock pageout_lock = SPINLOCK_INIT("pageout", LOCK_PAGEOUT);
static struct waitq pageout_wq = WAITQ_INIT(pageout_wq);	/* the thread waits for work */
static struct waitq round_wq = WAITQ_INIT(round_wq);		/* waiters, for a round's end */
static uint64_t requested;		/* rounds asked for, ever */
static uint64_t served;			/* requests the rounds that ended have covered */
static size_t last_round_freed;		/* pages the last round paged out */
static bool stuck;	/* the last round ended short of high water: atomic, set by the thread
			   and cleared by swap_throttle when memory is back over low water */
static uint64_t rounds;			/* rounds run, ever */
static size_t low_water, high_water, reserve;

bool swap_enabled(void)
{
	return map.nslots > 0;
}

/* Whether the last round could not reach the high-water mark (see stuck). */
static bool is_stuck(void)
{
	return __atomic_load_n(&stuck, __ATOMIC_RELAXED);
}

/* The page-out thread: a round each time it is woken. */
static void pageout_main(void *arg)
{
	(void)arg;
	for (;;) {
		spin_lock(&pageout_lock);
		while (requested == served && (is_stuck() || pages_free() >= low_water))
			sleep_on(&pageout_wq, &pageout_lock);
		uint64_t covers = requested;	/* later requests wait for the next round */
		spin_unlock(&pageout_lock);

		size_t freed = 0, got;
		do {
			got = vm_reclaim(RECLAIM_CHUNK);
			freed += got;
		} while (got > 0 && pages_free() < high_water);

		spin_lock(&pageout_lock);
		served = covers;
		last_round_freed = freed;
		__atomic_store_n(&stuck, pages_free() < high_water, __ATOMIC_RELAXED);
		rounds++;
		wakeup_all(&round_wq);
		spin_unlock(&pageout_lock);
	}
}

void swap_init(void)
{
	uint64_t slots = blk_blocks();
	if (slots == 0)
		return;
	/*
	 * The bitmap in whole pages from the allocator, never freed: swap stays on.
	 * At boot successive pages come in address order, one way or the other.
	 */
	size_t npg = ROUNDUP(swapmap_words(slots) * sizeof(uint64_t), PGSIZE) / PGSIZE;
	char *lo = NULL, *hi = NULL;
	for (size_t i = 0; i < npg; i++) {
		struct page *pp = page_alloc(0);
		char *va = pp ? page2kva(pp) : NULL;
		if (!pp || (lo && va != hi && va + PGSIZE != lo)) {
			cprintf("elk: swap: no contiguous memory for the slot map; swap is off\n");
			return;	/* the pages taken stay taken: this happens at boot or never */
		}
		page_incref(pp);
		if (!lo || va + PGSIZE == lo)
			lo = va;
		hi = MAX(hi, va + PGSIZE);
	}
	uint64_t *bits = (uint64_t *)lo;
	struct thread *t;
	if (thread_create(&t, "pageout", NULL, NULL, pageout_main, NULL) < 0) {
		cprintf("elk: swap: no page-out thread; swap is off\n");
		return;
	}
	low_water = MAX(usable_pages / 32, 64);
	high_water = 2 * low_water;
	reserve = low_water / 4;
	swapmap_init(&map, bits, slots);
	thread_start(t);
	cprintf("elk: swap: %lu slots (%lu MiB); page-out below %lu free pages, up to %lu\n",
		slots, slots * PGSIZE >> 20, low_water, high_water);
}

int64_t swap_slot_alloc(void)
{
	spin_lock(&swap_lock);
	int64_t s = swapmap_alloc(&map);
	spin_unlock(&swap_lock);
	return s;
}

void swap_slot_free(uint64_t slot)
{
	spin_lock(&swap_lock);
	bool was_used = swapmap_free(&map, slot);
	spin_unlock(&swap_lock);
	if (!was_used)
		panic("swap_slot_free: slot %lu is not in use", slot);
}

bool swap_keep_copy(void)
{
	return swap_free() > swap_total() / 2;
}

/* Add delta to *counter under swap_lock. */
static void count(uint64_t *counter, int delta)
{
	spin_lock(&swap_lock);
	*counter += (uint64_t)(int64_t)delta;
	spin_unlock(&swap_lock);
}

void swap_copy_count(int delta)
{
	count(&copies, delta);
}

void swap_count_clean_drop(void)
{
	count(&clean_drops, 1);
}

/* Count one more page moved by a successful transfer. */
static int counted(int r, uint64_t *counter)
{
	if (r == 0)
		count(counter, 1);
	return r;
}

int swap_write(uint64_t slot, struct page *pp)
{
	return counted(blk_rw(pp, slot, true), &writes);
}

int swap_read(uint64_t slot, struct page *pp)
{
	return counted(blk_rw(pp, slot, false), &reads);
}

/*
 * Ask for a round; if wait, sleep until it has ended (or the caller is
 * interrupted: then 0) and return what it freed.
 */
static size_t request_round(bool wait)
{
	spin_lock(&pageout_lock);
	uint64_t ticket = ++requested;
	wakeup_all(&pageout_wq);
	bool woken = true;
	while (wait && woken && served < ticket)
		woken = sleep_on_interruptible(&round_wq, &pageout_lock);
	size_t freed = woken ? last_round_freed : 0;
	spin_unlock(&pageout_lock);
	return freed;
}

/* Whether a round could free anything: swap is on and has room. */
static bool swap_has_room(void)
{
	return swap_enabled() && swap_free() > 0;
}

void swap_throttle(void)
{
	size_t free = pages_free();

	if (!swap_has_room())
		return;
	if (free >= low_water) {
		if (is_stuck())
			__atomic_store_n(&stuck, false, __ATOMIC_RELAXED);
		return;
	}
	if (free >= reserve && is_stuck())
		return;	/* the last round took all it could: wait for a shortfall */
	request_round(free < reserve);
}

bool swap_wait_for_memory(void)
{
	return swap_has_room() && request_round(true) > 0;
}

/* A counter read under swap_lock. */
static uint64_t read_counter(const uint64_t *c)
{
	spin_lock(&swap_lock);
	uint64_t v = *c;
	spin_unlock(&swap_lock);
	return v;
}

uint64_t swap_total(void)
{
	return map.nslots;
}

uint64_t swap_free(void)
{
	return read_counter(&map.nfree);
}

uint64_t swap_writes(void)
{
	return read_counter(&writes);
}

uint64_t swap_reads(void)
{
	return read_counter(&reads);
}

uint64_t swap_copies(void)
{
	return read_counter(&copies);
}

uint64_t swap_clean_drops(void)
{
	return read_counter(&clean_drops);
}

uint64_t swap_rounds(void)
{
	spin_lock(&pageout_lock);
	uint64_t v = rounds;
	spin_unlock(&pageout_lock);
	return v;
}

uint64_t swap_low_water(void)
{
	return low_water;
}
