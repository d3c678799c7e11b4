// host-test-sources: kern/pgtree.c
/*
 * Host test of kern/pgtree.c against a plain array model: random inserts,
 * removes and range walks over a few clustered index regions from 0 to the top
 * of the range (so that the tree grows, and nodes fill, empty and get freed),
 * with kmalloc failing now and then. Every node allocated
 * must be freed by the time the tree is empty again.
 */
#include <stdlib.h>
#include <string.h>

#include <inc/errno.h>
#include <kern/kmalloc.h>
#include <kern/pgtree.h>

#include "check.h"

static long live_nodes;
static int kmalloc_calls, kmalloc_fail_every;

void *kmalloc(size_t size)
{
	if (kmalloc_fail_every && ++kmalloc_calls % kmalloc_fail_every == 0)
		return NULL;
	live_nodes++;
	return malloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (p)
		live_nodes--;
	free(p);
}

/* Model: NREG regions of REGLEN indexes each, spread over the whole index range. */
#define NREG 4
#define REGLEN 1500
static const uint64_t region_base[NREG] = {
	0, 511 * 512 - 700, (1ULL << 27) + 5, PGTREE_LIMIT - REGLEN,
};
static void *model[NREG][REGLEN];

static void *item_for(uint64_t idx)
{
	return (void *)(uintptr_t)((idx << 4) | 8);
}

/* Walk the whole tree with pgtree_next and compare with the model, in order. */
static void check_walk(struct pgtree *t)
{
	uint64_t idx = 0;
	size_t seen = 0, want = 0;
	bool ok = true;

	for (int r = 0; r < NREG; r++)
		for (int i = 0; i < REGLEN; i++)
			want += model[r][i] != NULL;
	int r = 0, i = 0;
	for (void *item; (item = pgtree_next(t, &idx, PGTREE_LIMIT)) != NULL; idx++) {
		seen++;
		while (r < NREG && !(i < REGLEN && model[r][i])) {
			if (++i == REGLEN) {
				i = 0;
				r++;
			}
		}
		ok &= r < NREG && idx == region_base[r] + (uint64_t)i && item == model[r][i];
		if (++i == REGLEN) {
			i = 0;
			r++;
		}
	}
	CHECK(ok);
	CHECK_EQ(seen, want);
	CHECK_EQ(t->count, want);
}

static void random_operations(struct pgtree *t, int rounds)
{
	for (int n = 0; n < rounds; n++) {
		int r = next_random() % NREG, i = next_random() % REGLEN;
		uint64_t idx = region_base[r] + (uint64_t)i;
		if (next_random() % 3) {
			int e = pgtree_insert(t, idx, item_for(idx));
			if (model[r][i])
				CHECK_EQ(e, -EEXIST);
			else if (e == 0)
				model[r][i] = item_for(idx);
			else
				CHECK_EQ(e, -ENOMEM);
		} else {
			CHECK(pgtree_remove(t, idx) == model[r][i]);
			model[r][i] = NULL;
		}
		CHECK(pgtree_lookup(t, idx) == model[r][i]);
	}
}

/* pgtree_next from inside a region, bounded by end, finds the first entry in range. */
static void check_bounded_next(struct pgtree *t)
{
	for (int n = 0; n < 200; n++) {
		int r = next_random() % NREG, i = next_random() % REGLEN;
		int len = next_random() % 64;
		uint64_t idx = region_base[r] + (uint64_t)i;
		uint64_t end = idx + (uint64_t)len;
		void *want = NULL;
		uint64_t want_idx = 0;
		for (int j = i; j < REGLEN && j < i + len && !want; j++) {
			if (model[r][j]) {
				want = model[r][j];
				want_idx = region_base[r] + (uint64_t)j;
			}
		}
		void *got = pgtree_next(t, &idx, end);
		CHECK(got == want);
		if (want)
			CHECK_EQ(idx, want_idx);
	}
}

int main(void)
{
	struct pgtree t;

	pgtree_init(&t);
	CHECK(pgtree_lookup(&t, 7) == NULL);
	CHECK(pgtree_remove(&t, 7) == NULL);
	CHECK_EQ(pgtree_insert(&t, PGTREE_LIMIT, item_for(1)), -EINVAL);
	CHECK_EQ(live_nodes, 0);

	/* A small object is one node; a far index makes the tree taller, keeping what it had. */
	CHECK_EQ(pgtree_insert(&t, 0, item_for(0)), 0);
	CHECK(pgtree_lookup(&t, 0) == item_for(0) && t.height == 1);
	CHECK(pgtree_remove(&t, 0) == item_for(0));
	CHECK(t.root == NULL && t.height == 0 && live_nodes == 0);
	CHECK_EQ(pgtree_insert(&t, 3, item_for(3)), 0);
	CHECK_EQ(live_nodes, 1);
	CHECK_EQ(pgtree_insert(&t, 1ULL << 20, item_for(1ULL << 20)), 0);
	CHECK_EQ(t.height, 4);
	CHECK(pgtree_lookup(&t, 3) == item_for(3));
	/* Replace swaps an entry in place, allocating nothing, and only where there is one. */
	int nodes = live_nodes;
	CHECK(pgtree_replace(&t, 3, item_for(5)) == item_for(3));
	CHECK(pgtree_lookup(&t, 3) == item_for(5) && t.count == 2 && live_nodes == nodes);
	CHECK(pgtree_replace(&t, 4, item_for(4)) == NULL && pgtree_lookup(&t, 4) == NULL);
	CHECK(pgtree_replace(&t, PGTREE_LIMIT, item_for(4)) == NULL && t.count == 2);
	CHECK(pgtree_replace(&t, 3, item_for(3)) == item_for(5));
	CHECK(pgtree_remove(&t, 3) == item_for(3));
	CHECK(pgtree_remove(&t, 1ULL << 20) == item_for(1ULL << 20));
	CHECK_EQ(live_nodes, 0);
	CHECK(t.root == NULL && t.height == 0);

	random_operations(&t, 40000);
	check_walk(&t);
	check_bounded_next(&t);

	kmalloc_fail_every = 3;
	random_operations(&t, 40000);
	kmalloc_fail_every = 0;
	check_walk(&t);
	check_bounded_next(&t);

	for (int r = 0; r < NREG; r++)
		for (int i = 0; i < REGLEN; i++)
			if (model[r][i])
				CHECK(pgtree_remove(&t, region_base[r] + (uint64_t)i) == model[r][i]);
	memset(model, 0, sizeof(model));
	check_walk(&t);
	CHECK_EQ(live_nodes, 0);
	CHECK(t.root == NULL);
	return check_summary("test_pgtree");
}
