/*
 * flexsctest: the syscall page under good and bad use. A batch of 64 mixed
 * calls; entries reserved and released; what flexsc_wait counts; a pipe read
 * posted before its write in the same batch; page-faulting buffers (fresh mmap,
 * brk, copy-on-write after fork); mmap, munmap and brk on the page; -EFAULT
 * entries; fork on the page; exit on the page with other entries pending;
 * garbage in status words and sysnums; waits on entries that read BUSY with no
 * thread behind them; a write past a gap that a blocked read needs; two
 * processes' pages kept apart;
 * registration errors; the page unmapped or made read-only by its owner.
 * flexsclife has the cases around exit, execve and fork.
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
#include <inc/memlayout.h>
#include <inc/mmu.h>

static struct flexsc_ring ring;

static long call(long sysnum, long a0, long a1, long a2)
{
	return flexsc_call(&ring, sysnum, a0, a1, a2, 0, 0, 0);
}

/* 64 entries at once, four kinds of call, each result checked. */
static void mixed_batch(void)
{
	struct flexsc_entry *e[64];
	struct timespec ts[16];
	int null = open("/dev/null", O_WRONLY, 0);

	for (int i = 0; i < 64; i++) {
		switch (i % 4) {
		case 0: e[i] = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0); break;
		case 1: e[i] = flexsc_post(&ring, SYS_write, null, (long)"xyz", 3, 0, 0, 0); break;
		case 2: e[i] = flexsc_post(&ring, SYS_clock_gettime, CLOCK_MONOTONIC,
					   (long)&ts[i / 4], 0, 0, 0, 0); break;
		default: e[i] = flexsc_post(&ring, 499, 0, 0, 0, 0, 0, 0); break;
		}
	}
	check(flexsc_get_entry(&ring) == NULL, "the ring is full with 64 entries posted");
	bool ok = true;
	for (int i = 0; i < 64; i++) {
		long r = flexsc_wait_for(e[i]);
		long want[] = { getpid(), 3, 0, -ENOSYS };
		ok &= r == want[i % 4];
	}
	for (int k = 0; k < 16; k++)
		ok &= ts[k].tv_sec > 0 || ts[k].tv_nsec > 0;
	check(ok, "a batch of 64 mixed calls");
	close(null);
}

/*
 * get_entry hands out each FREE entry once, RESERVED until it is submitted or
 * released; an unregistered ring gives none and flexsc_call says so.
 */
static void reservations(void)
{
	struct flexsc_entry *got[64];
	bool distinct = true;

	for (int i = 0; i < 64; i++) {
		got[i] = flexsc_get_entry(&ring);
		for (int k = 0; k < i; k++)
			distinct &= got[k] != got[i];
	}
	check(distinct && got[63] && got[0]->status == FLEXSC_RESERVED,
	      "64 entries reserved, each once");
	check(flexsc_get_entry(&ring) == NULL, "and no 65th");
	for (int i = 0; i < 64; i++)
		flexsc_release(got[i]);
	struct flexsc_entry *again = flexsc_get_entry(&ring);
	check(again != NULL, "released entries are FREE again");
	flexsc_release(again);
	struct flexsc_ring none = { 0 };
	check(flexsc_call(&none, SYS_getpid, 0, 0, 0, 0, 0, 0) == -EINVAL,
	      "a call on an unregistered ring is -EINVAL");
}

/*
 * flexsc_wait counts what is DONE and not reaped: at once, without sleeping,
 * when entries are already done; one less for each reaped; 0 when all are.
 */
static void wait_counts(void)
{
	struct flexsc_entry *e[3];

	for (int i = 0; i < 3; i++)
		e[i] = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	int seen = 0;
	while (seen >= 0 && seen < 3)
		seen = flexsc_wait();
	check(seen == 3, "flexsc_wait returns 3 once three entries are done");
	check(flexsc_wait() == 3, "and 3 again while none is reaped");
	flexsc_reap(e[1]);
	check(flexsc_wait() == 2, "2 once one is reaped");
	check(flexsc_wait_entry(e[0]) == 1, "waiting for a DONE entry returns 1 at once");
	check(flexsc_wait_entry(e[1]) == 0, "and for a FREE one 0");
	flexsc_reap(e[0]);
	flexsc_reap(e[2]);
	check(flexsc_wait() == 0, "0 once all are");
}

