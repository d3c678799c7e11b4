/* Address spaces, page faults and copy-on-write fork (see vm.h and vmobj.h). */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/resource.h>
#include <inc/signal.h>
#include <inc/string.h>
#include <inc/x86.h>
#include <kern/clock.h>
#include <kern/kmalloc.h>
#include <kern/oom.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/spinlock.h>
#include <kern/swap.h>
#include <kern/vm.h>
#include <kern/tlb.h>
#include <kern/vmobj.h>

/*
 * Every address space, for vm_reclaim's clock, in the order it visits them;
 * vmspaces_lock protects the list and each space's scanners and dying. A
 * space being destroyed leaves the list at once and waits on scans_done until
 * no scan holds it, so that its memory is back when vmspace_destroy returns.
 */
static struct spinlock vmspaces_lock = SPINLOCK_INIT("vmspaces", LOCK_VMSPACES);
static struct waitq scans_done = WAITQ_INIT(scans_done);
static struct list_node vmspaces = LIST_HEAD_INIT(vmspaces);
static size_t nvmspaces;

/* Address spaces vm_footprints counts at most: every process's, and one more for each execve. */
#define FOOTPRINTS_MAX 128
/* Pages one step of a scan unmaps at most. */
#define RECLAIM_BATCH 32

struct vmspace *vmspace_create(void)
{
	struct vmspace *vs = kzalloc(sizeof(*vs));
	if (!vs)
		return NULL;
	vs->pml4 = pml4_create();
	if (!vs->pml4) {
		kfree(vs);
		return NULL;
	}
	vmmap_init(&vs->map);
	sleeplock_init(&vs->lock, "vmspace", LOCK_VMSPACE);
	vmspace_set_stack_limit(vs, USTACK_LIMIT_DEFAULT);
	spin_lock(&vmspaces_lock);
	list_push_back(&vmspaces, &vs->all_link);
	nvmspaces++;
	spin_unlock(&vmspaces_lock);
	return vs;
}

uintptr_t vm_stack_floor(uint64_t limit)
{
	return USTACKTOP - MAX(MIN(ROUNDDOWN(limit, PGSIZE), USTACK_RESERVE_MAX), PGSIZE);
}

void vmspace_set_stack_limit(struct vmspace *vs, uint64_t limit)
{
	vs->stack_floor = vm_stack_floor(limit);
	vs->mmap_top = vs->stack_floor - PGSIZE;
}

void vmspace_destroy(struct vmspace *vs)
{
	spin_lock(&vmspaces_lock);
	list_remove(&vs->all_link);
	nvmspaces--;
	__atomic_store_n(&vs->dying, true, __ATOMIC_RELAXED);
	while (vs->scanners > 0)
		sleep_on(&scans_done, &vmspaces_lock);
	spin_unlock(&vmspaces_lock);
	pml4_destroy(vs->pml4);
	vmmap_destroy(&vs->map);
	kfree(vs);
}

/* Let go of vs, pinned by vs->scanners++ under vmspaces_lock: a destroy may go on. */
static void vmspace_unpin(struct vmspace *vs)
{
	spin_lock(&vmspaces_lock);
	if (--vs->scanners == 0 && vs->dying)
		wakeup_all(&scans_done);
	spin_unlock(&vmspaces_lock);
}

void vmspace_activate(struct vmspace *vs)
{
	physaddr_t cr3 = vs ? paddr(vs->pml4) : kern_cr3, old = rcr3();

	if (old == cr3)
		return;
	/* Counted as loaded before the load: a shootdown from then on reaches us. */
	if (vs)
		tlb_note_loaded(vs->pml4, true);
	lcr3(cr3);
	if (old != kern_cr3)
		tlb_note_loaded(kva(old), false);
}

/* Whether an area with protection prot allows access (x86 cannot map write- or exec-only). */
static bool access_allowed(int prot, int access)
{
	switch (access) {
	case VM_WRITE: return prot & PROT_WRITE;
	case VM_EXEC:  return prot & PROT_EXEC;
	default:       return prot != PROT_NONE;
	}
}

/*
 * How far down vs's stack may grow now: vs->stack_floor, what RLIMIT_STACK
 * reserved at execve, or higher if the process that owns vs (and faults in
 * it) has lowered the limit since: as on Linux, a lower limit stops further
 * growth at once. A raised one reaches no lower than the reservation, under
 * which the kernel places mappings; the next execve reserves more.
 */
