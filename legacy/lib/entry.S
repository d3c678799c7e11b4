/*
 * _start: where every user program begins. The kernel leaves the System V
 * process stack at rsp: argc, argv[0..argc-1], NULL, envp..., NULL, auxv pairs.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp		# the outermost frame: backtraces stop here
	movq	(%rsp), %rdi		# argc
	leaq	8(%rsp), %rsi		# argv
	leaq	16(%rsp,%rdi,8), %rdx	# envp: past argv's NULL
	# The ABI promises a 16-byte aligned rsp here (user/args checks that the kernel
	# keeps it); aligning anyway means a slip cannot crash SSE code in every program.
	andq	$-16, %rsp
	call	libmain
	ud2				# libmain never returns

/* No executable stack wanted. */
	.section .note.GNU-stack, "", @progbits
