/*
 * void swtch(struct context **from, struct context *to)
 * Save the callee-saved registers and RFLAGS on the current stack, store the
 * stack pointer in *from, and resume the thread whose saved context is `to`.
 * RFLAGS belongs to the thread: a flag one thread leaves set in the kernel (NT,
 * AC, DF) must not reach another, whose iretq or string copies it would break.
 */
.text
.globl swtch
swtch:
	pushfq
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	popfq
	ret

/*
 * First code a new thread runs, entered from swtch's ret. r12 = fn (NULL for a
 * thread that returns to user mode), r13 = arg. For a user thread, rsp now points
 * at its trap frame, and iretq sets its flags. A kernel thread runs fn with
 * interrupts on, whatever the thread that switched to it had.
 */
.globl thread_trampoline
thread_trampoline:
	call thread_first_run
	testq %r12, %r12
	jz trapret
	sti
	movq %r13, %rdi
	call *%r12
	call thread_exit
