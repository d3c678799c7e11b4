/* Memory objects (see vmobj.h). */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/spinlock.h>
#include <kern/vmobj.h>

/*
 * vmobj_lock protects every object's refcount, pages and below pointer. One lock
 * for all: the objects deeper in a chain are shared between address spaces, so
 * no address space's own lock can cover them. What runs under it:
 *   - a fault: a walk down the chain, then at most one page copied or zeroed;
 *   - a purge (munmap, brk): the pages the range holds are dropped;
 *   - a fold (vmobj_collapse): the smaller of two sets of pages is moved.
 * The last two are O(pages) with interrupts off (spin_lock), and other CPUs
 * that fault meanwhile spin. That is accepted for now: a purge drops only what
 * the program itself unmapped, and a fold moves the smaller side, usually the
 * few pages written since the fork; the cost is a late timer tick here and a
 * wait of the same length on a CPU that faults at the same moment. (A lock per
 * chain would remove the wait; see docs/locking.md.) The big case,
 * an object's last reference going (a process exiting frees all its memory),
 * needs no lock: nothing can reach an object that nobody references, so
 * vmobj_put frees it and its pages after unlocking.
 */
static struct spinlock vmobj_lock = SPINLOCK_INIT("vmobj", LOCK_VMOBJ);

/* A new object of type with one reference, or NULL. */
static struct vmobj *vmobj_alloc(enum vmobj_type type)
{
	struct vmobj *obj = kzalloc(sizeof(*obj));
	if (!obj)
		return NULL;
	obj->type = type;
	obj->refcount = 1;
	pgtree_init(&obj->pages);
	return obj;
}

struct vmobj *vmobj_anon_create(void)
{
	return vmobj_alloc(VMOBJ_ANON);
}

struct vmobj *vmobj_shadow_create(struct vmobj *below)
{
	struct vmobj *obj = vmobj_alloc(VMOBJ_SHADOW);
	if (!obj)
		return NULL;
	vmobj_ref(below);
	obj->below = below;
	return obj;
}

struct vmobj *vmobj_file_create(void)
{
	return vmobj_alloc(VMOBJ_FILE);
}

void vmobj_ref(struct vmobj *obj)
{
	spin_lock(&vmobj_lock);
	obj->refcount++;
	spin_unlock(&vmobj_lock);
}

/* Drop every page obj holds in [lo, hi). Caller holds vmobj_lock, or obj is unreachable. */
static void drop_pages(struct vmobj *obj, uint64_t lo, uint64_t hi)
{
	struct page *pp;
	uint64_t idx = lo;

	while ((pp = pgtree_next(&obj->pages, &idx, hi)) != NULL) {
		pgtree_remove(&obj->pages, idx);
		page_decref(pp);
	}
}

void vmobj_put(struct vmobj *obj)
{
	struct vmobj *dead = obj;

	/* Iterative, not recursive: a chain may be long and kernel stacks are small. */
	spin_lock(&vmobj_lock);
	while (obj && --obj->refcount == 0)
		obj = obj->below;
	spin_unlock(&vmobj_lock);
	/* From dead down to obj (exclusive) nothing references the objects any more. */
	while (dead != obj) {
		struct vmobj *below = dead->below;
		drop_pages(dead, 0, PGTREE_LIMIT);
		kfree(dead);
		dead = below;
	}
}

int vmobj_insert_page(struct vmobj *obj, uint64_t pgoff, struct page *page)
{
	spin_lock(&vmobj_lock);
	int r = pgtree_insert(&obj->pages, pgoff, page);
	if (r == 0)
		page_incref(page);
	spin_unlock(&vmobj_lock);
	return r;
}

void vmobj_purge(struct vmobj *obj, uint64_t lo, uint64_t hi)
{
	spin_lock(&vmobj_lock);
	drop_pages(obj, lo, hi);
	spin_unlock(&vmobj_lock);
}

