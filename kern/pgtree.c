/* pgtree: page index -> pointer radix tree (see pgtree.h). */
#include <inc/errno.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/pgtree.h>

#define NODE_BYTES (PGTREE_FANOUT * sizeof(void *))

/* The slot for idx in a node at level (0 = leaves). */
static unsigned slot(uint64_t idx, int level)
{
	return (idx >> (PGTREE_BITS * level)) & (PGTREE_FANOUT - 1);
}

/* The first index a tree of the given height cannot hold (an empty tree: none). */
static uint64_t capacity(int height)
{
	return height ? 1ULL << (PGTREE_BITS * height) : 0;
}

/* Whether every slot of node is NULL. */
static bool node_empty(void **node)
{
	for (int i = 0; i < PGTREE_FANOUT; i++)
		if (node[i])
			return false;
	return true;
}

/* Where idx's entry is kept, or NULL if no leaf node covers idx. */
static void **leaf_slot(struct pgtree *t, uint64_t idx)
{
	void **node = t->root;

	if (idx >= capacity(t->height))
		return NULL;
	for (int level = t->height - 1; node && level > 0; level--)
		node = node[slot(idx, level)];
	return node ? &node[slot(idx, 0)] : NULL;
}

void *pgtree_lookup(struct pgtree *t, uint64_t idx)
{
	void **s = leaf_slot(t, idx);
	return s ? *s : NULL;
}

void *pgtree_replace(struct pgtree *t, uint64_t idx, void *item)
{
	void **s = leaf_slot(t, idx);
	void *old = s ? *s : NULL;

	if (old)
		*s = item;
	return old;
}

/* Add levels on top until idx fits. false (tree unchanged) if out of memory. */
static bool grow_to(struct pgtree *t, uint64_t idx)
{
	while (idx >= capacity(t->height)) {
		if (!t->root) {
			t->height++;	/* an empty tree just gets taller */
			continue;
		}
		void **top = kzalloc(NODE_BYTES);
		if (!top)
			return false;
		top[0] = t->root;
		t->root = top;
		t->height++;
	}
	return true;
}

int pgtree_insert(struct pgtree *t, uint64_t idx, void *item)
{
	void **made[PGTREE_MAX_HEIGHT];	/* nodes this call allocated, top down */
	void **first_link = NULL;	/* where the first of them was linked in */
	int nmade = 0;

	if (idx >= PGTREE_LIMIT)
		return -EINVAL;
	if (!grow_to(t, idx))
		return -ENOMEM;
	void **link = (void **)&t->root;
	for (int level = t->height - 1; level >= 0; level--) {
		if (!*link) {
			void **node = kzalloc(NODE_BYTES);
			if (!node)
				goto undo;
			if (!first_link)
				first_link = link;
			*link = node;
			made[nmade++] = node;
		}
		void **node = *link;
		link = &node[slot(idx, level)];
	}
	if (*link)
		return -EEXIST;	/* a full slot means every node on the path existed */
	*link = item;
	t->count++;
	return 0;

undo:
	if (first_link)
		*first_link = NULL;
	while (nmade > 0)
		kfree(made[--nmade]);
	return -ENOMEM;
}

/*
 * Clear idx's slot in the subtree node at level; free node if that empties it.
 * Returns the removed entry; *freed says whether node was freed.
 */
static void *remove_in(void **node, int level, uint64_t idx, bool *freed)
{
	void **s = &node[slot(idx, level)];
	void *item;

	*freed = false;
	if (!*s)
		return NULL;
	if (level == 0) {
		item = *s;
		*s = NULL;
	} else {
		bool child_freed;
		item = remove_in(*s, level - 1, idx, &child_freed);
		if (child_freed)
			*s = NULL;
	}
	if (node_empty(node)) {
		kfree(node);
		*freed = true;
	}
	return item;
}

void *pgtree_remove(struct pgtree *t, uint64_t idx)
{
	bool root_freed;

	if (!t->root || idx >= capacity(t->height))
		return NULL;
	void *item = remove_in(t->root, t->height - 1, idx, &root_freed);
	if (root_freed) {
		t->root = NULL;
		t->height = 0;
	}
	if (item)
		t->count--;
	return item;
}

/* pgtree_next within the subtree node at level, whose first index is base. */
static void *next_in(void **node, int level, uint64_t base, uint64_t *idx, uint64_t end)
{
	uint64_t span = 1ULL << (PGTREE_BITS * level);	/* indexes under one slot */

	for (unsigned i = slot(*idx, level); i < PGTREE_FANOUT; i++) {
		uint64_t first = base + i * span;
		if (first >= end)
			return NULL;
		if (!node[i])
			continue;
		if (first > *idx)
			*idx = first;
		if (level == 0)
			return node[i];
		void *item = next_in(node[i], level - 1, first, idx, end);
		if (item)
			return item;
		*idx = first + span;	/* nothing under this slot from *idx on */
	}
	return NULL;
}

void *pgtree_next(struct pgtree *t, uint64_t *idx, uint64_t end)
{
	end = MIN(end, capacity(t->height));
	if (!t->root || *idx >= end)
		return NULL;
	return next_in(t->root, t->height - 1, 0, idx, end);
}
