/* Catching signals: rt_sigaction with a restorer, as a C library's sigaction sets one. */
#include <inc/lib.h>
#include <inc/signal.h>
#include <inc/syscall.h>

/* Where a handler returns: rt_sigreturn, with the kernel's frame just above rsp. */
void signal_restorer(void);
asm(".text\n"
    ".globl signal_restorer\n"
    "signal_restorer:\n\t"
    "movq $15, %rax\n\t"	/* SYS_rt_sigreturn */
    "syscall\n\t"
    "ud2\n");

int signal_catch(int sig, void (*handler)(int), unsigned long flags)
{
	struct ksigaction act = {
		.handler = (void *)handler,
		.flags = flags | SA_RESTORER,
		.restorer = (void *)signal_restorer,
	};
	return rt_sigaction(sig, &act, NULL, sizeof(ksigset_t));
}
