// host-test-sources: kern/vmmap.c
/*
 * Host test of kern/vmmap.c. Memory objects are counters, so that every test can
 * check that each object has exactly one reference per area naming it; kmalloc can
 * be told to fail its Nth call, to show that failed operations change nothing.
 * Addresses are written in pages from UTEXT: PG(3) is the fourth page.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <kern/kmalloc.h>
#include <kern/vmmap.h>

#define PG(n) (UTEXT + (uintptr_t)(n) * PGSIZE)
#define R   PROT_READ
#define RW  (PROT_READ | PROT_WRITE)
#define RX  (PROT_READ | PROT_EXEC)

#include "check.h"


/* --- stubs for what vmmap calls in the kernel --- */

struct vmobj {
	int refs;
};

#define NOBJS 3
static struct vmobj objs[NOBJS];
#define A (&objs[0])
#define B (&objs[1])
#define C (&objs[2])

void vmobj_ref(struct vmobj *o)
{
	o->refs++;
}

void vmobj_put(struct vmobj *o)
{
	check(o->refs > 0, __FILE__, __LINE__, "vmobj_put on an object with no references");
	o->refs--;
}

static int kmalloc_calls, kmalloc_fail_at;

void *kmalloc(size_t size)
{
	if (++kmalloc_calls == kmalloc_fail_at)
		return NULL;
	return malloc(size);
}

void kfree(void *p)
{
	free(p);
}

/* Make the nth kmalloc from now fail (n = 0: none). */
static void fail_alloc(int n)
{
	kmalloc_calls = 0;
	kmalloc_fail_at = n;
}

/* --- checking a map against what it should hold --- */

/* Expected areas leave out flags, meaning MAP_PRIVATE, to keep the tables short. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* One expected area, in pages; flags is MAP_PRIVATE unless given. */
struct want {
	long s, e;
	int prot;
	struct vmobj *obj;
	long off;
	int flags;
};

static int flags_of(const struct want *w)
{
	return w->flags ? w->flags : MAP_PRIVATE;
}

/* True if m's areas are sorted, disjoint, non-empty, aligned and in user space. */
static bool well_formed(struct vmmap *m)
{
	struct vmarea *a;
	uintptr_t prev_end = UMIN;

	vmmap_foreach(a, m) {
		if (a->start < prev_end || a->start >= a->end || a->end > USER_END ||
		    a->start % PGSIZE || a->end % PGSIZE || a->off % PGSIZE)
			return false;
		prev_end = a->end;
	}
	return true;
}

static void print_map(struct vmmap *m)
{
	struct vmarea *a;

	printf("  map is:");
	vmmap_foreach(a, m)
		printf(" [%ld,%ld) prot %d obj %ld off %ld;", (long)((a->start - UTEXT) / PGSIZE),
		       (long)((a->end - UTEXT) / PGSIZE), a->prot,
		       a->obj ? (long)(a->obj - objs) : -1L, (long)(a->off / PGSIZE));
	printf("\n");
}

/* Check that m holds exactly the n areas of w, in order. */
static void check_layout(struct vmmap *m, const struct want *w, size_t n, int line)
{
	struct vmarea *a = vmmap_first(m);
	size_t i;
	bool ok = well_formed(m);

	for (i = 0; i < n && ok; i++, a = vmarea_next(m, a))
		ok = a && a->start == PG(w[i].s) && a->end == PG(w[i].e) &&
		     a->prot == w[i].prot && a->obj == w[i].obj &&
		     a->off == (uint64_t)w[i].off * PGSIZE && a->flags == flags_of(&w[i]);
	if (!check(ok && !a, __FILE__, line, "map layout"))
		print_map(m);
}

#define LAYOUT(m, ...) do { \
	const struct want w_[] = { __VA_ARGS__ }; \
	check_layout((m), w_, ARRAY_SIZE(w_), __LINE__); \
} while (0)
#define EMPTY(m) check_layout((m), NULL, 0, __LINE__)

/* Check that each object has one reference per area naming it in the n maps. */
static void check_refs(struct vmmap **maps, int n, int line)
{
	int want[NOBJS] = { 0 }, i;
	struct vmarea *a;
	char msg[80];

	for (i = 0; i < n; i++)
		vmmap_foreach(a, maps[i])
			if (a->obj)
				want[a->obj - objs]++;
	for (i = 0; i < NOBJS; i++) {
		snprintf(msg, sizeof(msg), "object %d has %d references, want %d", i,
			 objs[i].refs, want[i]);
		check(objs[i].refs == want[i], __FILE__, line, msg);
	}
}

#define REFS(...) do { \
	struct vmmap *m_[] = { __VA_ARGS__ }; \
	check_refs(m_, ARRAY_SIZE(m_), __LINE__); \
} while (0)
#define NO_REFS() check_refs(NULL, 0, __LINE__)

