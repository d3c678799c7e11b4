/*
 * flexsclife: what happens around the calls on a syscall page. Entries posted
 * after an exit or execve on the page are never run; a fork on the page while
 * the user thread is inside another call, and what the child's snapshot says of
 * entries still pending; a view of the pages partly unmapped before a fork; more
 * blocking calls than syscall threads; waiting for one entry while another is
 * DONE, or past an entry still reserved; a short sleep that ends on a spin; two
 * registered processes at work at the same time.
 *
 * Each case runs in a child of its own, so that it starts with a fresh pool.
 * Children report through their exit status.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/lib.h>

/* Run fn in a child; its exit status. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		exit(fn());
	int status = -1;
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

/* Bytes that can be read from fd before end of file. */
static int drain(int fd)
{
	char buf[64];
	int total = 0;
	for (long n; (n = read(fd, buf, sizeof(buf))) > 0;)
		total += (int)n;
	return total;
}

/*
 * Register, and let the fresh pool settle: its threads each scan the page when
 * they first run, and could take entries out of turn. Once they are idle, a
 * kick wakes one thread, which runs a batch in the order it was laid out.
 */
static void settled_pool(struct flexsc_ring *ring)
{
	flexsc_setup(ring, 1, 4);
	flexsc_call(ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/*
 * Posts exit_group(7) and, after it, 20 one-byte writes into a pipe whose read
 * end the parent holds: none of the writes may run. On one CPU (this and the
 * execve case pin themselves): on more, a sibling thread may start a write
 * before the exit_group begins, as the contract allows for entries that run
 * at once (inc/flexsc.h).
 */
static int pipe_wr = -1;
static int exit_then_writes(void)
{
	struct flexsc_ring ring;
	pin_to_cpu(0);
	settled_pool(&ring);
	flexsc_post(&ring, SYS_exit_group, 7, 0, 0, 0, 0, 0);
	for (int i = 0; i < 20; i++)
		flexsc_post(&ring, SYS_write, pipe_wr, (long)"X", 1, 0, 0, 0);
	flexsc_wait();
	return 1;	/* not reached: the process exits in flexsc_wait */
}

/*
 * Run fn in a child that may write into pipe_wr; its exit status to *status,
 * and how many bytes it wrote there.
 */
static int bytes_written_by(int (*fn)(void), int *status)
{
	int fds[2];
	pipe(fds);
	pipe_wr = fds[1];
	*status = in_child(fn);
	close(fds[1]);
	int n = drain(fds[0]);
	close(fds[0]);
	return n;
}

static void exit_stops_the_page(void)
{
	int status;
	int leaked = bytes_written_by(exit_then_writes, &status);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit_group on the page ends the process");
	check(leaked == 0, "no entry posted after exit_group runs");
}

/*
 * The same with execve: echo runs, and the writes linked after it do not.
 * Linked, since unlinked entries may run while execve builds the new image (if
 * that sleeps, a sibling takes over); a follower runs only after the execve
 * has succeeded, and the pool is closed then.
 */
static int exec_then_writes(void)
{
	struct flexsc_ring ring;
	static char *const argv[] = { "echo", "flexsclife: echo ran", NULL };
	static char *const envp[] = { NULL };
	struct flexsc_entry *chain[6];
	pin_to_cpu(0);
	settled_pool(&ring);
	flexsc_get_chain(&ring, chain, 6);
	flexsc_prep(chain[0], SYS_execve, (long)"/bin/echo", (long)argv, (long)envp, 0, 0, 0);
	for (int i = 1; i < 6; i++)
		flexsc_prep(chain[i], SYS_write, pipe_wr, (long)"X", 1, 0, 0, 0);
	flexsc_submit_chain(chain, 6);
	flexsc_wait();
	return 1;
}

static void exec_stops_the_page(void)
{
	int status;
	int leaked = bytes_written_by(exec_then_writes, &status);
	check(status == 0, "execve on the page runs the new program");
	check(leaked == 0, "no entry posted after execve runs in the old image");
}

/*
 * The user thread sleeps in a trap-path nanosleep while a syscall thread forks:
 * in the child, that nanosleep returns -EINTR. A fresh pool's threads scan
 * the page when they first run, which is when the user thread goes to sleep,
 * so no flexsc_wait is needed to start the fork. If the timer let them run
 * before the sleep began (before the post: the fork is not done after the
 * sleep; after it: the child's own sleep returned 0), try again. On one CPU:
 * on more, the pool (whose threads inherit the process's CPUs) would run
 * beside the user thread and scan before the post.
 */
static int fork_during_other_call(void)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		pid_t pid = fork();
		if (pid != 0) {
			int status = -1;
			wait4(pid, &status, 0, NULL);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 3)
				return status == 0 ? 0 : 1;
			continue;	/* the fork did not come during the sleep */
		}
		struct flexsc_ring ring;
		pin_to_cpu(0);
		flexsc_setup(&ring, 1, 2);
		struct flexsc_entry *e = flexsc_post(&ring, SYS_fork, 0, 0, 0, 0, 0, 0);
		long r = sysret(nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL));
		if (!flexsc_done(e))
			exit(3);	/* the pool scanned before the post */
		long child = flexsc_reap(e);
		if (child == 0)
			exit(r == -EINTR ? 0 : r == 0 ? 3 : 2);
		int status = -1;
		exit(r == 0 && wait4((pid_t)child, &status, 0, NULL) == child ? WEXITSTATUS(status) : 4);
	}
	return 5;
}

