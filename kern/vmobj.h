/*
 * Memory objects: where the pages of a vmarea come from (Weenix's mmobj).
 *
 *   anonymous  zero-filled pages, made on first touch
 *   shadow     a copy-on-write layer over another object ("below"): it holds the
 *              pages written since the layer was made, and reads fall through to
 *              the objects below
 *   file       a regular file's page cache (kern/pagecache.c): its pages and its
 *              size; read, write and every mapping of the file share these pages
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
	uint64_t file_size;		/* file: its size in bytes */
};

/* Constructors: a new object with one reference, or NULL when out of memory. */
struct vmobj *vmobj_anon_create(void);
/* A shadow over below, taking a reference on below. */
struct vmobj *vmobj_shadow_create(struct vmobj *below);
/* An empty file object: size 0, no pages. */
struct vmobj *vmobj_file_create(void);

void vmobj_ref(struct vmobj *obj);
/*
 * The pages and swap entries obj holds, if it is anonymous memory (an
 * anonymous or shadow object); 0 for a file object. Takes vmobj_lock.
 */
size_t vmobj_anon_entries(struct vmobj *obj);
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
 * A file's page that is not in memory yet (a hole, or bytes not yet written)
 * is a new zero page put in the file object itself, so that every mapping and
 * read of the file sees it. *in_top says whether the page belongs to top (so a
 * writable area may map it writable). A page that is in swap, or being read
 * back by someone else, is read back or waited for (sleeping: no spinlock
 * may be held): here if later is NULL; else the transfer is left in *later
 * and the result is NULL with *err = -EAGAIN: the caller lets go of its locks,
 * calls vmobj_pagein_finish(later) and looks again, so that a fault holds no
 * lock of its address space while the disk reads. Otherwise NULL with *err =
 * -ENOMEM, -ENOSPC if that file page could not be made (a full file system),
 * -EIO (a swap read failed), or -ERANGE for a page beyond the end of a file
 * with nothing above it.
 */
struct vmobj_pagein {
	struct vmobj *owner;	/* the object the page is read into (a reference) */
	struct page *pp;	/* the page being read (a reference) */
	uint64_t pgoff, slot;
	bool reader;		/* this caller reads it; else it waits for another's read */
};
struct page *vmobj_fault_page(struct vmobj *top, uint64_t pgoff, bool write, bool *in_top,
			      int *err, struct vmobj_pagein *later);
/* Do the read (or wait) vmobj_fault_page left in *in, and let go of it: 0 or -EIO. No lock held. */
int vmobj_pagein_finish(struct vmobj_pagein *in);

/*
 * A file object's page cache (kern/pagecache.c reads and writes through these):
 * vmobj_file_page gives the page at pgoff with a reference for the caller, made
 * (zeroed) if absent and create, else NULL if absent; NULL also when out of
 * memory. vmobj_file_size is the size; vmobj_file_extend makes it at least end;
 * vmobj_file_zero_tail zeroes the last page's bytes past the end (a MAP_SHARED
 * store may have put some there), for a write that grows the file to call
 * first; vmobj_file_truncate makes the size exactly size, dropping the pages
 * past it and zeroing the bytes past the smaller of the old and new sizes in
 * that size's page, so that neither a shrink nor a growth shows such stores.
 */
struct page *vmobj_file_page(struct vmobj *obj, uint64_t pgoff, bool create);
uint64_t vmobj_file_size(struct vmobj *obj);
void vmobj_file_extend(struct vmobj *obj, uint64_t end);
void vmobj_file_zero_tail(struct vmobj *obj);
void vmobj_file_truncate(struct vmobj *obj, uint64_t size);

/*
 * Write pp, the page at pgoff of top or of an object below it, to swap and put
 * its slot in its place, if nothing but that object and the caller (one
 * reference each) holds it, it is not a file's, and no fault hands it out
 * meanwhile; a page not written since it was read back (no PTE_D seen) whose
 * slot still holds it goes back to that slot without a write. A file's page
 * is never taken: the page cache is tmpfs's only storage, so there is nothing
 * to drop it to. (A private copy of one, in a shadow, is anonymous memory and
 * may go.) The caller then holds the last reference. Sleeps for the disk;
 * no lock held, and top must stay referenced. 0; -EBUSY (left as it was),
 * -ENOSPC (swap is full), -EIO.
 */
int vmobj_pageout(struct vmobj *top, uint64_t pgoff, struct page *pp);

/*
 * The pages of top and the anonymous and shadow objects below it at offsets
 * [lo, hi) that nothing maps or holds but their tree and that are under no
 * transfer, for the page-out, which finds pages through page tables and would
 * miss these (a range mprotect made PROT_NONE or unmapped, pages unmapped while
 * swap was full, a shadowed object's pages that no mapping reaches): up to max
 * in pages[] with their offsets in pgoffs[], each with a reference for the
 * caller, their number in *n. Where they end: hi, or the offset of the first
 * page left out because max were found (all found are below it).
 */
uint64_t vmobj_unheld_pages(struct vmobj *top, uint64_t lo, uint64_t hi, struct page **pages,
			    uint64_t *pgoffs, int max, int *n);

/* Put page (taking a reference) into obj at pgoff, which must be empty. 0 or -ENOMEM. */
int vmobj_insert_page(struct vmobj *obj, uint64_t pgoff, struct page *page);

/*
 * Drop obj's own pages at offsets [lo, hi): for a range no area of obj's owner maps
 * any more (munmap, brk shrinking). obj must be a private area's top object.
 */
void vmobj_purge(struct vmobj *obj, uint64_t lo, uint64_t hi);

/* Whether obj is top or lies below it. */
bool vmobj_reaches(struct vmobj *top, struct vmobj *obj);
/*
 * Drop the pages at offsets [lo, hi) of every object from top down to bottom,
 * which lies below top, bottom itself excluded: the private copies made of
 * bottom's pages there (a file's, past its new end after a truncation).
 */
void vmobj_purge_above(struct vmobj *top, struct vmobj *bottom, uint64_t lo, uint64_t hi);

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
