/*
 * Kernel entry and exit. Interrupts and exceptions arrive through per-vector
 * stubs that push a trap number (and a 0 where the CPU pushes no error code)
 * and join alltraps; the syscall instruction arrives at syscall_entry. Both build
 * a struct trapframe (inc/trap.h) on the thread's kernel stack.
 */
#include <inc/mmu.h>
#include <inc/trap.h>
#include <kern/cpu.h>

.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/*
 * Vectors whose exceptions push an error code (Intel SDM vol. 3, table 6-1).
 * NMI, double fault and machine check can arrive at any instruction, even where
 * the CPU is in ring 0 with the user's GS base still loaded: they join
 * paranoid_traps.
 */
.macro VECTOR n
	.balign 16
vector\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	.if (\n == T_NMI || \n == T_DBLFLT || \n == T_MCHK)
	jmp paranoid_traps
	.else
	jmp alltraps
	.endif
.endm

.text
.globl vectors_start
vectors_start:
.altmacro
.set i, 0
.rept 256
	VECTOR %i
	.set i, i + 1
.endr

/*
 * The GS base to use is the user's exactly when the trap came from user mode
 * or from the iretq that returns to it (iret_to_user: nothing but the CPU
 * refusing the user frame can stop there, a #GP, #NP or #SS raised in ring 0
 * after the swapgs). Nothing else in
 * ring 0 runs with the user's GS base where a fault or interrupt can arrive:
 * trapret and the syscall exit turn interrupts off before they swap and touch
 * only the kernel stack, and NMI and machine check take the paranoid path.
 */
alltraps:
	testb $3, 24(%rsp)		/* came from user mode? (cs, above trapno and err) */
	jnz 1f
	cmpq $iret_to_user, 16(%rsp)	/* or from the return to it? (rip) */
	jne 2f
1:	swapgs
	incq %gs:CPU_OFF_TRAPS
2:	PUSH_REGS
	cld
	movq %rsp, %rdi
	call trap
.globl trapret
trapret:
	cli				/* no interrupt between swapgs and iretq */
	POP_REGS
	addq $16, %rsp			/* trapno, err */
	testb $3, 8(%rsp)
	jz 3f
	swapgs
.globl iret_to_user
iret_to_user:
	iretq
3:	iretq

/*
 * NMI, double fault and machine check. The saved cs cannot say which GS base
 * is loaded: the event may come at syscall_entry's first instruction, in ring
 * 0 before its swapgs, or just after the exit path's. The GS base itself can:
 * the kernel's is this CPU's struct cpu, a kernel (negative) address; the
 * user's never is. So read it (as Linux's paranoid entry does), swap if it is
 * the user's, and swap back on the way out. rbx, saved in the frame, remembers
 * which.
 */
paranoid_traps:
	PUSH_REGS
	cld
	movl $MSR_GS_BASE, %ecx
	rdmsr				/* edx:eax = GS base */
	xorl %ebx, %ebx
	testl %edx, %edx
	js 1f				/* a kernel address: the kernel's GS is loaded */
	swapgs
	movl $1, %ebx
1:	movq %rsp, %rdi
	call trap
	testl %ebx, %ebx
	jz 2f
	swapgs
2:	POP_REGS
	addq $16, %rsp			/* trapno, err */
	iretq

/*
 * syscall: rcx = user rip, r11 = user rflags, interrupts off (SFMASK). Build a
 * trap frame shaped like the CPU's, then call syscall_trap. It returns nonzero
 * when the frame can go back with sysretq (user rip canonical, frame untouched in
 * shape); otherwise leave through iretq, which restores every register.
 */
.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_OFF_USER_RSP
	movq %gs:CPU_OFF_KSTACK_TOP, %rsp
	incq %gs:CPU_OFF_TRAPS
	pushq $(GD_UD | 3)
	pushq %gs:CPU_OFF_USER_RSP
	pushq %r11
	pushq $(GD_UT | 3)
	pushq %rcx
	pushq $0
	pushq $T_SYSCALL_INSN
	PUSH_REGS
	movq %rsp, %rdi
	sti
	call syscall_trap
	cli
	testl %eax, %eax
	jz trapret
	POP_REGS
	addq $16, %rsp
	movq 0(%rsp), %rcx		/* rip */
	movq 16(%rsp), %r11		/* rflags */
	movq 24(%rsp), %rsp		/* user rsp */
	swapgs
	sysretq
