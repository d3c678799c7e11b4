/*
 * elk's own user library (lib/, built into libelk.a), for programs that link
 * musl (musl-gcc -static): what no C library has. Include it beside musl's
 * headers; every name here is elk's own.
 *
 * The Linux calls come from musl (read, fork, mmap, ... and syscall()), which
 * returns -1 and sets errno on failure. What this library returns instead is
 * the kernel's raw result: a non-negative value on success, or a negative
 * errno (-ENOENT, -EFAULT, ...), as the raw trap stubs, the syscall pages and
 * elk's own calls give it.
 */
#ifndef ELK_INC_LIB_H
#define ELK_INC_LIB_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <inc/flexsc.h>
#include <inc/ipc.h>
#include <inc/ksignal.h>
#include <inc/syscall.h>

/* The name the program was started as (musl's, set before main). */
extern char *program_invocation_name;
#define progname program_invocation_name

/*
 * Raw entry paths. syscall6 uses the syscall instruction, int80_syscall6 the
 * int $0x80 gate; both take the call number and six arguments and return rax
 * (the raw result). Benchmarks and tests call them directly to choose a path.
 */
long syscall6(long num, long a1, long a2, long a3, long a4, long a5, long a6);
long int80_syscall6(long num, long a1, long a2, long a3, long a4, long a5, long a6);

/* The trap paths by name, for programs that try a call on each. */
typedef long (*trap_fn)(long num, long a1, long a2, long a3, long a4, long a5, long a6);
struct trap_path {
	const char *name;
	trap_fn call;
};
#define NTRAP_PATHS 2
extern const struct trap_path trap_paths[NTRAP_PATHS];

/* Whether p, a raw result cast to a pointer (mmap's, brk's), is a -errno. */
static inline bool ptr_failed(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-4095;
}

/*
 * The raw result of a C library call that returns -1 and sets errno on
 * failure: r, or -errno when r is -1. For checks written against -EXXX.
 */
static inline long sysret(long r)
{
	return r == -1 ? -errno : r;
}

/*
 * The break: the raw brk call (musl's brk refuses to move it), which moves the
 * break to addr if it can and returns the break as it now is, and sbrk over
 * it: the old break, or (void *)-ENOMEM.
 */
void *elk_brk(void *addr);
void *elk_sbrk(intptr_t incr);

/*
 * A test program's checks: unless ok (or got == want), print "PROGNAME: FAIL
 * what" (with both values) and count a failure in test_failures.
 */
extern int test_failures;
void check(bool ok, const char *what);
void expect(const char *what, long got, long want);
/*
 * A test program's last line: "PROGNAME: ok" and 0 when failures is 0, else
 * "PROGNAME: N failures" and 1. Returns main's exit status.
 */
