/*
 * malloc, free, realloc, calloc.
 *
 * Small blocks come from the heap, which grows with sbrk and never shrinks. Each
 * block starts with a 16-byte header holding its size (header included, a
 * multiple of 16, so payloads stay 16-byte aligned). Free blocks sit on one list
 * sorted by address; malloc takes the first that fits and splits it, free puts a
 * block back and merges it with free neighbours, so the heap does not crumble.
 *
 * Large blocks (LARGE bytes and up) get their own anonymous mapping, returned to
 * the kernel by free; the header's MAPPED bit tells them apart.
 */
#include <inc/malloc.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <inc/string.h>

#define ALIGN     16
#define LARGE     (128 * 1024)	/* at least this much: a mapping of its own */
#define HEAP_STEP (64 * 1024)	/* grow the heap by at least this much */
#define MAPPED    1UL		/* in header.size: the block is a mapping */

struct header {
	size_t size;		/* bytes, header included; MAPPED bit for mappings */
	struct header *next;	/* on the free list: the next free block up */
};

_Static_assert(sizeof(struct header) == ALIGN, "the header keeps payloads aligned");

static struct header *free_list;	/* free heap blocks, lowest address first */

static void *payload(struct header *h)
{
	return h + 1;
}

static struct header *header_of(void *p)
{
	return (struct header *)p - 1;
}

/* Put h on the free list, merging it with the blocks just below and above it. */
static void free_block(struct header *h)
{
	struct header *prev = NULL, *next = free_list;

	while (next && next < h) {
		prev = next;
		next = next->next;
	}
	if (next && (char *)h + h->size == (char *)next) {
		h->size += next->size;
		next = next->next;
	}
	h->next = next;
	if (prev && (char *)prev + prev->size == (char *)h) {
		prev->size += h->size;
		prev->next = h->next;
	} else if (prev) {
		prev->next = h;
	} else {
		free_list = h;
	}
}

/* Grow the heap by at least need bytes onto the free list. false if sbrk refuses. */
static bool grow_heap(size_t need)
{
	size_t step = ROUNDUP(MAX(need, (size_t)HEAP_STEP), PGSIZE);
	void *p = sbrk((intptr_t)step);

	if (ptr_failed(p))
		return false;
	struct header *h = p;
	h->size = step;
	free_block(h);
	return true;
}

/* Take a block of exactly need bytes (or a little more) off the free list, or NULL. */
static struct header *take_block(size_t need)
{
	struct header **link = &free_list;

	for (struct header *h = free_list; h; link = &h->next, h = h->next) {
		if (h->size < need)
			continue;
		if (h->size - need >= 2 * sizeof(struct header)) {
			struct header *rest = (struct header *)((char *)h + need);
			rest->size = h->size - need;
			rest->next = h->next;
			*link = rest;
			h->size = need;
		} else {
			*link = h->next;
		}
		return h;
	}
	return NULL;
}

/* A block of its own mapping for n bytes of payload, or NULL. */
static void *map_large(size_t n)
{
	size_t len = ROUNDUP(n + sizeof(struct header), PGSIZE);
	struct header *h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (ptr_failed(h))
		return NULL;
	h->size = len | MAPPED;
	return payload(h);
}

void *malloc(size_t n)
{
	if (n >= LARGE)
		return n > SIZE_MAX / 2 ? NULL : map_large(n);
	size_t need = ROUNDUP(MAX(n, (size_t)1) + sizeof(struct header), ALIGN);
	struct header *h = take_block(need);
	if (!h && grow_heap(need))
		h = take_block(need);
	return h ? payload(h) : NULL;
}

void free(void *p)
{
	if (!p)
		return;
	struct header *h = header_of(p);
	if (h->size & MAPPED)
		munmap(h, h->size & ~MAPPED);
	else
		free_block(h);
}

/* Bytes of payload the block behind p can hold. */
static size_t capacity(void *p)
{
	return (header_of(p)->size & ~MAPPED) - sizeof(struct header);
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	if (n <= capacity(p))
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, capacity(p));
		free(p);
	}
	return q;
}

void *calloc(size_t count, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(count, size, &n))
		return NULL;
	void *p = malloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}
