/* Physical page allocator, kernel page tables, page-table walking, kernel stacks. */
#include <inc/errno.h>
#include <inc/string.h>
#include <inc/x86.h>
#include <kern/boot.h>
#include <kern/pmap.h>
#include <kern/spinlock.h>
#include <kern/console.h>
#include <kern/tlb.h>

extern char _kernel_start[], _end[];

struct page *pages;
size_t npages;
size_t usable_pages;
physaddr_t dmap_size;
uint64_t *kern_pml4;
physaddr_t kern_cr3;

/*
 * page_lock protects the free list and free_count. A page's ref is atomic: it
 * changes on every fault and mapping, and a lock round trip for each is costly.
 */
static struct spinlock page_lock = SPINLOCK_INIT("pages", LOCK_PAGES);
static struct page *free_list;
static size_t free_count;

/* Early allocation: bump pointer over memory just past everything the loader used. */
static physaddr_t boot_next;

static bool overlaps(physaddr_t a0, physaddr_t a1, physaddr_t b0, physaddr_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* True if [pa, pa+PGSIZE) holds something the loader gave us or the kernel image. */
static bool page_is_reserved(physaddr_t pa)
{
	physaddr_t end = pa + PGSIZE;
	return pa < 0x100000 ||
	       overlaps(pa, end, paddr(_kernel_start), boot_next) ||
	       overlaps(pa, end, ROUNDDOWN(bootinfo.initrd_start, PGSIZE), bootinfo.initrd_end) ||
	       overlaps(pa, end, ROUNDDOWN(bootinfo.info_start, PGSIZE), bootinfo.info_end);
}

static void *boot_alloc(size_t n)
{
	void *v = kva(boot_next);
	boot_next = ROUNDUP(boot_next + n, PGSIZE);
	memset(v, 0, n);
	return v;
}

/* A zeroed page for page tables during pmap_init, before the free list exists. */
static uint64_t *boot_table(void)
{
	return boot_alloc(PGSIZE);
}

/* Map [0, size) of physical memory at va with 2 MiB pages in pml4. */
static void map_huge(uint64_t *pml4, uintptr_t va, physaddr_t size, uint64_t perm)
{
	for (physaddr_t pa = 0; pa < size; pa += HUGEPGSIZE, va += HUGEPGSIZE) {
		uint64_t *l4 = &pml4[PTX(4, va)];
		if (!(*l4 & PTE_P))
			*l4 = paddr(boot_table()) | PTE_P | PTE_W;
		uint64_t *pdpt = kva(PTE_ADDR(*l4));
		uint64_t *l3 = &pdpt[PTX(3, va)];
		if (!(*l3 & PTE_P))
			*l3 = paddr(boot_table()) | PTE_P | PTE_W;
		uint64_t *pd = kva(PTE_ADDR(*l3));
		pd[PTX(2, va)] = pa | perm | PTE_P | PTE_PS | PTE_G;
	}
}

static void kstack_map_init(void);
static void kstack_tables_init(void);

void pmap_init(void)
{
	physaddr_t top = 0;

	for (int i = 0; i < bootinfo.nmem; i++)
		top = MAX(top, bootinfo.mem[i].end);
	top = MIN(ROUNDDOWN(top, PGSIZE), DMAPSIZE);
	npages = top / PGSIZE;

	boot_next = ROUNDUP(paddr(_end), PGSIZE);
	if (bootinfo.initrd_end > boot_next)
		boot_next = ROUNDUP(bootinfo.initrd_end, PGSIZE);
	pages = boot_alloc(npages * sizeof(struct page));

	/*
	 * Kernel tables: the direct map (at least 4 GiB, for the APIC's registers),
	 * the kernel image at KERNBASE, and an empty table for the kernel-stack region.
	 * Every kernel-half PML4 entry exists from now on, so address spaces created
	 * later can share them by copying the top-level entries.
	 */
	kern_pml4 = boot_table();
	dmap_size = MAX(top, 4UL << 30);
	map_huge(kern_pml4, DMAPBASE, dmap_size, PTE_W | PTE_NX);
	map_huge(kern_pml4, KERNBASE, 1UL << 30, PTE_W);
	for (int i = 256; i < 512; i++)
		if (!(kern_pml4[i] & PTE_P))
			kern_pml4[i] = paddr(boot_table()) | PTE_P | PTE_W;
	kern_cr3 = paddr(kern_pml4);
	lcr3(kern_cr3);

	for (size_t i = 0; i < npages; i++)
		pages[i].kmalloc_class = -1;
	for (int r = 0; r < bootinfo.nmem; r++) {
		physaddr_t start = ROUNDUP(bootinfo.mem[r].start, PGSIZE);
		physaddr_t end = MIN(ROUNDDOWN(bootinfo.mem[r].end, PGSIZE), top);
		if (end > start)
			usable_pages += (end - start) / PGSIZE;
	}
	kstack_map_init();	/* the last early allocation: the free list comes next */
	for (int r = 0; r < bootinfo.nmem; r++) {
		physaddr_t start = ROUNDUP(bootinfo.mem[r].start, PGSIZE);
		physaddr_t end = MIN(ROUNDDOWN(bootinfo.mem[r].end, PGSIZE), top);
		for (physaddr_t pa = start; pa < end; pa += PGSIZE) {
			if (page_is_reserved(pa))
				continue;
			struct page *pp = pa2page(pa);
			pp->next = free_list;
			free_list = pp;
			free_count++;
		}
	}
	kstack_tables_init();
}

/* Fill free page pp with PAGE_POISON (debug build). */
static void poison(struct page *pp)
{
#ifdef ELK_DEBUG
	memset(page2kva(pp), PAGE_POISON, PGSIZE);
	pp->poisoned = true;
#endif
}

/*
 * Panic if pp, just taken off the free list, was written since poison() filled
 * it (debug build): someone wrote to memory after it was freed.
 */
static void poison_check(struct page *pp)
{
#ifdef ELK_DEBUG
	const uint64_t *w = page2kva(pp);
	const uint64_t pattern = 0x0101010101010101ULL * PAGE_POISON;

	if (pp->poisoned)
		for (size_t i = 0; i < PGSIZE / sizeof(*w); i++)
			if (w[i] != pattern)
				panic("page 0x%lx was written after it was freed (offset 0x%lx: %016lx)",
				      page2pa(pp), i * sizeof(*w), w[i]);
#endif
	pp->kmalloc_free = NULL;	/* clears the whole union */
}

struct page *page_alloc(int flags)
{
	spin_lock(&page_lock);
	struct page *pp = free_list;
	if ((flags & PAGE_KEEP_RESERVE) && free_count <= PAGE_RESERVE)
		pp = NULL;
	if (pp) {
		free_list = pp->next;
		free_count--;
		pp->next = NULL;
		pp->ref = 0;
	}
	spin_unlock(&page_lock);
	if (pp)
		poison_check(pp);
	if (pp && (flags & PAGE_ZERO))
		memset(page2kva(pp), 0, PGSIZE);
	return pp;
}

void page_free(struct page *pp)
{
	if (pp->ref != 0)
		panic("page_free: page 0x%lx still has %u references", page2pa(pp), pp->ref);
	poison(pp);
	spin_lock(&page_lock);
	pp->next = free_list;
	free_list = pp;
	free_count++;
	spin_unlock(&page_lock);
}

void page_incref(struct page *pp)
{
	__atomic_add_fetch(&pp->ref, 1, __ATOMIC_RELAXED);
}

void page_decref(struct page *pp)
{
	uint32_t before = __atomic_fetch_sub(&pp->ref, 1, __ATOMIC_ACQ_REL);
	if (before == 0)
		panic("page_decref: page 0x%lx has no references", page2pa(pp));
	if (before == 1)
		page_free(pp);
}

size_t pages_free(void)
{
	return free_count;
}

static long locked_count;	/* atomic */

void pages_locked_add(long delta)
{
	__atomic_add_fetch(&locked_count, delta, __ATOMIC_RELAXED);
}

size_t pages_locked(void)
{
	return (size_t)__atomic_load_n(&locked_count, __ATOMIC_RELAXED);
}

/*
 * A leaf entry that mapped a page is going (old is what it held): if the CPU
 * marked it dirty, the page remembers that it was written (struct page's dirty).
 * Called before the entry's reference on the page is dropped.
 */
static void leaf_gone(uint64_t old)
{
	if (old & PTE_D)
		__atomic_store_n(&pa2page(PTE_ADDR(old))->dirty, true, __ATOMIC_RELAXED);
}

/*
 * Replace the leaf entry *pte with new, atomically: another CPU may set its
 * accessed or dirty bit meanwhile (a locked update by the CPU's page walk), and
 * a load then a store would lose that PTE_D, so that a page written since it
 * came from swap went out as clean. The entry that was there, whose PTE_D
 * leaf_gone has moved into its page if it was present.
 */
static uint64_t leaf_exchange(uint64_t *pte, uint64_t new)
{
	uint64_t old = __atomic_exchange_n(pte, new, __ATOMIC_SEQ_CST);
	if (old & PTE_P)
		leaf_gone(old);
	return old;
}

/*
 * Page tables count their present entries (pt_present), so that unmapping can
 * tell that a table has emptied without reading its 512 entries. Atomic: the
 * kernel's own tables are shared by every thread.
 */
static void count_entries(uint64_t *entry, int delta)
{
	__atomic_add_fetch(&pa2page(paddr(entry))->pt_present, delta, __ATOMIC_RELAXED);
}

uint64_t *pgtable_walk(uint64_t *pml4, uintptr_t va, bool create)
{
	uint64_t *table = pml4;

	for (int level = 4; level > 1; level--) {
		uint64_t *e = &table[PTX(level, va)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			struct page *pp = page_alloc(PAGE_ZERO);
			if (!pp)
				return NULL;
			pp->ref = 1;
			pp->pt_present = 0;
			*e = page2pa(pp) | PTE_P | PTE_W | PTE_U;
			count_entries(e, 1);
		} else if (*e & PTE_PS) {
			return NULL;	/* inside a huge mapping: no level-1 entry */
		}
		table = kva(PTE_ADDR(*e));
	}
	return &table[PTX(1, va)];
}

int page_insert(uint64_t *pml4, struct page *pp, uintptr_t va, uint64_t perm)
{
	uint64_t *pte = pgtable_walk(pml4, va, true);
	if (!pte)
		return -ENOMEM;
	page_incref(pp);	/* before releasing the old one: it may be pp itself */
	uint64_t old = leaf_exchange(pte, page2pa(pp) | perm | PTE_P);
	if (old & PTE_P) {
		tlb_shootdown(pml4, va, va + PGSIZE);
		page_decref(pa2page(PTE_ADDR(old)));
	} else {
		count_entries(pte, 1);
	}
	return 0;
}

struct page *page_lookup(uint64_t *pml4, uintptr_t va, uint64_t **pte_out)
{
	uint64_t *pte = pgtable_walk(pml4, va, false);
	if (!pte || !(*pte & PTE_P))
		return NULL;
	if (pte_out)
		*pte_out = pte;
	return pa2page(PTE_ADDR(*pte));
}

void page_remove_range(uint64_t *pml4, uintptr_t start, uintptr_t end)
{
	struct page *gone[PAGE_REMOVE_MAX];
	size_t n = 0;

	if ((end - start) / PGSIZE > PAGE_REMOVE_MAX)
		panic("page_remove_range: [0x%lx, 0x%lx) is too long", start, end);
	for (uintptr_t va = start; va < end; va += PGSIZE) {
		uint64_t *pte;
		struct page *pp = page_lookup(pml4, va, &pte);
		if (!pp)
			continue;
		leaf_exchange(pte, 0);
		count_entries(pte, -1);
		gone[n++] = pp;
	}
	if (n == 0)
		return;
	tlb_shootdown(pml4, start, end);
	while (n > 0)
		page_decref(gone[--n]);
}

void page_remove(uint64_t *pml4, uintptr_t va)
{
	page_remove_range(pml4, va, va + PGSIZE);
}

uint64_t *pml4_create(void)
{
	struct page *pp = page_alloc(PAGE_ZERO);
	if (!pp)
		return NULL;
	pp->ref = 1;
	pp->pt_present = 0;	/* the shared kernel half is not counted */
	pp->loaded_on = 0;
	uint64_t *pml4 = page2kva(pp);
	memcpy(&pml4[256], &kern_pml4[256], 256 * sizeof(uint64_t));
	return pml4;
}

/* Release a page table at level (3 = PDPT ... 1 = PT) and everything below it. */
static void table_free(uint64_t *table, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(table[i] & PTE_P))
			continue;
		struct page *pp = pa2page(PTE_ADDR(table[i]));
		if (level > 1) {
			table_free(page2kva(pp), level - 1);
		} else {
			leaf_gone(table[i]);
			page_decref(pp);
		}
	}
	page_decref(pa2page(paddr(table)));
}

