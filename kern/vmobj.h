/*
 * Memory objects: where the pages of a vmarea come from (Weenix's mmobj).
 *
 *   anonymous  zero-filled pages, made on first touch
 *   shadow     a copy-on-write layer over another object ("below"): it holds the
 *              pages written since the layer was made, and reads fall through to
 *              the objects below
 *   file       the pages of an initrd file, mapped straight from the initrd
 *
 * A private area's own object (its "top") belongs to one address space; fork puts
 * a fresh shadow on top of it for each side, so that what was the top becomes
 * shared and read-only:
 *
 *     parent area -> shadow P --+
 *                               +--> old top --> ... --> anonymous or file
 *     child area  -> shadow C --+
 *
 * Objects are reference counted (areas and shadows above hold references); the
 * last vmobj_put frees the object, its pages, and its reference on the object
 * below. Pages are indexed by page offset in the object; a shadow uses the same
 * offsets as the object it shadows.
 *
 * One spinlock, vmobj_lock, protects every object's refcount, pages and below
 * pointer: objects are shared between address spaces. A fault does little under
 * it (at most one page copied); a purge or a fold drops or moves O(pages), which
 * kern/vmobj.c argues is acceptable; freeing an object and its pages is done
 * outside it.
 */
#ifndef ELK_KERN_VMOBJ_H
#define ELK_KERN_VMOBJ_H

#include <inc/types.h>
#include <kern/pgtree.h>

struct page;

enum vmobj_type {
	VMOBJ_ANON,
	VMOBJ_SHADOW,
	VMOBJ_FILE,
};

struct vmobj {
	enum vmobj_type type;
	int refcount;
	struct pgtree pages;		/* struct page *, one reference each, or swap entries (vmobj.c) */
	struct vmobj *below;		/* shadow: the object shadowed (one reference) */
	const uint8_t *file_data;	/* file: page-aligned contents in the initrd */
	size_t file_size;
};

/* Constructors: a new object with one reference, or NULL when out of memory. */
struct vmobj *vmobj_anon_create(void);
/* A shadow over below, taking a reference on below. */
struct vmobj *vmobj_shadow_create(struct vmobj *below);
/* A file object over size bytes at data, which must be page-aligned initrd memory. */
struct vmobj *vmobj_file_create(const uint8_t *data, size_t size);

void vmobj_ref(struct vmobj *obj);
void vmobj_put(struct vmobj *obj);

/*
 * The page at pgoff that a fault in an area whose object is top should map, with
 * one reference for the caller (who maps it and drops that reference).
 *   read:  the first page found going down from top, or a new zero page put in
 *          top if no object has one.
 *   write: a page that top itself holds: the one found, if top had it; else taken
 *          over from the object below when no one else can reach that object; else
 *          a copy. (Writes are for private areas; a shared area's top is the
 *          anonymous object itself, which always holds what it maps.)
 * *in_top says whether the page belongs to top (so a writable area may map it
 * writable). A page that is in swap is read back first (sleeping: no spinlock
 * may be held). NULL with *err = -ENOMEM, -EIO (a swap read failed), or -ERANGE
 * for a page beyond the end of a file with nothing above it.
 */
struct page *vmobj_fault_page(struct vmobj *top, uint64_t pgoff, bool write, bool *in_top,
			      int *err);

/*
 * Write pp, the page at pgoff of top or of an object below it, to swap and put
 * its slot in its place, if nothing but that object and the caller (one
 * reference each) holds it, it is not a file's, and no fault hands it out
 * meanwhile. The caller then holds the last reference. Sleeps for the disk;
 * no lock held, and top must stay referenced. 0; -EBUSY (left as it was),
 * -ENOSPC (swap is full), -EIO.
 */
int vmobj_pageout(struct vmobj *top, uint64_t pgoff, struct page *pp);

/* Put page (taking a reference) into obj at pgoff, which must be empty. 0 or -ENOMEM. */
int vmobj_insert_page(struct vmobj *obj, uint64_t pgoff, struct page *page);

/*
 * Drop obj's own pages at offsets [lo, hi): for a range no area of obj's owner maps
 * any more (munmap, brk shrinking). obj must be a private area's top object.
 */
void vmobj_purge(struct vmobj *obj, uint64_t lo, uint64_t hi);

/*
 * Fold into top every object directly below it that only top references, so that
 * fork after fork does not grow chains without bound (a shadow that has folded in
 * the anonymous object at the bottom is itself the bottom, and acts anonymous).
 * Stops early (still correct, just longer) if memory runs out. Returns whether it
 * folded, even in part: then top may hold pages at offsets its areas no longer
 * map (the caller drops them with vmobj_purge).
 */
bool vmobj_collapse(struct vmobj *top);

#endif
