/*
 * JOS-style inter-process communication: one process sends a 64-bit value, and
 * optionally a page, to another that is waiting to receive. Both calls block, and
 * both work on the trap path and through a syscall page.
 *
 * ipc_recv(dstva, msg): wait for a message. If dstva is not NULL (page-aligned,
 * in user space) the receiver accepts a page there: a copy of the sender's page
 * is mapped at dstva with the sender's perm, replacing what was mapped there.
 * Fills *msg and returns 0; -EFAULT for a bad msg or a dstva outside
 * [UMIN, USER_END), -EINVAL for an unaligned dstva, -EBUSY if another thread of
 * the process is receiving, -EINTR if the process is being torn down. After the
 * wait, -ENOMEM (no memory to map the page) or -EFAULT (msg unmapped meanwhile)
 * mean the message arrived and was lost.
 *
 * ipc_send(to, value, srcva, perm): wait until process `to` is receiving, then
 * deliver. srcva NULL sends no page (perm is then ignored); otherwise the page
 * at srcva (page-aligned, mapped, readable) is copied at the call and given to
 * the receiver if it accepts one, with perm (PROT_READ, optionally PROT_WRITE).
 * Returns 0; -ESRCH if `to` does not exist or exits while we wait; -EINVAL for a
 * bad perm or an unaligned srcva; -EFAULT for an unmapped srcva; -ENOMEM; -EINTR
 * if the process is being torn down. Sending to oneself with no other thread
 * receiving blocks, as in JOS.
 */
#ifndef ELK_INC_IPC_H
#define ELK_INC_IPC_H

#include <inc/types.h>

struct ipc_msg {
	int32_t from;		/* sender's pid */
	int32_t perm;		/* perm of the page received, 0 if none */
	uint64_t value;
};

#endif
