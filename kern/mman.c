/*
 * Memory system calls: mmap, munmap, mprotect, brk. Each only edits the calling
 * process's areas; pages arrive later, through page faults.
 */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <kern/file.h>
#include <kern/mman.h>
#include <kern/proc.h>
#include <kern/vm.h>
#include <kern/vmobj.h>


/*
 * The object a new mapping reads from, with one reference: a fresh anonymous
 * object, or what file fd's ops map (a private mapping gets a copy-on-write
 * layer over it). A shared writable mapping needs a file open for writing,
 * any mapping one open for reading; a shared mapping of a file not open for
 * writing adds VMA_NOMAYWRITE to *area_flags, so that mprotect cannot make it
 * writable later. 0 or -errno.
 */
static int mapping_object(int prot, int flags, int fd, struct vmobj **objp, int *area_flags)
{
	if (flags & MAP_ANONYMOUS) {
		*objp = vmobj_anon_create();
		return *objp ? 0 : -ENOMEM;
	}
	struct file *f = fd_get(myproc()->files, fd);
	if (!f)
		return -EBADF;
	struct vmobj *obj = NULL;
	int r = 0;
	bool shared = flags & MAP_SHARED;
	if (shared && !f->writable)
		*area_flags |= VMA_NOMAYWRITE;
	if (!f->readable || (shared && (prot & PROT_WRITE) && !f->writable))
		r = -EACCES;
	else if (!f->ops->mmap)
		r = -ENODEV;	/* pipes and the console cannot be mapped */
	else
		r = f->ops->mmap(f, &obj);
	file_put(f);
	if (r < 0 || shared) {
		*objp = obj;
		return r;
	}
	*objp = vmobj_shadow_create(obj);
	vmobj_put(obj);
	return *objp ? 0 : -ENOMEM;
}

/*
 * Where a mapping of len bytes goes: exactly at addr for MAP_FIXED (after
 * unmapping what is there) and MAP_FIXED_NOREPLACE (-EEXIST if anything is), at the hint addr rounded down to a page (as Linux
 * does on x86-64) if that range is free, else the highest free range below the
 * stack. The address, or -errno. vs->lock held.
 */
static int64_t place(struct vmspace *vs, uintptr_t addr, size_t len, int flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!user_pages(addr, len))
			return addr % PGSIZE ? -EINVAL : -ENOMEM;
		if (!(flags & MAP_FIXED) && !vmmap_range_is_free(&vs->map, addr, addr + len))
			return -EEXIST;
		int r = vm_unmap(vs, addr, addr + len);
		return r < 0 ? r : (int64_t)addr;
	}
	uintptr_t hint = ROUNDDOWN(addr, PGSIZE);
	if (hint && user_pages(hint, len) && vmmap_range_is_free(&vs->map, hint, hint + len))
		return (int64_t)hint;
	uintptr_t start = vmmap_find_range(&vs->map, len, UMIN, vs->mmap_top, VMMAP_HILO);
	return start ? (int64_t)start : -ENOMEM;
}

/*
 * How a mapping with flags is shared, MAP_SHARED or MAP_PRIVATE, as Linux
 * checks it: -EINVAL for a type that is neither (an anonymous mapping may not
 * be MAP_SHARED_VALIDATE); for a file, -EOPNOTSUPP for MAP_SHARED_VALIDATE
 * with a flag it does not know and for a shared MAP_SYNC. Other unknown flags
 * are ignored.
 */
static int mapping_type(int flags)
{
	int type = flags & MAP_TYPE;

	if (type == MAP_PRIVATE || (type == MAP_SHARED && (flags & MAP_ANONYMOUS)))
		return type;
	if (type != MAP_SHARED && (type != MAP_SHARED_VALIDATE || (flags & MAP_ANONYMOUS)))
		return -EINVAL;
	if ((type == MAP_SHARED_VALIDATE && (flags & ~MAP_LEGACY_MASK)) || (flags & MAP_SYNC))
		return -EOPNOTSUPP;
	return MAP_SHARED;
}

int64_t sys_mmap(void *uaddr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	uintptr_t addr = (uintptr_t)uaddr;
	struct vmspace *vs = myproc()->vs;
	int sharing = mapping_type(flags);
	struct vmobj *obj;

	if (len == 0 || off % PGSIZE || (prot & ~PROT_ALL))
		return -EINVAL;
	if (sharing < 0)
		return sharing;
	int area_flags = sharing;
	flags = (flags & ~MAP_TYPE) | sharing;
	if (len > USER_END)
		return -ENOMEM;
	len = ROUNDUP(len, PGSIZE);
	if (flags & MAP_ANONYMOUS)
		off = 0;
	int r = mapping_object(prot, flags, fd, &obj, &area_flags);
	if (r < 0)
		return r;

	sleeplock_acquire(&vs->lock);
	int64_t start = place(vs, addr, len, flags);
	if (start >= 0) {
		r = vm_map(vs, (uintptr_t)start, len, prot, area_flags, obj, off);
		if (r < 0)
			start = r;
	}
	sleeplock_release(&vs->lock);
	vmobj_put(obj);
	return start;
}