/* Insert the n areas of w into m, which must work. */
static void setup(struct vmmap *m, const struct want *w, size_t n, int line)
{
	size_t i;

	vmmap_init(m);
	for (i = 0; i < n; i++)
		check(vmmap_insert(m, PG(w[i].s), PG(w[i].e), w[i].prot, flags_of(&w[i]),
				   w[i].obj, (uint64_t)w[i].off * PGSIZE, NULL) == 0,
		      __FILE__, line, "setup insert");
}

#define SETUP(m, ...) do { \
	const struct want w_[] = { __VA_ARGS__ }; \
	setup((m), w_, ARRAY_SIZE(w_), __LINE__); \
} while (0)

/* --- the tests --- */

static void test_insert(void)
{
	struct vmmap m;
	struct vmarea *out = NULL;

	vmmap_init(&m);
	EMPTY(&m);
	CHECK_EQ(vmmap_insert(&m, PG(10), PG(12), RW, MAP_PRIVATE, A, 0, &out), 0);
	CHECK(out && out->start == PG(10) && out->end == PG(12));
	CHECK_EQ(vmmap_insert(&m, PG(2), PG(4), RX, MAP_SHARED, B, 5 * PGSIZE, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, PG(4), PG(10), R, MAP_PRIVATE | VMA_HEAP, NULL, 0, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, PG(20), PG(21), RW, MAP_PRIVATE, A, PGSIZE, NULL), 0);
	LAYOUT(&m, { 2, 4, RX, B, 5, MAP_SHARED }, { 4, 10, R, NULL, 0, MAP_PRIVATE | VMA_HEAP },
	       { 10, 12, RW, A, 0 }, { 20, 21, RW, A, 1 });
	REFS(&m);

	/* Overlaps of every shape. */
	CHECK_EQ(vmmap_insert(&m, PG(11), PG(13), RW, MAP_PRIVATE, C, 0, NULL), -EEXIST);
	CHECK_EQ(vmmap_insert(&m, PG(1), PG(3), RW, MAP_PRIVATE, C, 0, NULL), -EEXIST);
	CHECK_EQ(vmmap_insert(&m, PG(5), PG(6), RW, MAP_PRIVATE, C, 0, NULL), -EEXIST);
	CHECK_EQ(vmmap_insert(&m, PG(0), PG(30), RW, MAP_PRIVATE, C, 0, NULL), -EEXIST);
	CHECK_EQ(vmmap_insert(&m, PG(19), PG(21), RW, MAP_PRIVATE, C, 0, NULL), -EEXIST);
	/* Bad arguments. */
	CHECK_EQ(vmmap_insert(&m, PG(14) + 1, PG(15), RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15) - 1, RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(14), RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(15), PG(14), RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15), RW, MAP_PRIVATE, C, 100, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15), 8, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15), RW, 0, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15), RW, MAP_SHARED | MAP_PRIVATE, C, 0, NULL),
		 -EINVAL);
	CHECK_EQ(vmmap_insert(&m, UMIN - PGSIZE, UMIN, RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, 0, PGSIZE, RW, MAP_PRIVATE, C, 0, NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, USER_END - PGSIZE, USER_END + PGSIZE, RW, MAP_PRIVATE, C, 0,
			      NULL), -EINVAL);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(16), RW, MAP_PRIVATE, C,
			      UINT64_MAX - PGSIZE + 1, NULL), -EINVAL);
	/* The very edges of user space are fine. */
	CHECK_EQ(vmmap_insert(&m, UMIN, UMIN + PGSIZE, RW, MAP_PRIVATE, NULL, 0, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, USER_END - PGSIZE, USER_END, RW, MAP_PRIVATE, NULL, 0, NULL), 0);
	CHECK_EQ(vmmap_remove(&m, UMIN, UMIN + PGSIZE, NULL, NULL), 0);
	CHECK_EQ(vmmap_remove(&m, USER_END - PGSIZE, USER_END, NULL, NULL), 0);
	/* Out of memory. */
	fail_alloc(1);
	CHECK_EQ(vmmap_insert(&m, PG(14), PG(15), RW, MAP_PRIVATE, C, 0, NULL), -ENOMEM);
	fail_alloc(0);
	LAYOUT(&m, { 2, 4, RX, B, 5, MAP_SHARED }, { 4, 10, R, NULL, 0, MAP_PRIVATE | VMA_HEAP },
	       { 10, 12, RW, A, 0 }, { 20, 21, RW, A, 1 });
	REFS(&m);
	vmmap_destroy(&m);
	EMPTY(&m);
	NO_REFS();
}

