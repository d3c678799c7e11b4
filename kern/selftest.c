/*
 * In-kernel self-tests of the physical allocator, page tables, kernel stacks,
 * kmalloc, the vmmap and page faults, on the real hardware tables and allocators
 * (host tests cannot reach those). Each
 * check prints "selftest: ok ..." or "selftest: FAIL ..."; the boot ends with
 * status 0 only if all pass.
 */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/selftest.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

static int failures;

static void check(bool ok, const char *what)
{
	cprintf("selftest: %s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static void test_page_alloc(void)
{
	size_t before = pages_free();
	struct page *a = page_alloc(PAGE_ZERO), *b = page_alloc(0);
	bool zeroed = true;

	for (size_t i = 0; a && i < PGSIZE; i++)
		zeroed &= ((uint8_t *)page2kva(a))[i] == 0;
	check(a && b && a != b, "page_alloc returns distinct pages");
	check(zeroed, "PAGE_ZERO gives a zero-filled page");
	check(pages_free() == before - 2, "free count drops by the pages taken");
	page_incref(a);
	page_incref(a);
	page_decref(a);
	check(pages_free() == before - 2, "a page with references left is not freed");
	page_decref(a);
	page_free(b);
	check(pages_free() == before, "free count returns to where it was");
}

static void test_page_tables(void)
{
	size_t before = pages_free();
	uint64_t *pml4 = pml4_create();
	struct page *pp = page_alloc(0);
	uintptr_t va = 0x12345000;
	uint64_t *pte;

	check(pml4 && pp, "pml4_create and page_alloc");
	check(pml4[511] == kern_pml4[511], "new address spaces share the kernel half");
	check(pgtable_walk(pml4, va, false) == NULL, "walk without create finds nothing");
	check(page_insert(pml4, pp, va, PTE_W | PTE_U) == 0 && pp->ref == 1,
	      "page_insert maps and takes a reference");
	check(page_lookup(pml4, va, &pte) == pp && (*pte & (PTE_P | PTE_W | PTE_U)) ==
	      (PTE_P | PTE_W | PTE_U), "page_lookup finds the page with its permissions");
	check(page_insert(pml4, pp, va, PTE_U) == 0 && pp->ref == 1 && !(*pte & PTE_W),
	      "re-inserting the same page changes permissions, keeps one reference");
	page_remove(pml4, va);
	check(page_lookup(pml4, va, NULL) == NULL, "page_remove unmaps");
	page_insert(pml4, page_alloc(0), 0x7fff0000, PTE_U);
	pml4_destroy(pml4);
	check(pages_free() == before, "pml4_destroy frees tables and mapped pages");
}

/* pml4_range as a whole operation: one batch, finished at once. */
static void range_now(uint64_t *pml4, uintptr_t start, uintptr_t end, enum pml4_range_op op)
{
	struct tlb_batch b;

	tlb_batch_init(&b, pml4);
	pml4_range(&b, start, end, op);
	tlb_batch_finish(&b);
}

/* pml4_range over a sparse range: write-protects, then unmaps and frees tables. */
static void test_page_ranges(void)
{
	size_t before = pages_free();
	uint64_t *pml4 = pml4_create();
	uintptr_t far = 0x7f0000000000UL;	/* in another PML4 slot */
	uint64_t *pte;
	bool mapped = pml4 != NULL;

	for (int i = 0; mapped && i < 3; i++) {
		struct page *pp = page_alloc(0);
		mapped = pp && page_insert(pml4, pp, 0x400000 + i * PGSIZE, PTE_U | PTE_W) == 0 &&
			 page_insert(pml4, pp, far + i * 0x200000, PTE_U | PTE_W) == 0;
	}
	check(mapped, "pages mapped for the range tests");
	range_now(pml4, 0x401000, far + 0x200000, RANGE_WRITE_PROTECT);
	check(page_lookup(pml4, 0x400000, &pte) && (*pte & PTE_W), "a page before the range keeps write");
	check(page_lookup(pml4, 0x401000, &pte) && !(*pte & PTE_W), "a page in the range loses write");
	check(page_lookup(pml4, far + 0x200000, &pte) && (*pte & PTE_W), "the range's end is exclusive");
	struct tlb_batch b;
	tlb_batch_init(&b, pml4);
	size_t mid = pages_free();
	pml4_range(&b, 0x401000, USER_END, RANGE_UNMAP);
	check(pages_free() == mid, "unmapped pages stay allocated until the batch is finished");
	tlb_batch_finish(&b);
	check(pages_free() > mid, "finishing the batch releases them");
	check(page_lookup(pml4, 0x400000, NULL) && !page_lookup(pml4, 0x402000, NULL) &&
	      !page_lookup(pml4, far, NULL), "RANGE_UNMAP removes exactly the range");
	range_now(pml4, 0x400000, 0x401000, RANGE_UNMAP);
	check(pml4[0] == 0, "unmapping the last page frees the emptied tables");
	pml4_destroy(pml4);
	check(pages_free() == before, "every page comes back");
}

static void test_kstack(void)
{
	size_t before = pages_free();
	void *stack = NULL;
	check(kstack_alloc(&stack) == 0, "kstack_alloc");
	uint8_t *s = stack;

	memset(s, 0xab, KSTACKSIZE);
	check(page_lookup(kern_pml4, (uintptr_t)s - PGSIZE, NULL) == NULL,
	      "the page below a kernel stack is an unmapped guard");
	kstack_free(s);
	check(pages_free() == before, "kstack_free returns its pages");
}

static void test_kmalloc(void)
{
	size_t before = pages_free();
	void *objs[600];
	bool distinct = true;

	for (int i = 0; i < 600; i++) {
		objs[i] = kmalloc(16 << (i % 9));
		memset(objs[i], i, 16 << (i % 9));
	}
	for (int i = 1; i < 600; i++)
		distinct &= objs[i] != objs[i - 1] && objs[i] != NULL;
	check(distinct, "kmalloc of every size class");
	void *page = kmalloc(PGSIZE);
	check(page && ((uintptr_t)page & (PGSIZE - 1)) == 0, "kmalloc(4096) is a whole page");
	kfree(page);
	for (int i = 0; i < 600; i++)
		kfree(objs[i]);
	check(kmalloc(PGSIZE + 1) == NULL, "kmalloc refuses more than a page");
	check(pages_free() == before, "kfree returns every emptied page");
}

/*
 * The vmmap on real kmalloc and objects: every remove case, both search
 * directions, MAP_FIXED over existing areas.
 */
static void test_vmmap(void)
{
	size_t before = pages_free();
	struct vmmap m;
	struct vmobj *obj = vmobj_anon_create();
	uintptr_t pg = 0x1000000;	/* page n is pg + n * PGSIZE */
	struct vmarea *a;

#define AT(n) (pg + (uintptr_t)(n) * PGSIZE)
	vmmap_init(&m);
	check(obj && vmmap_insert(&m, AT(0), AT(10), PROT_READ, MAP_PRIVATE, obj, 0, NULL) == 0 &&
	      vmmap_insert(&m, AT(12), AT(20), PROT_READ, MAP_PRIVATE, obj, 0, NULL) == 0 &&
	      vmmap_insert(&m, AT(25), AT(30), PROT_READ, MAP_PRIVATE, obj, 0, NULL) == 0,
	      "vmmap_insert of three areas");
	check(vmmap_insert(&m, AT(9), AT(11), PROT_READ, MAP_PRIVATE, obj, 0, NULL) == -EEXIST,
	      "vmmap_insert refuses an overlap");
	check(vmmap_remove(&m, AT(4), AT(6), NULL, NULL) == 0 && vmmap_lookup(&m, AT(3)) &&
	      !vmmap_lookup(&m, AT(5)) && (a = vmmap_lookup(&m, AT(6))) && a->off == 6 * PGSIZE,
	      "vmmap_remove splits an area, the upper piece keeping its offset");
	check(vmmap_remove(&m, AT(8), AT(14), NULL, NULL) == 0 && !vmmap_lookup(&m, AT(8)) &&
	      !vmmap_lookup(&m, AT(13)) && vmmap_lookup(&m, AT(14)),
	      "vmmap_remove trims the end of one area and the front of the next");
	check(vmmap_remove(&m, AT(14), AT(30), NULL, NULL) == 0 && !vmmap_lookup(&m, AT(25)),
	      "vmmap_remove swallows whole areas");
	check(vmmap_find_range(&m, 2 * PGSIZE, AT(0), AT(100), VMMAP_LOHI) == AT(4),
	      "vmmap_find_range low to high takes the first hole that fits");
	check(vmmap_find_range(&m, 3 * PGSIZE, AT(0), AT(100), VMMAP_HILO) == AT(97),
	      "vmmap_find_range high to low takes the top of the last hole");
	check(vmmap_find_range(&m, 5 * PGSIZE, AT(0), AT(8), VMMAP_LOHI) == 0,
	      "vmmap_find_range says 0 when nothing fits");
	/* mmap's MAP_FIXED: remove whatever is in the range, then insert. */
	struct vmobj *fixed = vmobj_anon_create();
	check(fixed && vmmap_remove(&m, AT(2), AT(7), NULL, NULL) == 0 &&
	      vmmap_insert(&m, AT(2), AT(7), PROT_READ | PROT_WRITE, MAP_SHARED, fixed, 0,
			   NULL) == 0 &&
	      (a = vmmap_lookup(&m, AT(1))) && a->obj == obj && a->end == AT(2) &&
	      (a = vmmap_lookup(&m, AT(4))) && a->obj == fixed && a->start == AT(2) &&
	      a->end == AT(7) && (a = vmmap_lookup(&m, AT(7))) && a->obj == obj &&
	      a->off == 7 * PGSIZE && a->end == AT(8),
	      "MAP_FIXED over the end of one area, a hole and the front of the next");
#undef AT
	vmmap_destroy(&m);
	if (fixed)
		vmobj_put(fixed);
	vmobj_put(obj);
	check(pages_free() == before, "vmmap and objects give back every page");
}

/* Faults on an address space that is not loaded: zero fill, copy-on-write, refusals. */
static void test_vm_faults(void)
{
	size_t before = pages_free();
	struct vmspace *vs = vmspace_create();
	struct vmobj *obj = vmobj_anon_create();
	uintptr_t va = 0x2000000;

	check(vs && obj && vm_map(vs, va, 4 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, obj,
				  0) == 0, "vm_map an anonymous area");
	vmobj_put(obj);
	check(vm_fault(vs, va + PGSIZE, VM_READ) == VM_OK && page_lookup(vs->pml4, va + PGSIZE, NULL),
	      "a read fault maps a page");
	check(page_lookup(vs->pml4, va, NULL) == NULL, "untouched pages stay unmapped");
	check(vm_fault(vs, va + 4 * PGSIZE, VM_READ) == VM_NOT_MAPPED, "outside every area: not mapped");
	check(vm_fault(vs, va, VM_EXEC) == VM_PROTECTION, "exec in a non-exec area: protection");
	check(vm_write(vs, va + PGSIZE - 2, "abcd", 4) == 0, "vm_write across two pages");
	struct vmspace *child = vmspace_fork(vs);
	uint64_t *pte;
	check(child && page_lookup(vs->pml4, va, &pte) && !(*pte & PTE_W),
	      "fork write-protects the parent's pages");
	bool child_wrote = child && vm_write(child, va + PGSIZE - 2, "XY", 2) == 0;
	char *mine = page2kva(page_lookup(vs->pml4, va, NULL));
	char *theirs = child_wrote ? page2kva(page_lookup(child->pml4, va, NULL)) : NULL;
	check(child_wrote && mine != theirs && memcmp(mine + PGSIZE - 2, "ab", 2) == 0 &&
	      memcmp(theirs + PGSIZE - 2, "XY", 2) == 0,
	      "a write after fork copies the page: each side sees its own data");
	if (child)
		vmspace_destroy(child);
	vmspace_destroy(vs);
	check(pages_free() == before, "destroying both spaces gives back every page");
}

/* Put a fresh page filled with byte c into obj at idx; false if out of memory. */
static bool put_page(struct vmobj *obj, uint64_t idx, char c)
{
	struct page *pp = page_alloc(0);
	if (!pp)
		return false;
	memset(page2kva(pp), c, PGSIZE);
	if (vmobj_insert_page(obj, idx, pp) == 0)
		return true;
	page_free(pp);
	return false;
}

/* Whether a read at idx finds a page of top itself whose first byte is c. */
static bool top_has(struct vmobj *top, uint64_t idx, char c)
{
	bool in_top;
	int err;
	struct page *pp = vmobj_fault_page(top, idx, false, &in_top, &err, NULL);
	if (!pp)
		return false;
	bool ok = in_top && *(char *)page2kva(pp) == c;
	page_decref(pp);
	return ok;
}

/* Free pages, counting kmalloc's as free: objects and tree nodes come and go. */
static size_t pages_free_outside_kmalloc(void)
{
	return pages_free() + (size_t)kmalloc_slab_pages();
}

/*
 * Folding a layer nobody else sees into the shadow above it, in both directions
 * (the shadow's pages moved down, or the layer's up): the shadow's pages win,
 * the rest come from below, and the hidden pages are freed.
 */
static void test_vmobj_collapse(void)
{
	for (int shadow_bigger = 0; shadow_bigger <= 1; shadow_bigger++) {
		size_t before = pages_free_outside_kmalloc();
		int below_pages = shadow_bigger ? 2 : 10, top_pages = shadow_bigger ? 8 : 2;
		struct vmobj *below = vmobj_anon_create();
		struct vmobj *top = below ? vmobj_shadow_create(below) : NULL;
		bool made = top != NULL;
		for (int i = 0; made && i < below_pages; i++)
			made = put_page(below, (uint64_t)i, (char)('a' + i));
		for (int i = 0; made && i < top_pages; i++)
			made = put_page(top, (uint64_t)i * 3, 'T');
		if (below)
			vmobj_put(below);	/* now only top refers to it */
		check(made, "objects for the collapse test");
		if (!made) {
			if (top)
				vmobj_put(top);
			continue;
		}
		size_t hidden = 0;	/* the shadow's offsets (0, 3, 6, ...) that below has too */
		for (int i = 0; i < top_pages; i++)
			hidden += 3 * i < below_pages;
		vmobj_collapse(top);
		bool ok = top->below == NULL;
		for (int i = 0; i < 3 * top_pages || i < below_pages; i++) {
			if (i % 3 == 0 && i / 3 < top_pages)
				ok &= top_has(top, (uint64_t)i, 'T');
			else if (i < below_pages)
				ok &= top_has(top, (uint64_t)i, (char)('a' + i));
		}
		check(ok, shadow_bigger ? "collapse moves the layer's pages up under the shadow's"
					: "collapse moves the shadow's pages down over the layer's");
		check(pages_free_outside_kmalloc() ==
		      before - (size_t)(below_pages + top_pages) + hidden,
		      "collapse frees the hidden pages");
		vmobj_put(top);
		check(pages_free_outside_kmalloc() == before,
		      "putting the folded object frees every page");
	}
}

bool run_selftests(void)
{
	failures = 0;
	test_page_alloc();
	test_page_tables();
	test_page_ranges();
	test_kstack();
	test_kmalloc();
	test_vmmap();
	test_vm_faults();
	test_vmobj_collapse();
	cprintf("selftest: %s (%d failed)\n", failures ? "FAILED" : "all passed", failures);
	return failures == 0;
}
