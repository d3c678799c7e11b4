/*
 * Physical pages and page tables.
 *
 * Every physical page has a struct page with a reference count: the number of
 * page-table mappings (and kernel users) holding it. A page returns to the free
 * list when its count drops to zero. All of physical memory is mapped at DMAPBASE,
 * so the kernel reaches any page through page2kva().
 */
#ifndef ELK_KERN_PMAP_H
#define ELK_KERN_PMAP_H

#include <inc/types.h>
#include <inc/mmu.h>
#include <inc/memlayout.h>
#include <inc/assert.h>

struct page {
	uint32_t ref;
	int16_t kmalloc_class;	/* size class when kmalloc owns the page, else -1 */
	union {
		uint16_t kmalloc_inuse;	/* kmalloc's page: objects handed out from it */
		uint16_t pt_present;	/* a page table: its entries present (atomic) */
	};
	union {
		void *kmalloc_free;	/* kmalloc's page: this page's free objects */
		uint32_t loaded_on;	/* a top-level table: CPUs with it in CR3 (kern/tlb.c) */
		bool poisoned;		/* a free page: filled with PAGE_POISON (ELK_DEBUG) */
		struct {		/* a memory object's page: */
			uint8_t swap_io;	/* PAGE_PAGEOUT, PAGE_PAGEIN or 0 */
			bool dirty;		/* a mapping that wrote it (PTE_D) has gone */
		};
	};
	union {
		struct page *next;	/* free list, or kmalloc's partial list */
		uint64_t swap_copy;	/* a memory object's page: 1 + a swap slot holding its
					 * contents as they were when dirty was last clear, or 0 */
	};
};

extern struct page *pages;
extern size_t npages;		/* entries of pages[]: the highest RAM frame + 1, holes included */
extern size_t usable_pages;	/* pages of RAM the memory map offers, below the direct map's end */
extern physaddr_t dmap_size;	/* the direct map covers [0, dmap_size): RAM and at least 4 GiB */
extern uint64_t *kern_pml4;
extern physaddr_t kern_cr3;

#define PAGE_ZERO 0x1	/* page_alloc: fill with zeros */
/* struct page.swap_io: a memory object's page on its way to or from swap (kern/vmobj.c). */
#define PAGE_PAGEOUT 1
#define PAGE_PAGEIN  2
/*
 * page_alloc: fail rather than take one of the last PAGE_RESERVE free pages.
 * For memory nothing gives back by itself (a file system's data): when it has
 * taken all it may, the kernel still has pages to remove files with.
 */
#define PAGE_KEEP_RESERVE 0x2
#define PAGE_RESERVE 256
/*
 * In the debug build a freed page is filled with this byte and checked when it
 * is handed out again: a write to freed memory (through a stale TLB entry, or a
 * pointer kept too long) panics at the next page_alloc of that page.
 */
#define PAGE_POISON 0x6b

static inline physaddr_t page2pa(struct page *pp)
{
	return (physaddr_t)(pp - pages) << PGSHIFT;
}

static inline struct page *pa2page(physaddr_t pa)
{
	if ((pa >> PGSHIFT) >= npages)
		panic("pa2page: 0x%lx is not managed memory", pa);
	return &pages[pa >> PGSHIFT];
}

static inline void *kva(physaddr_t pa)
{
	return (void *)(DMAPBASE + pa);
}

static inline void *page2kva(struct page *pp)
{
	return kva(page2pa(pp));
}

/* Physical address of a kernel virtual address (direct map or kernel image). */
static inline physaddr_t paddr(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	if (v >= KERNBASE)
		return v - KERNBASE;
	if (v >= DMAPBASE && v < DMAPBASE + DMAPSIZE)
		return v - DMAPBASE;
	panic("paddr: %p is not a direct-mapped address", va);
}

/* Build the page allocator from bootinfo and switch to the kernel's page tables. */
void pmap_init(void);

/* A free page with ref 0 (the caller takes the first reference), or NULL. */
struct page *page_alloc(int flags);
/* Return a page nobody references (ref 0) to the free list. */
void page_free(struct page *pp);
void page_incref(struct page *pp);
/* Drop a reference; the page is freed when none remain. */
void page_decref(struct page *pp);
size_t pages_free(void);
/*
 * Locked pages: pages of memory objects that the page-out must not take while
 * locked, counted for kstat (KSTAT_LOCKED_PAGES): the syscall pages of a
 * registration for as long as it holds them, a page for the time of its swap
 * transfer. (Page tables and kernel memory are in no object, so never taken.)
 */