static void test_lookup(void)
{
	struct vmmap m;

	SETUP(&m, { 2, 4, RW, A, 0 }, { 4, 5, R, B, 0 }, { 8, 9, R, NULL, 0 });
	CHECK(vmmap_lookup(&m, PG(0)) == NULL);
	CHECK(vmmap_lookup(&m, PG(2) - 1) == NULL);
	CHECK(vmmap_lookup(&m, PG(2))->obj == A);
	CHECK(vmmap_lookup(&m, PG(4) - 1)->obj == A);
	CHECK(vmmap_lookup(&m, PG(4))->obj == B);
	CHECK(vmmap_lookup(&m, PG(5)) == NULL);
	CHECK(vmmap_lookup(&m, PG(8) + 123)->start == PG(8));
	CHECK(vmmap_lookup(&m, PG(9)) == NULL);
	CHECK(vmmap_lookup(&m, UINTPTR_MAX) == NULL);

	CHECK(vmmap_range_is_free(&m, PG(0), PG(2)));
	CHECK(!vmmap_range_is_free(&m, PG(0), PG(3)));
	CHECK(vmmap_range_is_free(&m, PG(5), PG(8)));
	CHECK(!vmmap_range_is_free(&m, PG(5), PG(9)));
	CHECK(!vmmap_range_is_free(&m, PG(3), PG(4)));
	CHECK(!vmmap_range_is_free(&m, PG(0), PG(100)));
	CHECK(vmmap_range_is_free(&m, PG(9), PG(100)));
	vmmap_destroy(&m);
	NO_REFS();
}

/* A fresh [0,10) area of A at offset 0 with a single remove applied. */
static struct vmmap *one_area_minus(struct vmmap *m, long s, long e)
{
	SETUP(m, { 0, 10, RW, A, 0 });
	CHECK_EQ(vmmap_remove(m, PG(s), PG(e), NULL, NULL), 0);
	return m;
}

static void test_remove(void)
{
	struct vmmap m;

	/* A hole in the middle: two pieces sharing A, the upper one further into it. */
	LAYOUT(one_area_minus(&m, 3, 5), { 0, 3, RW, A, 0 }, { 5, 10, RW, A, 5 });
	REFS(&m);
	vmmap_destroy(&m);
	NO_REFS();

	LAYOUT(one_area_minus(&m, 0, 3), { 3, 10, RW, A, 3 });
	REFS(&m);
	vmmap_destroy(&m);

	LAYOUT(one_area_minus(&m, 7, 10), { 0, 7, RW, A, 0 });
	REFS(&m);
	vmmap_destroy(&m);

	EMPTY(one_area_minus(&m, 0, 10));
	NO_REFS();

	/* Nothing mapped there, or past the end. */
	SETUP(&m, { 0, 4, RW, A, 0 }, { 6, 8, R, B, 2 });
	CHECK_EQ(vmmap_remove(&m, PG(4), PG(6), NULL, NULL), 0);
	CHECK_EQ(vmmap_remove(&m, PG(8), PG(100), NULL, NULL), 0);
	CHECK_EQ(vmmap_remove(&m, UMIN, PG(0), NULL, NULL), 0);
	LAYOUT(&m, { 0, 4, RW, A, 0 }, { 6, 8, R, B, 2 });
	REFS(&m);
	/* Bad ranges. */
	CHECK_EQ(vmmap_remove(&m, PG(1) + 1, PG(3), NULL, NULL), -EINVAL);
	CHECK_EQ(vmmap_remove(&m, PG(1), PG(3) + 1, NULL, NULL), -EINVAL);
	CHECK_EQ(vmmap_remove(&m, PG(1), PG(1), NULL, NULL), -EINVAL);
	CHECK_EQ(vmmap_remove(&m, PG(3), PG(1), NULL, NULL), -EINVAL);
	CHECK_EQ(vmmap_remove(&m, PG(1), USER_END + PGSIZE, NULL, NULL), -EINVAL);
	LAYOUT(&m, { 0, 4, RW, A, 0 }, { 6, 8, R, B, 2 });
	vmmap_destroy(&m);

	/* Across several areas and the gaps between them. */
	SETUP(&m, { 0, 4, RW, A, 0 }, { 6, 8, R, B, 0 }, { 8, 9, R, NULL, 0 },
	      { 10, 14, RX, C, 1 }, { 16, 20, RW, A, 10 });
	CHECK_EQ(vmmap_remove(&m, PG(2), PG(12), NULL, NULL), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 12, 14, RX, C, 3 }, { 16, 20, RW, A, 10 });
	REFS(&m);
	/* Whole areas exactly, with gaps around them. */
	CHECK_EQ(vmmap_remove(&m, PG(12), PG(20), NULL, NULL), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 });
	REFS(&m);
	vmmap_destroy(&m);

	/* Everything at once. */
	SETUP(&m, { 0, 4, RW, A, 0 }, { 6, 8, R, B, 0 }, { 10, 14, RX, C, 1 });
	CHECK_EQ(vmmap_insert(&m, UMIN, UMIN + PGSIZE, R, MAP_PRIVATE, A, 0, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, USER_END - PGSIZE, USER_END, R, MAP_PRIVATE, B, 0, NULL), 0);
	CHECK_EQ(vmmap_remove(&m, UMIN, USER_END, NULL, NULL), 0);
	EMPTY(&m);
	NO_REFS();

	/* A split of an area without an object. */
	SETUP(&m, { 0, 10, RW, NULL, 0, MAP_PRIVATE | VMA_STACK });
	CHECK_EQ(vmmap_remove(&m, PG(4), PG(5), NULL, NULL), 0);
	LAYOUT(&m, { 0, 4, RW, NULL, 0, MAP_PRIVATE | VMA_STACK },
	       { 5, 10, RW, NULL, 5, MAP_PRIVATE | VMA_STACK });
	vmmap_destroy(&m);

	/* Out of memory for the split: nothing changes; other removes need no memory. */
	SETUP(&m, { 0, 10, RW, A, 0 }, { 12, 14, R, B, 0 });
	fail_alloc(1);
	CHECK_EQ(vmmap_remove(&m, PG(3), PG(5), NULL, NULL), -ENOMEM);
	LAYOUT(&m, { 0, 10, RW, A, 0 }, { 12, 14, R, B, 0 });
	REFS(&m);
	fail_alloc(1);
	CHECK_EQ(vmmap_remove(&m, PG(8), PG(13), NULL, NULL), 0);
	fail_alloc(0);
	LAYOUT(&m, { 0, 8, RW, A, 0 }, { 13, 14, R, B, 1 });
	REFS(&m);
	vmmap_destroy(&m);
	NO_REFS();
}

