/*
 * Exception-less system calls (FlexSC): the contract between user code and the
 * kernel's syscall threads. docs/flexsc.md explains it; lib/flexsc.c wraps it.
 *
 * A syscall page is 64 entries of one cache line each. An entry's life:
 *
 *   user:   FREE --(fill sysnum, args; release-store)--> SUBMITTED
 *   kernel: SUBMITTED --(atomic compare-and-swap, by one syscall thread)--> BUSY
 *   kernel: BUSY --(copy args out, run the call, store ret; release-store)--> DONE
 *   user:   DONE --(read ret, then store)--> FREE
 *
 * The kernel reads an entry's sysnum and args once, after claiming it, so later
 * user stores cannot change a call in flight. Any status value other than
 * SUBMITTED is left alone by the kernel, so garbage is harmless. RESERVED is
 * such a value, the user library's own: an entry it has handed out that is not
 * yet submitted; the kernel treats it as FREE.
 */
#ifndef ELK_INC_FLEXSC_H
#define ELK_INC_FLEXSC_H

#include <inc/types.h>

#define FLEXSC_FREE       0
#define FLEXSC_SUBMITTED  1
#define FLEXSC_BUSY       2
#define FLEXSC_DONE       3
#define FLEXSC_RESERVED   4

struct flexsc_entry {
	volatile uint32_t status;	/* FLEXSC_* */
	uint32_t sysnum;		/* SYS_* from inc/syscall.h */
	uint64_t args[6];
	int64_t ret;			/* result or -errno, valid once DONE */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct flexsc_entry) == 64, "an entry is one cache line");

#define FLEXSC_ENTRIES_PER_PAGE  (4096 / sizeof(struct flexsc_entry))
#define FLEXSC_MAX_PAGES         4	/* 256 entries */
#define FLEXSC_MAX_THREADS       16
#define FLEXSC_DEFAULT_THREADS   4

/*
 * flexsc_register(opts): map opts->npages syscall pages (1..FLEXSC_MAX_PAGES,
 * 0 means 1) into the caller, read-write, all entries FREE, and start
 * opts->nthreads syscall threads (1..FLEXSC_MAX_THREADS, 0 means
 * FLEXSC_DEFAULT_THREADS). When every thread of the pool is blocked in a call,
 * flexsc_wait adds one, up to one per entry, so that calls that block never
 * stall the rest of the page (memory permitting: see flexsc_wait). Returns the
 * address of the first page, or -EFAULT (bad opts pointer), -EINVAL (bad
 * counts or reserved fields), -EBUSY (already registered), -ENOMEM, or -EAGAIN
 * if kernel stacks for the threads ran out.
 */
struct flexsc_options {
	uint32_t npages;
	uint32_t nthreads;
	uint64_t reserved[2];	/* must be zero */
};

/*
 * flexsc_wait(entry): the one trap of the batched path. Lets the syscall threads
 * run and returns the number of the caller's entries that they completed and
 * that still read DONE (not yet reaped), once at least one does (at once if one
 * already does); 0 if nothing is on its way: no entry SUBMITTED and no syscall
 * thread claiming or running one. With entry, the user address of one of the
 * caller's entries, it waits for that entry alone and returns 1 once it is
 * DONE, or 0 when it is not on its way: not SUBMITTED and run by no thread (a
 * BUSY the user wrote is not on its way), so it never can be DONE. While it
 * waits, every SUBMITTED entry is run. -EINVAL if the caller is not registered
 * or entry is not one of its entries, -EINTR if the process is being torn
 * down, -EAGAIN (kernel stacks ran out, or the process's share of them) or
 * -ENOMEM if entries are SUBMITTED, every syscall thread is blocked in a call
 * and no thread could be added: no entry is dropped (they stay SUBMITTED or
 * running, and the library's flexsc_wait_for takes back an entry that never
 * started), and the next flexsc_wait tries to grow the pool again.
 */

/*
 * Calls on the page run as the process, like the trap path, with these rules:
 * - fork: the child is a copy of the process as it stood when it last entered
 *   the kernel (in flexsc_wait, normally, whose count the child gets too; a
 *   child of a user thread that was inside any other call gets -EINTR from it).
 *   The child starts unregistered; its copy of the syscall pages is a private
 *   snapshot in which the fork entry reads DONE with ret 0 and every other
 *   entry then pending DONE with -ECANCELED; it may register again to get pages
 *   and threads of its own. The parent's entry gets the child's pid.
 * - exit, exit_group: end the process with every thread; once the call runs
 *   no other entry is started (calls already running on other syscall threads
 *   finish or give up), and entries still pending are never completed.
 * - execve: on success the process runs the new program, unregistered; once it
 *   has succeeded no other entry is started. (While it builds the new image,
 *   other syscall threads may run other entries, as any two entries of a page
 *   may run at once.)
 * - flexsc_register and flexsc_wait cannot be posted (-EINVAL).
 */

#endif
