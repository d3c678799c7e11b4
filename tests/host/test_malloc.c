// host-test-sources:
/*
 * Host test of lib/malloc.c, included below under other names so that it cannot
 * be mistaken for the host's malloc. Its heap is a static arena behind a fake
 * sbrk that can be told to refuse; its mappings are counted host allocations.
 * Random allocations are filled with a pattern derived from their address and
 * checked before they are freed, so overlapping blocks would show.
 */
#include <stdlib.h>
#include <string.h>

#include <inc/errno.h>

#include "check.h"

#define malloc elk_malloc
#define free elk_free
#define realloc elk_realloc
#define calloc elk_calloc
#define sbrk test_sbrk
#define mmap test_mmap
#define munmap test_munmap
#include "../../lib/malloc.c"
#undef malloc
#undef free
#undef realloc
#undef calloc

#define ARENA (32 << 20)
static _Alignas(4096) char arena[ARENA];
static size_t arena_used, arena_limit = ARENA;
static long live_mappings;

void *test_sbrk(intptr_t incr)
{
	if (incr < 0 || arena_used + (size_t)incr > arena_limit)
		return (void *)(intptr_t)-ENOMEM;
	void *old = arena + arena_used;
	arena_used += (size_t)incr;
	return old;
}

void *test_mmap(void *addr __attribute__((unused)), size_t len,
		int prot __attribute__((unused)), int flags __attribute__((unused)),
		int fd __attribute__((unused)), off_t off __attribute__((unused)))
{
	void *p = aligned_alloc(PGSIZE, len);
	if (!p)
		return (void *)(intptr_t)-ENOMEM;
	live_mappings++;
	return p;
}

int test_munmap(void *addr, size_t len)
{
	CHECK((uintptr_t)addr % PGSIZE == 0 && len % PGSIZE == 0);
	live_mappings--;
	free(addr);
	return 0;
}

/* Fill or check n bytes at p with a pattern that depends on p. */
static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(((uintptr_t)p >> 4) + i);
}

static bool intact(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(((uintptr_t)p >> 4) + i))
			return false;
	return true;
}

#define NSLOTS 400

static void random_blocks(void)
{
	static unsigned char *block[NSLOTS];
	static size_t size[NSLOTS];
	bool aligned = true, kept = true;

	for (int round = 0; round < 60000; round++) {
		int k = next_random() % NSLOTS;
		if (block[k]) {
			kept &= intact(block[k], size[k]);
			elk_free(block[k]);
			block[k] = NULL;
			continue;
		}
		/* Mostly small, sometimes large enough for a mapping of its own. */
		size[k] = next_random() % 8 ? next_random() % 3000 : LARGE + next_random() % 100000;
		block[k] = elk_malloc(size[k]);
		CHECK(block[k] != NULL);
		aligned &= (uintptr_t)block[k] % ALIGN == 0;
		fill(block[k], size[k]);
	}
	for (int k = 0; k < NSLOTS; k++) {
		if (block[k]) {
			kept &= intact(block[k], size[k]);
			elk_free(block[k]);
		}
	}
	CHECK(aligned);
	CHECK(kept);
	CHECK_EQ(live_mappings, 0);
	/* Everything freed: the heap is one free block again, all merged. */
	CHECK(free_list && !free_list->next && free_list->size == arena_used);
}

static void realloc_keeps_contents(void)
{
	unsigned char *p = elk_malloc(100);
	for (int i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	p = elk_realloc(p, 5000);
	bool same = p != NULL;
	for (int i = 0; same && i < 100; i++)
		same = p[i] == i;
	CHECK(same);
	unsigned char *q = elk_realloc(p, 10);
	CHECK(q == p);
	q = elk_realloc(q, 300000);
	CHECK(q && q[99] == 99 && live_mappings == 1);
	elk_free(q);
	CHECK_EQ(live_mappings, 0);
	CHECK(elk_realloc(NULL, 16) != NULL);
}

static void refusals(void)
{
	unsigned char *z = elk_calloc(1000, 4);
	bool zero = z != NULL;
	for (int i = 0; zero && i < 4000; i++)
		zero = z[i] == 0;
	CHECK(zero);
	elk_free(z);
	CHECK(elk_calloc(SIZE_MAX / 2, 4) == NULL);
	CHECK(elk_malloc(SIZE_MAX - 8) == NULL);

	arena_limit = arena_used;	/* sbrk refuses from now on */
	void *p;
	int got = 0;
	while ((p = elk_malloc(4000)) != NULL && got < 100000)
		got++;
	CHECK(p == NULL);
	void *large = elk_malloc(LARGE);
	CHECK(large != NULL);	/* mappings still work */
	elk_free(large);
	arena_limit = ARENA;
}

int main(void)
{
	random_blocks();
	realloc_keeps_contents();
	refusals();
	return check_summary("test_malloc");
}
