/*
 * In-kernel self-tests of the physical allocator, page tables, kernel stacks and
 * kmalloc, on the real hardware tables (host tests cannot reach those). Each
 * check prints "selftest: ok ..." or "selftest: FAIL ..."; the boot ends with
 * status 0 only if all pass.
 */
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/selftest.h>

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
	pml4_range(pml4, 0x401000, far + 0x200000, RANGE_WRITE_PROTECT);
	check(page_lookup(pml4, 0x400000, &pte) && (*pte & PTE_W), "a page before the range keeps write");
	check(page_lookup(pml4, 0x401000, &pte) && !(*pte & PTE_W), "a page in the range loses write");
	check(page_lookup(pml4, far + 0x200000, &pte) && (*pte & PTE_W), "the range's end is exclusive");
	pml4_range(pml4, 0x401000, USER_END, RANGE_UNMAP);
	check(page_lookup(pml4, 0x400000, NULL) && !page_lookup(pml4, 0x402000, NULL) &&
	      !page_lookup(pml4, far, NULL), "RANGE_UNMAP removes exactly the range");
	pml4_range(pml4, 0x400000, 0x401000, RANGE_UNMAP);
	check(pml4[0] == 0, "unmapping the last page frees the emptied tables");
	pml4_destroy(pml4);
	check(pages_free() == before, "every page comes back");
}

static void test_kstack(void)
{
	/* The first stack in a region builds page tables that stay for the next ones. */
	kstack_free(kstack_alloc());
	size_t before = pages_free();
	uint8_t *s = kstack_alloc();

	check(s != NULL, "kstack_alloc");
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

bool run_selftests(void)
{
	failures = 0;
	test_page_alloc();
	test_page_tables();
	test_page_ranges();
	test_kstack();
	test_kmalloc();
	cprintf("selftest: %s (%d failed)\n", failures ? "FAILED" : "all passed", failures);
	return failures == 0;
}