static uintptr_t stack_growth_floor(struct vmspace *vs)
{
	struct proc *p = myproc();

	if (!p || p->vs != vs)
		return vs->stack_floor;
	return MAX(vs->stack_floor, vm_stack_floor(proc_limit(RLIMIT_STACK)));
}

/*
 * Grow vs's stack down over va, which lies in no area or in the stack's guard
 * page, if the area above va is the stack (past its guard, if it has one) and
 * the stack may reach va (stack_growth_floor). Returns whether it grew. vs->lock held.
 */
static bool grow_stack(struct vmspace *vs, uintptr_t va)
{
	struct vmarea *a, *above = NULL, *guard = NULL;

	vmmap_foreach(a, &vs->map)
		if (a->end > va) {
			above = a;
			break;
		}
	if (above && (above->flags & VMA_GUARD)) {
		guard = above;
		above = vmarea_next(&vs->map, guard);
	}
	if (!above || !(above->flags & VMA_STACK) || va < stack_growth_floor(vs))
		return false;
	return vmmap_grow_down(&vs->map, above, ROUNDDOWN(va, PGSIZE), guard) == 0;
}

/*
 * vm_fault with vs->lock held. With later not NULL, a page that must be read
 * back from swap (or waited for) is left in *later, *read_later is set and
 * the result is VM_OK with nothing mapped: the caller drops vs->lock, calls
 * vmobj_pagein_finish and faults again. With later NULL the read happens here.
 */
static enum vm_fault_result fault_locked(struct vmspace *vs, uintptr_t va, int access,
					 struct vmobj_pagein *later, bool *read_later)
{
	if (va >= USER_END)
		return VM_PROTECTION;
	struct vmarea *a = vmmap_lookup(&vs->map, va);
	if ((!a || (a->flags & VMA_GUARD)) && grow_stack(vs, va))
		a = vmmap_lookup(&vs->map, va);
	if (!a)
		return VM_NOT_MAPPED;
	if (a->flags & VMA_GUARD)
		return VM_STACK_GUARD;
	if (!access_allowed(a->prot, access) || !a->obj)
		return VM_PROTECTION;

	va = ROUNDDOWN(va, PGSIZE);
	uint64_t pgoff = vmarea_pgoff(a, va);
	/* A shared area's object holds its pages itself: no copy on write there. */
	bool copy_on_write = access == VM_WRITE && !(a->flags & MAP_SHARED);
	bool in_top;
	int err;
	struct page *pp = vmobj_fault_page(a->obj, pgoff, copy_on_write, &in_top, &err, later);
	if (!pp && err == -EAGAIN) {
		*read_later = true;
		return VM_OK;
	}
	if (!pp)
		return err == -ERANGE ? VM_BEYOND_EOF : err == -ENOSPC ? VM_NO_SPACE :
		       err == -EIO ? VM_SWAP_ERROR : VM_NO_MEMORY;

	/* A page from an object below is shared: read-only until a write copies it. */
	uint64_t perm = PTE_U;
	if ((a->prot & PROT_WRITE) && in_top)
		perm |= PTE_W;
	if (!(a->prot & PROT_EXEC))
		perm |= PTE_NX;
	int r = page_insert(vs->pml4, pp, va, perm);
	page_decref(pp);
	return r < 0 ? VM_NO_MEMORY : VM_OK;
}

enum vm_fault_result vm_fault(struct vmspace *vs, uintptr_t va, int access)
{
	enum vm_fault_result r;

	for (int tries = 0;;) {
		struct vmobj_pagein in;
		bool read_later = false;
		swap_throttle();
		sleeplock_acquire(&vs->lock);
		r = fault_locked(vs, va, access, &in, &read_later);
		sleeplock_release(&vs->lock);
		if (read_later) {
			if (vmobj_pagein_finish(&in) < 0)
				return VM_SWAP_ERROR;
			continue;	/* the page is in memory now, unless it left again */
		}
		if (r != VM_NO_MEMORY || !memory_wait(tries++))
			return r;
	}
}

