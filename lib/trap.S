/*
 * The two trap paths into the kernel. Both take (num, a1, ..., a6) in the C
 * calling convention (rdi, rsi, rdx, rcx, r8, r9, then the stack) and move them
 * to the kernel's: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9.
 * The result comes back in rax; everything they clobber is caller-saved.
 */
	.text

/* Shuffle C arguments into the kernel's registers. */
.macro KERNEL_ARGS
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
.endm

/* long syscall6(num, a1..a6): the syscall instruction (it clobbers rcx and r11). */
	.globl syscall6
	.type syscall6, @function
syscall6:
	KERNEL_ARGS
	syscall
	ret
	.size syscall6, . - syscall6

/* long int80_syscall6(num, a1..a6): the int $0x80 gate, for comparison and tests. */
	.globl int80_syscall6
	.type int80_syscall6, @function
int80_syscall6:
	KERNEL_ARGS
	int	$0x80
	ret
	.size int80_syscall6, . - int80_syscall6

/* No executable stack wanted. */
	.section .note.GNU-stack, "", @progbits