/* The read is posted first; its thread blocks and another serves the write. */
static void read_before_write(void)
{
	int fds[2];
	char buf[8] = { 0 };

	call(SYS_pipe, (long)fds, 0, 0);
	struct flexsc_entry *r = flexsc_post(&ring, SYS_read, fds[0], (long)buf, 5, 0, 0, 0);
	struct flexsc_entry *w = flexsc_post(&ring, SYS_write, fds[1], (long)"hello", 5, 0, 0, 0);
	check(flexsc_wait_for(r) == 5 && flexsc_wait_for(w) == 5 && strcmp(buf, "hello") == 0,
	      "a pipe read posted before its write in one batch");
	close(fds[0]);
	close(fds[1]);
}

/*
 * Buffers no one has touched: the syscall thread faults them in. What it reads
 * there (the start of this program's file) must equal a read through the trap
 * path into ordinary memory.
 */
static void faulting_buffers(void)
{
	static char want[3 * 4096];
	int file = open("/bin/flexsctest", O_RDONLY, 0);
	read(file, want, sizeof(want));

	char *fresh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lseek(file, 0, SEEK_SET);
	check(call(SYS_read, file, (long)fresh, 8192) == 8192 && memcmp(fresh, want, 8192) == 0,
	      "a read into fresh mmap memory");
	char *heap = elk_sbrk(3 * 4096);
	lseek(file, 0, SEEK_SET);
	check(call(SYS_read, file, (long)heap, 3 * 4096) == 3 * 4096 &&
	      memcmp(heap, want, 3 * 4096) == 0, "a read into fresh brk memory");
	elk_sbrk(-3 * 4096);

	int zero = open("/dev/zero", O_RDONLY, 0);
	memset(fresh, 'p', 8192);
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		flexsc_setup(&mine, 1, 2);
		bool ok = flexsc_call(&mine, SYS_read, zero, (long)fresh, 4096, 0, 0, 0) == 4096 &&
			  fresh[0] == 0;
		exit(ok ? 0 : 1);
	}
	int status;
	call(SYS_wait4, pid, (long)&status, 0);
	check(status == 0 && fresh[0] == 'p', "a read into a copy-on-write page after fork");
	munmap(fresh, 8192);
	close(zero);
	close(file);
}

/* The calls that change the address space, made by a syscall thread. */
static void memory_calls(void)
{
	const long prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	char *m = (char *)flexsc_call(&ring, SYS_mmap, 0, 2 * 4096, prot, flags, -1, 0);
	bool mapped = (long)m > 0;
	if (mapped)
		m[4096] = 'm';
	check(mapped && m[4096] == 'm', "mmap on the page");
	check(call(SYS_munmap, (long)m, 2 * 4096, 0) == 0, "munmap on the page");
	check(call(SYS_mprotect, (long)m, 4096, PROT_READ) == -ENOMEM, "what munmap took is gone");

	char *base = elk_sbrk(0);
	check(call(SYS_brk, (long)(base + 8192), 0, 0) == (long)(base + 8192), "brk grows on the page");
	base[8191] = 'b';
	check(call(SYS_brk, (long)base, 0, 0) == (long)base && elk_sbrk(0) == base,
	      "brk shrinks on the page");
}

static void bad_pointers(void)
{
	void *bad[] = { NULL, (void *)0xffffffff80100000UL, (void *)0x7000000000UL };
	bool ok = true;

	for (int k = 0; k < 3; k++) {
		ok &= call(SYS_write, 1, (long)bad[k], 10) == -EFAULT;
		ok &= call(SYS_clock_gettime, CLOCK_MONOTONIC, (long)bad[k], 0) == -EFAULT;
		ok &= call(SYS_pipe, (long)bad[k], 0, 0) == -EFAULT;
	}
	check(ok, "NULL, kernel and unmapped pointers give -EFAULT");
}

