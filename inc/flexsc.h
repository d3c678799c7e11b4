/*
 * Exception-less system calls (FlexSC): the contract between user code and the
 * kernel's syscall threads. docs/flexsc.md explains it; lib/flexsc.c wraps it.
 *
 * A syscall page is 32 entries of two cache lines each: the first holds what
 * the kernel reads and writes for every call (status, sysnum, args, ret), the
 * second what the user adds (flags, tag). An entry's life:
 *
 *   user:   FREE --(fill sysnum, args; release-store)--> SUBMITTED
 *   kernel: SUBMITTED --(atomic compare-and-swap, by one syscall thread)--> BUSY
 *   kernel: BUSY --(copy args out, run the call, store ret; release-store)--> DONE
 *   kernel: BUSY <--> BLOCKED while the call's thread sleeps inside it (a pipe
 *           read with nothing to read, wait4, nanosleep): for the user to see
 *   user:   DONE --(read ret, then store)--> FREE
 *
 * The kernel reads an entry's sysnum and args once, after claiming it, so later
 * user stores cannot change a call in flight. Any status value other than
 * SUBMITTED is left alone by the kernel, so garbage is harmless. RESERVED is
 * such a value, the user library's own: an entry it has handed out that is not
 * yet submitted; the kernel treats it as FREE.
 *
 * tag is the user's: the kernel never reads or writes it, so it comes back
 * with the result as it was submitted (and in a child's snapshot after fork).
 *
 * Linked entries (FLEXSC_LINK in flags, io_uring's IOSQE_IO_LINK): the entry
 * after one that carries FLEXSC_LINK (the next index, wrapping from the last
 * entry of the last page to the first) is its follower, and runs only after
 * it has completed, on the thread that completed it. If it completed with a
 * negative result, the follower is not run but completes with -ECANCELED,
 * which cancels its own follower in turn: the rest of the chain, up to the
 * first entry without FLEXSC_LINK, reads DONE with -ECANCELED. A follower is
 * never claimed by a scan, only by its leader's thread right after the leader
 * ran, so a chain must be SUBMITTED last entry first (flexsc_submit_chain): a
 * follower not yet SUBMITTED when its leader completes is never run, and
 * waiting for it returns 0. Entries not linked run in any order, alongside.
 */
#ifndef ELK_INC_FLEXSC_H
#define ELK_INC_FLEXSC_H

#include <inc/types.h>

#define FLEXSC_FREE       0
#define FLEXSC_SUBMITTED  1
#define FLEXSC_BUSY       2
#define FLEXSC_DONE       3
#define FLEXSC_RESERVED   4
#define FLEXSC_BLOCKED    5	/* BUSY, and its syscall thread sleeps inside the call */

#define FLEXSC_LINK  0x1	/* flags: the next entry runs after this one (see above) */

struct flexsc_entry {
	/* First cache line: the call, touched by the kernel for every entry. */
	volatile uint32_t status;	/* FLEXSC_* */
	uint32_t sysnum;		/* SYS_* from inc/syscall.h */
	uint64_t args[6];
	int64_t ret;			/* result or -errno, valid once DONE */
	/* Second cache line: the user's additions, read by the kernel at most once. */
	uint32_t flags;			/* FLEXSC_LINK; other bits are ignored */
	uint32_t reserved0;		/* ignored */
	uint64_t tag;			/* the user's, never touched by the kernel */
	uint64_t reserved[6];		/* ignored */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct flexsc_entry) == 128, "an entry is two cache lines");
_Static_assert(__builtin_offsetof(struct flexsc_entry, sysnum) == 4, "entry layout");
_Static_assert(__builtin_offsetof(struct flexsc_entry, args) == 8, "entry layout");
_Static_assert(__builtin_offsetof(struct flexsc_entry, ret) == 56, "entry layout");
_Static_assert(__builtin_offsetof(struct flexsc_entry, flags) == 64, "entry layout");
_Static_assert(__builtin_offsetof(struct flexsc_entry, tag) == 72, "entry layout");

#define FLEXSC_ENTRIES_PER_PAGE  (4096 / sizeof(struct flexsc_entry))	/* 32 */
#define FLEXSC_MAX_PAGES         8	/* 256 entries */
#define FLEXSC_MAX_THREADS       16
#define FLEXSC_DEFAULT_THREADS   4

