/* Memory objects (see vmobj.h). */
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/vmobj.h>

/* One resident page of an object, at page offset pgoff. */
struct objpage {
	struct list_node link;
	uint64_t pgoff;
	struct page *page;
};

struct vmobj *vmobj_anon_create(void)
{
	struct vmobj *obj = kzalloc(sizeof(*obj));
	if (!obj)
		return NULL;
	obj->type = VMOBJ_ANON;
	obj->refcount = 1;
	spin_init(&obj->lock, "vmobj");
	list_init(&obj->pages);
	return obj;
}

void vmobj_ref(struct vmobj *obj)
{
	spin_lock(&obj->lock);
	obj->refcount++;
	spin_unlock(&obj->lock);
}

void vmobj_put(struct vmobj *obj)
{
	spin_lock(&obj->lock);
	bool last = --obj->refcount == 0;
	spin_unlock(&obj->lock);
	if (!last)
		return;
	struct list_node *n, *tmp;
	list_foreach_safe(n, tmp, &obj->pages) {
		struct objpage *op = list_entry(n, struct objpage, link);
		page_decref(op->page);
		kfree(op);
	}
	kfree(obj);
}
