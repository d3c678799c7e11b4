/* Memory objects (see vmobj.h). */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/swap.h>
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

/*
 * Paging. An object's tree holds, at each offset, either a page (with one
 * reference) or a swap entry: the slot the page was written to, as the odd
 * value 2 * slot + 1 (struct page pointers are even). A page moving to or from
 * swap is marked in its swap_io (PAGE_PAGEOUT, PAGE_PAGEIN) under vmobj_lock,
 * and the object it is in gets a reference for the time of the transfer, so
 * that it cannot be freed or folded meanwhile; the transfer itself runs with
 * the lock dropped. A page being read in is already in the tree: a fault that
 * finds it waits on pagein_wq until it is filled. vm_fault does the read or
 * the wait with its address space's lock dropped too (struct vmobj_pagein),
 * so an munmap may take the page out of the tree meanwhile. A page being written out stays
 * usable: a fault that hands it out clears PAGE_PAGEOUT, and the page-out, when
 * it sees that (or the page gone, or referenced again), keeps the page and
 * frees the slot.
 *
 * A page read back keeps its slot as a copy (page->swap_copy) while swap is
 * less than half full (swap_keep_copy). The copy stays good until the page is
 * written: the CPU marks the entry of a mapping that writes it dirty (PTE_D),
 * and pmap moves that mark into page->dirty as the entry goes. The page-out
 * unmaps a page before it looks, and takes it only when no other mapping
 * holds it, so a clean page with a copy is then dropped without a write: its
 * slot becomes its swap entry again. A dirty one is written to that slot. A
 * page that leaves its tree for good gives its copy back.
 */
static struct waitq pagein_wq = WAITQ_INIT(pagein_wq);

static bool is_swap(const void *e)
{
	return (uintptr_t)e & 1;
}

static void *swap_entry(uint64_t slot)
{
	return (void *)(uintptr_t)(slot << 1 | 1);
}

static uint64_t entry_slot(const void *e)
{
	return (uintptr_t)e >> 1;
}

/* Give back the slot that holds a copy of pp, if it has one. Caller holds vmobj_lock. */
static void drop_copy(struct page *pp)
{
	if (pp->swap_copy) {
		swap_slot_free(pp->swap_copy - 1);
		swap_copy_count(-1);
		pp->swap_copy = 0;
	}
}

/* Let go of what a tree held at an offset: a page's reference and copy, or a swap slot. */
static void drop_entry(void *e)
{
	if (is_swap(e)) {
		swap_slot_free(entry_slot(e));
	} else {
		drop_copy(e);
		page_decref(e);
	}
}

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

size_t vmobj_anon_entries(struct vmobj *obj)
{
	spin_lock(&vmobj_lock);
	size_t n = obj->type == VMOBJ_FILE ? 0 : obj->pages.count;
	spin_unlock(&vmobj_lock);
	return n;
}