bool vmobj_reaches(struct vmobj *top, struct vmobj *obj)
{
	spin_lock(&vmobj_lock);
	while (top && top != obj)
		top = top->below;
	spin_unlock(&vmobj_lock);
	return top != NULL;
}

void vmobj_purge_above(struct vmobj *top, struct vmobj *bottom, uint64_t lo, uint64_t hi)
{
	spin_lock(&vmobj_lock);
	for (; top && top != bottom; top = top->below)
		drop_pages(top, lo, hi);
	spin_unlock(&vmobj_lock);
}

/*
 * A new page put in obj at pgoff: a copy of src, or zeroed if src is NULL. A
 * file's pages stay until the file is truncated or gone, so they leave the
 * allocator's reserve alone.
 */
static struct page *new_page_in(struct vmobj *obj, uint64_t pgoff, struct page *src)
{
	struct page *pp = page_alloc((src ? 0 : PAGE_ZERO) |
				     (obj->type == VMOBJ_FILE ? PAGE_KEEP_RESERVE : 0));
	if (!pp)
		return NULL;
	if (src)
		memcpy(page2kva(pp), page2kva(src), PGSIZE);
	if (pgtree_insert(&obj->pages, pgoff, pp) < 0) {
		page_free(pp);
		return NULL;
	}
	page_incref(pp);
	return pp;
}

/*
 * The page obj itself provides at pgoff, or NULL: a held page, or for a file a
 * new zero page if it has none (then NULL means out of memory, and *stop is
 * set). *beyond_eof (and *stop) is set for a file offset past the end of the
 * file. Caller holds vmobj_lock.
 */
static struct page *own_page(struct vmobj *obj, uint64_t pgoff, bool *beyond_eof, bool *stop)
{
	struct page *pp = pgtree_lookup(&obj->pages, pgoff);

	if (obj->type != VMOBJ_FILE || pp)
		return pp;
	*stop = true;
	if (pgoff >= ROUNDUP(obj->file_size, PGSIZE) / PGSIZE) {
		*beyond_eof = true;
		return NULL;
	}
	return new_page_in(obj, pgoff, NULL);
}

struct page *vmobj_file_page(struct vmobj *obj, uint64_t pgoff, bool create)
{
	spin_lock(&vmobj_lock);
	struct page *pp = pgtree_lookup(&obj->pages, pgoff);
	if (!pp && create)
		pp = new_page_in(obj, pgoff, NULL);
	if (pp)
		page_incref(pp);
	spin_unlock(&vmobj_lock);
	return pp;
}

uint64_t vmobj_file_size(struct vmobj *obj)
{
	return __atomic_load_n(&obj->file_size, __ATOMIC_RELAXED);
}

void vmobj_file_extend(struct vmobj *obj, uint64_t end)
{
	spin_lock(&vmobj_lock);
	if (end > obj->file_size)
		__atomic_store_n(&obj->file_size, end, __ATOMIC_RELAXED);
	spin_unlock(&vmobj_lock);
}

void vmobj_file_truncate(struct vmobj *obj, uint64_t size)
{
	spin_lock(&vmobj_lock);
	__atomic_store_n(&obj->file_size, size, __ATOMIC_RELAXED);
	drop_pages(obj, ROUNDUP(size, PGSIZE) / PGSIZE, PGTREE_LIMIT);
	struct page *last = size % PGSIZE ? pgtree_lookup(&obj->pages, size / PGSIZE) : NULL;
	if (last)
		memset((char *)page2kva(last) + size % PGSIZE, 0, PGSIZE - size % PGSIZE);
	spin_unlock(&vmobj_lock);
}

/* Move the page at pgoff from owner to top, which lacks it. NULL if out of memory. */
static struct page *take_over(struct vmobj *top, struct vmobj *owner, uint64_t pgoff,
			      struct page *pp)
{
	if (pgtree_insert(&top->pages, pgoff, pp) < 0)
		return NULL;
	pgtree_remove(&owner->pages, pgoff);
	return pp;
}