void pages_locked_add(long delta);
size_t pages_locked(void);

/*
 * The level-1 entry mapping va in the tables rooted at pml4, creating missing
 * intermediate tables (writable, user) if create; NULL if absent or out of memory.
 */
uint64_t *pgtable_walk(uint64_t *pml4, uintptr_t va, bool create);
/*
 * Map pp at va with perm (PTE_* bits; PTE_P is added), replacing any previous
 * mapping, which is released once no CPU's TLB holds it. Takes a reference on
 * pp. 0 or -ENOMEM. Caller holds no spinlock (a replacement shoots down).
 */
int page_insert(uint64_t *pml4, struct page *pp, uintptr_t va, uint64_t perm);
/* The page mapped at va (and its entry in *pte if pte), or NULL. */
struct page *page_lookup(uint64_t *pml4, uintptr_t va, uint64_t **pte);
/*
 * Unmap va if mapped, releasing the page once no CPU's TLB holds it. Caller
 * holds no spinlock.
 */
void page_remove(uint64_t *pml4, uintptr_t va);
/* page_remove for every page of [start, end), with one shootdown; at most PAGE_REMOVE_MAX pages. */
#define PAGE_REMOVE_MAX 16
void page_remove_range(uint64_t *pml4, uintptr_t start, uintptr_t end);

/*
 * Call fn(arg, va, pte) for each present level-1 entry of the user range
 * [start, end) (page-aligned) of pml4, in address order, until fn returns
 * false; tables that are absent are skipped whole. fn may clear the entry's
 * accessed bit, nothing else (the caller shoots down). Returns the address
 * the scan stopped at (end if it went through).
 */
uintptr_t pml4_scan(uint64_t *pml4, uintptr_t start, uintptr_t end,
		    bool (*fn)(void *arg, uintptr_t va, uint64_t *pte), void *arg);

/* A new top-level table sharing the kernel half; NULL if out of memory. */
uint64_t *pml4_create(void);
enum pml4_range_op {
	RANGE_UNMAP,		/* remove the mappings, releasing pages and emptied tables */
	RANGE_WRITE_PROTECT,	/* clear the write bit (copy-on-write after fork) */
};
/*
 * The page-table changes of one operation (an munmap, an mprotect, a fork's
 * write-protection): the range of addresses changed so far, and the pages and
 * tables unmapped, whose references are dropped only after every CPU that may
 * cache them has flushed (one shootdown for the lot, or one each time the
 * array fills).
 */
#define TLB_BATCH_PAGES 64
struct tlb_batch {
	uint64_t *pml4;
	uintptr_t start, end;	/* changed so far; start == end: nothing */
	int npages;
	struct page *pages[TLB_BATCH_PAGES];
};
void tlb_batch_init(struct tlb_batch *b, uint64_t *pml4);
/* Shoot down what b changed, then release its pages. Caller holds no spinlock. */
void tlb_batch_finish(struct tlb_batch *b);
/*
 * Apply op to every mapped page of the user range [start, end) (page-aligned) of
 * b's tables, as part of b. Pages not mapped are skipped.
 */
void pml4_range(struct tlb_batch *b, uintptr_t start, uintptr_t end, enum pml4_range_op op);
/*
 * Free the user half (every mapped page and table) and the top-level table,
 * once no CPU has it loaded (tlb_leave). This CPU must not have it loaded.
 */
void pml4_destroy(uint64_t *pml4);

/*
 * Kernel stacks: KSTACKSIZE bytes mapped in the KSTACKBASE region above an
 * unmapped guard page. 0 with the stack's lowest address in *stack; -EAGAIN
 * when all kstack_max() slots are in use (as Linux's max_threads is), -ENOMEM
 * when memory has run out.
 */
int kstack_alloc(void **stack);
void kstack_free(void *stack);
/* How many kernel stacks there can be (an eighth of RAM's worth), and are. */
size_t kstack_max(void);
size_t kstack_count(void);

#endif
