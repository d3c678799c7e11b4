/* System call dispatch: one table behind the syscall instruction and int $0x80. */
#ifndef ELK_KERN_SYSCALL_H
#define ELK_KERN_SYSCALL_H

#include <inc/types.h>

struct trapframe;

/* Run system call num with args; returns the result or -errno (-ENOSYS if unknown). */
int64_t syscall_invoke(uint64_t num, const uint64_t args[6]);
/* Take the call from tf (number in rax, arguments in rdi rsi rdx r10 r8 r9), result to rax. */
void syscall_dispatch(struct trapframe *tf);

#endif