static void fork_on_page(void)
{
	static int shared_var = 10;
	pid_t pid = call(SYS_fork, 0, 0, 0);
	if (pid == 0) {
		/* Our copy of the page: the fork entry DONE with 0, and we are unregistered. */
		shared_var = 20;
		exit(syscall6(SYS_flexsc_wait, 0, 0, 0, 0, 0, 0) == -EINVAL ? 0 : 1);
	}
	int status;
	check(pid > 0 && call(SYS_wait4, pid, (long)&status, 0) == pid && status == 0,
	      "fork on the page: the child runs unregistered and exits");
	check(shared_var == 10, "the child's writes are its own");
}

static void exit_with_entries_pending(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		int fds[2];
		static char c;
		flexsc_setup(&mine, 1, 3);
		pipe(fds);
		flexsc_post(&mine, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
		flexsc_post(&mine, SYS_nanosleep, (long)&(struct timespec){ 100, 0 }, 0, 0, 0, 0, 0);
		flexsc_call(&mine, SYS_exit_group, 33, 0, 0, 0, 0, 0);
		exit(1);
	}
	int status;
	call(SYS_wait4, pid, (long)&status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 33,
	      "exit on the page with a blocked read and a sleep pending");
}

static void garbage(void)
{
	struct flexsc_entry *e = flexsc_get_entry(&ring);
	e->status = 0xdeadbeef;
	struct flexsc_entry *busy = flexsc_get_entry(&ring);
	busy->status = FLEXSC_BUSY;	/* claimed by no one */
	struct flexsc_entry *huge = flexsc_post(&ring, 0x7fffffff, 0, 0, 0, 0, 0, 0);
	check(flexsc_wait_for(huge) == -ENOSYS, "an unknown sysnum is -ENOSYS");
	check(e->status == 0xdeadbeef && busy->status == FLEXSC_BUSY, "garbage statuses are left alone");
	check(flexsc_wait() == 0, "flexsc_wait with nothing on its way returns 0");
	e->status = FLEXSC_FREE;
	busy->status = FLEXSC_FREE;
	check(call(SYS_flexsc_wait, 0, 0, 0) == -EINVAL, "flexsc_wait cannot be posted");
}

/*
 * An entry whose status says BUSY with no thread behind it (the user wrote it,
 * or a call's result landed on it) is not on its way: waiting for it returns 0
 * once the real work is done, instead of sleeping for ever.
 */
static void forged_busy(void)
{
	struct flexsc_entry *e[6];

	for (int i = 0; i < 6; i++)
		e[i] = flexsc_get_entry(&ring);
	e[5]->status = FLEXSC_BUSY;
	flexsc_prep(e[0], SYS_getpid, 0, 0, 0, 0, 0, 0);
	flexsc_submit(e[0]);
	check(flexsc_wait_entry(e[5]) == 0, "waiting for an entry made BUSY by hand returns 0");
	check(flexsc_wait_for(e[0]) == getpid(), "and the getpid posted beside it ran");

	/* pipe2 writing its two descriptors over e[5]'s status word: 2 is BUSY. */
	int saved = dup(2);
	close(2);
	flexsc_prep(e[1], SYS_pipe2, (long)&e[5]->status, 0, 0, 0, 0, 0);
	flexsc_submit(e[1]);
	check(flexsc_wait_for(e[1]) == 0, "pipe2 into an entry's status word");
	int fds[2];
	memcpy(fds, (void *)&e[5]->status, sizeof(fds));
	expect("the descriptor written over the status word", fds[0], 2);
	check(flexsc_wait_entry(e[5]) == 0, "waiting for that entry returns 0");
	close(fds[0]);
	close(fds[1]);
	dup2(saved, 2);
	close(saved);
	for (int i = 2; i < 6; i++)
		flexsc_release(e[i]);
}