/* Drop every page and slot obj holds in [lo, hi). Caller holds vmobj_lock, or obj is unreachable. */
static void drop_pages(struct vmobj *obj, uint64_t lo, uint64_t hi)
{
	void *e;
	uint64_t idx = lo;

	while ((e = pgtree_next(&obj->pages, &idx, hi)) != NULL) {
		pgtree_remove(&obj->pages, idx);
		drop_entry(e);
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
 * What obj itself provides at pgoff, or NULL: its tree's entry (a page, or for
 * an anonymous or shadow object a swap entry), or for a file a new zero page
 * if it has none (then NULL means out of memory, and *stop is set). File pages
 * never go to swap: the page cache is tmpfs's storage (vmobj_pageout). *beyond_eof
 * (and *stop) is set for a file offset past the end of the file. Caller holds
 * vmobj_lock.
 */
static void *own_page(struct vmobj *obj, uint64_t pgoff, bool *beyond_eof, bool *stop)
{
	void *e = pgtree_lookup(&obj->pages, pgoff);

	if (obj->type != VMOBJ_FILE || e)
		return e;
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

/*
 * Zero the bytes from size to the end of the page holding it, if obj has that
 * page: past the end of the file they read as zeros, whatever a MAP_SHARED
 * store there left. Caller holds vmobj_lock.
 */
static void zero_tail(struct vmobj *obj, uint64_t size)
{
	struct page *last = size % PGSIZE ? pgtree_lookup(&obj->pages, size / PGSIZE) : NULL;
	if (last)
		memset((char *)page2kva(last) + size % PGSIZE, 0, PGSIZE - size % PGSIZE);
}

void vmobj_file_zero_tail(struct vmobj *obj)
{
	spin_lock(&vmobj_lock);
	zero_tail(obj, obj->file_size);
	spin_unlock(&vmobj_lock);
}

void vmobj_file_truncate(struct vmobj *obj, uint64_t size)
{
	spin_lock(&vmobj_lock);
	zero_tail(obj, MIN(size, obj->file_size));
	__atomic_store_n(&obj->file_size, size, __ATOMIC_RELAXED);
	drop_pages(obj, ROUNDUP(size, PGSIZE) / PGSIZE, PGTREE_LIMIT);
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

/*
 * Begin reading owner's page at pgoff back from the swap slot of entry e: a
 * new page takes e's place at once, marked PAGE_PAGEIN so that other faults
 * wait for it, and *in holds it and owner, with a reference each, for
 * pagein_read. 0 or -ENOMEM (nothing changed). vmobj_lock held.
 */
static int pagein_start(struct vmobj *owner, uint64_t pgoff, void *e, struct vmobj_pagein *in)
{
	struct page *pp = page_alloc(0);
	if (!pp)
		return -ENOMEM;
	page_incref(pp);	/* the tree's */
	page_incref(pp);	/* ours, for the transfer */
	pp->swap_io = PAGE_PAGEIN;
	pages_locked_add(1);
	pgtree_replace(&owner->pages, pgoff, pp);
	owner->refcount++;
	*in = (struct vmobj_pagein){ .owner = owner, .pp = pp, .pgoff = pgoff,
				     .slot = entry_slot(e), .reader = true };
	return 0;
}

/*
 * Fill the page pagein_start put in and end the transfer: the page keeps the
 * slot as its copy if swap_keep_copy says so and it is still where it was
 * (an munmap or a fold may have taken it meanwhile), and leaves the tree if
 * the read failed. 0 or -EIO. vmobj_lock not held.
 */
static int pagein_read(struct vmobj_pagein *in)
{
	struct page *pp = in->pp;
	int r = swap_read(in->slot, pp);

	spin_lock(&vmobj_lock);
	bool there = pgtree_lookup(&in->owner->pages, in->pgoff) == pp;
	bool keep = r == 0 && there && swap_keep_copy();
	pp->swap_io = 0;
	pages_locked_add(-1);
	if (keep) {
		pp->swap_copy = in->slot + 1;
		swap_copy_count(1);
	}
	wakeup_all(&pagein_wq);
	if (r < 0 && there) {
		pgtree_remove(&in->owner->pages, in->pgoff);
		page_decref(pp);
	}
	spin_unlock(&vmobj_lock);
	if (!keep)
		swap_slot_free(in->slot);
	return r;
}

/* Wait for another's read of in->pp to end. vmobj_lock not held. */
static void pagein_wait(struct vmobj_pagein *in)
{
	spin_lock(&vmobj_lock);
	while (in->pp->swap_io == PAGE_PAGEIN)
		sleep_on(&pagein_wq, &vmobj_lock);
	spin_unlock(&vmobj_lock);
}

int vmobj_pagein_finish(struct vmobj_pagein *in)
{
	int r = 0;
	if (in->reader)
		r = pagein_read(in);
	else
		pagein_wait(in);
	page_decref(in->pp);
	vmobj_put(in->owner);	/* it may have lost every other reference meanwhile */
	return r;
}

struct page *vmobj_fault_page(struct vmobj *top, uint64_t pgoff, bool write, bool *in_top,
			      int *err, struct vmobj_pagein *later)
{
	struct vmobj_pagein here;
	struct vmobj *owner;
	void *e;
	bool beyond_eof, stop, only_ours;	/* every object from top down to owner has one reference */

	spin_lock(&vmobj_lock);
	for (;;) {
		e = NULL;
		beyond_eof = stop = false;
		only_ours = true;
		for (owner = top; owner; owner = owner->below) {
			if (owner != top && owner->refcount != 1)
				only_ours = false;
			if ((e = own_page(owner, pgoff, &beyond_eof, &stop)) != NULL || stop)
				break;
		}
		bool reading = e && !is_swap(e) && ((struct page *)e)->swap_io == PAGE_PAGEIN;
		if (!(e && is_swap(e)) && !reading)
			break;
		struct vmobj_pagein *in = later ? later : &here;
		int r = 0;
		if (reading) {	/* someone else's read: wait for it */
			page_incref(e);
			owner->refcount++;
			*in = (struct vmobj_pagein){ .owner = owner, .pp = e, .reader = false };
		} else {
			r = pagein_start(owner, pgoff, e, in);
		}
		spin_unlock(&vmobj_lock);
		if (r == 0 && later)
			r = -EAGAIN;	/* the caller finishes it, then faults again */
		else if (r == 0)
			r = vmobj_pagein_finish(in);
		if (r < 0) {
			*err = r;
			return NULL;
		}
		spin_lock(&vmobj_lock);
	}
	struct page *pp = e;
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
	if (pp) {
		page_incref(pp);
		if (pp->swap_io == PAGE_PAGEOUT)
			pp->swap_io = 0;	/* handed out: its page-out must give up */
	} else if (!beyond_eof) {
		*err = stop && !e ? -ENOSPC : -ENOMEM;	/* the file had no page to give */
	}
	spin_unlock(&vmobj_lock);
	return pp;
}

int vmobj_pageout(struct vmobj *top, uint64_t pgoff, struct page *pp)
{
	struct vmobj *owner;

	spin_lock(&vmobj_lock);
	for (owner = top; owner && owner->type != VMOBJ_FILE; owner = owner->below)
		if (pgtree_lookup(&owner->pages, pgoff) == pp)
			break;
	if (!owner || owner->type == VMOBJ_FILE || pp->swap_io ||
	    __atomic_load_n(&pp->ref, __ATOMIC_ACQUIRE) != 2) {
		spin_unlock(&vmobj_lock);
		return -EBUSY;
	}
	bool dirty = __atomic_load_n(&pp->dirty, __ATOMIC_RELAXED);
	if (pp->swap_copy && !dirty) {
		pgtree_replace(&owner->pages, pgoff, swap_entry(pp->swap_copy - 1));
		pp->swap_copy = 0;
		swap_copy_count(-1);
		swap_count_clean_drop();
		page_decref(pp);	/* the tree's: the caller's is the last */
		spin_unlock(&vmobj_lock);
		return 0;
	}
	/* A dirty page's copy is stale: its slot takes the new contents. */
	int64_t slot = pp->swap_copy ? (int64_t)pp->swap_copy - 1 : swap_slot_alloc();
	if (pp->swap_copy) {
		pp->swap_copy = 0;
		swap_copy_count(-1);
	}
	if (slot < 0) {
		spin_unlock(&vmobj_lock);
		return -ENOSPC;
	}
	pp->swap_io = PAGE_PAGEOUT;
	pages_locked_add(1);
	owner->refcount++;
	spin_unlock(&vmobj_lock);
	int r = swap_write((uint64_t)slot, pp);
	spin_lock(&vmobj_lock);
	bool out = r == 0 && pp->swap_io == PAGE_PAGEOUT && pp->ref == 2 &&
		   pgtree_lookup(&owner->pages, pgoff) == pp;
	pp->swap_io = 0;
	pages_locked_add(-1);
	if (out) {
		pgtree_replace(&owner->pages, pgoff, swap_entry((uint64_t)slot));
		page_decref(pp);	/* the tree's: the caller's is the last */
	} else {
		swap_slot_free((uint64_t)slot);
	}
	spin_unlock(&vmobj_lock);
	vmobj_put(owner);
	return out ? 0 : r < 0 ? r : -EBUSY;
}

/* Whether pp is a page only its tree holds (nothing maps it) and under no transfer. Caller holds vmobj_lock. */
static bool unheld(const struct page *pp)
{
	return !pp->swap_io && __atomic_load_n(&pp->ref, __ATOMIC_ACQUIRE) == 1;
}

uint64_t vmobj_unheld_pages(struct vmobj *top, uint64_t lo, uint64_t hi, struct page **pages,
			    uint64_t *pgoffs, int max, int *n)
{
	int got = 0;

	spin_lock(&vmobj_lock);
	for (struct vmobj *o = top; o && o->type != VMOBJ_FILE; o = o->below) {
		void *e;
		uint64_t idx = lo;
		while ((e = pgtree_next(&o->pages, &idx, hi)) != NULL) {
			if (!is_swap(e) && unheld(e)) {
				if (got == max) {
					hi = idx;	/* full: this object's later pages wait */
					break;
				}
				pages[got] = e;
				pgoffs[got++] = idx;
			}
			idx++;
		}
	}
	/* An object further down may have filled up short of what earlier ones gave. */
	int kept = 0;
	for (int i = 0; i < got; i++)
		if (pgoffs[i] < hi) {
			pages[kept] = pages[i];
			pgoffs[kept++] = pgoffs[i];
			page_incref(pages[i]);
		}
	spin_unlock(&vmobj_lock);
	*n = kept;
	return hi;
}

/*
 * Move every page (or swap entry) of from into to, where from's win: a page of to at the
 * same offset is dropped. false if out of memory (then some pages are still in
 * from, and each offset's page is in one tree or the other, which is harmless).
 * Caller holds vmobj_lock.
 */
static bool move_pages_over(struct pgtree *from, struct pgtree *to)
{
	void *pp;
	uint64_t idx = 0;

	while ((pp = pgtree_next(from, &idx, PGTREE_LIMIT)) != NULL) {
		void *hidden = pgtree_remove(to, idx);
		if (hidden)
			drop_entry(hidden);
		if (pgtree_insert(to, idx, pp) < 0)
			return false;
		pgtree_remove(from, idx);
	}
	return true;
}

/* Move the pages of from that to lacks into to, and drop the rest. false as above. */
static bool move_pages_under(struct pgtree *from, struct pgtree *to)
{
	void *pp;
	uint64_t idx = 0;

	while ((pp = pgtree_next(from, &idx, PGTREE_LIMIT)) != NULL) {
		if (!pgtree_lookup(to, idx) && pgtree_insert(to, idx, pp) < 0)
			return false;
		if (pgtree_lookup(to, idx) != pp)
			drop_entry(pp);
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
