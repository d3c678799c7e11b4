/*
 * The page-out's replacement policy (vm_reclaim in kern/vm.c), a clock with
 * second chance, as pure functions over callbacks, so that the host tests can
 * check it (tests/host/test_clock.c). The clock runs over one address space's
 * pageable areas in address order from a hand that stays where the last run
 * stopped; a mapped page whose accessed bit is set loses the bit and is passed
 * over (its second chance), one without it is taken.
 */
#ifndef ELK_KERN_CLOCK_H
#define ELK_KERN_CLOCK_H

#include <inc/mmu.h>
#include <inc/types.h>

/*
 * A page's turn under the hand, given its page-table entry: true if it was
 * accessed since the hand last passed (the bit is cleared: it stays), false if
 * it is to be taken.
 */
static inline bool clock_second_chance(uint64_t *pte)
{
	if (!(*pte & PTE_A))
		return false;
	__atomic_and_fetch(pte, ~PTE_A, __ATOMIC_RELAXED);
	return true;
}

struct clock_ops {
	/* The first pageable area that ends above at: true with its [*start, *end), or false. */
	bool (*next_area)(void *arg, uintptr_t at, uintptr_t *start, uintptr_t *end);
	/*
	 * Give the pages of [from, to), which lie in one area, their turn (with
	 * clock_second_chance), in order, until enough are taken for one step: where
	 * it stopped (the page it refused), or to.
	 */
	uintptr_t (*scan)(void *arg, uintptr_t from, uintptr_t to);
	/* Whether the run has taken enough (or can take no more). */
	bool (*done)(void *arg);
};

/*
 * One run of the clock from hand, until done says so or the hand has gone once
 * round: up the areas from hand, then from the lowest address up to hand, no
 * address scanned twice. Where the hand stops.
 */
static inline uintptr_t clock_run(uintptr_t hand, const struct clock_ops *ops, void *arg)
{
	uintptr_t at = hand, start, end;
	bool wrapped = false;

	while (!ops->done(arg)) {
		if (!ops->next_area(arg, at, &start, &end)) {
			if (wrapped || hand == 0)
				break;
			wrapped = true;
			at = 0;
			continue;
		}
		uintptr_t from = at > start ? at : start;
		if (wrapped && from >= hand)
			break;
		if (wrapped && end > hand)
			end = hand;
		at = ops->scan(arg, from, end);
	}
	return at;
}

#endif