int vm_fault_signal(enum vm_fault_result r)
{
	switch (r) {
	case VM_BEYOND_EOF:
	case VM_NO_SPACE:
	case VM_SWAP_ERROR: return SIGBUS;
	case VM_NO_MEMORY:  return SIGKILL;
	default:            return SIGSEGV;
	}
}

const char *vm_fault_text(enum vm_fault_result r)
{
	switch (r) {
	case VM_OK:          return "resolved";
	case VM_NOT_MAPPED:  return "not mapped";
	case VM_PROTECTION:  return "protection";
	case VM_STACK_GUARD: return "stack overflow (guard page)";
	case VM_BEYOND_EOF:  return "beyond end of file";
	case VM_NO_SPACE:    return "no space for the file's page";
	case VM_NO_MEMORY:   return "out of memory";
	case VM_SWAP_ERROR:  return "swap read error";
	}
	return "?";
}

/*
 * Fault in every page of [va, va+n) for writing, as the process's own writes
 * would (a page already mapped writable is left as it is). 0, -EFAULT if some
 * byte cannot be written, or -ENOMEM. vs->lock held.
 */
static int fault_in_writable(struct vmspace *vs, uintptr_t va, size_t n)
{
	uintptr_t end;
	uint64_t *pte;

	if (__builtin_add_overflow(va, n, &end) || end > USER_END)
		return -EFAULT;
	for (uintptr_t pg = ROUNDDOWN(va, PGSIZE); pg < end; pg += PGSIZE) {
		if (page_lookup(vs->pml4, pg, &pte) && (*pte & PTE_W))
			continue;
		enum vm_fault_result f = fault_locked(vs, pg, VM_WRITE, NULL, NULL);
		if (f != VM_OK)
			return f == VM_NO_MEMORY ? -ENOMEM : -EFAULT;
	}
	return 0;
}

/*
 * Take vs->lock with [va, va+n) faulted in writable, waiting for memory
 * (memory_wait, with the lock dropped) as vm_fault does: 0 with vs->lock
 * held, or -EFAULT / -ENOMEM without it.
 */
static int lock_writable(struct vmspace *vs, uintptr_t va, size_t n)
{
	for (int tries = 0;; tries++) {
		sleeplock_acquire(&vs->lock);
		int r = fault_in_writable(vs, va, n);
		if (r == 0)
			return 0;
		sleeplock_release(&vs->lock);
		if (r != -ENOMEM || !memory_wait(tries))
			return r;
	}
}

int vm_writable(struct vmspace *vs, uintptr_t va, size_t n)
{
	int r = lock_writable(vs, va, n);
	if (r == 0)
		sleeplock_release(&vs->lock);
	return r;
}

int vm_write(struct vmspace *vs, uintptr_t va, const void *src, size_t n)
{
	const char *s = src;

	/* Nothing unmaps a page while we hold the lock, so all stay for the copy. */
	int r = lock_writable(vs, va, n);
	if (r < 0)
		return r;
	while (n > 0) {
		size_t off = va % PGSIZE, k = MIN(n, PGSIZE - off);
		uint64_t *pte;
		struct page *pp = page_lookup(vs->pml4, va, &pte);
		__atomic_or_fetch(pte, PTE_D, __ATOMIC_RELAXED);	/* as the CPU's own write would */
		memcpy((char *)page2kva(pp) + off, s, k);
		va += k;
		s += k;
		n -= k;
	}
	sleeplock_release(&vs->lock);
	return 0;
}

int vm_map(struct vmspace *vs, uintptr_t start, size_t len, int prot, int flags,
	   struct vmobj *obj, uint64_t off)
{
	return vmmap_insert(&vs->map, start, start + len, prot, flags, obj, off, NULL);
}

/*
 * vmmap_remove's callback: [lo, hi) of a is going. Unmap its pages (into the
 * batch, which keeps them until every CPU has flushed), and drop the ones a
 * private area's own object holds there, since no area can reach them now.
 */
static void forget_range(struct vmarea *a, uintptr_t lo, uintptr_t hi, void *arg)
{
	struct tlb_batch *b = arg;

	pml4_range(b, lo, hi, RANGE_UNMAP);
	if (a->obj && !(a->flags & MAP_SHARED))
		vmobj_purge(a->obj, vmarea_pgoff(a, lo), vmarea_pgoff(a, hi));
}