static void test_find_range(void)
{
	struct vmmap m;
	uintptr_t lo = PG(0), hi = PG(30);

	/* Free: [0,2) [4,6) [7,10) [20,30) inside [lo, hi). */
	SETUP(&m, { 2, 4, RW, A, 0 }, { 6, 7, RW, A, 0 }, { 10, 20, RW, B, 0 },
	      { 40, 50, RW, C, 0 });
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, lo, hi, VMMAP_LOHI), PG(0));
	CHECK_EQ(vmmap_find_range(&m, 3 * PGSIZE, lo, hi, VMMAP_LOHI), PG(7));
	CHECK_EQ(vmmap_find_range(&m, 4 * PGSIZE, lo, hi, VMMAP_LOHI), PG(20));
	CHECK_EQ(vmmap_find_range(&m, 10 * PGSIZE, lo, hi, VMMAP_LOHI), PG(20));
	CHECK_EQ(vmmap_find_range(&m, 11 * PGSIZE, lo, hi, VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, lo, hi, VMMAP_HILO), PG(28));
	CHECK_EQ(vmmap_find_range(&m, 10 * PGSIZE, lo, hi, VMMAP_HILO), PG(20));
	CHECK_EQ(vmmap_find_range(&m, 11 * PGSIZE, lo, hi, VMMAP_HILO), 0);
	CHECK_EQ(vmmap_find_range(&m, 3 * PGSIZE, lo, PG(20), VMMAP_HILO), PG(7));
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, lo, PG(20), VMMAP_HILO), PG(8));
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, lo, PG(7), VMMAP_HILO), PG(4));
	/* A partial page counts as a whole one. */
	CHECK_EQ(vmmap_find_range(&m, 1, lo, hi, VMMAP_LOHI), PG(0));
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE + 1, lo, hi, VMMAP_LOHI), PG(7));
	CHECK_EQ(vmmap_find_range(&m, PGSIZE + 1, lo, hi, VMMAP_HILO), PG(28));
	/* lo bounds from below, hi from above, rounded inwards. */
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(1), hi, VMMAP_LOHI), PG(1));
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(0) + 1, hi, VMMAP_LOHI), PG(1));
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(3), hi, VMMAP_LOHI), PG(4));
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, PG(5), hi, VMMAP_LOHI), PG(7));
	CHECK_EQ(vmmap_find_range(&m, 2 * PGSIZE, PG(5), PG(10), VMMAP_HILO), PG(8));
	CHECK_EQ(vmmap_find_range(&m, 3 * PGSIZE, PG(5), PG(10), VMMAP_HILO), PG(7));
	CHECK_EQ(vmmap_find_range(&m, 4 * PGSIZE, PG(5), PG(10), VMMAP_HILO), 0);
	CHECK_EQ(vmmap_find_range(&m, 4 * PGSIZE, PG(5), PG(10), VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, lo, PG(30) - 1, VMMAP_HILO), PG(28));
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(11), PG(19), VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(11), PG(19), VMMAP_HILO), 0);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(5), PG(5), VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, PG(6), PG(5), VMMAP_HILO), 0);
	/* Beyond the last area, up to hi. */
	CHECK_EQ(vmmap_find_range(&m, 100 * PGSIZE, lo, PG(200), VMMAP_LOHI), PG(50));
	CHECK_EQ(vmmap_find_range(&m, 100 * PGSIZE, lo, PG(200), VMMAP_HILO), PG(100));
	/* Nonsense sizes. */
	CHECK_EQ(vmmap_find_range(&m, 0, lo, hi, VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, SIZE_MAX, lo, hi, VMMAP_LOHI), 0);
	CHECK_EQ(vmmap_find_range(&m, SIZE_MAX - PGSIZE, lo, hi, VMMAP_HILO), 0);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, UINTPTR_MAX - 5, UINTPTR_MAX, VMMAP_LOHI), 0);
	/* Over the whole of user space. */
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, UMIN, USER_END, VMMAP_LOHI), UMIN);
	CHECK_EQ(vmmap_find_range(&m, PGSIZE, UMIN, USER_END, VMMAP_HILO), USER_END - PGSIZE);
	vmmap_destroy(&m);

	vmmap_init(&m);
	CHECK_EQ(vmmap_find_range(&m, 3 * PGSIZE, lo, hi, VMMAP_LOHI), lo);
	CHECK_EQ(vmmap_find_range(&m, 3 * PGSIZE, lo, hi, VMMAP_HILO), PG(27));
	CHECK_EQ(vmmap_find_range(&m, 30 * PGSIZE, lo, hi, VMMAP_HILO), lo);
	CHECK_EQ(vmmap_find_range(&m, 31 * PGSIZE, lo, hi, VMMAP_HILO), 0);
	NO_REFS();
}