void pml4_destroy(uint64_t *pml4)
{
	if (paddr(pml4) == rcr3())
		panic("pml4_destroy: address space is loaded");
	tlb_leave(pml4);
	for (int i = 0; i < 256; i++)
		if (pml4[i] & PTE_P)
			table_free(kva(PTE_ADDR(pml4[i])), 3);
	page_decref(pa2page(paddr(pml4)));
}

void tlb_batch_init(struct tlb_batch *b, uint64_t *pml4)
{
	b->pml4 = pml4;
	b->start = b->end = 0;
	b->npages = 0;
}

void tlb_batch_finish(struct tlb_batch *b)
{
	if (b->start < b->end)
		tlb_shootdown(b->pml4, b->start, b->end);
	for (int i = 0; i < b->npages; i++)
		page_decref(b->pages[i]);
	tlb_batch_init(b, b->pml4);
}

/* Note that b changed the mapping of [va, va + len). */
static void batch_range(struct tlb_batch *b, uintptr_t va, uintptr_t len)
{
	if (b->start == b->end) {
		b->start = va;
		b->end = va + len;
	} else {
		b->start = MIN(b->start, va);
		b->end = MAX(b->end, va + len);
	}
}

/* Hand b the reference that a mapping (or a table) at [va, va + len) held on pp. */
static void batch_release(struct tlb_batch *b, struct page *pp, uintptr_t va, uintptr_t len)
{
	if (b->npages == TLB_BATCH_PAGES)
		tlb_batch_finish(b);
	batch_range(b, va, len);
	b->pages[b->npages++] = pp;
}

