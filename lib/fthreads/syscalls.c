/*
 * FlexSC-Threads on the syscall page: the scheduler's hooks (fthreads.h) and
 * the blocking calls of musl that this library replaces in a static link.
 *
 * A wrapped call takes a FREE entry (or waits in entry_waiters for one),
 * posts its call with the thread as the entry's tag, parks the thread and
 * switches to the next READY one. Before each choice of the next thread the
 * scheduler reaps: every entry in flight that reads DONE readies its thread
 * with the result. With nothing READY it calls flexsc_wait, the only trap.
 * A deadline (timed waits) is a clock_nanosleep(TIMER_ABSTIME) entry whose
 * completion fires it; a deadline disarmed first leaves its entry in flight,
 * orphaned, until the sleep ends. The page is registered on first use.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <inc/lib.h>
#include "fthreads.h"

#define NPAGES   FLEXSC_MAX_PAGES
#define NENTRIES (NPAGES * FLEXSC_ENTRIES_PER_PAGE)

/* What an entry in flight is for. */
struct slot {
	struct fth_thread *thread;	/* to ready when it is DONE; NULL: orphaned */
	bool timer;			/* a deadline: fth_timer_fired, not a result */
	struct timespec deadline;	/* the timer's clock_nanosleep argument, alive while in flight */
};

static struct flexsc_ring ring;
static struct slot slots[NENTRIES];
static uint16_t inflight[NENTRIES];	/* indices of the entries posted and not reaped */
static unsigned ninflight;
static struct fth_queue entry_waiters;	/* threads waiting for a FREE entry */

/* Register the pages once; a program of this library cannot run without them. */
static void attach(void)
{
	if (ring.entries)
		return;
	struct flexsc_options opts = { .npages = NPAGES };
	int r = flexsc_setup_with(&ring, &opts);
	if (r < 0) {
		fprintf(stderr, "fthreads: flexsc_register: error %d\n", -r);
		abort();
	}
}

/*
 * Post call sysnum on behalf of t, waiting for a FREE entry first if need be;
 * the entry's index. A deadline makes it a timer: its clock_nanosleep's
 * timespec (argument 2) is a copy kept in the slot while the entry is in flight.
 */
static unsigned post(struct fth_thread *t, const struct timespec *deadline, long sysnum, long a0,
		     long a1, long a2, long a3)
{
	struct flexsc_entry *e;

	attach();
	while (!(e = flexsc_get_entry(&ring)))
		fth_wait_on(&entry_waiters, CLOCK_MONOTONIC, NULL);
	unsigned i = (unsigned)(e - ring.entries);
	slots[i].thread = t;
	slots[i].timer = deadline != NULL;
	if (deadline) {
		slots[i].deadline = *deadline;
		a2 = (long)&slots[i].deadline;
	}
	flexsc_prep(e, sysnum, a0, a1, a2, a3, 0, 0);
	e->tag = (uint64_t)t;
	inflight[ninflight++] = (uint16_t)i;
	flexsc_submit(e);
	return i;
}

void fth_hook_reap(void)
{
	for (unsigned k = 0; k < ninflight;) {
		unsigned i = inflight[k];
		struct flexsc_entry *e = &ring.entries[i];
		if (!flexsc_done(e)) {
			k++;
			continue;
		}
		int64_t ret = flexsc_reap(e);
		inflight[k] = inflight[--ninflight];
		struct fth_thread *t = slots[i].thread;
		slots[i].thread = NULL;
		if (t && slots[i].timer) {
			fth_timer_fired(t);
		} else if (t) {
			t->sysret = ret;
			fth_ready(t);
		}
		fth_wake_one(&entry_waiters);	/* the entry is FREE again */
	}
}

void fth_hook_idle(void)
{
	if (ninflight == 0) {
		/* Every thread waits for another one: nothing can ever wake them. */
		static const char msg[] = "fthreads: deadlock: every thread is blocked\n";
		syscall6(SYS_write, 2, (long)msg, sizeof(msg) - 1, 0, 0, 0);
		abort();
	}
	int r = flexsc_wait();
	if (r == -EAGAIN || r == -ENOMEM) {
		/* The pool could not grow for now; entries stay SUBMITTED: try again soon. */
		struct timespec pause = { 0, 1000 * 1000 };
		syscall6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
	}
	fth_hook_reap();
}

int fth_hook_timer(struct fth_thread *t, clockid_t clock, const struct timespec *deadline)
{
	return (int)post(t, deadline, SYS_clock_nanosleep, clock, TIMER_ABSTIME, 0, 0);
}

void fth_hook_disarm(struct fth_thread *t)
{
	slots[t->timer].thread = NULL;	/* its sleep finishes on its own, unreaped by t */
}

/* Run call sysnum on the page for the running thread, which waits parked: the raw result. */
static long call(long sysnum, long a0, long a1, long a2, long a3)
{
	struct fth_thread *self = fth_self();

	post(self, NULL, sysnum, a0, a1, a2, a3);
	fth_block();
	return self->sysret;
}

/* A raw result as libc returns it: -1 with errno set, or the value. */
static long libc_ret(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/*
 * The wrapped calls, with musl's prototypes and Linux's results. musl's
 * unistd.h may make pread64 and pwrite64 macros for pread and pwrite.
 */
#undef pread64
#undef pwrite64

ssize_t read(int fd, void *buf, size_t n)
{
	return libc_ret(call(SYS_read, fd, (long)buf, (long)n, 0));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return libc_ret(call(SYS_write, fd, (long)buf, (long)n, 0));
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return libc_ret(call(SYS_readv, fd, (long)iov, iovcnt, 0));
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return libc_ret(call(SYS_writev, fd, (long)iov, iovcnt, 0));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return libc_ret(call(SYS_pread64, fd, (long)buf, (long)n, off));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return libc_ret(call(SYS_pwrite64, fd, (long)buf, (long)n, off));
}

/* As musl's: an interrupted close has closed the descriptor all the same (Linux). */
int close(int fd)
{
	long r = call(SYS_close, fd, 0, 0, 0);
	return (int)libc_ret(r == -EINTR ? 0 : r);
}

int fsync(int fd)
{
	return (int)libc_ret(call(SYS_fsync, fd, 0, 0, 0));
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return (int)libc_ret(call(SYS_poll, (long)fds, (long)nfds, timeout, 0));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)libc_ret(call(SYS_wait4, pid, (long)status, options, (long)ru));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

/* musl's sleep and usleep call this one. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)libc_ret(call(SYS_nanosleep, (long)req, (long)rem, 0, 0));
}

/* Returns the error number itself, as POSIX says. */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
	return (int)-call(SYS_clock_nanosleep, clock, flags, (long)req, (long)rem);
}

/* The other user threads run; no trap. */
int sched_yield(void)
{
	fth_yield();
	return 0;
}