/*
 * flexsc_register(opts): map opts->npages syscall pages (1..FLEXSC_MAX_PAGES,
 * 0 means 1) into the caller, read-write, all entries FREE, followed by one
 * control page (struct flexsc_ctl), read-only, and start opts->nthreads
 * syscall threads (1..FLEXSC_MAX_THREADS, 0 means FLEXSC_DEFAULT_THREADS).
 * When every thread of the pool is blocked in a call, flexsc_wait adds one, up
 * to one per entry, so that calls that block never stall the rest of the page
 * (memory permitting: see flexsc_wait). Returns the address of the first page,
 * or -EFAULT (bad opts pointer), -EINVAL (bad counts, placement, CPU mask,
 * flags or reserved fields), -EBUSY (already registered), -ENOMEM, or -EAGAIN
 * if kernel stacks for the threads ran out.
 *
 * Address: with opts->addr 0 the kernel picks where the pages go (the highest
 * free range below the stack, like mmap). Otherwise the pages start exactly
 * there, checked as mmap(MAP_FIXED_NOREPLACE) checks: -EINVAL if addr is not
 * page aligned, -ENOMEM if the npages + 1 pages do not fit in user space,
 * -EEXIST if any of them overlaps an existing mapping (which is left alone).
 *
 * Placement, where the syscall threads run:
 * - FLEXSC_PLACE_SAME (0): wherever the process may run (its CPU mask when it
 *   registers, sched_setaffinity), so normally beside the caller; they run
 *   when flexsc_wait kicks them. cpus must be 0 and polling is -EINVAL.
 * - FLEXSC_PLACE_CORES: pinned to the CPUs in cpus (bit n: CPU n; a non-empty
 *   set of CPUs that are running, else -EINVAL), the syscall cores, with
 *   threads flexsc_wait adds too. The caller's own CPU may be among them.
 *
 * Polling (FLEXSC_POLL, with FLEXSC_PLACE_CORES only): a syscall thread with
 * nothing to run does not sleep but looks at the pages again and again, for
 * idle_us microseconds (0: FLEXSC_DEFAULT_IDLE_US; FLEXSC_IDLE_FOREVER: as
 * long as the registration lasts), giving its CPU to any other thread that
 * waits for it; entries submitted meanwhile are run without any trap. Once the
 * idle time passes with nothing to run it sleeps, like a thread that does not
 * poll. When no thread of the pool is polling or running an entry (each is
 * asleep, idle or blocked inside a call), the control page's flags read
 * FLEXSC_NEED_WAKEUP: a user that submits, then (after a full barrier) finds
 * the flag, calls flexsc_wake to start one; without the flag it need not trap
 * at all. idle_us must be 0 without FLEXSC_POLL.
 */
#define FLEXSC_PLACE_SAME   0
#define FLEXSC_PLACE_CORES  1

#define FLEXSC_POLL         0x1	/* opts.flags */

#define FLEXSC_DEFAULT_IDLE_US  1000
#define FLEXSC_IDLE_FOREVER     (~(uint64_t)0)

struct flexsc_options {
	uint32_t npages;
	uint32_t nthreads;
	uint32_t placement;	/* FLEXSC_PLACE_* */
	uint32_t flags;		/* FLEXSC_POLL */
	uint64_t cpus;		/* FLEXSC_PLACE_CORES: the syscall cores, bit n CPU n */
	uint64_t idle_us;	/* FLEXSC_POLL: how long a thread polls an idle page */
	uint64_t addr;		/* 0, or where the pages go (see above) */
	uint64_t reserved;	/* must be zero */
};

/*
 * The control page, right after the syscall pages: the kernel's word to the
 * user, written by the kernel only (the user's view is read-only; whatever the
 * user makes of it, the kernel never reads it).
 */
struct flexsc_ctl {
	volatile uint32_t flags;	/* FLEXSC_NEED_WAKEUP */
};

#define FLEXSC_NEED_WAKEUP  0x1	/* no syscall thread polls: flexsc_wake after submitting */

/*
 * flexsc_wake(): start a syscall thread of the caller's pool that sleeps, as
 * flexsc_wait's kick does, without waiting for anything: what a user calls
 * after submitting when the control page says FLEXSC_NEED_WAKEUP, and, with
 * any placement, how entries posted and never waited for get run. 0; -EINVAL
 * if the caller is not registered (or posts it on a page).
 */

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
 *   finish or give up), and entries still pending are never completed. No
 *   entry is claimed between the exit's claim and that close on the same CPU;
 *   one claimed on another CPU at that very moment may run beside the exit,
 *   as two entries may (link them to order them). A cancelled exit (its
 *   leader failed) ends nothing.
 * - execve: on success the process runs the new program, unregistered; once it
 *   has succeeded no other entry is started. (While it builds the new image,
 *   other syscall threads may run other entries, as any two entries of a page
 *   may run at once; its followers never run.)
 * - flexsc_register, flexsc_wait and flexsc_wake cannot be posted (-EINVAL).
 */

#endif
