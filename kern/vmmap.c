/*
 * vmmap: the sorted list of areas that describes a user address space. Every
 * operation that may fail allocates everything it needs before it changes the
 * list, so a failure never leaves a half-done map behind.
 */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <kern/kmalloc.h>
#include <kern/vmmap.h>


static bool page_aligned(uint64_t x)
{
	return x % PGSIZE == 0;
}

/* True for a non-empty page-aligned range that does not reach into the kernel half. */
static bool range_ok(uintptr_t start, uintptr_t end)
{
	return start < end && page_aligned(start) && page_aligned(end) && end <= USER_END;
}

/* True if flags says exactly one of shared and private, as every area must. */
static bool sharing_ok(int flags)
{
	int s = flags & (MAP_SHARED | MAP_PRIVATE);
	return s == MAP_SHARED || s == MAP_PRIVATE;
}

/*
 * The first area that ends above va, or NULL. Being sorted and disjoint, it is the
 * only area that can contain va, and every area after it lies wholly above va.
 */
static struct vmarea *first_ending_after(struct vmmap *map, uintptr_t va)
{
	struct vmarea *a;

	vmmap_foreach(a, map)
		if (a->end > va)
			return a;
	return NULL;
}

/* Unlink a from its map, drop its object reference and free it. */
static void area_free(struct vmarea *a)
{
	list_remove(&a->link);
	if (a->obj)
		vmobj_put(a->obj);
	kfree(a);
}

/*
 * Cut a (which must have a->start < addr < a->end) at addr: a keeps the part below,
 * spare (caller-allocated) becomes the part above, right after a in the list, with
 * its own reference on the shared object. Returns spare.
 */
static struct vmarea *split(struct vmarea *a, uintptr_t addr, struct vmarea *spare)
{
	*spare = *a;
	spare->start = addr;
	spare->off = a->off + (addr - a->start);
	a->end = addr;
	if (spare->obj)
		vmobj_ref(spare->obj);
	list_insert_between(&spare->link, &a->link, a->link.next);
	return spare;
}

void vmmap_init(struct vmmap *map)
{
	list_init(&map->areas);
}

void vmmap_destroy(struct vmmap *map)
{
	struct list_node *n, *tmp;

	list_foreach_safe(n, tmp, &map->areas)
		area_free(list_entry(n, struct vmarea, link));
}

struct vmarea *vmmap_lookup(struct vmmap *map, uintptr_t va)
{
	struct vmarea *a = first_ending_after(map, va);

	return a && a->start <= va ? a : NULL;
}

bool vmmap_range_is_free(struct vmmap *map, uintptr_t start, uintptr_t end)
{
	struct vmarea *a = first_ending_after(map, start);

	return !a || a->start >= end;
}

/* True if [lo, hi) holds at least len bytes; an inverted range holds none. */
static bool fits(uintptr_t lo, uintptr_t hi, size_t len)
{
	return lo <= hi && hi - lo >= len;
}

/* vmmap_find_range upwards, with lo, hi and len already page-aligned. */
static uintptr_t find_lohi(struct vmmap *map, size_t len, uintptr_t lo, uintptr_t hi)
{
	uintptr_t gap = lo;	/* start of the free space below the next area */
	struct vmarea *a;

	vmmap_foreach(a, map) {
		if (a->start >= hi)
			break;
		if (fits(gap, a->start, len))
			return gap;
		gap = MAX(gap, a->end);
	}
	return fits(gap, hi, len) ? gap : 0;
}

/* vmmap_find_range downwards, with lo, hi and len already page-aligned. */
static uintptr_t find_hilo(struct vmmap *map, size_t len, uintptr_t lo, uintptr_t hi)
{
	uintptr_t gap = hi;	/* end of the free space above the next area down */
	struct list_node *n;

	for (n = map->areas.prev; n != &map->areas; n = n->prev) {
		struct vmarea *a = list_entry(n, struct vmarea, link);
		if (a->end <= lo)
			break;
		if (fits(a->end, gap, len))
			return gap - len;
		gap = MIN(gap, a->start);
	}
	return fits(lo, gap, len) ? gap - len : 0;
}

uintptr_t vmmap_find_range(struct vmmap *map, size_t len, uintptr_t lo, uintptr_t hi,
			   int dir)
{
	if (len == 0 || len > SIZE_MAX - (PGSIZE - 1) || lo > UINTPTR_MAX - (PGSIZE - 1))
		return 0;
	len = ROUNDUP(len, PGSIZE);
	lo = ROUNDUP(lo, PGSIZE);
	hi = ROUNDDOWN(hi, PGSIZE);
	if (!fits(lo, hi, len))
		return 0;
	if (dir == VMMAP_HILO)
		return find_hilo(map, len, lo, hi);
	return find_lohi(map, len, lo, hi);
}

int vmmap_insert(struct vmmap *map, uintptr_t start, uintptr_t end, int prot, int flags,
		 struct vmobj *obj, uint64_t off, struct vmarea **out)
{
	struct vmarea *next, *a;
	struct list_node *pos;
	uint64_t offend;

	if (!range_ok(start, end) || start < UMIN || !page_aligned(off) ||
	    __builtin_add_overflow(off, end - start, &offend) ||
	    (prot & ~PROT_ALL) || !sharing_ok(flags))
		return -EINVAL;
	next = first_ending_after(map, start);
	if (next && next->start < end)
		return -EEXIST;
	if (!(a = kmalloc(sizeof(*a))))
		return -ENOMEM;
	a->start = start;
	a->end = end;
	a->prot = prot;
	a->flags = flags;
	a->off = off;
	a->obj = obj;
	if (obj)
		vmobj_ref(obj);
	pos = next ? &next->link : &map->areas;
	list_insert_between(&a->link, pos->prev, pos);
	if (out)
		*out = a;
	return 0;
}

