/*
 * vmmap: a process's user address space as a list of non-overlapping areas sorted
 * by address (Weenix's vmmap). Each area maps [start, end) of user space onto a
 * memory object from byte offset off. The map only records what is mapped where;
 * page tables and page contents belong to the caller and the memory objects.
 *
 * The caller serializes every call on one map (with the owning process's address
 * space lock); vmmap takes no locks of its own. Areas are few (a program's text,
 * data, heap, stack and its mmaps), so a list beats a tree on simplicity.
 */
#ifndef ELK_KERN_VMMAP_H
#define ELK_KERN_VMMAP_H

#include <inc/mman.h>
#include <inc/types.h>
#include <kern/list.h>

/*
 * Memory objects are opaque here. An area holds one reference on its object; the
 * kernel's memory-object code defines these two.
 */
struct vmobj;
void vmobj_ref(struct vmobj *obj);
void vmobj_put(struct vmobj *obj);

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Area flags beyond MAP_SHARED/MAP_PRIVATE, for the kernel's own bookkeeping. */
#define VMA_STACK  0x10000000	/* the initial user stack (a guard page lies below) */
#define VMA_HEAP   0x20000000	/* the brk heap */
#define VMA_GUARD  0x40000000	/* the page under the stack: PROT_NONE, no object */
#define VMA_FLEXSC 0x08000000	/* syscall pages (kern/flexsc.c) */

struct vmarea {
	uintptr_t start, end;	/* page-aligned, [start, end) */
	int prot;		/* PROT_* */
	int flags;		/* MAP_SHARED or MAP_PRIVATE, plus VMA_* */
	uint64_t off;		/* page-aligned offset in obj of the byte at start */
	struct vmobj *obj;	/* may be NULL */
	struct list_node link;	/* in vmmap.areas, sorted by start */
};

struct vmmap {
	struct list_node areas;
};

/* The page offset in a's object of the page at va (which a covers, or its end). */
static inline uint64_t vmarea_pgoff(const struct vmarea *a, uintptr_t va)
{
	return (a->off + (va - a->start)) / PGSIZE;
}

/* vmmap_find_range's direction: the lowest or the highest fitting address. */
#define VMMAP_LOHI 0
#define VMMAP_HILO 1

/* Make map empty. */
void vmmap_init(struct vmmap *map);

/* Remove every area, dropping its object reference. map is left empty and usable. */
void vmmap_destroy(struct vmmap *map);

/* The area containing va, or NULL. */
struct vmarea *vmmap_lookup(struct vmmap *map, uintptr_t va);

/* True if no area meets [start, end). */
bool vmmap_range_is_free(struct vmmap *map, uintptr_t start, uintptr_t end);

/*
 * The lowest (VMMAP_LOHI) or highest (VMMAP_HILO) page-aligned start of an unmapped
 * range of len bytes (rounded up to whole pages) lying inside [lo, hi), where lo is
 * rounded up and hi down to a page boundary. 0 if there is none, so lo must be above
 * 0 for the answer to be unambiguous.
 */
uintptr_t vmmap_find_range(struct vmmap *map, size_t len, uintptr_t lo, uintptr_t hi,
			   int dir);

/*
 * Map [start, end) onto obj from offset off. 0 and *out (if out is not NULL) = the
 * new area, which holds its own reference on obj. -EINVAL if start, end or off is
 * not page-aligned, the range is empty or leaves [UMIN, USER_END), prot has bits
 * other than PROT_*, or flags has not exactly one of MAP_SHARED and MAP_PRIVATE;
 * -EEXIST if any page of the range is mapped; -ENOMEM. The map is unchanged on error.
 */
int vmmap_insert(struct vmmap *map, uintptr_t start, uintptr_t end, int prot, int flags,
		 struct vmobj *obj, uint64_t off, struct vmarea **out);

/* Told of each piece [lo, hi) of area a that vmmap_remove is about to unmap. */
typedef void (*vmmap_removed_fn)(struct vmarea *a, uintptr_t lo, uintptr_t hi, void *arg);

/*
 * Unmap [start, end), whatever lies there (munmap): areas inside go, areas across an
 * edge are trimmed, an area across both edges is split in two. Nothing mapped is
 * fine. If removed is not NULL it is called, once the call can no longer fail, for
 * each area piece going away, while the area is still whole. 0; -EINVAL if the range
 * is empty, unaligned or reaches past USER_END; -ENOMEM (map unchanged, removed not
 * called) if the split could not be allocated.
 */
int vmmap_remove(struct vmmap *map, uintptr_t start, uintptr_t end,
		 vmmap_removed_fn removed, void *arg);

/*
 * Set the protection of [start, end) to prot (mprotect), splitting areas at the
 * range's edges where their protection changes. 0; -EINVAL for a bad range or prot
 * as in vmmap_remove and vmmap_insert; -ENOMEM if any page in the range is unmapped
 * (Linux's answer) or a split could not be allocated. The map is unchanged on error.
 * The caller brings the page tables in line.
 */
int vmmap_protect(struct vmmap *map, uintptr_t start, uintptr_t end, int prot);

/*
 * Lower the start of area a to start (page-aligned, below a->start), its off
 * moving with it, for a stack that grows down. guard is NULL or a one-page area
 * right under a, which moves down to stay right under it. The page under the
 * new start must be left free (or be guard's new place): 0; -EEXIST if some
 * other area meets [start - PGSIZE, a->start) or that range leaves user space;
 * -EINVAL if start is not a page boundary below a->start, a->off would go
 * below 0, or guard is not as described. The map is unchanged on error.
 */
int vmmap_grow_down(struct vmmap *map, struct vmarea *a, uintptr_t start,
		    struct vmarea *guard);

/*
 * Copy every area of src into dst, which must be empty, sharing each object (one
 * more reference each), as fork needs. 0, or -ENOMEM with dst left empty.
 */
int vmmap_clone(struct vmmap *src, struct vmmap *dst);

/* printf-like output routine for vmmap_print: the kernel's cprintf, or printf. */
typedef int (*vmmap_printf_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line per area through pr, for debugging. */
void vmmap_print(struct vmmap *map, vmmap_printf_fn pr);

/* The lowest area, or NULL if map is empty. */
static inline struct vmarea *vmmap_first(struct vmmap *map)
{
	if (list_empty(&map->areas))
		return NULL;
	return list_entry(map->areas.next, struct vmarea, link);
}

/* The area after a in map, or NULL if a is the last. */
static inline struct vmarea *vmarea_next(struct vmmap *map, struct vmarea *a)
{
	if (a->link.next == &map->areas)
		return NULL;
	return list_entry(a->link.next, struct vmarea, link);
}

/* Visit every area in address order; the body must not remove a. */
#define vmmap_foreach(a, map) \
	for ((a) = vmmap_first(map); (a); (a) = vmarea_next((map), (a)))

#endif