/* mmap(MAP_FIXED) over what is there: the caller removes, then inserts. */
static void test_map_fixed(void)
{
	struct vmmap m;

	SETUP(&m, { 0, 4, RW, A, 0 }, { 4, 8, RX, B, 0 }, { 10, 12, R, A, 8 });
	CHECK_EQ(vmmap_remove(&m, PG(2), PG(6), NULL, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, PG(2), PG(6), RW, MAP_SHARED, C, 0, NULL), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 6, RW, C, 0, MAP_SHARED }, { 6, 8, RX, B, 2 },
	       { 10, 12, R, A, 8 });
	REFS(&m);
	/* Inside one area: split, then fill the hole. */
	CHECK_EQ(vmmap_remove(&m, PG(3), PG(4), NULL, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, PG(3), PG(4), R, MAP_PRIVATE, B, 7 * PGSIZE, NULL), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 3, RW, C, 0, MAP_SHARED }, { 3, 4, R, B, 7 },
	       { 4, 6, RW, C, 2, MAP_SHARED }, { 6, 8, RX, B, 2 }, { 10, 12, R, A, 8 });
	REFS(&m);
	/* Over everything and the gaps. */
	CHECK_EQ(vmmap_remove(&m, PG(0), PG(12), NULL, NULL), 0);
	CHECK_EQ(vmmap_insert(&m, PG(0), PG(12), RW, MAP_PRIVATE, NULL, 0, NULL), 0);
	LAYOUT(&m, { 0, 12, RW, NULL, 0 });
	NO_REFS();
	vmmap_destroy(&m);
}