/*
 * Waiting for a blocked read whose write lies past a gap (an entry reserved and
 * not submitted) after other work: the write must still be found and run.
 */
static void progress_past_gap(void)
{
	int fds[2];
	char buf[4] = { 0 };

	call(SYS_pipe, (long)fds, 0, 0);
	struct flexsc_entry *rd = flexsc_get_entry(&ring), *id = flexsc_get_entry(&ring);
	struct flexsc_entry *gap = flexsc_get_entry(&ring), *wr = flexsc_get_entry(&ring);
	flexsc_prep(rd, SYS_read, fds[0], (long)buf, 3, 0, 0, 0);
	flexsc_prep(id, SYS_getpid, 0, 0, 0, 0, 0, 0);
	flexsc_prep(wr, SYS_write, fds[1], (long)"gap", 3, 0, 0, 0);
	flexsc_submit(rd);
	flexsc_submit(id);
	flexsc_submit(wr);
	check(flexsc_wait_for(rd) == 3 && memcmp(buf, "gap", 3) == 0,
	      "a blocked read completed by a write posted past a gap");
	check(flexsc_wait_for(id) == getpid() && flexsc_wait_for(wr) == 3,
	      "and the calls beside it ran");
	flexsc_release(gap);
	close(fds[0]);
	close(fds[1]);
}

/* A child registers too: each sees only its own page. */
static void isolation(void)
{
	struct flexsc_entry *mark = flexsc_get_entry(&ring);
	mark->sysnum = 12345;
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		flexsc_setup(&mine, 1, 1);
		bool ok = mine.entries != ring.entries;
		for (unsigned i = 0; i < mine.nentries; i++)
			ok &= mine.entries[i].sysnum == 0 && mine.entries[i].status == FLEXSC_FREE;
		ok &= flexsc_call(&mine, SYS_getpid, 0, 0, 0, 0, 0, 0) == getpid();
		exit(ok ? 0 : 1);
	}
	int status;
	call(SYS_wait4, pid, (long)&status, 0);
	check(status == 0, "a second registered process has its own fresh page");
	mark->sysnum = 0;
}

/*
 * In an unregistered child: a page address that is not page aligned, runs past
 * user space or overlaps a mapping is refused as mmap(MAP_FIXED_NOREPLACE)
 * refuses it, leaving the mapping there alone; a free one is where the pages
 * and the control page go. 0 if all holds.
 */
