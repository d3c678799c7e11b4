// host-test-sources: kern/swapmap.c
/*
 * Host test of kern/swapmap.c: next-fit order (successive slots, wrapping
 * round, a freed slot not reused at once), a full map, frees of slots not in
 * use refused, sizes that are not whole words, and a long random sequence of
 * allocations and frees against a plain array model, every slot handed out
 * once at a time and the free count always right.
 */
#include <stdlib.h>
#include <string.h>

#include <kern/swapmap.h>

#include "check.h"

static void test_order(void)
{
	uint64_t bits[2];
	struct swapmap m;

	swapmap_init(&m, bits, 70);
	CHECK_EQ(m.nfree, 70);
	for (int s = 0; s < 5; s++)
		CHECK_EQ(swapmap_alloc(&m), s);
	CHECK(swapmap_free(&m, 2));
	CHECK(!swapmap_free(&m, 2));		/* twice */
	CHECK(!swapmap_free(&m, 69));		/* never taken */
	CHECK(!swapmap_free(&m, 70));		/* past the end */
	CHECK_EQ(swapmap_alloc(&m), 5);		/* next fit: not the slot just freed */
	for (int s = 6; s < 70; s++)
		CHECK_EQ(swapmap_alloc(&m), s);
	CHECK_EQ(swapmap_alloc(&m), 2);		/* wrapped round to the hole */
	CHECK_EQ(m.nfree, 0);
	CHECK_EQ(swapmap_alloc(&m), -1);	/* full, and not the bits past slot 69 */
	CHECK(swapmap_free(&m, 64) && swapmap_free(&m, 0));
	CHECK_EQ(swapmap_alloc(&m), 64);	/* after the cursor (3) first, in the second word */
	CHECK_EQ(swapmap_alloc(&m), 0);
	CHECK_EQ(swapmap_alloc(&m), -1);
}

static void test_sizes(void)
{
	uint64_t bits[3];
	struct swapmap m;

	swapmap_init(&m, bits, 0);
	CHECK_EQ(swapmap_alloc(&m), -1);
	swapmap_init(&m, bits, 1);
	CHECK_EQ(swapmap_alloc(&m), 0);
	CHECK_EQ(swapmap_alloc(&m), -1);
	CHECK(swapmap_free(&m, 0));
	CHECK_EQ(swapmap_alloc(&m), 0);		/* the only slot, wrapping */
	swapmap_init(&m, bits, 128);
	for (int s = 0; s < 128; s++)
		CHECK_EQ(swapmap_alloc(&m), s);
	CHECK_EQ(swapmap_alloc(&m), -1);
	CHECK_EQ(swapmap_words(128), 2);
	CHECK_EQ(swapmap_words(129), 3);
}

#define NSLOTS 1000

static void test_random(void)
{
	static uint64_t bits[(NSLOTS + 63) / 64];
	static bool used[NSLOTS];
	struct swapmap m;
	uint64_t nused = 0;

	swapmap_init(&m, bits, NSLOTS);
	for (int step = 0; step < 200000; step++) {
		/* Drift between nearly empty and full, so that both ends are reached. */
		bool alloc = (step / 5000) % 2 ? next_random() % 4 != 0 : next_random() % 4 == 0;
		if (alloc) {
			int64_t s = swapmap_alloc(&m);
			if (nused == NSLOTS) {
				CHECK_EQ(s, -1);
				continue;
			}
			if (!check(s >= 0 && s < NSLOTS && !used[s], __FILE__, __LINE__,
				   "a free slot, within the map"))
				return;
			used[s] = true;
			nused++;
		} else {
			uint64_t s = next_random() % NSLOTS;
			CHECK_EQ(swapmap_free(&m, s), used[s]);
			if (used[s])
				nused--;
			used[s] = false;
		}
		if (m.nfree != NSLOTS - nused) {
			CHECK_EQ(m.nfree, NSLOTS - nused);
			return;
		}
	}
	for (uint64_t s = 0; s < NSLOTS; s++)
		CHECK_EQ(swapmap_in_use(&m, s), used[s]);
}

int main(void)
{
	test_order();
	test_sizes();
	test_random();
	return check_summary("test_swapmap");
}
