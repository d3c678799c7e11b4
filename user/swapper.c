/*
 * swapper: memory larger than RAM, through swap. Each page of a private
 * anonymous mapping gets a pattern of its own; every page is then checked
 * (forwards, then in a scattered order), so that pages paged out come back
 * whole. Pages that the first check read back and did not write go out again
 * without a write (their slot still holds them); the second check reads those. Needs a swap disk (the swap cases give one, and little memory).
 *
 * swapper touch MIB        one process, MIB MiB
 * swapper procs N MIB      N processes at once, MIB MiB each
 * swapper fork MIB         fill MIB MiB, fork: the child checks every shared
 *                          copy-on-write page; another child's 56 MiB push
 *                          them out, where they take one slot each; the
 *                          parent reads them back and checks them, then the
 *                          child does with (nearly) no read from swap; then
 *                          the child writes its own and both check again
 * swapper unmap MIB        fill, then munmap and mprotect paged-out ranges:
 *                          unmapped slots come back, the rest reads right
 * swapper locked MIB       a child registers syscall pages (locked: kstat's
 *                          count grows by them), touches them and a page of
 *                          its own, fills MIB MiB twice; then reading the syscall
 *                          pages reads nothing back from swap, and its own
 *                          page is read back; a call on the pages still runs;
 *                          once the child is gone the count is back
 * swapper flexread MIB     a read posted on a syscall page into a buffer
 *                          whose pages went to swap (MIB MiB written twice
 *                          after it), with other calls posted after it: all
 *                          run, the buffer holds the file's bytes, and the
 *                          line says how many others were done before it
 * swapper threads MIB      fill MIB MiB, then two threads check it at once,
 *                          each its own half (scattered), so that both
 *                          fault on pages on the disk at the same time
 * swapper protnone MIB CHILD_MIB
 *                          fill MIB MiB and make it PROT_NONE (no page table
 *                          maps it), then a child writes CHILD_MIB MiB three
 *                          times: the PROT_NONE pages make room, so the
 *                          child's later passes read (nearly) nothing from
 *                          swap; then they read back right
 * swapper idle            a tmpfs file takes memory under the page-out's
 *                          low-water mark (nothing the page-out can take);
 *                          a fault wakes the page-out, and then while this
 *                          process computes without touching new memory
 *                          the page-out runs at most a round or two
 * swapper oom MIB          a child that wants MIB MiB, more than memory and
 *                          swap hold, is killed for it; then another child
 *                          fills 16 MiB, which fits again, and this process
 *                          goes on
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define PG 4096L
#define MIB (1L << 20)

/* The word at index i of page p for generation gen. */
static long pattern(long p, long gen, long i)
{
	return (p << 20 | gen << 12 | i) * 0x9e3779b97f4a7c15L;
}

/* Write generation gen's pattern into pages [0, npages) of m (a word every 512 bytes). */
static void fill(char *m, long npages, long gen)
{
	for (long p = 0; p < npages; p++)
		for (long i = 0; i < PG / 8; i += 64)
			((long *)(m + p * PG))[i] = pattern(p, gen, i);
}

/*
 * How many of pages [first, first + npages) of m do not hold generation gen's
 * pattern, in order (forwards or scattered).
 */
static long bad_range(const char *m, long first, long npages, long gen, bool scattered)
{
	long bad = 0;
	for (long k = 0; k < npages; k++) {
		/* 7919 is prime: a permutation */
		long p = first + (scattered ? (k * 7919) % npages : k);
		for (long i = 0; i < PG / 8; i += 64)
			if (((const long *)(m + p * PG))[i] != pattern(p, gen, i)) {
				bad++;
				break;
			}
	}
	return bad;
}

/* bad_range over every page of m. */
static long bad_pages(const char *m, long npages, long gen, bool scattered)
{
	return bad_range(m, 0, npages, gen, scattered);
}

static char *map(long bytes)
{
	char *m = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	bool ok = !ptr_failed(m);
	check(ok, "mmap");
	return ok ? m : NULL;
}

/* A new mapping of mib MiB, its *npages pages filled with generation 1; NULL if mmap failed. */
static char *filled(long mib, long *npages)
{
	*npages = mib * MIB / PG;
	char *m = map(mib * MIB);
	if (m)
		fill(m, *npages, 1);
	return m;
}