int test_verdict(int failures);
/* When a test cannot go on: "panic: FILE:LINE: message" on stderr, then exit(1). */
void _panic(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define panic(...) _panic(__FILE__, __LINE__, __VA_ARGS__)
/* Restrict the calling process to CPU cpu (sched_setaffinity). 0 or -errno. */
int pin_to_cpu(int cpu);
/* Nanoseconds of CLOCK_MONOTONIC, for measuring intervals. */
uint64_t monotonic_ns(void);
/* "SIGSEGV" etc. for the signals faults end programs with; "SIG?" for others. */
const char *signame(int signo);
/*
 * Start prog (a path, or without a '/' the program of that name in /bin) with
 * argv in a child process (fork and execve); returns the child's pid, or
 * -errno of a failed fork. If
 * execve fails, the child prints "PROGNAME: PROG: not found" (or the error
 * number) on stderr and exits with 127.
 */
pid_t spawn(const char *prog, char *const argv[]);
/*
 * Wait for child pid, named name, and return its wait status; unless it exited
 * 0, say how it ended ("PROGNAME: NAME exited 3", "... killed by signal 9").
 * -1 (and a line saying so) if wait4 failed.
 */
int reap_child(pid_t pid, const char *name);

/*
 * The kernel's memory in use, for leak checks: pages outside its small-object
 * allocator, and its objects. Two readings are equal when everything allocated
 * between them has been freed, wherever the allocator happened to put objects
 * (which moves the free-page count by a page now and then).
 */
struct memuse {
	long pages;
	long objects;
};
struct memuse memuse(void);
bool memuse_equal(struct memuse a, struct memuse b);

/*
 * Print prompt, then read one line from the console into buf (at most size-1
 * characters, NUL-terminated, without the newline), echoing what is typed and
 * honouring backspace, as a shell's line editor does (lib/readline.c). Returns
 * the line's length, or -1 if input ended before a character was typed.
 */
int readline(const char *prompt, char *buf, size_t size);

/*
 * System calls from inc/syscall.def: for every call NAME, flex_NAME makes one
 * call through the default syscall ring and waits for it (lib/flexsc.c); for
 * elk's own calls (500 and up), NAME also makes it on the trap path
 * (lib/syscall.c). Each returns the kernel's result as is. The structures the
 * Linux calls take are musl's (the kernel ABI's layouts).
 */
struct iovec;
struct linux_dirent64;
struct pollfd;
struct rlimit;
struct stat;
struct sysinfo;
struct timespec;
struct utsname;
#define SYSCALL0(num, name, ret) ret flex_##name(void);
#define SYSCALL1(num, name, ret, t1, a1) ret flex_##name(t1 a1);
#define SYSCALL2(num, name, ret, t1, a1, t2, a2) ret flex_##name(t1 a1, t2 a2);
#define SYSCALL3(num, name, ret, t1, a1, t2, a2, t3, a3) ret flex_##name(t1 a1, t2 a2, t3 a3);
#define SYSCALL4(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4) \
	ret flex_##name(t1 a1, t2 a2, t3 a3, t4 a4);
#define SYSCALL5(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	ret flex_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);
#define SYSCALL6(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	ret flex_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);
#define SYSCALL_OWN_WRAPPER0(...)
#define SYSCALL_OWN_WRAPPER1(...)
#include <inc/syscall.def>
#define SYSCALL_ELK_ONLY
#define SYSCALL0(num, name, ret) ret name(void);
#define SYSCALL1(num, name, ret, t1, a1) ret name(t1 a1);
#define SYSCALL2(num, name, ret, t1, a1, t2, a2) ret name(t1 a1, t2 a2);
#define SYSCALL3(num, name, ret, t1, a1, t2, a2, t3, a3) ret name(t1 a1, t2 a2, t3 a3);
#define SYSCALL4(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4);
#define SYSCALL5(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);
#define SYSCALL6(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	ret name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);
#define SYSCALL_OWN_WRAPPER0(...)
#define SYSCALL_OWN_WRAPPER1(...)
#include <inc/syscall.def>

/*
 * Exception-less system calls (lib/flexsc.c; the protocol is inc/flexsc.h).
 * A ring is the caller's view of its syscall pages. The verbs that run once per
 * entry are inline here, as liburing's are: a call and a return would cost
 * more than the verb itself.
 */
struct flexsc_ring {
	struct flexsc_entry *entries;	/* NULL when not registered */
	unsigned nentries;
	unsigned cursor;		/* where the search for a FREE entry starts */
};
/* The ring the flex_* wrappers use: the last one flexsc_setup registered. */
extern struct flexsc_ring flexsc_default_ring;
/*
 * This process's entries submitted, flexsc_wait traps and flexsc_wake traps,
 * for reports.
 */
extern unsigned long flexsc_submitted, flexsc_waits, flexsc_wakes;
/*
 * The control page of this process's registration if its threads poll, else
 * NULL: flexsc_submit reads its FLEXSC_NEED_WAKEUP.
 */
extern const struct flexsc_ctl *flexsc_poll_ctl;
/*
 * How many times flexsc_wait_for looks at an entry of a polled registration
 * before it traps (flexsc_wait): a bounded spin, 16,384 looks unless the
 * program changes it (0: trap at once).
 */
extern unsigned long flexsc_spin_limit;

/* Register npages syscall pages and nthreads syscall threads (0: defaults). 0 or -errno. */
int flexsc_setup(struct flexsc_ring *r, unsigned npages, unsigned nthreads);
/* The same with every option of inc/flexsc.h (placement, polling). 0 or -errno. */
int flexsc_setup_with(struct flexsc_ring *r, const struct flexsc_options *opts);
/* The trap that starts a polling pool that sleeps (flexsc_wake, inc/flexsc.h). */
int flexsc_wake(void);

/*
 * A FREE entry of r, now RESERVED for the caller until it is submitted or
 * released; NULL if every entry is in use or r is not registered. Entries are
 * handed out in turn, so a batch lies in a row.
 */
static inline struct flexsc_entry *flexsc_get_entry(struct flexsc_ring *r)
{
	unsigned i = r->cursor;

	/* Wrap by comparison, not %: a division is a slow helper under emulation. */
	for (unsigned k = 0; r->entries && k < r->nentries; k++) {
		struct flexsc_entry *e = &r->entries[i];
		if (++i == r->nentries)
			i = 0;
		if (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) == FLEXSC_FREE) {
			__atomic_store_n(&e->status, FLEXSC_RESERVED, __ATOMIC_RELAXED);
			r->cursor = i;
			return e;
		}
	}
	return NULL;
}

/* Fill reserved entry e with a call (the page is not told yet). */
static inline void flexsc_prep(struct flexsc_entry *e, long sysnum, long a0, long a1, long a2,
			       long a3, long a4, long a5)
{
	e->sysnum = (uint32_t)sysnum;
	e->args[0] = (uint64_t)a0;
	e->args[1] = (uint64_t)a1;
	e->args[2] = (uint64_t)a2;
	e->args[3] = (uint64_t)a3;
	e->args[4] = (uint64_t)a4;
	e->args[5] = (uint64_t)a5;
	e->flags = 0;	/* not linked, unless flexsc_submit_chain says so */
}

