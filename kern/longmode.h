/*
 * ENTER_LONG_MODE: from 32-bit protected mode with paging off, turn on PAE and
 * global pages, load CR3 with boot_pml4 (kern/entry.S), set EFER's long mode,
 * no-execute and syscall bits, and turn on paging (with write protection, x87
 * errors as exceptions, no FPU emulation). The CPU is then in long mode's
 * compatibility submode; a far jump to a 64-bit code segment follows. Used by
 * the boot CPU (kern/entry.S) and every AP (kern/apboot.S). Clobbers eax, ecx,
 * edx.
 */
#ifndef ELK_KERN_LONGMODE_H
#define ELK_KERN_LONGMODE_H

#include <inc/mmu.h>

.macro ENTER_LONG_MODE
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl $(boot_pml4 - KERNBASE), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP | CR0_NE | CR0_MP), %eax
	andl $~(CR0_EM | CR0_TS), %eax
	movl %eax, %cr0
.endm

#endif