static void test_protect(void)
{
	struct vmmap m;

	/* Inside one area, same protection: nothing to do, nothing allocated. */
	SETUP(&m, { 0, 10, RW, A, 0 });
	fail_alloc(1);
	CHECK_EQ(vmmap_protect(&m, PG(3), PG(5), RW), 0);
	fail_alloc(0);
	LAYOUT(&m, { 0, 10, RW, A, 0 });
	/* Inside one area: three pieces. */
	CHECK_EQ(vmmap_protect(&m, PG(3), PG(5), R), 0);
	LAYOUT(&m, { 0, 3, RW, A, 0 }, { 3, 5, R, A, 3 }, { 5, 10, RW, A, 5 });
	REFS(&m);
	/* Exactly one existing piece: no split. */
	CHECK_EQ(vmmap_protect(&m, PG(3), PG(5), PROT_NONE), 0);
	LAYOUT(&m, { 0, 3, RW, A, 0 }, { 3, 5, PROT_NONE, A, 3 }, { 5, 10, RW, A, 5 });
	/* Same protection across the edges: nothing to split. */
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(7), PROT_NONE), 0);
	LAYOUT(&m, { 0, 1, RW, A, 0 }, { 1, 3, PROT_NONE, A, 1 }, { 3, 5, PROT_NONE, A, 3 },
	       { 5, 7, PROT_NONE, A, 5 }, { 7, 10, RW, A, 7 });
	CHECK_EQ(vmmap_protect(&m, PG(2), PG(8), RW), 0);
	LAYOUT(&m, { 0, 1, RW, A, 0 }, { 1, 2, PROT_NONE, A, 1 }, { 2, 3, RW, A, 2 },
	       { 3, 5, RW, A, 3 }, { 5, 7, RW, A, 5 }, { 7, 10, RW, A, 7 });
	REFS(&m);
	vmmap_destroy(&m);

	/* Across two adjacent areas, splitting both. */
	SETUP(&m, { 0, 4, RW, A, 0 }, { 4, 8, RW, B, 0, MAP_SHARED });
	CHECK_EQ(vmmap_protect(&m, PG(2), PG(6), RX), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 4, RX, A, 2 }, { 4, 6, RX, B, 0, MAP_SHARED },
	       { 6, 8, RW, B, 2, MAP_SHARED });
	REFS(&m);
	vmmap_destroy(&m);

	/* A hole anywhere in the range: -ENOMEM and no change. */
	SETUP(&m, { 0, 4, RW, A, 0 }, { 5, 8, RW, B, 0 });
	CHECK_EQ(vmmap_protect(&m, PG(2), PG(6), R), -ENOMEM);
	CHECK_EQ(vmmap_protect(&m, PG(4), PG(6), R), -ENOMEM);
	CHECK_EQ(vmmap_protect(&m, PG(6), PG(9), R), -ENOMEM);
	CHECK_EQ(vmmap_protect(&m, PG(20), PG(21), R), -ENOMEM);
	CHECK_EQ(vmmap_protect(&m, UMIN, PG(1), R), -ENOMEM);
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(2) + 1, R), -EINVAL);
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(1), R), -EINVAL);
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(2), 0x10), -EINVAL);
	LAYOUT(&m, { 0, 4, RW, A, 0 }, { 5, 8, RW, B, 0 });
	REFS(&m);

	/* Out of memory for the first or the second of two splits: no change. */
	fail_alloc(1);
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(3), R), -ENOMEM);
	fail_alloc(2);
	CHECK_EQ(vmmap_protect(&m, PG(1), PG(3), R), -ENOMEM);
	LAYOUT(&m, { 0, 4, RW, A, 0 }, { 5, 8, RW, B, 0 });
	REFS(&m);
	/* One split needed: a second allocation would have failed, but none is made. */
	fail_alloc(2);
	CHECK_EQ(vmmap_protect(&m, PG(2), PG(4), R), 0);
	fail_alloc(0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 4, R, A, 2 }, { 5, 8, RW, B, 0 });
	REFS(&m);
	vmmap_destroy(&m);
	NO_REFS();
}

static void test_clone(void)
{
	struct vmmap src, dst;

	SETUP(&src, { 0, 4, RX, A, 0 }, { 4, 6, RW, B, 1, MAP_SHARED },
	      { 8, 9, RW, NULL, 0, MAP_PRIVATE | VMA_HEAP },
	      { 20, 30, RW, A, 4, MAP_PRIVATE | VMA_STACK });
	vmmap_init(&dst);
	CHECK_EQ(vmmap_clone(&src, &dst), 0);
	LAYOUT(&dst, { 0, 4, RX, A, 0 }, { 4, 6, RW, B, 1, MAP_SHARED },
	       { 8, 9, RW, NULL, 0, MAP_PRIVATE | VMA_HEAP },
	       { 20, 30, RW, A, 4, MAP_PRIVATE | VMA_STACK });
	REFS(&src, &dst);
	CHECK_EQ(A->refs, 4);
	/* The copies are independent of the original. */
	CHECK_EQ(vmmap_remove(&src, PG(0), PG(5), NULL, NULL), 0);
	CHECK(vmmap_lookup(&dst, PG(0)) != NULL);
	REFS(&src, &dst);
	vmmap_destroy(&src);
	REFS(&dst);
	vmmap_destroy(&dst);
	NO_REFS();

	/* Out of memory at each of the four copies: dst empty, references as before. */
	for (int n = 1; n <= 4; n++) {
		SETUP(&src, { 0, 4, RX, A, 0 }, { 4, 6, RW, B, 1, MAP_SHARED },
		      { 8, 9, RW, NULL, 0 }, { 20, 30, RW, A, 4 });
		vmmap_init(&dst);
		fail_alloc(n);
		CHECK_EQ(vmmap_clone(&src, &dst), -ENOMEM);
		fail_alloc(0);
		EMPTY(&dst);
		LAYOUT(&src, { 0, 4, RX, A, 0 }, { 4, 6, RW, B, 1, MAP_SHARED },
		       { 8, 9, RW, NULL, 0 }, { 20, 30, RW, A, 4 });
		REFS(&src, &dst);
		vmmap_destroy(&src);
	}
	/* An empty map clones to an empty map. */
	vmmap_init(&src);
	vmmap_init(&dst);
	CHECK_EQ(vmmap_clone(&src, &dst), 0);
	EMPTY(&dst);
	NO_REFS();
}

