/*
 * Memory objects: what a vmarea's pages come from. Reference-counted; the last
 * vmobj_put frees the object and every page it holds.
 */
#ifndef ELK_KERN_VMOBJ_H
#define ELK_KERN_VMOBJ_H

#include <inc/types.h>
#include <kern/list.h>
#include <kern/spinlock.h>

enum vmobj_type {
	VMOBJ_ANON,	/* zero-filled on first touch */
};

struct vmobj {
	enum vmobj_type type;
	int refcount;		/* protected by lock */
	struct spinlock lock;	/* protects refcount and pages */
	struct list_node pages;	/* struct objpage, the pages resident in the object */
};

/* A new anonymous object with one reference, or NULL. */
struct vmobj *vmobj_anon_create(void);
void vmobj_ref(struct vmobj *obj);
void vmobj_put(struct vmobj *obj);

#endif
