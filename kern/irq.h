/*
 * Device interrupt vectors handed out at run time (MSI-X and the like): a
 * driver asks for a vector with its handler, programs the device to send it,
 * and trap dispatch calls the handler, then signals end of interrupt.
 */
#ifndef ELK_KERN_IRQ_H
#define ELK_KERN_IRQ_H

#include <inc/trap.h>
#include <inc/types.h>

#define T_IRQ_DYN     0x40	/* the first vector irq_alloc hands out */
#define T_IRQ_DYN_END 0x80	/* one past the last: T_SYSCALL, int $0x80 */

/*
 * A free vector whose interrupts call fn(arg), with interrupts off, on the
 * CPU that takes them; -EBUSY if every vector is taken. Called at boot.
 */
int irq_alloc(void (*fn)(void *), void *arg);

/* If trapno is an irq_alloc vector: call its handler, end the interrupt, true. */
bool irq_dispatch(uint64_t trapno);

_Static_assert(T_IRQ_DYN >= T_IRQ0 + 16 && T_IRQ_DYN_END <= T_SYSCALL,
	       "device vectors must stay clear of the 8259's and of int $0x80");

#endif