/* Fill and check mib MiB; returns the bad pages. */
static long touch(long mib)
{
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return npages;
	long bad = bad_pages(m, npages, 1, false) + bad_pages(m, npages, 1, true);
	munmap(m, (size_t)(mib * MIB));
	return bad;
}

static int procs(int n, long mib)
{
	for (int i = 0; i < n; i++)
		if (fork() == 0)
			exit(touch(mib) == 0 ? 0 : 1);
	int good = 0, status;
	for (int i = 0; i < n; i++)
		if (wait4(-1, &status, 0, NULL) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			good++;
	expect("processes whose every page came back", good, n);
	printf("swapper: %d processes, %ld MiB each, checked\n", n, mib);
	return 0;
}

#define FORK_HOG_MIB 56	/* what pushes the shared pages out in forked() */

/* Swap slots that hold pages not in memory (copies of resident pages left out). */
static long slots_out(void)
{
	return kstat(KSTAT_SWAP_TOTAL) - kstat(KSTAT_SWAP_FREE) - kstat(KSTAT_SWAP_COPIES);
}

/* Swap reads while m's pages are checked for generation gen; *bad gets the pages wrong. */
static long reads_checking(const char *m, long npages, long gen, long *bad)
{
	long reads = kstat(KSTAT_SWAP_READS);
	*bad = bad_pages(m, npages, gen, false);
	return kstat(KSTAT_SWAP_READS) - reads;
}

/* The child of forked(): see the comment at the top. */
static int forked_child(char *m, long npages, int ready, int go)
{
	long bad = bad_pages(m, npages, 1, true), more;	/* mapped in the child too */
	char c = 0;
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 1;
	long reads = reads_checking(m, npages, 1, &more);
	bad += more;
	if (write(ready, &reads, sizeof(reads)) != sizeof(reads))
		return 1;
	fill(m, npages, 2);	/* the child's own copies */
	bad += bad_pages(m, npages, 2, false);
	return bad == 0 ? 0 : 1;
}

static int forked(long mib)
{
	long npages, bad;
	char *m = filled(mib, &npages);
	int ready[2], go[2];
	if (!m || pipe(ready) < 0 || pipe(go) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0)
		exit(forked_child(m, npages, ready[1], go[0]));
	char c;
	expect("the child mapped the shared pages", read(ready[0], &c, 1), 1);
	/* Another process's memory pushes the pages both map out of memory. */
	pid_t hog = fork();
	if (hog == 0)
		exit(touch(FORK_HOG_MIB) == 0 ? 0 : 1);
	int status;
	expect("wait4 for the hog", wait4(hog, &status, 0, NULL), hog);
	expect("the hog's pages", status, 0);
	long out = slots_out();
	check(out <= npages + npages / 16, "a page shared copy-on-write takes one slot for both");
	long parent_reads = reads_checking(m, npages, 1, &bad);
	expect("the parent's shared pages", bad, 0);
	check(parent_reads >= npages / 2, "the shared pages were on disk");
	long child_reads = -1;
	expect("go", write(go[1], &c, 1), 1);
	expect("the child's count", read(ready[0], &child_reads, sizeof(child_reads)),
	       sizeof(child_reads));
	check(child_reads >= 0 && child_reads <= npages / 64,
	      "the parent's read brought the pages back for the child too");
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("the child saw the shared pages, then its own", status, 0);
	expect("the parent's pages after the child wrote its own", bad_pages(m, npages, 1, true), 0);
	printf("swapper: fork with %ld MiB shared copy-on-write, checked by both\n", mib);
	printf("swapper: %ld shared pages: %ld slots in use after %d MiB of another process, "
	       "%ld read back by the parent, %ld by the child\n", npages, out, FORK_HOG_MIB,
	       parent_reads, child_reads);
	return 0;
}

static int unmap(long mib)
{
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return 1;
	long swap_free = kstat(KSTAT_SWAP_FREE);
	/* The first quarter is paged out by now (it was filled first). */
	expect("munmap of the first quarter", munmap(m, (size_t)(npages / 4 * PG)), 0);
	check(kstat(KSTAT_SWAP_FREE) > swap_free, "munmap gives paged-out slots back");
	expect("mprotect read-only of the second quarter",
	       mprotect(m + npages / 4 * PG, (size_t)(npages / 4 * PG), PROT_READ), 0);
	long bad = 0;
	for (long p = npages / 4; p < npages; p++)
		for (long i = 0; i < PG / 8; i += 64)
			if (((long *)(m + p * PG))[i] != pattern(p, 1, i)) {
				bad++;
				break;
			}
	expect("pages that read wrong after munmap and mprotect", bad, 0);
	munmap(m + npages / 4 * PG, (size_t)((npages - npages / 4) * PG));
	printf("swapper: munmap and mprotect of paged-out ranges\n");
	return 0;
}

#define LOCKED_PAGES 2	/* syscall pages the child registers (and the control page) */

/* Touch one word of each page of [m, m + npages pages): a read. */
static long read_pages(const volatile char *m, long npages)
{
	long sum = 0;
	for (long p = 0; p < npages; p++)
		sum += m[p * PG];
	return sum;
}

/* The child of locked(): see the comment at the top. */
static int locked_child(long mib)
{
	long locked = kstat(KSTAT_LOCKED_PAGES);
	struct flexsc_ring ring;
	expect("flexsc_setup", flexsc_setup(&ring, LOCKED_PAGES, 1), 0);
	expect("locked pages after flexsc_setup", kstat(KSTAT_LOCKED_PAGES) - locked,
	       LOCKED_PAGES + 1);
	char *own = map(PG);
	if (!own)
		return 1;
	own[0] = 1;
	read_pages((const char *)ring.entries, LOCKED_PAGES);
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return 1;
	fill(m, npages, 2);	/* again: the page-out's clock has gone all round by then */
	long reads = kstat(KSTAT_SWAP_READS);
	read_pages((const char *)ring.entries, LOCKED_PAGES);
	expect("pages read back for the syscall pages", kstat(KSTAT_SWAP_READS) - reads, 0);
	reads = kstat(KSTAT_SWAP_READS);
	read_pages(own, 1);
	expect("pages read back for our own cold page", kstat(KSTAT_SWAP_READS) - reads, 1);
	expect("getpid on the syscall pages", flexsc_call(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0),
	       getpid());
	return test_failures ? 1 : 0;
}

static int locked(long mib)
{
	long before = kstat(KSTAT_LOCKED_PAGES);
	int status;
	pid_t pid = fork();
	if (pid == 0)
		exit(locked_child(mib));
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("the child's checks", status, 0);
	/* A page-out still finishing may hold one or two pages locked; the pages would be 3. */
	check(kstat(KSTAT_LOCKED_PAGES) - before < LOCKED_PAGES + 1,
	      "the syscall pages are unlocked once the child is gone");
	printf("swapper: syscall pages stayed in memory through %ld MiB of paging\n", mib);
	return 0;
}

#define READ_PAGES 64	/* the paged-out buffer flexread reads into */
#define OTHER_CALLS 32	/* calls posted after the read */

static int flexread(long mib)
{
	struct flexsc_ring ring;
	expect("flexsc_setup", flexsc_setup(&ring, 2, 2), 0);	/* the read and 32 calls */
	char *src = map(READ_PAGES * PG), *buf = map(READ_PAGES * PG);
	int fd = open("/swapper.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
	check(fd >= 0, "open /swapper.dat");
	if (!src || !buf || fd < 0)
		return 1;
	fill(src, READ_PAGES, 3);
	expect("write the file", write(fd, src, READ_PAGES * PG), READ_PAGES * PG);
	munmap(src, READ_PAGES * PG);
	fill(buf, READ_PAGES, 1);
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return 1;
	fill(m, npages, 2);
	munmap(m, (size_t)(mib * MIB));

	long reads = kstat(KSTAT_SWAP_READS);
	struct flexsc_entry *rd = flexsc_post(&ring, SYS_pread64, fd, (long)buf, READ_PAGES * PG,
					      0, 0, 0);
	struct flexsc_entry *other[OTHER_CALLS];
	for (int i = 0; i < OTHER_CALLS; i++)
		other[i] = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	int before_read = 0, good = 0;
	for (int i = 0; i < OTHER_CALLS; i++) {
		if (other[i] && flexsc_wait_for(other[i]) == getpid())
			good++;
		before_read += rd && !flexsc_done(rd);	/* this one done, the read not yet */
	}
	expect("the other calls' results", good, OTHER_CALLS);
	expect("the read's result", rd ? flexsc_wait_for(rd) : -1, READ_PAGES * PG);
	check(kstat(KSTAT_SWAP_READS) - reads >= READ_PAGES / 2,
	      "the buffer's pages came back from swap for the read");
	expect("pages of the buffer without the file's bytes", bad_pages(buf, READ_PAGES, 3, false),
	       0);
	close(fd);
	unlink("/swapper.dat");
	printf("swapper: a read into %d paged-out pages on a syscall page; %d of %d calls posted "
	       "after it done before it\n", READ_PAGES, before_read, OTHER_CALLS);
	return 0;
}

/* One of threads' checkers: the pages of its half of the mapping that came back wrong. */
struct half {
	const char *m;
	long first, npages;
	long bad;
};

static void *check_half(void *arg)
{
	struct half *h = arg;
	h->bad = bad_range(h->m, h->first, h->npages, 1, true);
	return NULL;
}

static int threads(long mib)
{
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return 1;
	struct half halves[2] = {
		{ .m = m, .first = 0, .npages = npages / 2 },
		{ .m = m, .first = npages / 2, .npages = npages - npages / 2 },
	};
	pthread_t th;
	bool started = pthread_create(&th, NULL, check_half, &halves[1]) == 0;
	check(started, "pthread_create");
	check_half(&halves[0]);
	if (started)
		pthread_join(th, NULL);
	expect("pages the two threads found wrong", halves[0].bad + halves[1].bad, 0);
	munmap(m, (size_t)(mib * MIB));
	printf("swapper: two threads checked %ld MiB at once\n", mib);
	return 0;
}

static int protnone(long mib, long child_mib)
{
	long npages;
	char *m = filled(mib, &npages);
	if (!m)
		return 1;
	expect("mprotect PROT_NONE", mprotect(m, (size_t)(npages * PG), PROT_NONE), 0);
	pid_t pid = fork();
	if (pid == 0) {
		long nchild, reads = 0;
		char *c = filled(child_mib, &nchild);
		if (!c)
			exit(1);
		for (int pass = 2; pass <= 3; pass++) {
			long r = kstat(KSTAT_SWAP_READS);
			fill(c, nchild, pass);
			reads += kstat(KSTAT_SWAP_READS) - r;
		}
		printf("swapper: the child's second and third passes over %ld MiB read %ld pages "
		       "from swap\n", child_mib, reads);
		exit(reads <= nchild / 16 && bad_pages(c, nchild, 3, false) == 0 ? 0 : 1);
	}
	int status;
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("the child's passes, with the PROT_NONE pages paged out", status, 0);
	expect("mprotect back", mprotect(m, (size_t)(npages * PG), PROT_READ | PROT_WRITE), 0);
	expect("PROT_NONE pages that came back wrong", bad_pages(m, npages, 1, false), 0);
	munmap(m, (size_t)(npages * PG));
	printf("swapper: %ld MiB of PROT_NONE memory paged out for a child's %ld MiB\n", mib,
	       child_mib);
	return 0;
}

/* A loop that touches no new memory: n additions to a volatile word. */
static void compute(long n)
{
	volatile long x = 0;
	for (long i = 0; i < n; i++)
		x += i;
}

#define IDLE_LOOP 20000000L	/* additions per computing stretch */

static int idle(void)
{
	static char chunk[PG];
	long low = kstat(KSTAT_PAGEOUT_LOW);
	int fd = open("/swapper.idle", O_CREAT | O_RDWR | O_TRUNC, 0600);
	check(fd >= 0, "open /swapper.idle");
	if (fd < 0)
		return 1;
	memset(chunk, 7, sizeof(chunk));
	long pages = 0;
	while (kstat(KSTAT_FREE_PAGES) > low * 7 / 8 && write(fd, chunk, PG) == PG)
		pages++;
	check(kstat(KSTAT_FREE_PAGES) <= low * 7 / 8, "the file takes memory under the low-water mark");
	char *m = map(PG);	/* a fault: it wakes the page-out, as any program's would */
	if (!m)
		return 1;
	m[0] = 1;
	compute(IDLE_LOOP);	/* the round it asked for */
	long rounds = kstat(KSTAT_PAGEOUT_ROUNDS), writes = kstat(KSTAT_SWAP_WRITES);
	compute(4 * IDLE_LOOP);
	long more = kstat(KSTAT_PAGEOUT_ROUNDS) - rounds;
	long more_writes = kstat(KSTAT_SWAP_WRITES) - writes;
	check(more <= 2, "the page-out sleeps while nothing asks for memory");
	printf("swapper: a %ld KiB file under the low-water mark; while computing, %ld page-out "
	       "rounds and %ld swap writes\n", pages * PG >> 10, more, more_writes);
	munmap(m, PG);
	close(fd);
	unlink("/swapper.idle");
	return 0;
}

static int oom(long mib)
{
	int status;
	pid_t hog = fork();
	if (hog == 0)
		exit(touch(mib) == 0 ? 0 : 1);
	expect("wait4 for the hog", wait4(hog, &status, 0, NULL), hog);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the child wanting more than memory and swap is killed");
	pid_t after = fork();
	if (after == 0)
		exit(touch(16) == 0 ? 0 : 1);
	expect("wait4 for the next child", wait4(after, &status, 0, NULL), after);
	expect("the next child's 16 MiB come back", status, 0);
	printf("swapper: out of memory and swap: one child killed, the next one fine\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (kstat(KSTAT_SWAP_TOTAL) == 0) {
		printf("swapper: FAIL no swap\n");
		return 1;
	}
	long writes = kstat(KSTAT_SWAP_WRITES), reads = kstat(KSTAT_SWAP_READS);
	long cleans = kstat(KSTAT_SWAP_CLEAN);
	if (argc == 3 && strcmp(argv[1], "touch") == 0) {
		long mib = atoi(argv[2]);
		expect("pages that came back wrong", touch(mib), 0);
		check(kstat(KSTAT_SWAP_CLEAN) > cleans,
		      "pages read back and not written go out again without a write");
		printf("swapper: %ld MiB written and checked\n", mib);
	} else if (argc == 4 && strcmp(argv[1], "procs") == 0) {
		procs(atoi(argv[2]), atoi(argv[3]));
	} else if (argc == 3 && strcmp(argv[1], "fork") == 0) {
		forked(atoi(argv[2]));
	} else if (argc == 3 && strcmp(argv[1], "unmap") == 0) {
		unmap(atoi(argv[2]));
	} else if (argc == 3 && strcmp(argv[1], "locked") == 0) {
		locked(atoi(argv[2]));
	} else if (argc == 3 && strcmp(argv[1], "flexread") == 0) {
		flexread(atoi(argv[2]));
	} else if (argc == 3 && strcmp(argv[1], "threads") == 0) {
		threads(atoi(argv[2]));
	} else if (argc == 4 && strcmp(argv[1], "protnone") == 0) {
		protnone(atoi(argv[2]), atoi(argv[3]));
	} else if (argc == 2 && strcmp(argv[1], "idle") == 0) {
		idle();
	} else if (argc == 3 && strcmp(argv[1], "oom") == 0) {
		oom(atoi(argv[2]));
	} else {
		printf("usage: swapper touch MIB | procs N MIB | fork MIB | unmap MIB | locked MIB | "
		       "flexread MIB | threads MIB | protnone MIB CHILD_MIB | idle | oom MIB\n");
		return 2;
	}
	long out = kstat(KSTAT_SWAP_WRITES) - writes, in = kstat(KSTAT_SWAP_READS) - reads;
	check(out > 0 && in > 0, "pages went to swap and came back");
	printf("swapper: %ld pages written to swap, %ld read back, %ld paged out clean\n", out, in,
	       kstat(KSTAT_SWAP_CLEAN) - cleans);
	return test_verdict(test_failures);
}