static char printed[1024];

/* A printf for vmmap_print that appends to printed. */
static int print_to_buffer(const char *fmt, ...)
{
	size_t used = strlen(printed);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(printed + used, sizeof(printed) - used, fmt, ap);
	va_end(ap);
	return n;
}

static void test_print(void)
{
	struct vmmap m;
	char want[256];

	SETUP(&m, { 0, 1, RX, NULL, 0 }, { 5, 6, RW, NULL, 2, MAP_PRIVATE | VMA_STACK });
	vmmap_print(&m, print_to_buffer);
	snprintf(want, sizeof(want),
		 "%016lx-%016lx r-x private off 0 obj (nil)\n"
		 "%016lx-%016lx rw- private stack off 2000 obj (nil)\n",
		 (unsigned long)PG(0), (unsigned long)PG(1), (unsigned long)PG(5),
		 (unsigned long)PG(6));
	if (!CHECK(strcmp(printed, want) == 0))
		printf("  printed:\n%s  wanted:\n%s", printed, want);
	vmmap_destroy(&m);
}

/*
 * Random operations on a window of pages, each checked against a page-by-page model
 * of the map, with allocation failures thrown in: exercises combinations the
 * handwritten cases miss.
 */
#define NPAGES 40

struct model_page {
	bool mapped;
	int prot, flags;
	struct vmobj *obj;
	long off;		/* in pages */
};

static struct model_page model[NPAGES];

/* A number below n from the fixed sequence. */
static unsigned rnd(unsigned n)
{
	return (unsigned)(next_random() % n);
}

/* True if the map and the model agree on every page, with consistent references. */
static bool matches_model(struct vmmap *m)
{
	struct vmarea *a;
	int i;

	if (!well_formed(m))
		return false;
	vmmap_foreach(a, m)
		if (a->start < PG(0) || a->end > PG(NPAGES))
			return false;
	for (i = 0; i < NPAGES; i++) {
		a = vmmap_lookup(m, PG(i));
		if (!model[i].mapped) {
			if (a)
				return false;
			continue;
		}
		if (!a || a->prot != model[i].prot || a->flags != model[i].flags ||
		    a->obj != model[i].obj ||
		    a->off + (PG(i) - a->start) != (uint64_t)model[i].off * PGSIZE)
			return false;
	}
	return true;
}

/* One random operation on m and the model; false if m's answer was wrong. */
static bool random_op(struct vmmap *m)
{
	int s = rnd(NPAGES), e = s + 1 + rnd(NPAGES - s), op = rnd(4), i, r, want = 0;
	int prot = rnd(8), flags = rnd(2) ? MAP_SHARED : MAP_PRIVATE;
	struct vmobj *obj = rnd(4) ? &objs[rnd(NOBJS)] : NULL;
	long off = rnd(100);
	bool armed = rnd(4) == 0, hole = false, busy = false, failed;

	for (i = s; i < e; i++) {
		hole |= !model[i].mapped;
		busy |= model[i].mapped;
	}
	fail_alloc(armed ? 1 + (int)rnd(2) : 0);
	if (op == 0) {
		r = vmmap_insert(m, PG(s), PG(e), prot, flags, obj, off * PGSIZE, NULL);
		want = busy ? -EEXIST : 0;
	} else if (op == 1) {
		r = vmmap_remove(m, PG(s), PG(e), NULL, NULL);
	} else if (op == 2) {
		r = vmmap_protect(m, PG(s), PG(e), prot);
		want = hole ? -ENOMEM : 0;
	} else {
		r = vmmap_remove(m, PG(s), PG(e), NULL, NULL);
		if (r == 0)
			r = vmmap_insert(m, PG(s), PG(e), prot, flags, obj, off * PGSIZE, NULL);
		if (r == -ENOMEM)	/* the remove may have happened: resync the model */
			for (i = s; i < e; i++)
				model[i].mapped = vmmap_lookup(m, PG(i)) != NULL;
	}
	failed = armed && kmalloc_calls >= kmalloc_fail_at;
	fail_alloc(0);
	if (r == -ENOMEM && want == 0)
		return failed;	/* only a failed allocation excuses -ENOMEM */
	if (r != want)
		return false;
	for (i = s; r == 0 && i < e; i++) {
		if (op == 1) {
			model[i].mapped = false;
		} else if (op == 2) {
			model[i].prot = prot;
		} else {
			model[i] = (struct model_page){ true, prot, flags, obj, off + (i - s) };
		}
	}
	return true;
}

static void test_random(void)
{
	struct vmmap m;
	int step;

	vmmap_init(&m);
	for (step = 0; step < 20000; step++) {
		bool answered = random_op(&m);
		if (!CHECK(answered && matches_model(&m))) {
			printf("  at step %d\n", step);
			print_map(&m);
			break;
		}
		REFS(&m);
		if (failures)
			break;
	}
	vmmap_destroy(&m);
	NO_REFS();
}