/*
 * Apply op to every mapped page of [start, end) under table, a level-`level` table
 * (4 = PML4 ... 1 = PT) whose first entry maps base, as part of b. Tables that
 * unmapping empties are freed (through b: a CPU may cache upper-level entries);
 * absent tables are skipped whole, so a sparse range costs little. Returns
 * whether table is left empty.
 */
static bool range_apply(struct tlb_batch *b, uint64_t *table, int level, uintptr_t base,
			uintptr_t start, uintptr_t end, enum pml4_range_op op)
{
	uintptr_t span = 1UL << (PGSHIFT + 9 * (level - 1));	/* bytes per entry */
	size_t first = (MAX(start, base) - base) / span;
	size_t last = (MIN(end, base + 512 * span) - 1 - base) / span;

	for (size_t i = first; i <= last; i++) {
		uint64_t *e = &table[i];
		uintptr_t va = base + i * span;
		if (!(*e & PTE_P))
			continue;
		if (level == 1) {
			if (op == RANGE_UNMAP) {
				struct page *pp = pa2page(PTE_ADDR(leaf_exchange(e, 0)));
				count_entries(e, -1);
				batch_release(b, pp, va, PGSIZE);
			} else if (*e & PTE_W) {
				/* Atomic, not a load and a store: a CPU may set PTE_D meanwhile. */
				__atomic_and_fetch(e, ~(uint64_t)PTE_W, __ATOMIC_SEQ_CST);
				batch_range(b, va, PGSIZE);
			}
			continue;
		}
		bool emptied = range_apply(b, kva(PTE_ADDR(*e)), level - 1, va, start, end, op);
		if (emptied && op == RANGE_UNMAP) {
			struct page *pp = pa2page(PTE_ADDR(*e));
			*e = 0;
			count_entries(e, -1);
			batch_release(b, pp, MAX(va, start), MIN(va + span, end) - MAX(va, start));
		}
	}
	return __atomic_load_n(&pa2page(paddr(table))->pt_present, __ATOMIC_RELAXED) == 0;
}

