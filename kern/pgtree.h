/*
 * pgtree: a sparse map from page index to pointer, for the pages a memory object
 * holds. A radix tree with 64-way nodes (512 bytes each) that is only as tall as
 * its largest index needs: an object of a few pages costs one node and one step,
 * a 256 MiB one four. A node is freed when its last entry goes, so a big object
 * that has been mostly unmapped costs little. Indexes below 2^36 (a 48-bit
 * address space of pages).
 *
 * No locking here: the memory-object code serializes every call on one tree.
 */
#ifndef ELK_KERN_PGTREE_H
#define ELK_KERN_PGTREE_H

#include <inc/types.h>

#define PGTREE_BITS        6
#define PGTREE_FANOUT      (1 << PGTREE_BITS)
#define PGTREE_MAX_HEIGHT  6
#define PGTREE_LIMIT       (1ULL << (PGTREE_BITS * PGTREE_MAX_HEIGHT))	/* indexes are below this */

struct pgtree {
	void **root;		/* NULL when empty */
	int height;		/* levels below root, leaves included; 0 when empty */
	size_t count;		/* entries present */
};

static inline void pgtree_init(struct pgtree *t)
{
	t->root = NULL;
	t->height = 0;
	t->count = 0;
}

/* The entry at idx, or NULL. */
void *pgtree_lookup(struct pgtree *t, uint64_t idx);

/*
 * Store item (not NULL) at idx. 0; -EEXIST if idx is taken; -EINVAL if idx is
 * out of range; -ENOMEM with the tree unchanged (nodes allocated for it are freed).
 */
int pgtree_insert(struct pgtree *t, uint64_t idx, void *item);

/*
 * Put item (not NULL) in place of the entry at idx and return the old one; if
 * there is none, do nothing and return NULL. Never allocates.
 */
void *pgtree_replace(struct pgtree *t, uint64_t idx, void *item);

/* Remove and return the entry at idx (NULL if there was none), freeing empty nodes. */
void *pgtree_remove(struct pgtree *t, uint64_t idx);

/*
 * The first entry at an index >= *idx and < end, with *idx set to its index; NULL
 * if there is none. Skips empty subtrees, so walking a sparse tree is cheap.
 */
void *pgtree_next(struct pgtree *t, uint64_t *idx, uint64_t end);

#endif
