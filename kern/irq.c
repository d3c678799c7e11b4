/*
 * Device interrupt vectors (see irq.h). The table is filled at boot, before
 * the other CPUs run and before any device may send; an entry's fn is
 * published last with a release store, so a CPU that sees it sees its arg.
 */
#include <inc/errno.h>
#include <kern/irq.h>
#include <kern/lapic.h>

struct irq_handler {
	void (*fn)(void *);
	void *arg;
};

static struct irq_handler handlers[T_IRQ_DYN_END - T_IRQ_DYN];
static int nhandlers;

int irq_alloc(void (*fn)(void *), void *arg)
{
	if (nhandlers == T_IRQ_DYN_END - T_IRQ_DYN)
		return -EBUSY;
	struct irq_handler *h = &handlers[nhandlers];
	h->arg = arg;
	__atomic_store_n(&h->fn, fn, __ATOMIC_RELEASE);
	return T_IRQ_DYN + nhandlers++;
}

bool irq_dispatch(uint64_t trapno)
{
	if (trapno < T_IRQ_DYN || trapno >= T_IRQ_DYN_END)
		return false;
	struct irq_handler *h = &handlers[trapno - T_IRQ_DYN];
	void (*fn)(void *) = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn(h->arg);
	lapic_eoi();
	return true;
}