/*
 * pml4_scan under table, a level-`level` table whose first entry maps base:
 * the address to go on from, or the address of the entry fn refused.
 */
static uintptr_t scan_in(uint64_t *table, int level, uintptr_t base, uintptr_t start,
			 uintptr_t end, bool (*fn)(void *, uintptr_t, uint64_t *), void *arg)
{
	uintptr_t span = 1UL << (PGSHIFT + 9 * (level - 1));
	size_t first = (MAX(start, base) - base) / span;
	size_t last = (MIN(end, base + 512 * span) - 1 - base) / span;

	for (size_t i = first; i <= last; i++) {
		uintptr_t va = base + i * span;
		if (!(table[i] & PTE_P))
			continue;
		if (level == 1) {
			if (!fn(arg, va, &table[i]))
				return va;
			continue;
		}
		uintptr_t stop = scan_in(kva(PTE_ADDR(table[i])), level - 1, va, start, end, fn, arg);
		if (stop < MIN(va + span, end))
			return stop;
	}
	return MIN(end, base + 512 * span);
}

uintptr_t pml4_scan(uint64_t *pml4, uintptr_t start, uintptr_t end,
		    bool (*fn)(void *arg, uintptr_t va, uint64_t *pte), void *arg)
{
	if (start >= end || end > USER_END)
		return end;
	return scan_in(pml4, 4, 0, start, end, fn, arg);
}