int vm_unmap(struct vmspace *vs, uintptr_t start, uintptr_t end)
{
	struct tlb_batch b;

	tlb_batch_init(&b, vs->pml4);
	int r = vmmap_remove(&vs->map, start, end, forget_range, &b);
	tlb_batch_finish(&b);
	return r;
}

/*
 * vm_file_shrunk for one area of vs (vs->lock held): from object page first
 * on, unmap what a maps if it reaches file, and drop a private area's copies.
 */
static void cut_area(struct vmarea *a, struct vmobj *file, uint64_t first,
		     struct tlb_batch *b)
{
	uint64_t a_first = a->off / PGSIZE, a_end = a_first + (a->end - a->start) / PGSIZE;

	if (!a->obj || first >= a_end || !vmobj_reaches(a->obj, file))
		return;
	uint64_t lo = MAX(first, a_first);
	pml4_range(b, a->start + (lo - a_first) * PGSIZE, a->end, RANGE_UNMAP);
	if (!(a->flags & MAP_SHARED))
		vmobj_purge_above(a->obj, file, lo, a_end);
}

/*
 * vm_file_shrunk's walks, one at a time: each has a number, and marks every
 * address space it visits with it (vmspace.shrink_walk), so that it visits
 * each once although vm_reclaim reorders the list meanwhile.
 */
static struct sleeplock shrink_lock = SLEEPLOCK_INIT(shrink_lock, "file-shrink", LOCK_FILE_SHRINK);
static uint64_t shrink_walks;	/* under shrink_lock */

/* An address space walk has not visited yet, pinned (scanners); NULL when none is left. */
static struct vmspace *next_unvisited(uint64_t walk)
{
	struct vmspace *found = NULL;
	struct list_node *n;

	spin_lock(&vmspaces_lock);
	for (n = vmspaces.next; n != &vmspaces && !found; n = n->next) {
		struct vmspace *vs = list_entry(n, struct vmspace, all_link);
		if (vs->shrink_walk != walk) {
			vs->shrink_walk = walk;
			vs->scanners++;
			found = vs;
		}
	}
	spin_unlock(&vmspaces_lock);
	return found;
}

void vm_file_shrunk(struct vmobj *file, uint64_t size)
{
	uint64_t first = ROUNDUP(size, PGSIZE) / PGSIZE;
	struct vmspace *vs;

	sleeplock_acquire(&shrink_lock);
	uint64_t walk = ++shrink_walks;
	while ((vs = next_unvisited(walk)) != NULL) {
		struct tlb_batch b;
		struct vmarea *a;
		sleeplock_acquire(&vs->lock);
		tlb_batch_init(&b, vs->pml4);
		vmmap_foreach(a, &vs->map)
			cut_area(a, file, first, &b);
		tlb_batch_finish(&b);
		sleeplock_release(&vs->lock);
		vmspace_unpin(vs);
	}
	sleeplock_release(&shrink_lock);
}

int vm_replace_object(struct vmspace *vs, struct vmobj *from, struct vmobj *to, int flags)
{
	for (;;) {
		struct vmarea *a, *found = NULL;
		vmmap_foreach(a, &vs->map)
			if (a->obj == from) {
				found = a;
				break;
			}
		if (!found)
			return 0;
		/* Copies: the unmap frees the area. */
		uintptr_t start = found->start, end = found->end;
		uint64_t off = found->off;
		int prot = found->prot;
		int r = vm_unmap(vs, start, end);
		if (r == 0)
			r = vm_map(vs, start, end - start, prot, flags, to, off);
		if (r < 0)
			return r;
	}
}

int vm_protect(struct vmspace *vs, uintptr_t start, uintptr_t end, int prot)
{
	struct tlb_batch b;
	int r = vmmap_protect(&vs->map, start, end, prot);

	/* Drop the mappings; faults map the pages again under the new protection. */
	if (r == 0) {
		tlb_batch_init(&b, vs->pml4);
		pml4_range(&b, start, end, RANGE_UNMAP);
		tlb_batch_finish(&b);
	}
	return r;
}

/* The first object page offset past area a. */
static uint64_t area_pgend(struct vmarea *a)
{
	return vmarea_pgoff(a, a->end);
}