/* What vmmap_remove reported: the pieces, as (area start, lo, hi) in pages. */
struct removed_log {
	int n;
	long piece[8][3];
};

static void log_removed(struct vmarea *a, uintptr_t lo, uintptr_t hi, void *arg)
{
	struct removed_log *log = arg;
	if (log->n < 8) {
		log->piece[log->n][0] = (long)(a->start - UTEXT) / PGSIZE;
		log->piece[log->n][1] = (long)(lo - UTEXT) / PGSIZE;
		log->piece[log->n][2] = (long)(hi - UTEXT) / PGSIZE;
	}
	log->n++;
}

/* The removed callback sees each piece once, while its area is still whole. */
static void test_remove_callback(void)
{
	struct vmmap m;
	struct removed_log log = { 0 };

	SETUP(&m, { 0, 4, RW, A, 0 }, { 6, 10, R, B, 0 }, { 12, 14, R, A, 8 });
	CHECK_EQ(vmmap_remove(&m, PG(2), PG(13), log_removed, &log), 0);
	CHECK_EQ(log.n, 3);
	long want[3][3] = { { 0, 2, 4 }, { 6, 6, 10 }, { 12, 12, 13 } };
	CHECK(memcmp(log.piece, want, sizeof(want)) == 0);

	log.n = 0;
	CHECK_EQ(vmmap_remove(&m, PG(20), PG(30), log_removed, &log), 0);
	CHECK_EQ(log.n, 0);
	vmmap_destroy(&m);

	SETUP(&m, { 0, 10, RW, A, 0 });
	fail_alloc(1);
	CHECK_EQ(vmmap_remove(&m, PG(3), PG(5), log_removed, &log), -ENOMEM);
	CHECK_EQ(log.n, 0);
	fail_alloc(0);
	CHECK_EQ(vmmap_remove(&m, PG(3), PG(5), log_removed, &log), 0);
	CHECK_EQ(log.n, 1);
	CHECK(log.piece[0][0] == 0 && log.piece[0][1] == 3 && log.piece[0][2] == 5);
	vmmap_destroy(&m);
	NO_REFS();
}

/* A stack grows down, its guard moving with it, never onto another area. */
static void test_grow_down(void)
{
	struct vmmap m;

	SETUP(&m, { 0, 2, RW, A, 0 }, { 9, 10, 0, NULL, 0, MAP_PRIVATE | VMA_GUARD },
	      { 10, 12, RW, B, 10, MAP_PRIVATE | VMA_STACK });
	struct vmarea *guard = vmmap_lookup(&m, PG(9)), *stack = vmmap_lookup(&m, PG(10));
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(7), guard), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 6, 7, 0, NULL, 0, MAP_PRIVATE | VMA_GUARD },
	       { 7, 12, RW, B, 7, MAP_PRIVATE | VMA_STACK });
	/* The guard needs a free page: 3 is the lowest start above area [0, 2). */
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(2), guard), -EEXIST);
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(3), guard), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 3, 0, NULL, 0, MAP_PRIVATE | VMA_GUARD },
	       { 3, 12, RW, B, 3, MAP_PRIVATE | VMA_STACK });
	/* Not below the start, not unaligned, not past offset 0, not with a stranger as guard. */
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(3), guard), -EINVAL);
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(3) - 1, guard), -EINVAL);
	CHECK_EQ(vmmap_grow_down(&m, vmmap_lookup(&m, PG(0)), PG(0) - PGSIZE, NULL), -EINVAL);
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(1), vmmap_lookup(&m, PG(0))), -EINVAL);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 2, 3, 0, NULL, 0, MAP_PRIVATE | VMA_GUARD },
	       { 3, 12, RW, B, 3, MAP_PRIVATE | VMA_STACK });
	REFS(&m);
	vmmap_destroy(&m);

	/* Without a guard the page under the new start must still be free. */
	SETUP(&m, { 0, 2, RW, A, 0 }, { 5, 6, RW, B, 5, MAP_PRIVATE | VMA_STACK });
	stack = vmmap_lookup(&m, PG(5));
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(2), NULL), -EEXIST);
	CHECK_EQ(vmmap_grow_down(&m, stack, PG(3), NULL), 0);
	LAYOUT(&m, { 0, 2, RW, A, 0 }, { 3, 6, RW, B, 3, MAP_PRIVATE | VMA_STACK });
	vmmap_destroy(&m);
	NO_REFS();
}

int main(void)
{
	test_insert();
	test_lookup();
	test_remove();
	test_remove_callback();
	test_find_range();
	test_map_fixed();
	test_protect();
	test_clone();
	test_grow_down();
	test_print();
	test_random();
	return check_summary("test_vmmap");
}
