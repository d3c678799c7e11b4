/*
 * TLB shootdown. A CPU may cache a translation for as long as it keeps the
 * address space loaded, so a change that removes or narrows a mapping is done
 * only once every such CPU has dropped it: the changer sends the others an IPI
 * (T_IPI_TLB) naming the range and waits for each to flush. Which CPUs may hold
 * a user translation: those that have the top-level table in CR3 (each table's
 * struct page keeps that mask, vmspace_activate maintains it; elk uses no PCIDs,
 * so a CPU that loaded another table holds nothing of this one). Kernel-half
 * translations that change (kernel stacks): every CPU, but one that idles is
 * only marked, and flushes everything when it wakes (tlb_idle_exit): an idle
 * CPU touches no kernel stack but its own. An idle CPU also leaves any user
 * address space (the scheduler loop loads the kernel's tables before it
 * halts), so that it is in no user mask either.
 *
 * One shootdown runs at a time (tlb_lock). A CPU waiting for tlb_lock, or for
 * spinlocks in general, may have interrupts off, so a sender that waits for the
 * lock serves the request in flight itself; and since a CPU spinning on any
 * other lock cannot answer, the caller must hold no spinlock (checked in the
 * debug build). See docs/memory.md.
 */
#ifndef ELK_KERN_TLB_H
#define ELK_KERN_TLB_H

#include <inc/types.h>

/*
 * When this returns, no CPU (this one included) holds a translation for
 * [start, end) of the address space whose top-level table is pml4 (ignored for
 * kernel addresses, which every table shares). Caller holds no spinlock.
 */
void tlb_shootdown(uint64_t *pml4, uintptr_t start, uintptr_t end);
/*
 * When this returns, no other CPU has pml4 loaded (those that had switch to
 * the kernel's own tables): it may be freed. This CPU must not have it loaded.
 * Caller holds no spinlock.
 */
void tlb_leave(uint64_t *pml4);
/* The T_IPI_TLB handler: carry out the request in flight if it is this CPU's. */
void tlb_ipi(void);
/*
 * This CPU idles (with the kernel's own tables loaded, so it is in no user
 * mask): shootdowns of kernel addresses skip it and mark it stale instead.
 * Interrupts off.
 */
void tlb_idle_enter(void);
/* This CPU stops idling: flush its TLB if a shootdown skipped it meanwhile. */
void tlb_idle_exit(void);
/* Record that this CPU loads pml4 into CR3 (true) or has just switched from it (false). */
void tlb_note_loaded(uint64_t *pml4, bool loaded);

#endif
