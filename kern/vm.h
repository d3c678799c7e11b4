/*
 * Address spaces: a process's page tables and the vmmap of areas that says what
 * belongs in them. Page tables are a cache of the vmmap: they start empty and
 * page faults fill them (vm_fault), so exec, mmap, brk and fork only edit areas.
 *
 * vmspace.lock (a sleep lock) serializes everything on one address space: area
 * changes, page-table changes and faults. It is never held across a user copy
 * (copy_to_user may fault, and the fault takes the lock).
 */
#ifndef ELK_KERN_VM_H
#define ELK_KERN_VM_H

#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/types.h>
#include <kern/sleeplock.h>
#include <kern/vmmap.h>

/* Whether [addr, addr+len) is a page-aligned range inside user space. */
static inline bool user_pages(uintptr_t addr, size_t len)
{
	uintptr_t end;
	return addr % PGSIZE == 0 && addr >= UMIN &&
	       !__builtin_add_overflow(addr, len, &end) && end <= USER_END;
}

struct vmobj;

struct vmspace {
	uint64_t *pml4;
	struct vmmap map;
	struct sleeplock lock;
	uintptr_t brk_start;	/* the heap is [brk_start, brk), after the program's bss */
	uintptr_t brk;
	/*
	 * The stack (the VMA_STACK area ending at USTACKTOP) may grow down to
	 * stack_floor, the guard page under it moving with it; the kernel places
	 * mappings and the heap below mmap_top, under the fully grown stack's guard.
	 * Set at execve from RLIMIT_STACK (vmspace_set_stack_limit), kept by fork;
	 * a limit lowered later stops growth higher (stack_growth_floor in vm.c).
	 */
	uintptr_t stack_floor;
	uintptr_t mmap_top;
	/* Paging (vm_reclaim): under vm.c's vmspaces_lock, but clock_hand under lock. */
	int scanners;			/* vm_reclaim's scans and vm_footprints' counts of it under way */
	bool dying;			/* vmspace_destroy waits for the scans: take no more */
	uint64_t shrink_walk;		/* the last vm_file_shrunk walk that visited it; vmspaces_lock */
	struct list_node all_link;	/* in every address space's list */
	uintptr_t clock_hand;		/* where the next scan goes on from */
};

/* RLIMIT_STACK's soft limit at boot, Linux's default. */
#define USTACK_LIMIT_DEFAULT (8UL << 20)
/* The most address space the stack reserves, as Linux's largest mmap gap: 5/6 of it. */
#define USTACK_RESERVE_MAX ROUNDDOWN(USTACKTOP / 6 * 5, PGSIZE)

/* Why a fault could not be resolved (VM_OK if it was). */
enum vm_fault_result {
	VM_OK,
	VM_NOT_MAPPED,		/* no area covers the address */
	VM_PROTECTION,		/* the area forbids the access (or a kernel address) */
	VM_STACK_GUARD,		/* the guard page under the stack */
	VM_BEYOND_EOF,		/* a file mapping past the end of its file */
	VM_NO_SPACE,		/* a file's page could not be made: its file system is full */
	VM_NO_MEMORY,
	VM_SWAP_ERROR,		/* the page could not be read back from swap */
};

/* Kinds of access, as a page fault reports them. */
#define VM_READ  0
#define VM_WRITE 1
#define VM_EXEC  2

/* A new empty address space (the kernel half mapped), or NULL. */
struct vmspace *vmspace_create(void);
/*
 * Free vs, every page only it used, and its tables; if vm_reclaim is scanning
 * it, first wait for the scan to stop (it stops at its next step). vs must not
 * be loaded; may sleep, no spinlock held.
 */
void vmspace_destroy(struct vmspace *vs);
/*
 * Page out up to want pages, for the page-out thread: a clock over every
 * address space, each scanned from its hand on. A mapped page whose accessed
 * bit is set has the bit cleared (its second chance); one without it is
 * unmapped, and written to swap if nothing else holds it (vmobj_pageout).
 * The syscall pages' areas are skipped. Stops after two turns round the
 * address spaces, or when swap is full. Returns the pages paged out. Sleeps;
 * no lock held.
 */
size_t vm_reclaim(size_t want);
/*
 * Call fn(vs, pages, arg) for every address space (the first FOOTPRINTS_MAX in
 * vm.c), pages being its footprint: the pages and swap entries held by its
 * areas' own anonymous and shadow objects, what ending its process would give
 * back (pages it shares copy-on-write with another process are not counted).
 * Each vs stays valid during its call (vmspace_destroy waits). For the
 * out-of-memory victim's choice; takes each vs->lock, no lock held.
 */