/*
 * Drop the pages of obj, the object of some of vs's private areas, at offsets
 * that none of those areas maps: pages a fold brought up from a layer that a
 * munmap could not purge while another process still shared it. They could never
 * be seen again (brk purges what it stretches over). vs->lock held.
 */
static void trim_unmapped(struct vmspace *vs, struct vmobj *obj)
{
	uint64_t from = 0;	/* the offsets below are mapped, or trimmed already */
	struct vmarea *a, *next;

	do {
		/* The area of obj that maps the lowest offsets still at or above from. */
		next = NULL;
		vmmap_foreach(a, &vs->map)
			if (a->obj == obj && !(a->flags & MAP_SHARED) && area_pgend(a) > from &&
			    (!next || a->off < next->off))
				next = a;
		uint64_t lo = next ? next->off / PGSIZE : PGTREE_LIMIT;
		if (lo > from)
			vmobj_purge(obj, from, lo);
		if (next)
			from = MAX(from, area_pgend(next));
	} while (next);
}

/*
 * Fold the layers under private area a's object that only it reaches, and drop
 * what the fold brought up where no area maps it. vs->lock held.
 */
static void collapse_area(struct vmspace *vs, struct vmarea *a)
{
	if (vmobj_collapse(a->obj))
		trim_unmapped(vs, a->obj);
}

/*
 * Put one fresh shadow for each side of the fork over private area a's object:
 * every piece of the parent that uses the object (a and those after it; mprotect
 * and munmap split areas into pieces that share one object) moves onto the
 * parent's shadow, and its copy in the child onto the child's. The object is
 * then referenced once from each side, so once the child is gone the parent
 * takes its pages over or folds it. The parent's pages are write-protected so
 * that its next write to each copies it, in batch (the caller shoots down). b is
 * a's copy in child. 0 or -ENOMEM (the areas unchanged).
 */
static int shadow_both(struct vmspace *parent, struct vmspace *child, struct vmarea *a,
		       struct vmarea *b, struct tlb_batch *batch)
{
	struct vmobj *shared = a->obj;

	collapse_area(parent, a);
	struct vmobj *mine = vmobj_shadow_create(shared);
	struct vmobj *theirs = mine ? vmobj_shadow_create(shared) : NULL;
	if (!theirs) {
		if (mine)
			vmobj_put(mine);
		return -ENOMEM;
	}
	for (; a; a = vmarea_next(&parent->map, a), b = vmarea_next(&child->map, b)) {
		if (a->obj != shared || (a->flags & MAP_SHARED))
			continue;
		vmobj_ref(mine);
		vmobj_put(a->obj);
		a->obj = mine;
		vmobj_ref(theirs);
		vmobj_put(b->obj);
		b->obj = theirs;
		pml4_range(batch, a->start, a->end, RANGE_WRITE_PROTECT);
	}
	vmobj_put(mine);
	vmobj_put(theirs);
	return 0;
}

void vmspace_collapse(struct vmspace *vs)
{
	struct vmarea *a;

	sleeplock_acquire(&vs->lock);
	vmmap_foreach(a, &vs->map)
		if (a->obj && !(a->flags & MAP_SHARED))
			collapse_area(vs, a);
	sleeplock_release(&vs->lock);
}

struct vmspace *vmspace_fork(struct vmspace *src)
{
	struct vmspace *dst = vmspace_create();
	if (!dst)
		return NULL;

	struct tlb_batch batch;
	tlb_batch_init(&batch, src->pml4);
	sleeplock_acquire(&src->lock);
	int r = vmmap_clone(&src->map, &dst->map);
	struct vmarea *a = vmmap_first(&src->map), *b = vmmap_first(&dst->map);
	/* Both sides still name the same object only where shadow_both has not been. */
	for (; r == 0 && a; a = vmarea_next(&src->map, a), b = vmarea_next(&dst->map, b))
		if (a->obj && !(a->flags & MAP_SHARED) && a->obj == b->obj)
			r = shadow_both(src, dst, a, b, &batch);
	/* The parent's other threads (on other CPUs) must not write on past the copy. */
	tlb_batch_finish(&batch);
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->stack_floor = src->stack_floor;
	dst->mmap_top = src->mmap_top;
	sleeplock_release(&src->lock);

	if (r < 0) {
		vmspace_destroy(dst);
		return NULL;
	}
	return dst;
}