int vmmap_remove(struct vmmap *map, uintptr_t start, uintptr_t end,
		 vmmap_removed_fn removed, void *arg)
{
	struct vmarea *a, *next, *spare;

	if (!range_ok(start, end))
		return -EINVAL;
	a = first_ending_after(map, start);
	if (a && a->start < start && a->end > end) {
		/* A hole punched in one area: the only case that needs memory. */
		if (!(spare = kmalloc(sizeof(*spare))))
			return -ENOMEM;
		if (removed)
			removed(a, start, end, arg);
		split(a, end, spare);
		a->end = start;
		return 0;
	}
	for (; a && a->start < end; a = next) {
		next = vmarea_next(map, a);
		if (removed)
			removed(a, MAX(a->start, start), MIN(a->end, end), arg);
		if (a->start < start) {
			a->end = start;
		} else if (a->end > end) {
			a->off += end - a->start;
			a->start = end;
		} else {
			area_free(a);
		}
	}
	return 0;
}

/* True if every page of [start, end) is in some area. */
static bool range_is_mapped(struct vmmap *map, uintptr_t start, uintptr_t end)
{
	uintptr_t covered = start;
	struct vmarea *a;

	for (a = first_ending_after(map, start); a && covered < end; a = vmarea_next(map, a)) {
		if (a->start > covered)
			return false;
		covered = a->end;
	}
	return covered >= end;
}

int vmmap_protect(struct vmmap *map, uintptr_t start, uintptr_t end, int prot)
{
	struct vmarea *first, *last, *a, *spare_lo = NULL, *spare_hi = NULL;
	bool split_lo, split_hi;

	if (!range_ok(start, end) || (prot & ~PROT_ALL))
		return -EINVAL;
	if (!range_is_mapped(map, start, end))
		return -ENOMEM;
	first = vmmap_lookup(map, start);
	last = vmmap_lookup(map, end - 1);
	if (prot & PROT_WRITE)
		for (a = first; a && a->start < end; a = vmarea_next(map, a))
			if (a->flags & VMA_NOMAYWRITE)
				return -EACCES;
	/* An area across an edge whose protection already matches can stay whole. */
	split_lo = first->start < start && first->prot != prot;
	split_hi = last->end > end && last->prot != prot;
	if ((split_lo && !(spare_lo = kmalloc(sizeof(*spare_lo)))) ||
	    (split_hi && !(spare_hi = kmalloc(sizeof(*spare_hi))))) {
		kfree(spare_lo);
		return -ENOMEM;
	}
	/* The top edge first, so that first still names the area holding start. */
	if (split_hi)
		split(last, end, spare_hi);
	if (split_lo)
		first = split(first, start, spare_lo);
	for (a = first; a && a->start < end; a = vmarea_next(map, a))
		a->prot = prot;
	return 0;
}

/* The area before a in map, or NULL if a is the first. */
static struct vmarea *area_prev(struct vmmap *map, struct vmarea *a)
{
	if (a->link.prev == &map->areas)
		return NULL;
	return list_entry(a->link.prev, struct vmarea, link);
}

int vmmap_grow_down(struct vmmap *map, struct vmarea *a, uintptr_t start,
		    struct vmarea *guard)
{
	if (!page_aligned(start) || start >= a->start || a->off < a->start - start ||
	    (guard && (area_prev(map, a) != guard || guard->end != a->start ||
		       guard->end - guard->start != PGSIZE)))
		return -EINVAL;
	struct vmarea *below = area_prev(map, guard ? guard : a);
	if (start < UMIN + PGSIZE || (below && below->end > start - PGSIZE))
		return -EEXIST;
	if (guard) {
		guard->start = start - PGSIZE;
		guard->end = start;
	}
	a->off -= a->start - start;
	a->start = start;
	return 0;
}

int vmmap_clone(struct vmmap *src, struct vmmap *dst)
{
	struct vmarea *a, *copy;

	vmmap_foreach(a, src) {
		if (!(copy = kmalloc(sizeof(*copy)))) {
			vmmap_destroy(dst);
			return -ENOMEM;
		}
		*copy = *a;
		if (copy->obj)
			vmobj_ref(copy->obj);
		list_push_back(&dst->areas, &copy->link);
	}
	return 0;
}

void vmmap_print(struct vmmap *map, vmmap_printf_fn pr)
{
	struct vmarea *a;

	vmmap_foreach(a, map)
		pr("%016lx-%016lx %c%c%c %s%s%s%s%s off %lx obj %p\n",
		   (unsigned long)a->start, (unsigned long)a->end,
		   a->prot & PROT_READ ? 'r' : '-', a->prot & PROT_WRITE ? 'w' : '-',
		   a->prot & PROT_EXEC ? 'x' : '-',
		   a->flags & MAP_SHARED ? "shared" : "private",
		   a->flags & VMA_STACK ? " stack" : "", a->flags & VMA_HEAP ? " heap" : "",
		   a->flags & VMA_GUARD ? " guard" : "", a->flags & VMA_FLEXSC ? " flexsc" : "",
		   (unsigned long)a->off, (void *)a->obj);
}