static int named_address(void)
{
	char *area = mmap(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (area == MAP_FAILED || munmap(area, 2 * PGSIZE) < 0)
		return 2;
	area[2 * PGSIZE] = 'x';
	struct flexsc_options o = { .addr = (uintptr_t)area + 1 };
	if (syscall6(SYS_flexsc_register, (long)&o, 0, 0, 0, 0, 0) != -EINVAL)
		return 3;
	o.addr = USER_END - PGSIZE;
	if (syscall6(SYS_flexsc_register, (long)&o, 0, 0, 0, 0, 0) != -ENOMEM)
		return 4;
	o.addr = (uintptr_t)area + PGSIZE;	/* the control page would be on area[2] */
	if (syscall6(SYS_flexsc_register, (long)&o, 0, 0, 0, 0, 0) != -EEXIST ||
	    area[2 * PGSIZE] != 'x')
		return 5;
	o.addr = (uintptr_t)area;
	if (syscall6(SYS_flexsc_register, (long)&o, 0, 0, 0, 0, 0) != (long)area)
		return 6;
	struct flexsc_entry *e = (struct flexsc_entry *)area;
	const struct flexsc_ctl *ctl = (const struct flexsc_ctl *)(area + PGSIZE);
	return e->status == FLEXSC_FREE && !(ctl->flags & ~FLEXSC_NEED_WAKEUP) ? 0 : 7;
}

static void registration_errors(void)
{
	struct flexsc_options bad_pages = { .npages = FLEXSC_MAX_PAGES + 1 };
	struct flexsc_options reserved = { .reserved = 1 };
	struct flexsc_options fine = { 0 };

	check(syscall6(SYS_flexsc_register, (long)&fine, 0, 0, 0, 0, 0) == -EBUSY,
	      "registering twice is -EBUSY");
	pid_t pid = fork();
	if (pid == 0) {
		bool ok = syscall6(SYS_flexsc_wait, 0, 0, 0, 0, 0, 0) == -EINVAL &&
			  syscall6(SYS_flexsc_register, 0, 0, 0, 0, 0, 0) == -EFAULT &&
			  syscall6(SYS_flexsc_register, (long)&bad_pages, 0, 0, 0, 0, 0) == -EINVAL &&
			  syscall6(SYS_flexsc_register, (long)&reserved, 0, 0, 0, 0, 0) == -EINVAL;
		exit(ok ? named_address() : 1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	check(status == 0, "flexsc_wait unregistered, NULL and bad options are refused");
}

/*
 * The owner unmaps its view, or makes it read-only; the kernel keeps serving
 * from its own mapping of the pages.
 */
static void unmapped_page(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		flexsc_setup(&mine, 1, 2);
		flexsc_post(&mine, SYS_getpid, 0, 0, 0, 0, 0, 0);
		munmap(mine.entries, 4096);
		int r = flexsc_wait();
		exit(r == 1 ? 0 : 1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	check(status == 0, "the page unmapped by its owner: its entry still runs");

	pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		flexsc_setup(&mine, 1, 2);
		struct flexsc_entry *e = flexsc_post(&mine, SYS_getpid, 0, 0, 0, 0, 0, 0);
		mprotect(mine.entries, 4096, PROT_READ);
		bool ok = flexsc_wait() == 1 && e->ret == getpid();
		mprotect(mine.entries, 4096, PROT_READ | PROT_WRITE);
		exit(ok && flexsc_reap(e) == getpid() ? 0 : 1);
	}
	wait4(pid, &status, 0, NULL);
	check(status == 0, "the page made read-only by its owner: served all the same");
}

/*
 * An entry whose call sleeps reads BLOCKED while it does, and is DONE once the
 * call returns; entries posted and never waited for run after a flexsc_wake,
 * which does not wait. The loops wait as long as the guest takes.
 */
static void blocked_and_unwaited(void)
{
	int fds[2];
	char c = 0;
	struct timespec ms = { 0, 1000 * 1000 };

	pipe(fds);
	struct flexsc_entry *rd = flexsc_post(&ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
	unsigned long waits = flexsc_waits;
	expect("flexsc_wake", flexsc_wake(), 0);
	while (__atomic_load_n(&rd->status, __ATOMIC_ACQUIRE) != FLEXSC_BLOCKED)
		nanosleep(&ms, NULL);
	struct flexsc_entry *e = flexsc_post(&ring, SYS_getppid, 0, 0, 0, 0, 0, 0);
	expect("flexsc_wake", flexsc_wake(), 0);
	while (!flexsc_done(e))
		nanosleep(&ms, NULL);
	check(flexsc_waits == waits && flexsc_reap(e) == getppid(),
	      "an entry never waited for completes beside a blocked one");
	check(rd->status == FLEXSC_BLOCKED, "a read with nothing to read reads BLOCKED");
	write(fds[1], "b", 1);
	check(flexsc_wait_for(rd) == 1 && c == 'b', "the blocked read completes once written to");
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	if (flexsc_setup(&ring, 64 / FLEXSC_ENTRIES_PER_PAGE, 4) < 0) {	/* 64 entries */
		printf("flexsctest: FAIL cannot register\n");
		return 1;
	}
	mixed_batch();
	reservations();
	wait_counts();
	read_before_write();
	faulting_buffers();
	memory_calls();
	bad_pointers();
	fork_on_page();
	exit_with_entries_pending();
	garbage();
	forged_busy();
	progress_past_gap();
	isolation();
	registration_errors();
	unmapped_page();
	blocked_and_unwaited();
	return test_verdict(test_failures);
}
