/* TLB shootdown by IPI (see tlb.h). */
#include <inc/memlayout.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/cpu.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/tlb.h>

/* A range of more pages than this is flushed with a CR3 reload instead of invlpgs. */
#define FLUSH_EACH_MAX_PAGES 32

/* The request in flight: written under tlb_lock before pending is set. */
static struct spinlock tlb_lock = SPINLOCK_INIT("tlb", LOCK_TLB);
static struct {
	physaddr_t cr3;		/* the address space; ignored for kernel addresses */
	uintptr_t start, end;
	bool leave;		/* switch away from cr3 rather than flush */
} req;
static uint32_t pending;	/* CPUs that have yet to carry req out (atomic) */

/* The CPUs that have pml4 in CR3. */
static uint32_t *loaded_mask(uint64_t *pml4)
{
	return &pa2page(paddr(pml4))->loaded_on;
}

void tlb_note_loaded(uint64_t *pml4, bool loaded)
{
	uint32_t bit = 1U << mycpu()->id;

	if (loaded)
		__atomic_or_fetch(loaded_mask(pml4), bit, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(loaded_mask(pml4), ~bit, __ATOMIC_SEQ_CST);
}

/* Drop this CPU's translations for [start, end) of cr3, or leave cr3. Interrupts off. */
static void flush_here(physaddr_t cr3, uintptr_t start, uintptr_t end, bool leave)
{
	if (leave) {
		if (rcr3() == cr3) {
			lcr3(kern_cr3);
			tlb_note_loaded(kva(cr3), false);
		}
		return;
	}
	if (start < USER_END && rcr3() != cr3)
		return;
	if (start < USER_END && (end - start) / PGSIZE > FLUSH_EACH_MAX_PAGES) {
		lcr3(cr3);	/* the kernel's entries that matter are global and stay */
		return;
	}
	for (uintptr_t va = start; va < end; va += PGSIZE)
		invlpg(va);
}

/* Carry out the request in flight if this CPU is one it waits for. Interrupts off. */
static void serve_pending(void)
{
	uint32_t bit = 1U << mycpu()->id;

	if (!(__atomic_load_n(&pending, __ATOMIC_ACQUIRE) & bit))
		return;
	flush_here(req.cr3, req.start, req.end, req.leave);
	__atomic_and_fetch(&pending, ~bit, __ATOMIC_RELEASE);
}

void tlb_ipi(void)
{
	serve_pending();
}

void tlb_idle_enter(void)
{
	__atomic_store_n(&mycpu()->tlb_lazy, true, __ATOMIC_SEQ_CST);
}

/*
 * Lazy first, stale after; a sender marks stale first, reads lazy after. So
 * either the sender sees this CPU awake and sends it the IPI, or this CPU
 * sees the mark and flushes.
 */
void tlb_idle_exit(void)
{
	struct cpu *c = mycpu();

	__atomic_store_n(&c->tlb_lazy, false, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&c->tlb_stale, false, __ATOMIC_SEQ_CST))
		lcr3(rcr3());	/* every non-global translation */
}

/* targets, less the CPUs that idle: those are marked to flush when they wake. */
static uint32_t skip_idle(uint32_t targets)
{
	for (int i = 0; i < ncpu; i++) {
		if (!(targets & (1U << i)))
			continue;
		__atomic_store_n(&cpus[i].tlb_stale, true, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&cpus[i].tlb_lazy, __ATOMIC_SEQ_CST))
			targets &= ~(1U << i);
	}
	return targets;
}

/*
 * Flush (or leave) here, then have every other CPU of targets do the same, and
 * wait until they have.
 */
static void shoot(physaddr_t cr3, uintptr_t start, uintptr_t end, bool leave, uint32_t targets)
{
	spin_assert_none_but(NULL, "TLB shootdown");
	push_cli();
	struct cpu *c = mycpu();
	flush_here(cr3, start, end, leave);
	targets &= cpus_online() & ~(1U << c->id);
	if (!leave && start >= USER_END)
		targets = skip_idle(targets);
	if (targets) {
		while (!spin_trylock(&tlb_lock))
			serve_pending();
		req.cr3 = cr3;
		req.start = start;
		req.end = end;
		req.leave = leave;
		__atomic_store_n(&pending, targets, __ATOMIC_RELEASE);
		for (int i = 0; i < ncpu; i++)
			if (targets & (1U << i))
				lapic_ipi(cpus[i].apic_id, T_IPI_TLB);
		while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
			cpu_relax();
		spin_unlock(&tlb_lock);
	}
	pop_cli();
}

void tlb_shootdown(uint64_t *pml4, uintptr_t start, uintptr_t end)
{
	/* Page-table changes before, the read of who has the table loaded after. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bool kernel = start >= USER_END;
	uint32_t targets = kernel ? ~0U : __atomic_load_n(loaded_mask(pml4), __ATOMIC_SEQ_CST);
	shoot(kernel ? 0 : paddr(pml4), start, end, false, targets);
}

void tlb_leave(uint64_t *pml4)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint32_t targets = __atomic_load_n(loaded_mask(pml4), __ATOMIC_SEQ_CST);
	if (targets)
		shoot(paddr(pml4), 0, 0, true, targets);
}