struct page *vmobj_fault_page(struct vmobj *top, uint64_t pgoff, bool write, bool *in_top,
			      int *err)
{
	struct vmobj *owner;
	struct page *pp = NULL;
	bool beyond_eof = false, stop = false;
	bool only_ours = true;	/* every object from top down to owner has one reference */

	spin_lock(&vmobj_lock);
	for (owner = top; owner; owner = owner->below) {
		if (owner != top && owner->refcount != 1)
			only_ours = false;
		if ((pp = own_page(owner, pgoff, &beyond_eof, &stop)) != NULL || stop)
			break;
	}
	*in_top = true;
	if (beyond_eof)
		*err = -ERANGE;
	else if (!pp && !stop)
		pp = new_page_in(top, pgoff, NULL);
	else if (!pp)
		;
	else if (owner == top)
		;
	else if (!write)
		*in_top = false;
	else if (only_ours && owner->type != VMOBJ_FILE)
		pp = take_over(top, owner, pgoff, pp);
	else
		pp = new_page_in(top, pgoff, pp);
	if (pp)
		page_incref(pp);
	else if (!beyond_eof)
		*err = stop ? -ENOSPC : -ENOMEM;	/* stop: the file had no page to give */
	spin_unlock(&vmobj_lock);
	return pp;
}

/*
 * Move every page of from into to, where from's pages win: a page of to at the
 * same offset is dropped. false if out of memory (then some pages are still in
 * from, and each offset's page is in one tree or the other, which is harmless).
 * Caller holds vmobj_lock.
 */
static bool move_pages_over(struct pgtree *from, struct pgtree *to)
{
	struct page *pp;
	uint64_t idx = 0;

	while ((pp = pgtree_next(from, &idx, PGTREE_LIMIT)) != NULL) {
		struct page *hidden = pgtree_remove(to, idx);
		if (hidden)
			page_decref(hidden);
		if (pgtree_insert(to, idx, pp) < 0)
			return false;
		pgtree_remove(from, idx);
	}
	return true;
}

/* Move the pages of from that to lacks into to, and drop the rest. false as above. */
static bool move_pages_under(struct pgtree *from, struct pgtree *to)
{
	struct page *pp;
	uint64_t idx = 0;

	while ((pp = pgtree_next(from, &idx, PGTREE_LIMIT)) != NULL) {
		if (!pgtree_lookup(to, idx) && pgtree_insert(to, idx, pp) < 0)
			return false;
		if (pgtree_lookup(to, idx) != pp)
			page_decref(pp);
		pgtree_remove(from, idx);
	}
	return true;
}

/*
 * Fold below, a shadow only top references, into top: top keeps its own pages,
 * takes the ones it lacks, and shadows what below shadowed. The smaller set of
 * pages moves into the larger: after a fork and the child's exit, top holds the
 * few pages written since and below all the rest, so top's go down and top
 * takes below's tree. false if out of memory (harmless, see above). Caller
 * holds vmobj_lock.
 */
static bool fold_below(struct vmobj *top)
{
	struct vmobj *below = top->below;

	if (top->pages.count < below->pages.count) {
		if (!move_pages_over(&top->pages, &below->pages))
			return false;
		struct pgtree emptied = top->pages;
		top->pages = below->pages;
		below->pages = emptied;
	} else if (!move_pages_under(&below->pages, &top->pages)) {
		return false;
	}
	top->below = below->below;
	kfree(below);
	return true;
}

bool vmobj_collapse(struct vmobj *top)
{
	bool folded = false;

	spin_lock(&vmobj_lock);
	while (top->below && top->below->type != VMOBJ_FILE && top->below->refcount == 1) {
		folded = true;	/* even a fold cut short may have moved pages up */
		if (!fold_below(top))
			break;
	}
	spin_unlock(&vmobj_lock);
	return folded;
}
