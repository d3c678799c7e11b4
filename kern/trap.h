#ifndef ELK_KERN_TRAP_H
#define ELK_KERN_TRAP_H

#include <inc/trap.h>

/* Load the IDT on this CPU (built once by the boot CPU). */
void idt_init(void);
/* Print every register of tf. */
void print_trapframe(const struct trapframe *tf);

#endif
