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
	void *kmalloc_free;	/* this page's free objects */
	struct page *next;	/* free list, or kmalloc's partial list */
};

extern struct page *pages;
extern size_t npages;		/* entries of pages[]: the highest RAM frame + 1, holes included */
extern size_t usable_pages;	/* pages of RAM the memory map offers, below the direct map's end */
extern uint64_t *kern_pml4;
extern physaddr_t kern_cr3;

#define PAGE_ZERO 0x1	/* page_alloc: fill with zeros */

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
 * The level-1 entry mapping va in the tables rooted at pml4, creating missing
 * intermediate tables (writable, user) if create; NULL if absent or out of memory.
 */
uint64_t *pgtable_walk(uint64_t *pml4, uintptr_t va, bool create);
/*
 * Map pp at va with perm (PTE_* bits; PTE_P is added), replacing and releasing any
 * previous mapping. Takes a reference on pp. 0 or -ENOMEM.
 */
int page_insert(uint64_t *pml4, struct page *pp, uintptr_t va, uint64_t perm);
/* The page mapped at va (and its entry in *pte if pte), or NULL. */
struct page *page_lookup(uint64_t *pml4, uintptr_t va, uint64_t **pte);
/* Unmap va if mapped, releasing the page and flushing the TLB entry. */
void page_remove(uint64_t *pml4, uintptr_t va);
/* Invalidate va in this CPU's TLB if pml4 is the loaded address space. */
void tlb_invalidate(uint64_t *pml4, uintptr_t va);

/* A new top-level table sharing the kernel half; NULL if out of memory. */
uint64_t *pml4_create(void);
enum pml4_range_op {
	RANGE_UNMAP,		/* remove the mappings, releasing pages and emptied tables */
	RANGE_WRITE_PROTECT,	/* clear the write bit (copy-on-write after fork) */
};
/*
 * Apply op to every mapped page of the user range [start, end) (page-aligned) and
 * flush the TLB if pml4 is loaded. Pages not mapped are skipped.
 */
void pml4_range(uint64_t *pml4, uintptr_t start, uintptr_t end, enum pml4_range_op op);
/* Free the user half (every mapped page and table) and the top-level table. */
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
