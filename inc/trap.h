/* Trap numbers and the trap frame, the register image saved on every kernel entry. */
#ifndef ELK_INC_TRAP_H
#define ELK_INC_TRAP_H

/*
 * Processor exceptions (Intel SDM vol. 3, table 6-1; 28-30 from the AMD APM vol. 2,
 * table 8-1). 15, 22-27 and 31 are reserved.
 */
#define T_DIVIDE     0
#define T_DEBUG      1
#define T_NMI        2
#define T_BRKPT      3
#define T_OFLOW      4
#define T_BOUND      5
#define T_ILLOP      6
#define T_DEVICE     7
#define T_DBLFLT     8
#define T_COPROC     9
#define T_TSS       10
#define T_SEGNP     11
#define T_STACK     12
#define T_GPFLT     13
#define T_PGFLT     14
#define T_FPERR     16
#define T_ALIGN     17
#define T_MCHK      18
#define T_SIMDERR   19
#define T_VIRT      20
#define T_CTRLPROT  21
#define T_HVINJ     28	/* hypervisor injection (AMD SEV-SNP) */
#define T_VMMCOMM   29	/* VMM communication (AMD SEV-ES) */
#define T_SECURITY  30	/* security exception (AMD SVM) */

#define T_IRQ0      32	/* first hardware interrupt vector */
#define IRQ_TIMER    0	/* local APIC timer */
#define IRQ_COM1     4
#define T_SYSCALL  0x80	/* int $0x80 */
#define T_IPI_RESCHED 0xf0	/* another CPU queued a thread here: look at the run queue */
#define T_IPI_TLB     0xf1	/* another CPU changed page tables: flush (kern/tlb.c) */
#define T_SPURIOUS 0xff

/* Not a vector: marks a frame built by the syscall instruction's entry path. */
#define T_SYSCALL_INSN 0x100

#ifndef __ASSEMBLER__
#include <inc/types.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t trapno;
	uint64_t err;	/* error code pushed by the CPU, or 0; a system call's number */
	/* Pushed by the CPU (or by the syscall entry path, in the same shape). */
	uint64_t rip, cs, rflags, rsp, ss;
};
#endif

#define TF_SIZE (22 * 8)

#endif