/*
 * A read of an empty pipe posted before a fork on the page is still blocked
 * when the fork runs (nothing writes to the pipe until the fork is done): in
 * the child's snapshot it reads DONE with -ECANCELED, and the fork entry DONE
 * with 0. In the parent the read completes once the parent writes.
 */
static int fork_with_pending_entry(void)
{
	struct flexsc_ring ring;
	int fds[2];
	char c = 0;

	flexsc_setup(&ring, 1, 2);
	pipe(fds);
	struct flexsc_entry *rd = flexsc_post(&ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
	struct flexsc_entry *fork_entry = flexsc_post(&ring, SYS_fork, 0, 0, 0, 0, 0, 0);
	long pid = flexsc_wait_for(fork_entry);
	if (pid == 0)
		exit(flexsc_done(rd) && rd->ret == -ECANCELED ? 0 : 1);
	int status = -1;
	bool ok = pid > 0 && wait4((pid_t)pid, &status, 0, NULL) == pid && status == 0;
	ok &= !flexsc_done(rd) && write(fds[1], "p", 1) == 1;
	return ok && flexsc_wait_for(rd) == 1 && c == 'p' ? 0 : 1;
}

static void fork_semantics(void)
{
	check(in_child(fork_during_other_call) == 0,
	      "the child of a fork on the page gets -EINTR from the call it was in");
	check(in_child(fork_with_pending_entry) == 0,
	      "in the child's snapshot a pending entry reads -ECANCELED");
}

/*
 * Register two pages, unmap the first, fork. The child's view of the second
 * page must be its own copy: a call it posts there is not run by the parent's
 * pool, and the parent's page is untouched.
 */
static int partly_unmapped_fork(void)
{
	struct flexsc_ring ring;
	flexsc_setup(&ring, 2, 2);
	struct flexsc_entry *second = &ring.entries[FLEXSC_ENTRIES_PER_PAGE];
	munmap(ring.entries, 4096);
	pid_t pid = fork();
	if (pid == 0) {
		second->sysnum = SYS_exit_group;
		second->args[0] = 9;
		__atomic_store_n(&second->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		exit(second->status == FLEXSC_SUBMITTED ? 0 : 1);
	}
	int status = -1;
	wait4(pid, &status, 0, NULL);
	nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	return status == 0 && second->status == FLEXSC_FREE ? 0 : 1;
}

static void isolation_after_partial_unmap(void)
{
	check(in_child(partly_unmapped_fork) == 0,
	      "a child's view of partly unmapped syscall pages is its own");
}

/*
 * n pipe reads posted before their n writes, with nthreads threads to start
 * with: the pool grows so that the writes run and every read completes.
 */
static int blocked_reads(int n, unsigned nthreads)
{
	struct flexsc_ring ring;
	struct flexsc_entry *rd[16], *wr[16];
	int fds[16][2];
	char buf[16];

	flexsc_setup(&ring, 1, nthreads);
	for (int i = 0; i < n; i++)
		pipe(fds[i]);
	for (int i = 0; i < n; i++)
		rd[i] = flexsc_post(&ring, SYS_read, fds[i][0], (long)&buf[i], 1, 0, 0, 0);
	for (int i = 0; i < n; i++)
		wr[i] = flexsc_post(&ring, SYS_write, fds[i][1], (long)"w", 1, 0, 0, 0);
	bool ok = true;
	for (int i = 0; i < n; i++)
		ok &= flexsc_wait_for(rd[i]) == 1 && buf[i] == 'w' && flexsc_wait_for(wr[i]) == 1;
	return ok ? 0 : 1;
}

static int one_thread_five_reads(void) { return blocked_reads(5, 1); }
static int two_threads_sixteen_reads(void) { return blocked_reads(16, 2); }

static void pool_growth(void)
{
	check(in_child(one_thread_five_reads) == 0, "5 blocked reads with 1 syscall thread");
	check(in_child(two_threads_sixteen_reads) == 0, "16 blocked reads with 2 syscall threads");
}

/*
 * Waiting for a read that a child satisfies 100 ms later, with a getpid DONE
 * and not reaped meanwhile: the wait sleeps instead of trapping again and again.
 */
static int wait_for_one_entry(void)
{
	struct flexsc_ring ring;
	int fds[2];
	char c = 0;

	flexsc_setup(&ring, 1, 2);
	pipe(fds);
	pid_t pid = fork();
	if (pid == 0) {
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
		write(fds[1], "r", 1);
		exit(0);
	}
	struct flexsc_entry *rd = flexsc_post(&ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
	struct flexsc_entry *id = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	unsigned long waits = flexsc_waits;
	bool ok = flexsc_wait_for(rd) == 1 && c == 'r';
	ok &= flexsc_waits - waits <= 3;
	ok &= flexsc_wait_for(id) == getpid();
	wait4(pid, NULL, 0, NULL);
	return ok ? 0 : 1;
}

/*
 * An entry reserved and not yet submitted lies between two calls: the pool
 * runs the first and goes idle at the gap; waiting for the second must still
 * get it run.
 */
static int wait_across_a_gap(void)
{
	struct flexsc_ring ring;

	flexsc_setup(&ring, 1, 2);
	flexsc_call(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);	/* a settled pool */
	struct flexsc_entry *a = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	struct flexsc_entry *gap = flexsc_get_entry(&ring);
	struct flexsc_entry *b = flexsc_post(&ring, SYS_getppid, 0, 0, 0, 0, 0, 0);
	bool ok = flexsc_wait_for(b) == getppid() && flexsc_wait_for(a) == getpid();
	flexsc_release(gap);
	return ok ? 0 : 1;
}

/*
 * A sleep shorter than a timer tick ends on a spin, not asleep: the entry after
 * it must still be served while it spins, so it completes first. The spin lasts
 * 8 ms of real time, and a loaded host may stop the whole machine for longer
 * than that between the two, so a few tries are allowed; a thread that does
 * not hand over while it spins runs the entry after the sleep, and fails every
 * try. On one CPU, where the spinner must make room; on more, a sibling on
 * another CPU might start only after the sleep has ended.
 */
static int short_sleep_then_call(void)
{
	struct flexsc_ring ring;

	pin_to_cpu(0);
	flexsc_setup(&ring, 1, 2);
	flexsc_call(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	for (int attempt = 0; attempt < 5; attempt++) {
		struct flexsc_entry *nap = flexsc_post(&ring, SYS_nanosleep,
						       (long)&(struct timespec){ 0, 8 * 1000 * 1000 },
						       0, 0, 0, 0, 0);
		struct flexsc_entry *id = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
		bool served_first = flexsc_wait_for(id) == getpid() && !flexsc_done(nap);
		if (flexsc_wait_for(nap) != 0)
			return 1;
		if (served_first)
			return 0;
	}
	return 1;
}

static void targeted_wait(void)
{
	check(in_child(wait_for_one_entry) == 0, "flexsc_wait_for one entry does not spin");
	check(in_child(wait_across_a_gap) == 0, "waiting for an entry past a reserved one");
	check(in_child(short_sleep_then_call) == 0,
	      "a call posted after a sub-tick sleep is served while it spins");
}

/*
 * Two processes, each registered, making calls in batches at once (preemption
 * interleaves them): every result is the caller's own.
 */
static int own_results(void)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[32];
	pid_t me = getpid();
	int wrong = 0;

	flexsc_setup(&ring, 1, 2);
	for (int round = 0; round < 300; round++) {
		for (int i = 0; i < 32; i++)
			e[i] = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < 32; i++)
			wrong += flexsc_wait_for(e[i]) != me;
	}
	return wrong ? 1 : 0;
}

static void two_processes_at_once(void)
{
	pid_t a = fork();
	if (a == 0)
		exit(own_results());
	int sb = in_child(own_results), sa = -1;
	wait4(a, &sa, 0, NULL);
	check(sa == 0 && sb == 0, "two registered processes at once each get their own results");
}

int main(int argc, char **argv)
{
	exit_stops_the_page();
	exec_stops_the_page();
	fork_semantics();
	isolation_after_partial_unmap();
	pool_growth();
	targeted_wait();
	two_processes_at_once();
	return test_verdict(test_failures);
}
