/*
 * fth_switch(from, to): the user-level context switch of FlexSC-Threads.
 * Saves what the SysV ABI says a callee keeps (rbx, rbp, r12-r15, the MXCSR
 * control bits and the x87 control word) on the current stack, stores the
 * stack pointer in *from, loads *to and restores the same from that stack.
 * A new thread's stack is laid out by fth_new_stack (sched.c) so that this
 * "returns" into fth_trampoline with the thread in r12.
 */
	.text
	.globl fth_switch
	.type fth_switch, @function
fth_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size fth_switch, .-fth_switch

/* A new thread's first instructions: fth_thread_main(thread), which never returns. */
	.globl fth_trampoline
	.type fth_trampoline, @function
fth_trampoline:
	movq %r12, %rdi
	call fth_thread_main
	ud2
	.size fth_trampoline, .-fth_trampoline

	.section .note.GNU-stack,"",@progbits