/* One step of a scan: the unaccessed pages found, each to be unmapped. */
struct reclaim_step {
	int n;
	uintptr_t va[RECLAIM_BATCH];
	bool aged;		/* some entry had its accessed bit cleared */
	/*
	 * Once unmapped: the area's object, and its npages pages taken (those
	 * unmapped, then those no page table reached) with their offsets there.
	 * One place more than va has, so that a step that found RECLAIM_BATCH
	 * mapped pages still takes an unmapped page at its start, and gets on.
	 */
	struct vmobj *obj;
	int npages;
	struct page *pages[RECLAIM_BATCH + 1];
	uint64_t pgoffs[RECLAIM_BATCH + 1];
};

/* pml4_scan's callback: age an accessed entry, else take its page (while there is room). */
static bool age_or_take(void *arg, uintptr_t va, uint64_t *pte)
{
	struct reclaim_step *st = arg;

	if (clock_second_chance(pte)) {
		st->aged = true;
		return true;
	}
	if (st->n == RECLAIM_BATCH)
		return false;
	st->va[st->n++] = va;
	return true;
}

/* Whether vm_reclaim may take area a's pages: the syscall pages' and objectless ones it leaves. */
static bool reclaimable(const struct vmarea *a)
{
	return a->obj && !(a->flags & VMA_FLEXSC);
}

/*
 * Scan a's [va, end) on: age accessed pages, and take up to RECLAIM_BATCH
 * others into *st: mapped ones unmapped, and the pages of a's objects there
 * that no page table maps at all (vmobj_unheld_pages: they have no accessed
 * bit to give them a second chance, and nothing uses them), holding a
 * reference on each and on a's object. Where the scan got to. vs->lock held.
 */
static uintptr_t reclaim_scan(struct vmspace *vs, struct vmarea *a, uintptr_t va, uintptr_t end,
			      struct reclaim_step *st)
{
	uintptr_t stop = pml4_scan(vs->pml4, va, end, age_or_take, st);

	if (st->aged)
		tlb_shootdown(vs->pml4, va, stop);	/* so that a touch sets the bit again */
	vmobj_ref(a->obj);
	st->obj = a->obj;
	/* The unmapped ones go after the mapped ones; the step ends where they did. */
	int nunheld;
	uint64_t pgstop = vmobj_unheld_pages(a->obj, vmarea_pgoff(a, va), vmarea_pgoff(a, stop),
					     st->pages + st->n, st->pgoffs + st->n,
					     RECLAIM_BATCH + 1 - st->n, &nunheld);
	stop = a->start + (pgstop * PGSIZE - a->off);
	int k = 0;
	for (; k < st->n && st->va[k] < stop; k++) {
		struct page *pp = page_lookup(vs->pml4, st->va[k], NULL);
		page_incref(pp);
		page_remove(vs->pml4, st->va[k]);
		st->pages[k] = pp;
		st->pgoffs[k] = vmarea_pgoff(a, st->va[k]);
	}
	for (int i = 0; i < nunheld; i++) {
		st->pages[k + i] = st->pages[st->n + i];
		st->pgoffs[k + i] = st->pgoffs[st->n + i];
	}
	st->npages = k + nunheld;
	return stop;
}

/*
 * Page out the pages reclaim_scan unmapped into st that nothing else holds
 * (unless vs is being destroyed: then just let them go), and drop its
 * references. vs->lock not held: a fault meanwhile maps its page again and
 * keeps it, and the disk writes hold up no fault. The number paged out.
 */
static size_t reclaim_write(struct vmspace *vs, struct reclaim_step *st)
{
	size_t out = 0;

	for (int i = 0; i < st->npages; i++) {
		if (!__atomic_load_n(&vs->dying, __ATOMIC_RELAXED) &&
		    vmobj_pageout(st->obj, st->pgoffs[i], st->pages[i]) == 0)
			out++;
		page_decref(st->pages[i]);
	}
	vmobj_put(st->obj);
	return out;
}

/* A run of the clock over one address space (reclaim_space): clock_ops' argument. */
struct reclaim_run {
	struct vmspace *vs;
	size_t want, out;
	struct vmarea *area;	/* the area next_area found */
};

