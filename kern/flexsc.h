/*
 * Exception-less system calls: syscall pages and the syscall threads that serve
 * them (the contract is inc/flexsc.h; docs/flexsc.md explains the design).
 */
#ifndef ELK_KERN_FLEXSC_H
#define ELK_KERN_FLEXSC_H

#include <inc/flexsc.h>
#include <inc/types.h>

struct proc;

int64_t sys_flexsc_register(const struct flexsc_options *uopts);
int64_t sys_flexsc_wait(uintptr_t uentry);
int64_t sys_flexsc_wake(void);

/*
 * Stop p's syscall threads, wait until they are gone, and free p's registration
 * (the pages stay mapped in p's address space until it goes). Called by p's user
 * thread before it exits or replaces its image; nothing if p is not registered.
 */
void flexsc_teardown(struct proc *p);

/*
 * A signal is being delivered to p's user thread (the caller), or p's group
 * stops: every entry a syscall thread is running is interrupted, for reason
 * why (SIGINTR_*), so a blocked call in it gives up with -EINTR and then runs
 * again or completes with -EINTR as signal_call_restarts says. Nothing if p is
 * not registered.
 */
void flexsc_interrupt_calls(struct proc *p, unsigned why);
/*
 * An exit or execve posted on p's page has begun: no syscall thread claims
 * another entry (those pending are never run). Nothing if p is not registered.
 */
void flexsc_close(struct proc *p);

/*
 * fork's part: child, a fresh copy of registered parent, gets a private snapshot
 * of the syscall pages wherever the parent maps them (it starts unregistered),
 * in which the entry the calling syscall thread is running (if any) reads DONE
 * with ret 0 and every other pending entry DONE with -ECANCELED. If the child's
 * frame is that of a flexsc_wait, the child returns from it with what it would
 * find in its snapshot. 0 or -ENOMEM.
 */
int flexsc_fork_child(struct proc *parent, struct proc *child);

/* End the calling syscall thread (its process is going away). Never returns. */
void flexsc_thread_leave(void) __attribute__((noreturn));

#endif
