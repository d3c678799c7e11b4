/*
 * kmalloc: power-of-two size classes from 16 to 2048 bytes, each object carved
 * from a page that holds objects of one class only (a tiny slab). A page with
 * free objects sits on its class's partial list; a page whose objects are all
 * free goes back to the page allocator, so freeing everything restores the
 * free-page count exactly. Requests above 2048 bytes get a whole page.
 */
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/spinlock.h>

#define MIN_SHIFT 4
#define NCLASSES 8	/* 16, 32, ..., 2048 */
#define WHOLE_PAGE NCLASSES

/* kmalloc_lock protects the partial lists and the kmalloc fields of their pages. */
static struct spinlock kmalloc_lock = SPINLOCK_INIT("kmalloc", LOCK_KMALLOC);
static struct page *partial[NCLASSES];
/* Counters for kstat, updated atomically: whole pages are handed out without the lock. */
static long slab_pages;

static int size_class(size_t size)
{
	int c = 0;
	while (((size_t)1 << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

/* A fresh page split into objects of class c, on the partial list; false if no memory. */
static bool grow_class(int c)
{
	struct page *pp = page_alloc(0);
	if (!pp)
		return false;
	size_t objsize = (size_t)1 << (c + MIN_SHIFT);
	char *base = page2kva(pp);

	pp->ref = 1;
	pp->kmalloc_class = (int16_t)c;
	pp->kmalloc_inuse = 0;
	pp->kmalloc_free = NULL;
	for (size_t off = PGSIZE; off >= objsize; off -= objsize) {
		void **obj = (void **)(base + off - objsize);
		*obj = pp->kmalloc_free;
		pp->kmalloc_free = obj;
	}
	pp->next = partial[c];
	partial[c] = pp;
	__atomic_add_fetch(&slab_pages, 1, __ATOMIC_RELAXED);
	return true;
}

void *kmalloc(size_t size)
{
	if (size > PGSIZE)
		return NULL;
	if (size > ((size_t)1 << (NCLASSES - 1 + MIN_SHIFT))) {
		struct page *pp = page_alloc(0);
		if (!pp)
			return NULL;
		pp->ref = 1;
		pp->kmalloc_class = WHOLE_PAGE;
		CPU_ADD(kmalloc_objects, 1);
		return page2kva(pp);
	}

	int c = size_class(size);
	spin_lock(&kmalloc_lock);
	if (!partial[c] && !grow_class(c)) {
		spin_unlock(&kmalloc_lock);
		return NULL;
	}
	struct page *pp = partial[c];
	void **obj = pp->kmalloc_free;
	pp->kmalloc_free = *obj;
	pp->kmalloc_inuse++;
	if (!pp->kmalloc_free)
		partial[c] = pp->next;
	spin_unlock(&kmalloc_lock);
	CPU_ADD(kmalloc_objects, 1);
	return obj;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* Unlink pp from class c's partial list. Called with kmalloc_lock held. */
static void unlink_partial(int c, struct page *pp)
{
	struct page **pprev = &partial[c];
	while (*pprev != pp)
		pprev = &(*pprev)->next;
	*pprev = pp->next;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct page *pp = pa2page(paddr(p));
	int c = pp->kmalloc_class;

	if (c < 0)
		panic("kfree: %p was not allocated by kmalloc", p);
	CPU_ADD(kmalloc_objects, -1);
	if (c == WHOLE_PAGE) {
		pp->kmalloc_class = -1;
		page_decref(pp);
		return;
	}

	spin_lock(&kmalloc_lock);
	bool was_full = pp->kmalloc_free == NULL;
	*(void **)p = pp->kmalloc_free;
	pp->kmalloc_free = p;
	pp->kmalloc_inuse--;
	if (pp->kmalloc_inuse == 0) {
		if (!was_full)
			unlink_partial(c, pp);
		pp->kmalloc_class = -1;
		__atomic_sub_fetch(&slab_pages, 1, __ATOMIC_RELAXED);
		spin_unlock(&kmalloc_lock);
		page_decref(pp);
		return;
	}
	if (was_full) {
		pp->next = partial[c];
		partial[c] = pp;
	}
	spin_unlock(&kmalloc_lock);
}

long kmalloc_slab_pages(void)
{
	return __atomic_load_n(&slab_pages, __ATOMIC_RELAXED);
}

long kmalloc_objects(void)
{
	long n = 0;
	for (int i = 0; i < ncpu; i++)
		n += __atomic_load_n(&cpus[i].kmalloc_objects, __ATOMIC_RELAXED);
	return n;
}