static bool run_next_area(void *arg, uintptr_t at, uintptr_t *start, uintptr_t *end)
{
	struct reclaim_run *run = arg;
	struct vmarea *a;

	vmmap_foreach(a, &run->vs->map)
		if (a->end > at && reclaimable(a)) {
			run->area = a;
			*start = a->start;
			*end = a->end;
			return true;
		}
	return false;
}

/* A step: scan and unmap with vs->lock held, then write with it dropped. */
static uintptr_t run_scan(void *arg, uintptr_t from, uintptr_t to)
{
	struct reclaim_run *run = arg;
	struct reclaim_step st = { .n = 0, .aged = false };

	uintptr_t stop = reclaim_scan(run->vs, run->area, from, to, &st);
	sleeplock_release(&run->vs->lock);
	run->out += reclaim_write(run->vs, &st);
	sleeplock_acquire(&run->vs->lock);
	return stop;
}

static bool run_done(void *arg)
{
	struct reclaim_run *run = arg;
	return run->out >= run->want || swap_free() == 0 ||
	       __atomic_load_n(&run->vs->dying, __ATOMIC_RELAXED);
}

static const struct clock_ops reclaim_ops = {
	.next_area = run_next_area,
	.scan = run_scan,
	.done = run_done,
};

/*
 * Page out up to want of vs's pages, running the clock from vs's hand
 * (kern/clock.h). vs->lock is held for each step's scan and unmapping, and
 * dropped while that step's pages are written, so that faults in vs (a
 * syscall thread's copy to a buffer of the process, say) do not wait for the
 * disk. The number paged out.
 */
static size_t reclaim_space(struct vmspace *vs, size_t want)
{
	struct reclaim_run run = { .vs = vs, .want = want, .out = 0, .area = NULL };

	sleeplock_acquire(&vs->lock);
	vs->clock_hand = clock_run(vs->clock_hand, &reclaim_ops, &run);
	sleeplock_release(&vs->lock);
	return run.out;
}

size_t vm_reclaim(size_t want)
{
	size_t out = 0;

	if (swap_free() == 0)
		return 0;	/* nothing could go out: do not even unmap */

	spin_lock(&vmspaces_lock);
	size_t n = nvmspaces;
	spin_unlock(&vmspaces_lock);
	/* Two turns: the first may only age what the second then takes. */
	for (size_t i = 0; i < 2 * n && out < want; i++) {
		spin_lock(&vmspaces_lock);
		if (list_empty(&vmspaces)) {
			spin_unlock(&vmspaces_lock);
			break;
		}
		struct vmspace *vs = list_entry(vmspaces.next, struct vmspace, all_link);
		list_remove(&vs->all_link);
		list_push_back(&vmspaces, &vs->all_link);
		vs->scanners++;
		spin_unlock(&vmspaces_lock);
		out += reclaim_space(vs, want - out);
		vmspace_unpin(vs);
	}
	return out;
}

/*
 * What vs holds of its own: the pages and swap entries of its areas'
 * anonymous and shadow objects, each object once. Takes vs->lock.
 */
static size_t footprint(struct vmspace *vs)
{
	size_t n = 0;
	struct vmarea *a, *b;

	sleeplock_acquire(&vs->lock);
	vmmap_foreach(a, &vs->map) {
		if (!a->obj)
			continue;
		vmmap_foreach(b, &vs->map)
			if (b == a || b->obj == a->obj)
				break;
		if (b == a)	/* the first area on this object */
			n += vmobj_anon_entries(a->obj);
	}
	sleeplock_release(&vs->lock);
	return n;
}

void vm_footprints(void (*fn)(struct vmspace *vs, size_t pages, void *arg), void *arg)
{
	struct vmspace *pinned[FOOTPRINTS_MAX];
	size_t n = 0;

	spin_lock(&vmspaces_lock);
	for (struct list_node *l = vmspaces.next; l != &vmspaces && n < FOOTPRINTS_MAX; l = l->next) {
		pinned[n] = list_entry(l, struct vmspace, all_link);
		pinned[n++]->scanners++;
	}
	spin_unlock(&vmspaces_lock);
	for (size_t i = 0; i < n; i++) {
		fn(pinned[i], footprint(pinned[i]), arg);
		vmspace_unpin(pinned[i]);
	}
}