void vm_footprints(void (*fn)(struct vmspace *vs, size_t pages, void *arg), void *arg);
/* Make vs the address space of this CPU (NULL: the kernel's own tables). */
void vmspace_activate(struct vmspace *vs);
/*
 * The lowest address a stack that ends at USTACKTOP may grow down to under a
 * stack limit of limit bytes (at least a page, at most USTACK_RESERVE_MAX).
 */
uintptr_t vm_stack_floor(uint64_t limit);
/*
 * Let vs's stack grow to limit bytes (RLIMIT_STACK when execve lays it out):
 * its stack_floor and mmap_top follow. vs has no areas yet.
 */
void vmspace_set_stack_limit(struct vmspace *vs, uint64_t limit);

/*
 * A copy-on-write copy of src, for fork: every private area now shares its pages
 * read-only between both copies; shared areas stay shared. The copy's page tables
 * start empty. NULL if out of memory (src is still fully usable).
 */
struct vmspace *vmspace_fork(struct vmspace *src);

/*
 * Fold away the copy-on-write layers under vs's areas that no other address space
 * reaches any more (the other side of a fork has exited or exec'd), freeing the
 * pages they held hidden under vs's own copies. Takes vs->lock.
 */
void vmspace_collapse(struct vmspace *vs);

/*
 * Resolve a fault at va for access (VM_READ/VM_WRITE/VM_EXEC) by mapping the page
 * its area says belongs there: copying on write, taking over, or zero-filling as
 * the objects dictate. A fault below the stack, in its guard page or under it,
 * first grows the stack down over va when that stays above vs->stack_floor and
 * leaves a free page under the stack for the guard. When memory runs out,
 * waits as memory_wait says (for the page-out thread, or for an
 * out-of-memory victim to end) and tries again, vs->lock dropped meanwhile;
 * VM_NO_MEMORY once memory_wait gives up. A page read back from swap is read
 * with vs->lock dropped too, and the fault is then tried again, so that
 * faults of other threads in vs go on meanwhile. Takes vs->lock.
 */
enum vm_fault_result vm_fault(struct vmspace *vs, uintptr_t va, int access);
/* Signal and words ("not mapped", ...) for a result other than VM_OK. */
int vm_fault_signal(enum vm_fault_result r);
const char *vm_fault_text(enum vm_fault_result r);

/*
 * Write n bytes from src at va in vs (loaded or not), faulting pages in as a user
 * write would, waiting for memory as vm_fault does (but reading pages back
 * from swap with vs->lock held). 0, or -EFAULT / -ENOMEM. Takes vs->lock.
 */
int vm_write(struct vmspace *vs, uintptr_t va, const void *src, size_t n);
/*
 * Whether the process could write [va, va+n) now: 0 with its pages faulted in as
 * its writes would fault them, nothing written; or -EFAULT / -ENOMEM. For a call
 * that must check a result pointer before doing what cannot be undone. Takes
 * vs->lock.
 */
int vm_writable(struct vmspace *vs, uintptr_t va, size_t n);

/*
 * The file object file has shrunk to size bytes (a truncation): in every
 * address space, unmap the pages from the first page wholly past the end that
 * areas reaching file map (a shared mapping of it, or a private one over it),
 * and drop the private copies made of those pages, so that the next touch
 * there is SIGBUS, as on Linux. The caller holds no vs->lock; takes each in
 * turn.
 */
void vm_file_shrunk(struct vmobj *file, uint64_t size);

/*
 * The calls below expect vs->lock held.
 *
 * Map [start, start+len) onto obj from offset off (page-aligned values), replacing
 * nothing: the range must be free. Takes its own reference on obj. 0 or -errno
 * as vmmap_insert.
 */
int vm_map(struct vmspace *vs, uintptr_t start, size_t len, int prot, int flags,
	   struct vmobj *obj, uint64_t off);
/* Unmap [start, end) (munmap), dropping the pages nothing else maps. 0 or -errno. */
int vm_unmap(struct vmspace *vs, uintptr_t start, uintptr_t end);
/*
 * Map every area of vs that maps from (there may be several, or none) onto to
 * instead, at the same addresses, offsets and protection, with flags (MAP_*)
 * for the new areas: what fork gives a child for memory it must not share.
 * 0 or -errno as vm_unmap and vm_map; on an error, the areas not yet replaced
 * and the one being replaced may be gone.
 */
int vm_replace_object(struct vmspace *vs, struct vmobj *from, struct vmobj *to, int flags);
/* Change the protection of [start, end) (mprotect). 0 or -errno as vmmap_protect. */
int vm_protect(struct vmspace *vs, uintptr_t start, uintptr_t end, int prot);

#endif