void pml4_range(struct tlb_batch *b, uintptr_t start, uintptr_t end, enum pml4_range_op op)
{
	if (start >= end || end > USER_END)
		panic("pml4_range: bad range [0x%lx, 0x%lx)", start, end);
	range_apply(b, b->pml4, 4, 0, start, end, op);
}

/*
 * Kernel stacks. Each is KSTACKSIZE bytes of pages from the page allocator,
 * mapped in a slot of the kernel-stack region: slot i occupies
 * [KSTACKBASE + i*KSTACK_STRIDE, + KSTACK_STRIDE), its first page left
 * unmapped as a guard, so an overflow faults instead of writing over another
 * stack. How many slots there are follows from memory, as Linux's max_threads
 * does: kernel stacks may take at most an eighth of RAM (kstack_limit, set at
 * boot), and one process's threads at most half of that (kern/proc.c).
 * kstack_lock protects the slot bitmap and kstacks_used.
 */
#define KSTACK_STRIDE (KSTACKSIZE + PGSIZE)
#define KSTACK_REGION (512UL << 30)	/* one PML4 entry */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstacks", LOCK_KSTACKS);
static uint64_t *kstack_used_map;	/* a bit per slot */
static size_t kstack_limit;
static size_t kstacks_used;

/* Size the slot map from memory, during pmap_init's early allocations. */
static void kstack_map_init(void)
{
	kstack_limit = MIN(usable_pages * PGSIZE / 8 / KSTACKSIZE, KSTACK_REGION / KSTACK_STRIDE);
	kstack_limit = MAX(kstack_limit, 64);
	kstack_used_map = boot_alloc(ROUNDUP(kstack_limit, 64) / 8);
}

/*
 * Build the page tables of every slot now, once: then making and freeing
 * threads never changes the free-page count by a table, and tests can demand
 * that it come back exactly. (An eighth of RAM in stacks needs tables of about
 * 1/4000 of it.)
 */
static void kstack_tables_init(void)
{
	for (uintptr_t va = KSTACKBASE; va < KSTACKBASE + kstack_limit * KSTACK_STRIDE; va += HUGEPGSIZE)
		if (!pgtable_walk(kern_pml4, va, true))
			panic("kstack_tables_init: out of memory");
}

size_t kstack_max(void)
{
	return kstack_limit;
}

size_t kstack_count(void)
{
	spin_lock(&kstack_lock);
	size_t n = kstacks_used;
	spin_unlock(&kstack_lock);
	return n;
}

/* Take the lowest free slot: its number, or -1 if all kstack_limit are in use. */
static long kstack_slot_take(void)
{
	long slot = -1;

	spin_lock(&kstack_lock);
	for (size_t w = 0; w * 64 < kstack_limit && slot < 0; w++) {
		if (kstack_used_map[w] == ~0UL)
			continue;
		size_t i = w * 64 + (size_t)__builtin_ctzll(~kstack_used_map[w]);
		if (i < kstack_limit) {
			kstack_used_map[w] |= 1UL << (i % 64);
			kstacks_used++;
			slot = (long)i;
		}
	}
	spin_unlock(&kstack_lock);
	return slot;
}

static void kstack_slot_give(size_t slot)
{
	spin_lock(&kstack_lock);
	kstack_used_map[slot / 64] &= ~(1UL << (slot % 64));
	kstacks_used--;
	spin_unlock(&kstack_lock);
}

static void kstack_unmap(uintptr_t base, size_t mapped_pages)
{
	page_remove_range(kern_pml4, base, base + mapped_pages * PGSIZE);
}

int kstack_alloc(void **stack)
{
	long slot = kstack_slot_take();

	if (slot < 0)
		return -EAGAIN;
	uintptr_t base = KSTACKBASE + (uintptr_t)slot * KSTACK_STRIDE + PGSIZE;
	for (size_t i = 0; i < KSTACKSIZE / PGSIZE; i++) {
		struct page *pp = page_alloc(0);
		if (!pp || page_insert(kern_pml4, pp, base + i * PGSIZE, PTE_W | PTE_NX) < 0) {
			if (pp)
				page_free(pp);
			kstack_unmap(base, i);
			kstack_slot_give((size_t)slot);
			return -ENOMEM;
		}
	}
	*stack = (void *)base;
	return 0;
}

void kstack_free(void *stack)
{
	uintptr_t base = (uintptr_t)stack;

	kstack_unmap(base, KSTACKSIZE / PGSIZE);
	kstack_slot_give((base - PGSIZE - KSTACKBASE) / KSTACK_STRIDE);
}