/*
 * Hand e to the syscall threads (release store of SUBMITTED). If they poll,
 * look at the control page after a full barrier, and trap to wake them only
 * if it says they all sleep.
 */
static inline void flexsc_submit(struct flexsc_entry *e)
{
	flexsc_submitted++;
	__atomic_store_n(&e->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
	if (flexsc_poll_ctl) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (flexsc_poll_ctl->flags & FLEXSC_NEED_WAKEUP)
			flexsc_wake();
	}
}

/* Whether e is DONE (acquire load). */
static inline bool flexsc_done(const struct flexsc_entry *e)
{
	return __atomic_load_n(&e->status, __ATOMIC_ACQUIRE) == FLEXSC_DONE;
}

/* Give back e, RESERVED and never submitted or DONE with a result not wanted: FREE. */
static inline void flexsc_release(struct flexsc_entry *e)
{
	__atomic_store_n(&e->status, FLEXSC_FREE, __ATOMIC_RELEASE);
}

/* The result of DONE entry e, which is released. */
static inline int64_t flexsc_reap(struct flexsc_entry *e)
{
	int64_t ret = e->ret;
	flexsc_release(e);
	return ret;
}

/* get, prep and submit: the entry, or NULL if the ring is full or not registered. */
static inline struct flexsc_entry *flexsc_post(struct flexsc_ring *r, long sysnum, long a0,
					       long a1, long a2, long a3, long a4, long a5)
{
	struct flexsc_entry *e = flexsc_get_entry(r);
	if (e) {
		flexsc_prep(e, sysnum, a0, a1, a2, a3, a4, a5);
		flexsc_submit(e);
	}
	return e;
}

/*
 * n consecutive entries of r (1..r->nentries, wrapping as the kernel does),
 * each FREE, RESERVED for a chain of linked calls, into chain[0..n-1], the
 * first where the search for a FREE entry starts or after it. 0, or -EBUSY if
 * there are no n such, -EINVAL if r is not registered. Prep each, then
 * flexsc_submit_chain.
 */
int flexsc_get_chain(struct flexsc_ring *r, struct flexsc_entry **chain, unsigned n);
/*
 * Link chain[0..n-1] (FLEXSC_LINK on all but the last) and submit them, last
 * first, as inc/flexsc.h requires: each runs after the one before it, and one
 * that fails cancels the rest with -ECANCELED. Entries' tags stay as set.
 */
void flexsc_submit_chain(struct flexsc_entry **chain, unsigned n);

/* The one trap: until at least one entry is DONE. How many are, or -errno. */
int flexsc_wait(void);
/*
 * The same trap, for e alone: 1 once e is DONE, 0 if it cannot become DONE
 * because it is not on its way (not submitted, and no syscall thread runs it),
 * or -errno.
 */
int flexsc_wait_entry(const struct flexsc_entry *e);
/*
 * flexsc_wait_entry until it is no longer refused for want of syscall threads
 * (-EAGAIN, -ENOMEM: the pool could not grow). Then e is taken back if it has
 * not started (SUBMITTED -> FREE) and the refusal returned, the call not made;
 * an e that has started is waited for on, a millisecond's sleep between tries.
 * A wait a signal's handler interrupted (-EINTR) is made again: e's own result
 * says whether the call was interrupted.
 */
int flexsc_await(struct flexsc_entry *e);
/*
 * Wait until e is DONE and reap it: e's result, -errno of flexsc_await if that
 * fails (e was then not run, and is FREE), or -EINVAL if e was not submitted.
 * No trap if e is DONE already, as the entries of a batch after the first are,
 * nor if it becomes DONE within flexsc_spin_limit looks when the threads poll.
 */
static inline int64_t flexsc_wait_for(struct flexsc_entry *e)
{
	if (flexsc_poll_ctl)
		for (unsigned long n = flexsc_spin_limit; n && !flexsc_done(e); n--)
			__builtin_ia32_pause();
	if (!flexsc_done(e)) {
		int r = flexsc_await(e);
		if (r < 0)
			return r;
		if (!flexsc_done(e))
			return -EINVAL;
	}
	return flexsc_reap(e);
}
/*
 * post and wait_for: one call through the page. -EBUSY if the ring is full,
 * -EINVAL if it is not registered.
 */
int64_t flexsc_call(struct flexsc_ring *r, long sysnum, long a0, long a1, long a2, long a3,
		    long a4, long a5);

/*
 * fork on the page; in the child (0) the ring is forgotten: flexsc_setup again.
 * musl is not told (its fork's handlers do not run), as with any raw fork.
 */
pid_t flex_fork(void);
/*
 * exit_group on the page (on the trap path if the page cannot take it). As
 * _exit, it flushes no stdio buffer: what is to be seen, write first.
 */
void flex_exit(int status) __attribute__((noreturn));

#endif