int64_t sys_munmap(void *uaddr, size_t len)
{
	uintptr_t addr = (uintptr_t)uaddr;
	struct vmspace *vs = myproc()->vs;

	if (len == 0 || len > USER_END || !user_pages(addr, ROUNDUP(len, PGSIZE)))
		return -EINVAL;
	sleeplock_acquire(&vs->lock);
	int r = vm_unmap(vs, addr, addr + ROUNDUP(len, PGSIZE));
	sleeplock_release(&vs->lock);
	return r;
}

/*
 * msync: a shared file mapping maps the file's page cache itself, so its
 * stores are in the file at once and there is nothing to write back; what is
 * left is Linux's checks. -EINVAL for an unaligned address or bad flags,
 * -ENOMEM if some page of the range is not mapped.
 */
int64_t sys_msync(void *uaddr, size_t len, int flags)
{
	uintptr_t addr = (uintptr_t)uaddr, end;
	struct vmspace *vs = myproc()->vs;
	int r = 0;

	if (addr % PGSIZE || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return -EINVAL;
	if (len > USER_END || __builtin_add_overflow(addr, ROUNDUP(len, PGSIZE), &end) ||
	    end > USER_END)
		return -ENOMEM;
	sleeplock_acquire(&vs->lock);
	for (uintptr_t va = addr; va < end && r == 0;) {
		struct vmarea *a = vmmap_lookup(&vs->map, va);
		if (!a)
			r = -ENOMEM;
		else
			va = a->end;
	}
	sleeplock_release(&vs->lock);
	return r;
}

int64_t sys_mprotect(void *uaddr, size_t len, int prot)
{
	uintptr_t addr = (uintptr_t)uaddr;
	struct vmspace *vs = myproc()->vs;

	if (addr % PGSIZE || (prot & ~PROT_ALL))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len > USER_END || !user_pages(addr, ROUNDUP(len, PGSIZE)))
		return -ENOMEM;
	sleeplock_acquire(&vs->lock);
	int r = vm_protect(vs, addr, addr + ROUNDUP(len, PGSIZE), prot);
	sleeplock_release(&vs->lock);
	return r;
}

/*
 * Whether a, the area just below the heap's end, can simply be stretched over new
 * heap: a plain read-write heap area (new brk memory must be writable, whatever
 * mprotect did to the last page) whose object has nothing below it (so nothing
 * stale can show through). vs->lock held.
 */
static bool heap_stretchable(struct vmarea *a, uintptr_t old_end)
{
	return a->flags == (MAP_PRIVATE | VMA_HEAP) && a->prot == (PROT_READ | PROT_WRITE) &&
	       a->end == old_end && a->obj && !a->obj->below;
}

/*
 * Extend the heap from old_end to new_end (page-aligned): stretch the last heap
 * area if heap_stretchable, else add a read-write area with a fresh object. 0 or
 * -ENOMEM. vs->lock held.
 */
static int grow_heap(struct vmspace *vs, uintptr_t old_end, uintptr_t new_end)
{
	if (new_end > vs->mmap_top || !vmmap_range_is_free(&vs->map, old_end, new_end))
		return -ENOMEM;
	struct vmarea *last = old_end > vs->brk_start ? vmmap_lookup(&vs->map, old_end - 1) : NULL;
	if (last && heap_stretchable(last, old_end)) {
		uint64_t first = vmarea_pgoff(last, old_end);
		vmobj_purge(last->obj, first, first + (new_end - old_end) / PGSIZE);
		last->end = new_end;
		return 0;
	}
	struct vmobj *obj = vmobj_anon_create();
	if (!obj)
		return -ENOMEM;
	int r = vm_map(vs, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | VMA_HEAP, obj, 0);
	vmobj_put(obj);
	return r;
}

int64_t sys_brk(void *uwant)
{
	uintptr_t want = (uintptr_t)uwant;
	struct vmspace *vs = myproc()->vs;

	sleeplock_acquire(&vs->lock);
	if (want >= vs->brk_start && want < vs->mmap_top) {
		uintptr_t old_end = ROUNDUP(vs->brk, PGSIZE), new_end = ROUNDUP(want, PGSIZE);
		int r = 0;
		if (new_end > old_end)
			r = grow_heap(vs, old_end, new_end);
		else if (new_end < old_end)
			r = vm_unmap(vs, new_end, old_end);
		if (r == 0)
			vs->brk = want;
	}
	uintptr_t now = vs->brk;
	sleeplock_release(&vs->lock);
	return (int64_t)now;
}
