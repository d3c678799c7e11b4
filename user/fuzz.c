/*
 * fuzz SEED CALLS [trace]: a seeded random-syscall fuzzer. It makes CALLS system
 * calls in all (counting those of its children) through the syscall instruction,
 * int $0x80 and the syscall page, with valid and adversarial arguments, checks
 * what it can predict of each result, and checks at the end that the kernel's
 * memory in use came back (as leakcheck does). docs/testing.md explains it.
 *
 * Three roles:
 * - The supervisor (main, normally init) takes the memory readings, starts the
 *   worker, reaps it and every orphan, watches that calls keep finishing, and
 *   prints the verdict. It makes no fuzzed call itself.
 * - The worker makes the calls. It keeps a model of its descriptors and pipes,
 *   so that no call it makes can block for good, and it never hands the kernel
 *   memory it needs as a buffer to store into, nor unmaps it.
 * - Children, forked by the worker for calls that may kill, exit, exec, block,
 *   fork or unmap their own memory. A child runs a few dozen calls of any kind
 *   and is always reaped before the worker goes on.
 *
 * Every process counts its calls, and keeps its last few, in a shared page, so
 * that a failure (or a hang the supervisor notices) prints them with the
 * command that replays the run. The random sequence (splitmix64) depends only
 * on SEED, so the same command makes the same calls, up to what the scheduler
 * changes in the children's interleaving. With "trace" every call is printed
 * before it is made, for a panic that leaves no chance to print anything else.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/ipc.h>
#include <inc/lib.h>
#include <inc/memlayout.h>
#include <inc/mmu.h>

#define NFD         64		/* the kernel's descriptors per process */
#define REPORT_FD   (NFD - 1)	/* the console, kept for reports; never fuzzed */
#define NPIPES      32
#define PIPE_SIZE   PGSIZE
#define RING        16		/* calls kept per process for a report */
#define MAX_DEPTH   2		/* worker 0, child 1, grandchild 2 */
#define SANITY_EVERY 1000	/* calls between sanity checks */
#define HANG_SECONDS 60		/* no call finished for this long: a hang */

/* Memory the worker owns at fixed places, far from anything else. */
#define SCRATCH     0x600000000000UL	/* SCRATCH_PAGES read-write; the page after is unmapped */
#define SCRATCH_PAGES 4
#define SCRATCH_END (SCRATCH + SCRATCH_PAGES * PGSIZE)
#define NONE_PAGE   (SCRATCH - PGSIZE)	/* PROT_NONE */
#define RO_PAGE     (SCRATCH - 2 * PGSIZE)	/* PROT_READ */
#define ARENA       0x500000000000UL	/* mmap, munmap and mprotect play here */
#define ARENA_PAGES 64
#define FAR_HINTS   0x100000000000UL	/* mmap hints start here, above the arena's end */

#define PATTERN_PAGES 4

/* RFLAGS bits the fuzzer sets before a trap. */
#define RF_CF 0x1UL
#define RF_PF 0x4UL
#define RF_AF 0x10UL
#define RF_ZF 0x40UL
#define RF_SF 0x80UL
#define RF_TF 0x100UL
#define RF_DF 0x400UL
#define RF_OF 0x800UL
#define RF_NT 0x4000UL
#define RF_AC 0x40000UL
#define RF_ID 0x200000UL
#define RF_ARITH (RF_CF | RF_PF | RF_AF | RF_ZF | RF_SF | RF_OF)

enum path { PATH_SYSCALL, PATH_INT80, PATH_PAGE, NPATHS };
static const char *const path_names[NPATHS] = { "syscall", "int80", "page" };

/* One call made, as a report shows it. */
struct callrec {
	uint64_t index;		/* this process's call number */
	long num;
	long a[6];
	long ret;
	unsigned long flags;	/* RFLAGS bits set for the trap */
	uint32_t path;
	uint32_t done;		/* 0 while the call runs */
};

/* A process's counters and recent calls, in the shared page. */
struct slot {
	int32_t pid;		/* 0 when no process holds the slot */
	int32_t expect_exit;	/* status an exit call asked for, -1 if none */
	uint64_t calls;
	struct callrec ring[RING];
	char note[96];		/* what the process did to its pages by hand, if anything */
};

/* Shared by every process of the run (MAP_SHARED, made by the supervisor). */
struct shared {
	volatile uint64_t total;	/* calls made, all processes */
	volatile uint64_t per_path[NPATHS];
	volatile uint64_t forks, killed;
	volatile int32_t failed;
	uint64_t seed, limit;
	bool trace;
	struct slot slot[MAX_DEPTH + 1];
};

#define M_READ  1
#define M_WRITE 2

/* What a descriptor refers to, in the model. */
enum fdkind { FD_CLOSED, FD_REPORT, FD_NULL, FD_ZERO, FD_FILE, FD_PIPE_R, FD_PIPE_W };

struct pipemodel {
	int readers, writers;	/* descriptors of each end in this process */
	long buffered;		/* bytes in the pipe */
};

/* The calling process's state: copied by fork, so a child starts from its parent's. */
static struct shared *sh;
static struct slot *me;
static int depth;
static bool risky;		/* a child: any call goes */
static bool trusted = true;	/* no call could have scribbled on our memory or model */
static uint64_t rng_state;
static pid_t mypid, myppid;
static uint8_t fd_kind[NFD];
static uint8_t fd_mode[NFD];		/* M_READ | M_WRITE: what it was opened for */
static int8_t fd_pipe[NFD];
static struct pipemodel pipes[NPIPES];
static struct flexsc_entry *page;	/* our syscall pages, NULL if not registered */
static unsigned page_entries;		/* how many we use: all of them if page_pages_known */
static bool page_pages_known = true;
static uintptr_t maps[16];		/* mmap results outside the arena, to unmap */
static size_t map_len[16];
static char pattern[PATTERN_PAGES * PGSIZE] __attribute__((aligned(PGSIZE)));

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A call about to be made may store into our own memory or syscall pages (and
 * have the pool run whatever that leaves SUBMITTED): from now on no result we
 * expect holds, and we may end with any status.
 */
static void distrust(void)
{
	trusted = false;
	me->expect_exit = -2;
}

/* splitmix64: the next number of this process's sequence. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15UL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

/* A number below n (n > 0). */
static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* True one time in n. */
static bool one_in(uint64_t n)
{
	return below(n) == 0;
}

/* The pattern's byte at offset i, from the seed: what pattern[] must hold. */
static uint8_t pattern_byte(size_t i)
{
	return (uint8_t)((i * 0x9d) ^ (i >> 8) ^ sh->seed);
}

/* ---- Making a call ---- */

/* A trap with the RFLAGS bits set put in place for it, and taken out after. */
static long trap(enum path path, unsigned long set, long num, const long a[6])
{
	register long rax asm("rax") = num;
	register long rdi asm("rdi") = a[0];
	register long rsi asm("rsi") = a[1];
	register long rdx asm("rdx") = a[2];
	register long r10 asm("r10") = a[3];
	register long r8 asm("r8") = a[4];
	register long r9 asm("r9") = a[5];
	unsigned long clear = ~(set | RF_DF | RF_AC | RF_NT | RF_TF);

	/* The 128 bytes below rsp are the red zone: pushfq must stay under them. */
	if (path == PATH_SYSCALL)
		asm volatile("sub $128, %%rsp; pushfq; orq %[set], (%%rsp); popfq; syscall;"
			     "pushfq; andq %[clear], (%%rsp); popfq; add $128, %%rsp"
			     : "+r"(rax)
			     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8), "r"(r9),
			       [set] "r"(set), [clear] "r"(clear)
			     : "rcx", "r11", "memory", "cc");
	else
		asm volatile("sub $128, %%rsp; pushfq; orq %[set], (%%rsp); popfq; int $0x80;"
			     "pushfq; andq %[clear], (%%rsp); popfq; add $128, %%rsp"
			     : "+r"(rax)
			     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8), "r"(r9),
			       [set] "r"(set), [clear] "r"(clear)
			     : "memory", "cc");
	return rax;
}

/* A free entry of our pages: FREE, or anything else the kernel will not touch. */
static struct flexsc_entry *idle_entry(void)
{
	struct flexsc_entry *e = &page[below(page_entries)];
	uint32_t s = e->status;
	return s == FLEXSC_SUBMITTED || s == FLEXSC_BUSY || s == FLEXSC_BLOCKED ? NULL : e;
}

/*
 * Wait for submitted entry e to be DONE; its result. The kernel must complete
 * it: flexsc_wait(e) saying it is not on its way while it still is not DONE is
 * a failure. (A child of a fork on the page that was copied before the trap
 * traps unregistered, -EINVAL, and finds e DONE in its snapshot.)
 */
static long page_wait(struct flexsc_entry *e)
{
	while (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_DONE) {
		long r = one_in(2) ? syscall6(SYS_flexsc_wait, (long)e, 0, 0, 0, 0, 0)
				   : syscall6(SYS_flexsc_wait, 0, 0, 0, 0, 0, 0);
		if (r < 0 && __atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_DONE)
			fail("flexsc_wait for a submitted entry: %ld", r);
		if (r == 0 && __atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_DONE)
			fail("flexsc_wait returned 0 with a submitted entry not DONE (status %u)",
			     e->status);
	}
	long ret = e->ret;
	__atomic_store_n(&e->status, FLEXSC_FREE, __ATOMIC_RELEASE);
	return ret;
}

/* One call through the syscall page, waited for. */
static long page_call(long num, const long a[6])
{
	struct flexsc_entry *e;
	while (!(e = idle_entry()))
		;
	flexsc_prep(e, num, a[0], a[1], a[2], a[3], a[4], a[5]);
	__atomic_store_n(&e->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
	return page_wait(e);
}

static const char *call_name(long num);

/* Print rec to fd. */
static void print_call(int fd, const struct callrec *rec)
{
	const long *a = rec->a;
	char ret[32];

	if (rec->done)
		snprintf(ret, sizeof(ret), "%ld", rec->ret);
	else
		snprintf(ret, sizeof(ret), "(not returned)");
	dprintf(fd, "  #%lu %s %s(0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) rflags+0x%lx -> %s\n",
		(unsigned long)rec->index, path_names[rec->path], call_name(rec->num), a[0], a[1],
		a[2], a[3], a[4], a[5], rec->flags, ret);
}

/* Record in our ring a call about to be made (and print it when tracing). */
static struct callrec *call_begins(enum path path, unsigned long set, long num, const long a[6])
{
	struct callrec *rec = &me->ring[me->calls % RING];

	rec->index = me->calls++;
	rec->num = num;
	memcpy(rec->a, a, sizeof(rec->a));
	rec->path = path;
	rec->flags = set;
	rec->done = 0;
	if (sh->trace)
		print_call(REPORT_FD, rec);
	return rec;
}

/* Record the result r of the call rec, and count the call. */
static void call_ends(struct callrec *rec, long r)
{
	rec->ret = r;
	rec->done = 1;
	__atomic_add_fetch(&sh->total, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->per_path[rec->path], 1, __ATOMIC_RELAXED);
}

/*
 * musl's thread pointer, our FS base as the C library set it. An arch_prctl
 * that sets another is followed at once by one that sets this back, before any
 * C library code (errno, stdio) reads through FS; fuzz.c is built without the
 * stack protector, whose canary is read through FS.
 */
static uint64_t libc_fs;

/*
 * Make call num(a) on path with RFLAGS bits set (trap paths only), recorded in
 * our ring; its result.
 */
static long make_call(enum path path, unsigned long set, long num, const long a[6])
{
	if (path == PATH_PAGE)
		set = 0;
	struct callrec *rec = call_begins(path, set, num, a);
	long r = path == PATH_PAGE ? page_call(num, a) : trap(path, set, num, a);
	if (num == SYS_arch_prctl && a[0] == ARCH_SET_FS && r == 0)
		syscall6(SYS_arch_prctl, ARCH_SET_FS, (long)libc_fs, 0, 0, 0, 0);
	call_ends(rec, r);
	return r;
}

/* Flags for a trap: mostly none, else bits the kernel must not be upset by. */
static unsigned long junk_flags(void)
{
	static const unsigned long choices[] = {
		RF_NT, RF_AC, RF_DF, RF_ID, RF_ARITH, RF_NT | RF_AC | RF_DF | RF_ARITH,
		RF_NT | RF_ID,
	};
	if (!one_in(4))
		return 0;
	unsigned long f = choices[below(ARRAY_SIZE(choices))];
	/* A trap flag kills the process at the next instruction: children only. */
	if (risky && one_in(16))
		f |= RF_TF;
	return f;
}

/* A path: the page only when registered. */
static enum path pick_path(void)
{
	enum path p = (enum path)below(NPATHS);
	return p == PATH_PAGE && !page ? PATH_SYSCALL : p;
}

/* A call made the plain way, for set-up and checks: syscall, no flags, recorded. */
static long plain(long num, long a0, long a1, long a2)
{
	long a[6] = { a0, a1, a2, 0, 0, 0 };
	return make_call(PATH_SYSCALL, 0, num, a);
}

/* ---- Reports ---- */

/* Print the failure, our recent calls and the replay command; end this process. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	/* After a call that may have scribbled on us, nothing we expect holds. */
	if (!trusted)
		exit(0);
	dprintf(REPORT_FD, "fuzz: FAIL (pid %d, %s) ", mypid,
		depth == 0 ? "worker" : depth == 1 ? "child" : "grandchild");
	va_start(ap, fmt);
	vdprintf(REPORT_FD, fmt, ap);
	va_end(ap);
	dprintf(REPORT_FD, "\n");
	if (me->note[0])
		dprintf(REPORT_FD, "fuzz: before its last call: %s\n", me->note);
	dprintf(REPORT_FD, "fuzz: its last calls:\n");
	uint64_t n = me->calls < RING ? me->calls : RING;
	for (uint64_t k = me->calls - n; k < me->calls; k++)
		print_call(REPORT_FD, &me->ring[k % RING]);
	__atomic_add_fetch(&sh->failed, 1, __ATOMIC_SEQ_CST);
	exit(99);
}

/* Check one result: unless ok, fail saying what was expected. */
static void want(bool ok, const char *what, long got)
{
	if (!ok)
		fail("%s, got %ld", what, got);
}

static const struct {
	long num;
	const char *name;
} names[] = {
#define SYSCALL(num, name) { num, #name },
#include <inc/syscall.def>
};

/* A call's name, or "sys_N" for a number without one. */
static const char *call_name(long num)
{
	static char buf[40];
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].num == num)
			return names[i].name;
	snprintf(buf, sizeof(buf), "sys_0x%lx", num);
	return buf;
}

/* ---- Arguments ---- */

/* Kinds of pointer, and what the kernel can be expected to do with one. */
enum ptrkind {
	P_GOOD,		/* wholly inside the scratch pages */
	P_STRADDLE,	/* runs off the end of the scratch pages into the unmapped page */
	P_NULL, P_LOW, P_UNMAPPED, P_PROT_NONE,
	P_READONLY,	/* a read-only page (text or RO_PAGE): fine to read */
	P_ARENA,	/* somewhere in the arena, mapped or not */
	P_KERNEL, P_NONCANON,
	P_USER_TOP,	/* running past USER_END */
	P_PATTERN,	/* our pattern: only for the kernel to read */
	P_ANY,		/* random 64 bits, or our own stack, data or syscall page: children only */
	NPTRKINDS
};

/* Whether the n bytes at p lie in user space: the kernel's range check (else -EFAULT). */
static bool in_user(long p, size_t n)
{
	uintptr_t end = (uintptr_t)p + n;
	return end >= (uintptr_t)p && end <= USER_END;
}

/*
 * A pointer for len bytes of kind *kind (chosen here): one the kernel may store
 * into when stores, else one it only reads.
 */
static uintptr_t pointer(size_t len, bool stores, enum ptrkind *kind)
{
	enum ptrkind k = below(3) ? P_GOOD : (enum ptrkind)below(NPTRKINDS);
	size_t span = SCRATCH_PAGES * PGSIZE;
	uintptr_t p = 0;

	if (k == P_PATTERN && stores)
		k = P_GOOD;
	if (k == P_ANY && !risky)
		k = P_ARENA;
	if (k == P_ANY && stores)
		distrust();
	switch (k) {
	case P_GOOD:
		p = SCRATCH + (len < span ? below(span - len + 1) : 0);
		if (len >= span)
			k = P_STRADDLE;
		break;
	case P_STRADDLE:  p = SCRATCH_END - 1 - below(len ? MIN(len, span) : 1); break;
	case P_NULL:      p = 0; break;
	case P_LOW:       p = 1 + below(UMIN - 1); break;
	case P_UNMAPPED:  p = 0x7000000000UL + below(1UL << 30); break;
	case P_PROT_NONE: p = NONE_PAGE + below(PGSIZE); break;
	case P_READONLY:  p = one_in(2) ? RO_PAGE + below(PGSIZE) : (uintptr_t)&pointer; break;
	case P_ARENA:     p = ARENA + below(ARENA_PAGES * PGSIZE); break;
	case P_KERNEL: {
		static const uintptr_t bases[] = { KERNBASE, DMAPBASE, KSTACKBASE,
						   KERNBASE + 0x100000, 0xfffffffffffff000UL };
		p = bases[below(ARRAY_SIZE(bases))] + below(PGSIZE);
		break;
	}
	case P_NONCANON:
		p = one_in(2) ? USER_END + below(1UL << 40) : 0x8000000000000000UL | rnd();
		break;
	case P_USER_TOP:  p = USER_END - 1 - below(64); if (len <= USER_END - p) k = P_UNMAPPED; break;
	case P_PATTERN:   p = (uintptr_t)pattern + below(sizeof(pattern)); break;
	case P_ANY: {
		uintptr_t ours[] = { (uintptr_t)&k, (uintptr_t)pattern, (uintptr_t)page,
				     USTACKTOP - 1 - below(64), rnd() };
		p = ours[below(ARRAY_SIZE(ours))];
		break;
	}
	case NPTRKINDS: break;
	}
	*kind = k;
	return p;
}

/* A length: mostly small, sometimes one that runs far past any buffer. */
static size_t length(void)
{
	static const size_t odd[] = { 0, 1, PGSIZE, PGSIZE + 1, 1UL << 20, 1UL << 40,
				      (size_t)-1, (size_t)-PGSIZE, USER_END, 0x7fffffff };
	switch (below(4)) {
	case 0: return odd[below(ARRAY_SIZE(odd))];
	case 1: return below(PGSIZE * 2);
	default: return 1 + below(64);
	}
}

/* Descriptor numbers that are never ours: negative, too big, or junk in the high bits. */
static long bad_fd(void)
{
	/* The last is 0x7fffff00 as the int the kernel takes. */
	static const long bad[] = { -1, -100, NFD, NFD + 1, 1L << 31, -(1L << 31),
				    (1L << 40) | 0x7fffff00 };
	return bad[below(ARRAY_SIZE(bad))];
}

/* A descriptor: usually an open one (never REPORT_FD), sometimes a closed or bad one. */
static long any_fd(void)
{
	if (one_in(8))
		return bad_fd();
	for (int tries = 0; tries < 8; tries++) {
		int fd = (int)below(REPORT_FD);
		if (fd_kind[fd] != FD_CLOSED || one_in(16))
			return fd;
	}
	return (long)below(REPORT_FD);
}

/* The lowest closed descriptor, which the kernel must hand out next; -1 if none. */
static int lowest_free(void)
{
	for (int fd = 0; fd < NFD; fd++)
		if (fd_kind[fd] == FD_CLOSED)
			return fd;
	return -1;
}

/* Whether the descriptor number the kernel sees in a (its int value) is an open one. */
static bool fd_open(long a)
{
	int fd = (int)a;
	return fd >= 0 && fd < NFD && fd_kind[fd] != FD_CLOSED;
}

/* ---- The model of descriptors and pipes ---- */

static void fd_track(int fd, enum fdkind kind, int mode, int pipe)
{
	fd_kind[fd] = (uint8_t)kind;
	fd_mode[fd] = (uint8_t)mode;
	fd_pipe[fd] = (int8_t)pipe;
	if (kind == FD_PIPE_R)
		pipes[pipe].readers++;
	if (kind == FD_PIPE_W)
		pipes[pipe].writers++;
}

static void fd_clear(int fd)
{
	if (fd_kind[fd] == FD_PIPE_R)
		pipes[fd_pipe[fd]].readers--;
	if (fd_kind[fd] == FD_PIPE_W)
		pipes[fd_pipe[fd]].writers--;
	fd_kind[fd] = FD_CLOSED;
}

/* A pipe slot no descriptor refers to; -1 if all are taken. */
static int free_pipe(void)
{
	for (int i = 0; i < NPIPES; i++)
		if (pipes[i].readers == 0 && pipes[i].writers == 0)
			return i;
	return -1;
}

/* ---- Calls on the model ---- */

/* What a generated call needs for its result to be checked. */
struct call {
	long num;
	long a[6];
	enum ptrkind ptr;	/* the kind of its buffer pointer, if it has one */
	const char *path;	/* open: the name, when it is one of ours */
	bool has_expect;	/* the result must be expect */
	long expect;
};

/*
 * open's access-mode bits, as the kernel reads them (3 is the invalid mode):
 * musl's O_ACCMODE has O_PATH (its O_SEARCH) in it too.
 */
#define ACCESS_MODE (O_WRONLY | O_RDWR)

/* An open call: a name (ours, or one the kernel must refuse), flags. */
static void gen_open(struct call *c)
{
	static const char *const paths[] = { "/dev/null", "dev/zero", "/bin/fuzz", "bin/true",
					     "nonexistent", "", "/dev/", "dev/null/x" };
	static const long flags[] = { O_RDONLY, O_WRONLY, O_RDWR, ACCESS_MODE, O_CREAT,
				      O_CREAT | O_EXCL, O_TRUNC, O_APPEND | O_RDWR,
				      O_NONBLOCK, O_CLOEXEC };
	char *s = (char *)SCRATCH;
	switch (below(6)) {
	case 0:	/* a name that runs into the unmapped page */
		c->a[0] = (long)(SCRATCH_END - 1 - below(8));
		memset((char *)c->a[0], 'a', SCRATCH_END - (uintptr_t)c->a[0]);
		c->ptr = P_STRADDLE;
		break;
	case 1: {	/* a name too long for the kernel */
		size_t n = 300 + below(400);
		memset(s, '/', n);
		s[n] = 0;
		c->a[0] = (long)s;
		break;
	}
	case 2:
		c->a[0] = (long)pointer(1, false, &c->ptr);
		break;
	default:
		c->path = paths[below(ARRAY_SIZE(paths))];
		c->a[0] = (long)c->path;
	}
	c->a[1] = one_in(8) ? (long)rnd() : flags[below(ARRAY_SIZE(flags))];
	/*
	 * Files are writable now: the programs are opened for reading only, and
	 * no name is created, so that the file tree ends as it began.
	 */
	if (c->path && strncmp(c->path, "/bin/", 5) && strncmp(c->path, "bin/", 4))
		c->a[1] &= ~(long)O_CREAT;
	else if (c->path)
		c->a[1] &= ~(long)(ACCESS_MODE | O_TRUNC | O_APPEND);
	else
		c->a[1] &= ~(long)O_CREAT;
}

/* The model after open: the fd it returned, of the kind its name says. */
static void after_open(const struct call *c, long r)
{
	const char *path = c->path;
	int flags = (int)c->a[1], acc = flags & ACCESS_MODE;
	int mode = acc == O_RDONLY ? M_READ : acc == O_WRONLY ? M_WRITE : M_READ | M_WRITE;
	bool dev = path && (strcmp(path, "/dev/null") == 0 || strcmp(path, "dev/zero") == 0);
	bool file = path && (strcmp(path, "/bin/fuzz") == 0 || strcmp(path, "bin/true") == 0);

	if (r >= 0) {
		want(r == lowest_free(), "open returns the lowest free descriptor", r);
		want(acc != ACCESS_MODE, "open with access mode 3 must fail", r);
		want((flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL) || !(dev || file),
		     "O_CREAT|O_EXCL must not open an existing name", r);
		want(!file || acc == O_RDONLY, "a program file is opened only for reading", r);
		if (dev)
			fd_track((int)r, strcmp(path, "/dev/null") == 0 ? FD_NULL : FD_ZERO, mode, 0);
		else
			fd_track((int)r, FD_FILE, M_READ, 0);
		return;
	}
	bool full = lowest_free() < 0;
	bool dir_wanted = flags & O_DIRECTORY, create_dir = dir_wanted && (flags & O_CREAT);
	if (create_dir && acc != ACCESS_MODE)
		want(r == -EINVAL, "O_CREAT with O_DIRECTORY is -EINVAL", r);
	if ((dev || file) && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) && acc != ACCESS_MODE &&
	    !create_dir)
		want(r == -EEXIST || (r == -EMFILE && full), "O_CREAT|O_EXCL on an existing name is -EEXIST", r);
	if ((dev || file) && acc != ACCESS_MODE && !(flags & O_EXCL) && dir_wanted && !create_dir)
		want(r == -ENOTDIR, "O_DIRECTORY on a device or a file is -ENOTDIR", r);
	if (dev && acc != ACCESS_MODE && !(flags & O_EXCL) && !dir_wanted)
		want(r == -EMFILE && full, "open of a device", r);
	if (file && acc == O_RDONLY && !(flags & (O_TRUNC | O_CREAT)) && !dir_wanted)
		want(r == -EMFILE && full, "open of a program file for reading", r);
	if (path && strcmp(path, "nonexistent") == 0 && !(flags & O_CREAT) && acc != ACCESS_MODE)
		want(r == -ENOENT, "open of a missing file is -ENOENT", r);
	if (!in_user(c->a[0], 1))
		want(r == -EFAULT, "open of a name outside user space is -EFAULT", r);
}

/*
 * The pipe a transfer c (fd, buf, n) would reach at end (FD_PIPE_R or
 * FD_PIPE_W), or NULL: another descriptor, nothing to move, or a buffer the
 * range check refuses before the pipe is looked at.
 */
static struct pipemodel *pipe_reached(const struct call *c, enum fdkind end)
{
	int fd = (int)c->a[0];
	if (!fd_open(c->a[0]) || fd_kind[fd] != end || c->a[2] == 0 ||
	    !in_user(c->a[1], (size_t)c->a[2]))
		return NULL;
	return &pipes[fd_pipe[fd]];
}

/* Whether a read of c could block for good: an empty pipe with a writer. */
static bool read_blocks(const struct call *c)
{
	struct pipemodel *p = pipe_reached(c, FD_PIPE_R);
	return p && p->buffered == 0 && p->writers > 0;
}

/* Whether a write of c could block for good: a pipe with a reader and too little room. */
static bool write_blocks(const struct call *c)
{
	struct pipemodel *p = pipe_reached(c, FD_PIPE_W);
	return p && p->readers > 0 && (size_t)c->a[2] > (size_t)(PIPE_SIZE - p->buffered);
}

/* read and write: what each kind of descriptor must give for a good buffer. */
static void after_transfer(const struct call *c, long r, bool reading)
{
	int fd = (int)c->a[0];
	size_t n = (size_t)c->a[2];

	want(r >= -4095 && (r < 0 || (size_t)r <= n), "a count no larger than asked, or -errno", r);
	if (!fd_open(c->a[0])) {
		want(r == -EBADF, "a transfer on a closed descriptor is -EBADF", r);
		return;
	}
	enum fdkind k = (enum fdkind)fd_kind[fd];
	if (!(fd_mode[fd] & (reading ? M_READ : M_WRITE))) {
		want(r == -EBADF, "a transfer the descriptor was not opened for is -EBADF", r);
		return;
	}
	if (n == 0) {
		/* Linux may or may not check an empty buffer's address. */
		want(r == 0 || (r == -EFAULT && !in_user(c->a[1], 0)),
		     "a transfer of 0 bytes returns 0", r);
		return;
	}
	if (!in_user(c->a[1], n)) {
		want(r == -EFAULT, "a buffer outside user space is -EFAULT", r);
		return;
	}
	struct pipemodel *p = (k == FD_PIPE_R || k == FD_PIPE_W) ? &pipes[fd_pipe[fd]] : NULL;
	if (p && r > 0)
		p->buffered += reading ? -r : r;
	if (k == FD_NULL && reading)
		want(r == 0, "/dev/null reads as empty", r);
	else if (k == FD_NULL || (k == FD_ZERO && !reading))
		want(r == (long)n, "a device swallows a write whole", r);
	else if (c->ptr != P_GOOD)
		return;
	else if (k == FD_ZERO)
		want(r == (long)n, "/dev/zero fills a good buffer", r);
	else if (k == FD_PIPE_W && p->readers == 0)
		want(r == -EPIPE, "a write to a pipe with no reader is -EPIPE", r);
	else if (k == FD_PIPE_W)
		want(r == (long)n, "a pipe with room takes a write whole", r);
	else if (k == FD_PIPE_R)
		want(r >= 0 && p->buffered >= 0 && (r == (long)n || p->buffered == 0),
		     "a pipe read takes what is there", r);
}

/* The two lowest free descriptors in *a and *b (-1 where there are none). */
static void two_lowest(int *a, int *b)
{
	*a = lowest_free();
	*b = -1;
	for (int fd = *a + 1; *a >= 0 && fd < NFD && *b < 0; fd++)
		if (fd_kind[fd] == FD_CLOSED)
			*b = fd;
}

/* pipe and pipe2: the pair must be the two lowest free descriptors. */
static void after_pipe(const struct call *c, long r)
{
	int first, second;
	two_lowest(&first, &second);
	if (c->num == SYS_pipe2 && ((int)c->a[1] & ~O_CLOEXEC)) {
		want(r == -EINVAL, "pipe2 with unknown flags is -EINVAL", r);
		return;
	}
	if (!in_user(c->a[0], 8) && second >= 0)
		want(r == -EFAULT, "pipe into kernel memory is -EFAULT", r);
	if (r < 0) {
		want(c->ptr != P_GOOD || second < 0 || r == -ENOMEM,
		     "pipe with two free descriptors and a good pointer", r);
		return;
	}
	want(r == 0, "pipe returns 0", r);
	int pi = free_pipe();
	if (pi < 0)
		fail("more pipes than the model holds");
	if (c->ptr == P_GOOD) {
		int fds[2];
		memcpy(fds, (void *)c->a[0], sizeof(fds));
		want(fds[0] == first && fds[1] == second, "pipe gives the two lowest descriptors",
		     fds[0] * 100 + fds[1]);
	}
	fd_track(first, FD_PIPE_R, M_READ, pi);
	fd_track(second, FD_PIPE_W, M_WRITE, pi);
	pipes[pi].buffered = 0;
}

/* After dup or dup2: the new descriptor shares the old one's file. */
static void after_dup(const struct call *c, long r)
{
	int oldfd = (int)c->a[0];
	bool old_ok = fd_open(c->a[0]);

	if (c->num == SYS_dup) {
		if (!old_ok) {
			want(r == -EBADF, "dup of a closed descriptor is -EBADF", r);
			return;
		}
		if (r >= 0) {
			want(r == lowest_free(), "dup returns the lowest free descriptor", r);
			fd_track((int)r, (enum fdkind)fd_kind[oldfd], fd_mode[oldfd], fd_pipe[oldfd]);
		} else {
			want(r == -EMFILE && lowest_free() < 0, "dup fails only when full", r);
		}
		return;
	}
	int newfd = (int)c->a[1];
	if (c->num == SYS_dup3 && (((int)c->a[2] & ~O_CLOEXEC) || oldfd == newfd)) {
		want(r == -EINVAL, "dup3 with flags other than O_CLOEXEC or onto itself is -EINVAL", r);
		return;
	}
	if (!old_ok || newfd < 0 || newfd >= NFD) {
		want(r == -EBADF, "dup2 with a bad descriptor is -EBADF", r);
		return;
	}
	want(r == newfd, "dup2 returns newfd", r);
	if (oldfd != newfd) {
		fd_clear(newfd);
		fd_track(newfd, (enum fdkind)fd_kind[oldfd], fd_mode[oldfd], fd_pipe[oldfd]);
	}
}

/* fcntl: F_DUPFD gives the lowest free descriptor at or above arg; -EBADF for a closed one. */
static void after_fcntl(const struct call *c, long r)
{
	int fd = (int)c->a[0], cmd = (int)c->a[1];
	if (!fd_open(c->a[0])) {
		want(r == -EBADF, "fcntl on a closed descriptor is -EBADF", r);
		return;
	}
	if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) {
		want(r >= 0 || r == -EINVAL, "fcntl", r);
		return;
	}
	if (r < 0)
		return;
	int want_fd = -1;
	for (int k = (int)c->a[2]; k >= 0 && k < NFD && want_fd < 0; k++)
		if (fd_kind[k] == FD_CLOSED)
			want_fd = k;
	want(r == want_fd, "F_DUPFD gives the lowest free descriptor at or above arg", r);
	fd_track((int)r, (enum fdkind)fd_kind[fd], fd_mode[fd], fd_pipe[fd]);
}

/* After close: the descriptor is gone; closing a closed one is -EBADF. */
static void after_close(const struct call *c, long r)
{
	if (!fd_open(c->a[0])) {
		want(r == -EBADF, "close of a closed descriptor is -EBADF", r);
		return;
	}
	want(r == 0, "close of an open descriptor", r);
	fd_clear((int)c->a[0]);
}

/* ---- Generating calls ---- */

/* A descriptor and buffer for read or write that cannot block for good. */
static void gen_transfer(struct call *c, bool reading)
{
	c->a[0] = any_fd();
	c->a[2] = (long)length();
	c->a[1] = (long)pointer((size_t)c->a[2], reading, &c->ptr);
	/* A pipe transfer that would block gets a count that cannot. */
	while (reading ? read_blocks(c) : write_blocks(c)) {
		int fd = (int)c->a[0];
		c->a[2] = reading ? 0 : (long)below(PIPE_SIZE - pipes[fd_pipe[fd]].buffered + 1);
	}
}

/*
 * readv or writev: up to 8 buffers of any kind described in the scratch pages
 * (sometimes a bad vector, count or descriptor). On a pipe it moves nothing
 * when it could block: a read of an empty pipe with a writer, a write bigger
 * than the room with a reader.
 */
static void gen_vector(struct call *c, bool reading)
{
	struct iovec *v = (struct iovec *)(SCRATCH_END - 8 * sizeof(struct iovec));
	int n = (int)below(9);
	size_t total = 0;

	for (int i = 0; i < n; i++) {
		enum ptrkind k;
		v[i].iov_len = one_in(8) ? length() : below(128);
		v[i].iov_base = (void *)pointer(v[i].iov_len, reading, &k);
		/* The kernel writes into the buffers: never over the vector itself. */
		if (reading && (uintptr_t)v[i].iov_base + v[i].iov_len > (uintptr_t)v &&
		    (uintptr_t)v[i].iov_base < SCRATCH_END)
			v[i].iov_base = (void *)SCRATCH;
		if (reading && (uintptr_t)v[i].iov_base + v[i].iov_len > (uintptr_t)v &&
		    (uintptr_t)v[i].iov_base < SCRATCH_END)
			v[i].iov_len = (uintptr_t)v - (uintptr_t)v[i].iov_base;
		total += v[i].iov_len;
	}
	/*
	 * Or a vector the kernel cannot read whole: one it could read would be
	 * whatever bytes lie there, buffers we never chose.
	 */
	static const uintptr_t unreadable[] = { 0, KERNBASE, USER_END, 0x7000000000UL, NONE_PAGE,
						SCRATCH_END - 8 };
	c->a[0] = any_fd();
	c->a[1] = one_in(8) ? (long)unreadable[below(ARRAY_SIZE(unreadable))] : (long)v;
	c->a[2] = one_in(8) ? (long)(one_in(2) ? IOV_MAX + 1 : rnd()) : n;
	int fd = (int)c->a[0];
	if (!fd_open(c->a[0]))
		return;
	struct pipemodel *p = &pipes[fd_pipe[fd]];
	bool blocks = reading ? fd_kind[fd] == FD_PIPE_R && p->buffered == 0 && p->writers > 0
			      : fd_kind[fd] == FD_PIPE_W && p->readers > 0 &&
				total > (size_t)(PIPE_SIZE - p->buffered);
	if (blocks)
		c->a[2] = 0;
}

/* A timespec for nanosleep: a short valid one, an invalid one, or a bad pointer. */
static void gen_nanosleep(struct call *c)
{
	struct timespec *ts = (struct timespec *)(SCRATCH + below(SCRATCH_PAGES * PGSIZE - 16) / 8 * 8);
	switch (below(4)) {
	case 0:
		ts->tv_sec = 0;
		ts->tv_nsec = (int64_t)below(2000000);
		c->a[0] = (long)ts;
		c->expect = 0;
		break;
	case 1:
		ts->tv_sec = one_in(2) ? -1 : (int64_t)below(3);
		ts->tv_nsec = one_in(2) ? 1000000000 + (int64_t)below(1000) : -1 - (int64_t)below(9);
		c->a[0] = (long)ts;
		c->expect = -EINVAL;
		break;
	default: {
		/* Only pointers at which no valid long sleep can be read. */
		static const enum ptrkind bad[] = { P_NULL, P_UNMAPPED, P_KERNEL, P_NONCANON,
						    P_PROT_NONE, P_STRADDLE };
		c->ptr = bad[below(ARRAY_SIZE(bad))];
		c->a[0] = (long)(c->ptr == P_NULL ? 0 : c->ptr == P_UNMAPPED ? 0x7000000000UL :
				 c->ptr == P_KERNEL ? KERNBASE : c->ptr == P_NONCANON ? USER_END :
				 c->ptr == P_PROT_NONE ? NONE_PAGE : SCRATCH_END - 8);
		if (c->ptr == P_STRADDLE)
			((int64_t *)c->a[0])[0] = 0;
		c->expect = -EFAULT;
	}
	}
	c->has_expect = true;
	enum ptrkind rem;
	c->a[1] = one_in(2) ? 0 : (long)pointer(16, true, &rem);
}

/* mmap, munmap, mprotect on the arena (or, in children, anywhere). */
static void gen_memory(struct call *c)
{
	uintptr_t at = ARENA + below(ARENA_PAGES) * PGSIZE;
	size_t len = (1 + below(ARENA_PAGES)) * PGSIZE;
	static const long prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
				      PROT_READ | PROT_EXEC, PROT_WRITE, 0x8, 0x1000000 };

	if (one_in(8))
		len = one_in(2) ? length() : len + 1 + below(PGSIZE - 1);
	if (one_in(8))
		at += one_in(2) ? 1 + below(PGSIZE - 1) : 0;
	if (risky && one_in(4)) {
		enum ptrkind k;
		at = one_in(2) ? (uintptr_t)pointer(len, true, &k) & ~(PGSIZE - 1) : (uintptr_t)rnd();
		distrust();	/* it may be our own stack, text or data */
	}
	c->a[0] = (long)at;
	c->a[1] = (long)len;
	c->a[2] = prots[below(ARRAY_SIZE(prots))];
	if (c->num != SYS_mmap)
		return;
	static const long flags[] = { MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
				      MAP_PRIVATE, MAP_SHARED, MAP_ANONYMOUS, 0x40000,
				      MAP_PRIVATE | MAP_ANONYMOUS | 0x100 };
	c->a[3] = flags[below(ARRAY_SIZE(flags))];
	if (below(3))
		c->a[3] |= MAP_FIXED;
	else if (!risky)	/* a hint far from everything we own */
		c->a[0] = one_in(2) ? 0 : (long)((FAR_HINTS + below(1UL << 40)) &
						 (one_in(4) ? ~0UL : ~(uintptr_t)(PGSIZE - 1)));
	if (!(c->a[3] & MAP_FIXED) && (size_t)c->a[1] > ARENA_PAGES * PGSIZE && !risky)
		c->a[1] = (long)(ARENA_PAGES * PGSIZE);
	c->a[4] = one_in(2) ? -1 : any_fd();
	c->a[5] = one_in(2) ? 0 : (long)(one_in(2) ? below(8) * PGSIZE : rnd());
	if (!risky && (c->a[3] & MAP_FIXED) && (uintptr_t)c->a[0] >= ARENA &&
	    (uintptr_t)c->a[0] + (size_t)c->a[1] > ARENA + ARENA_PAGES * PGSIZE)
		c->a[1] = (long)(ARENA + ARENA_PAGES * PGSIZE - (uintptr_t)c->a[0]);
}

/* After mmap: remember a mapping outside the arena, to unmap it later. */
static void after_mmap(const struct call *c, long r)
{
	if (r < 0) {
		want(r >= -4095, "mmap: an address or -errno", r);
		return;
	}
	want((r & (PGSIZE - 1)) == 0 && (uintptr_t)r < USER_END, "mmap: a page in user space", r);
	if (c->a[3] & MAP_FIXED) {
		want(r == c->a[0], "MAP_FIXED maps at addr", r);
		return;
	}
	unsigned i = (unsigned)below(ARRAY_SIZE(maps));
	if (maps[i])
		plain(SYS_munmap, (long)maps[i], (long)map_len[i], 0);
	maps[i] = (uintptr_t)r;
	map_len[i] = (size_t)c->a[1];
}

/* Whether num is a call elk has. */
static bool known_num(long num)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].num == num)
			return true;
	return false;
}

/* Syscall numbers to try beside the real ones. */
static long junk_num(void)
{
	switch (below(4)) {
	case 0: return 100 + (long)below(900);	/* around elk's own */
	case 1: return (long)below(NSYSCALLS + 64);
	case 2: return -(long)below(4) - 1;
	default: return (long)(rnd() | (1UL << 32));
	}
}

/*
 * Fill c with a call the current process may make (risky or not) with random
 * arguments; false if the one picked is for another step.
 */
static bool gen_call(struct call *c)
{
	static const long nums[] = {
		SYS_read, SYS_read, SYS_write, SYS_write, SYS_open, SYS_close, SYS_close,
		SYS_fstat, SYS_lseek, SYS_mmap, SYS_mprotect, SYS_munmap, SYS_brk, SYS_pipe,
		SYS_pipe2, SYS_sched_yield, SYS_dup, SYS_dup2, SYS_nanosleep, SYS_getpid,
		SYS_getppid, SYS_clock_gettime, SYS_kstat, SYS_wait4, SYS_ipc_send,
		SYS_ipc_recv, SYS_flexsc_register, SYS_flexsc_wait, SYS_flexsc_wake, SYS_execve, SYS_exit,
		SYS_uname, SYS_getuid, SYS_getgid, SYS_geteuid, SYS_getegid, SYS_ioctl,
		SYS_readv, SYS_writev, SYS_arch_prctl, SYS_set_tid_address, SYS_fcntl,
		SYS_dup3, SYS_clock_nanosleep, -1,
	};
	memset(c, 0, sizeof(*c));
	c->ptr = P_GOOD;
	c->num = nums[below(ARRAY_SIZE(nums))];
	for (int i = 0; i < 6; i++)
		c->a[i] = one_in(8) ? (long)rnd() : (long)below(4);
	enum ptrkind k;
	switch (c->num) {
	case -1:
		/* Not one that is a real call (getpid with high bits aside): the model would not know. */
		c->num = junk_num();
		if (known_num((uint32_t)c->num) &&
		    ((uint32_t)c->num != SYS_getpid || c->num == SYS_getpid))
			c->num = 999;
		break;
	case SYS_read:
	case SYS_write:
		gen_transfer(c, c->num == SYS_read);
		break;
	case SYS_open:
		gen_open(c);
		break;
	case SYS_close:
		c->a[0] = any_fd();
		break;
	case SYS_fstat:
		c->a[0] = any_fd();
		c->a[1] = (long)pointer(sizeof(struct stat), true, &c->ptr);
			break;
	case SYS_lseek:
		c->a[0] = any_fd();
		c->a[1] = one_in(2) ? (long)below(20000) - 1000 : (long)rnd();
		c->a[2] = (long)below(5);
		break;
	case SYS_mmap:
	case SYS_mprotect:
	case SYS_munmap:
		gen_memory(c);
		break;
	case SYS_brk: {
		long now = (long)elk_sbrk(0);
		c->a[0] = one_in(4) ? (long)rnd() : one_in(4) ? 0 :
			  now + (long)(below(64 * PGSIZE)) - (risky ? 32 * PGSIZE : 0);
		break;
	}
	case SYS_pipe:
	case SYS_pipe2:
		if (free_pipe() < 0 || lowest_free() > NFD - 8)
			return false;
		c->a[0] = (long)pointer(8, true, &c->ptr);
		c->a[0] &= ~3L;
			c->a[1] = one_in(2) ? 0 : one_in(2) ? O_CLOEXEC : (long)rnd();
		break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		if (lowest_free() > NFD - 8)
			return false;
		c->a[0] = any_fd();
		c->a[1] = one_in(8) ? bad_fd() : (long)below(REPORT_FD);
		c->a[2] = one_in(2) ? 0 : one_in(2) ? O_CLOEXEC : (long)rnd();
		break;
	case SYS_fcntl: {
		static const long cmds[] = { F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL,
					     F_SETFL, 99 };
		if (lowest_free() > NFD - 8)
			return false;
		c->a[0] = any_fd();
		c->a[1] = one_in(8) ? (long)rnd() : cmds[below(ARRAY_SIZE(cmds))];
		c->a[2] = one_in(4) ? (long)rnd() : one_in(2) ? (long)below(NFD + 2) :
			  one_in(2) ? O_NONBLOCK : O_APPEND;
		break;
	}
	case SYS_clock_nanosleep: {
		static const long clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, 2, -1 };
		gen_nanosleep(c);
		c->a[3] = c->a[1];
		c->a[2] = c->a[0];
		c->a[0] = clocks[below(ARRAY_SIZE(clocks))];
		c->a[1] = one_in(2) ? 0 : TIMER_ABSTIME;	/* a short time on a clock is long past */
		break;
	}
	case SYS_nanosleep:
		gen_nanosleep(c);
		break;
	case SYS_clock_gettime:
		c->a[0] = one_in(4) ? (long)rnd() : (long)below(3);
		c->a[1] = (long)pointer(16, true, &c->ptr);
			break;
	case SYS_kstat:
		c->a[0] = one_in(4) ? (long)rnd() : (long)below(10);
		break;
	case SYS_wait4:	/* we have no child now: never blocks */
		c->a[0] = one_in(2) ? -1 : (long)rnd();
		c->a[1] = (long)pointer(4, true, &k);
		c->a[2] = one_in(2) ? WNOHANG : one_in(2) ? 0 : (long)rnd();
		c->a[3] = one_in(2) ? 0 : (long)pointer(144, true, &k);
		break;
	case SYS_ipc_send: {	/* to no process that exists: never blocks */
		static const long nobody[] = { 0, -1, 100000, 1L << 31 };
		c->a[0] = nobody[below(ARRAY_SIZE(nobody))];
		c->a[2] = one_in(2) ? 0 : (long)pointer(PGSIZE, false, &k) & ~(PGSIZE - 1);
		c->a[3] = (long)below(8);
		break;
	}
	case SYS_ipc_recv:	/* only with arguments it refuses before waiting */
		if (one_in(2)) {
			c->a[0] = (long)pointer(PGSIZE, true, &k);
			if (k != P_KERNEL && k != P_NONCANON && k != P_USER_TOP)
				c->a[0] = (long)(ARENA + 1 + below(PGSIZE - 1));
			c->a[1] = SCRATCH;
		} else {
			static const uintptr_t bad[] = { KERNBASE, USER_END, 0x8000000000000000UL };
			c->a[0] = 0;
			c->a[1] = (long)bad[below(ARRAY_SIZE(bad))];
		}
		break;
	case SYS_flexsc_register: {
		struct flexsc_options *o = (struct flexsc_options *)SCRATCH;
		o->npages = (uint32_t)below(6);
		o->nthreads = (uint32_t)below(18);
		/* Placements, masks and polling, most of them valid at 1 or 2 CPUs. */
		o->placement = (uint32_t)below(3);
		o->flags = (uint32_t)below(3);
		o->cpus = below(4);
		o->idle_us = one_in(2) ? 0 : below(3000);
		/* Where: anywhere free, a random (often taken or unaligned) address. */
		o->addr = one_in(2) ? 0 : one_in(2) ? rnd() & ~(uint64_t)0xfff : rnd();
		o->reserved = one_in(4) ? rnd() : 0;
		c->a[0] = one_in(4) ? (long)pointer(sizeof(*o), false, &c->ptr) : (long)SCRATCH;
		if (c->ptr == P_PATTERN || (!risky && !page))
			c->a[0] = SCRATCH;
		if (!risky && !page)	/* registering is for main and children to do */
			return false;
		break;
	}
	case SYS_flexsc_wait:
		/* Mostly addresses that are no entry; waits on real ones are the page steps'. */
		c->a[0] = (long)(page && one_in(2) ? (uintptr_t)page + 1 + below(4 * PGSIZE)
						   : (uintptr_t)pointer(64, false, &k));
		break;
	case SYS_uname:
		c->a[0] = (long)pointer(390, true, &c->ptr);
		break;
	case SYS_ioctl: {
		static const long reqs[] = { TIOCGWINSZ, TIOCSWINSZ, 0x5401, 0 };
		c->a[0] = any_fd();
		c->a[1] = one_in(4) ? (long)rnd() : reqs[below(ARRAY_SIZE(reqs))];
		c->a[2] = (long)pointer(sizeof(struct winsize), true, &k);
		break;
	}
	case SYS_readv:
	case SYS_writev:
		gen_vector(c, c->num == SYS_readv);
		break;
	case SYS_arch_prctl: {
		static const long codes[] = { ARCH_SET_FS, ARCH_SET_GS, ARCH_GET_FS, ARCH_GET_GS, 0x1005, -1 };
		c->a[0] = codes[below(ARRAY_SIZE(codes))];
		if (c->a[0] == ARCH_GET_FS || c->a[0] == ARCH_GET_GS)
			c->a[1] = (long)pointer(8, true, &c->ptr);
		else
			c->a[1] = one_in(2) ? (long)pointer(8, false, &k) : (long)rnd();
		break;
	}
	case SYS_set_tid_address:
		c->a[0] = (long)pointer(4, true, &k);
		break;
	case SYS_execve:
	case SYS_exit:
		return false;	/* children's own steps */
	}
	return true;
}

/*
 * readv and writev: a pipe's count follows what moved; a closed descriptor is
 * -EBADF: the descriptor is looked at before the vector, as on Linux.
 */
static void after_vector(const struct call *c, long r, bool reading)
{
	int fd = (int)c->a[0];
	if (!fd_open(c->a[0])) {
		want(r == -EBADF, "readv or writev on a closed descriptor is -EBADF", r);
		return;
	}
	if (!(fd_mode[fd] & (reading ? M_READ : M_WRITE))) {
		want(r == -EBADF, "readv or writev the descriptor was not opened for", r);
		return;
	}
	if ((int)c->a[2] < 0 || (int)c->a[2] > IOV_MAX)
		want(r == -EINVAL, "a vector count out of range is -EINVAL", r);
	if (r > 0 && (fd_kind[fd] == FD_PIPE_R || fd_kind[fd] == FD_PIPE_W))
		pipes[fd_pipe[fd]].buffered += reading ? -r : r;
}

/* Our FS and GS bases as we last set them (FS: set back to libc_fs); whether we have set them. */
static uint64_t seg_base[2];
static bool seg_known[2];

/*
 * arch_prctl: a base set is the base read back; a base outside user space is
 * -EPERM; a SET posted on the page is -EINVAL.
 */
static void after_arch_prctl(const struct call *c, long r, enum path path)
{
	int code = (int)c->a[0];
	int which = code == ARCH_SET_FS || code == ARCH_GET_FS ? 0 : 1;
	if ((code == ARCH_SET_FS || code == ARCH_SET_GS) && path == PATH_PAGE) {
		want(r == -EINVAL, "arch_prctl SET posted on the page is -EINVAL", r);
	} else if (code == ARCH_SET_FS || code == ARCH_SET_GS) {
		bool ok = (uint64_t)c->a[1] < USER_END - PGSIZE;
		want(r == (ok ? 0 : -EPERM), "arch_prctl sets a base in user space only", r);
		if (ok) {
			seg_base[which] = which == 0 ? libc_fs : (uint64_t)c->a[1];
			seg_known[which] = true;
		}
	} else if (code == ARCH_GET_FS || code == ARCH_GET_GS) {
		if (!in_user(c->a[1], 8))
			want(r == -EFAULT, "arch_prctl into kernel memory is -EFAULT", r);
		else if (c->ptr == P_GOOD && seg_known[which])
			want(r == 0 && *(uint64_t *)c->a[1] == seg_base[which],
			     "arch_prctl reads back the base it set", r);
	} else {
		want(r == -EINVAL, "an unknown arch_prctl code is -EINVAL", r);
	}
}

/* Whether the address a is one of our entries. */
static bool is_entry(long a)
{
	uintptr_t off = (uintptr_t)a - (uintptr_t)page;
	return page && off < page_entries * sizeof(struct flexsc_entry) &&
	       off % sizeof(struct flexsc_entry) == 0;
}

/* Check c's result r against the model and update it. */
static void after_call(const struct call *c, long r, enum path path)
{
	switch (c->num) {
	case SYS_read:  after_transfer(c, r, true); break;
	case SYS_write: after_transfer(c, r, false); break;
	case SYS_open:  after_open(c, r); break;
	case SYS_close: after_close(c, r); break;
	case SYS_pipe:
	case SYS_pipe2: after_pipe(c, r); break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:  after_dup(c, r); break;
	case SYS_mmap:  after_mmap(c, r); break;
	case SYS_getpid:  want(r == mypid, "getpid", r); break;
	case SYS_getppid: want(r == myppid, "getppid", r); break;
	case SYS_fstat:
		if (!fd_open(c->a[0]))
			want(r == -EBADF, "fstat of a closed descriptor is -EBADF", r);
		else if (!in_user(c->a[1], sizeof(struct stat)))
			want(r == -EFAULT, "fstat into kernel memory is -EFAULT", r);
		else if (c->ptr == P_GOOD)
			want(r == 0, "fstat of an open descriptor", r);
		break;
	case SYS_clock_gettime:
		if (!in_user(c->a[1], sizeof(struct timespec)) && (c->a[0] == 0 || c->a[0] == 1))
			want(r == -EFAULT, "clock_gettime into kernel memory is -EFAULT", r);
		else if (c->ptr == P_GOOD && (c->a[0] == 0 || c->a[0] == 1))
			want(r == 0, "clock_gettime", r);
		break;
	case SYS_wait4:
		want(r == -ECHILD || r == -EFAULT || r == -EINVAL, "wait4 without children", r);
		break;
	case SYS_ipc_send:
		want(r < 0, "ipc_send to no process fails", r);
		break;
	case SYS_ipc_recv:
		want(r == -EFAULT || r == -EINVAL, "ipc_recv refuses a bad address at once", r);
		break;
	case SYS_flexsc_register:
		if (path == PATH_PAGE)
			want(r == -EINVAL, "flexsc_register on the page is -EINVAL", r);
		else if (page)
			want(r == -EBUSY || r == -EINVAL || r == -EFAULT, "a second registration", r);
		if (r > 0 && !page) {
			const struct flexsc_options *o = (const void *)SCRATCH;
			page = (struct flexsc_entry *)r;
			page_pages_known = c->a[0] == (long)SCRATCH;
			page_entries = (page_pages_known && o->npages ? o->npages : 1) *
				       FLEXSC_ENTRIES_PER_PAGE;
		}
		break;
	case SYS_flexsc_wait:
		if (path != PATH_PAGE && page && c->a[0] == 0)
			want(r >= 0, "flexsc_wait for any entry", r);
		else if (path != PATH_PAGE && is_entry(c->a[0]))
			want(r == 0 || r == 1, "flexsc_wait on an entry", r);
		else if (page && !page_pages_known)
			break;	/* it may be an entry of a page we do not know of */
		else
			want(r == -EINVAL, "flexsc_wait on no entry (or on the page) is -EINVAL", r);
		break;
	case SYS_flexsc_wake:
		if (path == PATH_PAGE || !page)
			want(r == -EINVAL, "flexsc_wake unregistered (or on the page) is -EINVAL", r);
		else
			want(r == 0, "flexsc_wake", r);
		break;
	case SYS_nanosleep:
		want(r == c->expect, "nanosleep", r);
		break;
	case SYS_clock_nanosleep: {
		long clock = (int)c->a[0];
		bool known = clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME;
		want(r == (known ? c->expect : -EINVAL), "clock_nanosleep", r);
		break;
	}
	case SYS_fcntl:
		after_fcntl(c, r);
		break;
	case SYS_getuid:
	case SYS_getgid:
	case SYS_geteuid:
	case SYS_getegid:
		want(r == 0, "everyone is root", r);
		break;
	case SYS_uname:
		if (!in_user(c->a[0], 390))
			want(r == -EFAULT, "uname into kernel memory is -EFAULT", r);
		else if (c->ptr == P_GOOD)
			want(r == 0, "uname", r);
		break;
	case SYS_ioctl:
		if (!fd_open(c->a[0]))
			want(r == -EBADF, "ioctl on a closed descriptor is -EBADF", r);
		else	/* none of ours is a terminal */
			want(r == -ENOTTY, "ioctl on what is not a terminal is -ENOTTY", r);
		break;
	case SYS_readv:
	case SYS_writev:
		after_vector(c, r, c->num == SYS_readv);
		break;
	case SYS_arch_prctl:
		after_arch_prctl(c, r, path);
		break;
	case SYS_set_tid_address:
		want(r == mypid, "set_tid_address returns the thread's id", r);
		break;
	default:
		if (known_num(c->num))
			break;
		if ((uint32_t)c->num == SYS_getpid)
			want(r == mypid, "getpid with high bits set in rax (Linux takes the low 32)", r);
		else
			want(r == -ENOSYS, "an unknown call is -ENOSYS", r);
	}
	if (c->num != SYS_mmap && c->num != SYS_brk)
		want(r >= -4095, "a result or -errno", r);
}

/* ---- Steps ---- */

static void fork_step(void);
static void exec_step(void);
static void sanity(void);

/* One random call through a random path, checked. */
static void call_step(void)
{
	struct call c;
	while (!gen_call(&c))
		;
	enum path path = pick_path();
	/* High bits of a number cannot travel through the page (sysnum is 32 bits). */
	if (path == PATH_PAGE && (uint64_t)c.num >= (1UL << 32) && !known_num(c.num))
		path = PATH_SYSCALL;
	/* On the page, the kernel sees the 32-bit sysnum; check it as such. */
	if (path == PATH_PAGE)
		c.num = (uint32_t)c.num;
	long r = make_call(path, junk_flags(), c.num, c.a);
	after_call(&c, r, path);
}

/*
 * A batch of calls whose results do not depend on their order, posted at once
 * and reaped after one or more waits, each checked.
 */
static void batch_step(void)
{
	struct flexsc_entry *e[16];
	long want_ret[16];
	unsigned n = 1 + (unsigned)below(16);
	int null = -1;

	for (int fd = 0; fd < REPORT_FD; fd++)
		if (fd_kind[fd] == FD_NULL && (fd_mode[fd] & M_WRITE))
			null = fd;
	for (unsigned i = 0; i < n; i++) {
		struct flexsc_entry *x = NULL;
		while (!x)
			x = idle_entry();
		for (unsigned k = 0; k < i; k++)
			if (e[k] == x)
				x = NULL;
		if (!x) {
			n = i;
			break;
		}
		e[i] = x;
		switch (below(4)) {
		case 0: flexsc_prep(x, SYS_getpid, 0, 0, 0, 0, 0, 0); want_ret[i] = mypid; break;
		case 1: flexsc_prep(x, SYS_getppid, 0, 0, 0, 0, 0, 0); want_ret[i] = myppid; break;
		case 2: flexsc_prep(x, 600 + below(1000), 0, 0, 0, 0, 0, 0); want_ret[i] = -ENOSYS; break;
		default:
			flexsc_prep(x, SYS_write, null, (long)pattern, 1 + below(64), 0, 0, 0);
			want_ret[i] = null >= 0 ? (long)x->args[2] : -EBADF;
		}
	}
	uint64_t tag[16];
	for (unsigned i = 0; i < n; i++) {
		e[i]->tag = tag[i] = rnd();	/* the kernel leaves tags alone */
		__atomic_store_n(&e[i]->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
	}
	for (unsigned i = 0; i < n; i++) {
		long args[6] = { (long)e[i]->args[0], (long)e[i]->args[1], (long)e[i]->args[2] };
		struct callrec *rec = call_begins(PATH_PAGE, 0, e[i]->sysnum, args);
		long r = page_wait(e[i]);
		uint64_t t = e[i]->tag;
		call_ends(rec, r);
		want(r == want_ret[i], "a batched call's result", r);
		want(t == tag[i], "a batched call's tag, as submitted", (long)t);
	}
}

/*
 * Junk in an entry's status word, then a wait: the kernel must leave the entry
 * alone and the wait must end. A SUBMITTED written by hand carries a harmless
 * call, and is then waited for like any other.
 */
static void junk_status_step(void)
{
	struct flexsc_entry *e = idle_entry();
	if (!e)
		return;
	static const uint32_t junk[] = { FLEXSC_FREE, FLEXSC_BUSY, FLEXSC_DONE, FLEXSC_RESERVED,
					 5, 0xffffffff, 0x80000001 };
	if (one_in(4)) {
		long num = one_in(2) ? SYS_getpid : 700 + (long)below(100), a[6] = { 0 };
		flexsc_prep(e, num, 0, 0, 0, 0, 0, 0);
		struct callrec *rec = call_begins(PATH_PAGE, 0, num, a);
		__atomic_store_n(&e->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
		long r = page_wait(e);
		call_ends(rec, r);
		want(r == (num == SYS_getpid ? mypid : -ENOSYS), "a call submitted by hand", r);
		return;
	}
	uint32_t s = below(2) ? junk[below(ARRAY_SIZE(junk))] : (uint32_t)rnd();
	if (s == FLEXSC_SUBMITTED)
		s = FLEXSC_RESERVED;	/* that would submit whatever the entry holds */
	e->status = s;
	if (one_in(2))
		e->sysnum = (uint32_t)rnd();
	if (one_in(2)) {
		/*
		 * Junk in the flags' ignored bits and the reserved words. Not
		 * FLEXSC_LINK: on an entry left BUSY by hand that would hold the
		 * next entry, which the user asked for.
		 */
		e->flags = (uint32_t)rnd() & ~FLEXSC_LINK;
		e->reserved0 = (uint32_t)rnd();
		e->reserved[below(6)] = rnd();
	}
	snprintf(me->note, sizeof(me->note), "entry %p has status 0x%x, stored by hand", e, s);
	/* Sometimes with a real call on its way in another entry. */
	struct flexsc_entry *other = one_in(2) ? idle_entry() : NULL;
	if (other == e)
		other = NULL;
	if (other) {
		flexsc_prep(other, SYS_getpid, 0, 0, 0, 0, 0, 0);
		__atomic_store_n(&other->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
		size_t len = strlen(me->note);
		snprintf(me->note + len, sizeof(me->note) - len, "; getpid submitted in %p", other);
	}
	long a[6] = { one_in(2) ? (long)e : 0 };
	long r = make_call(PATH_SYSCALL, junk_flags(), SYS_flexsc_wait, a);
	if (a[0])
		want(r == (s == FLEXSC_DONE), "flexsc_wait on an entry with junk status", r);
	else
		want(r >= 0, "flexsc_wait with junk in a status word", r);
	if (other) {
		long g = page_wait(other);
		want(g == mypid, "getpid on the page beside junk", g);
	}
	e->status = FLEXSC_FREE;
	me->note[0] = 0;
}

/* A child of ours ended with wait status st: fail unless it may end so. */
static void child_ended(pid_t pid, int st, int expect_exit)
{
	if (WIFSIGNALED(st)) {
		__atomic_add_fetch(&sh->killed, 1, __ATOMIC_RELAXED);
		return;
	}
	if (expect_exit == -2)
		return;	/* it may have scribbled on itself: any status goes */
	int code = WEXITSTATUS(st);
	if (code == 99)
		exit(99);	/* it has reported its failure */
	if (code != expect_exit && expect_exit >= 0)
		fail("child %d exited %d, but asked for exit(%d)", pid, code, expect_exit);
	if (code != expect_exit && expect_exit < 0 && code != 0)
		fail("child %d exited %d", pid, code);
}

/* Wait for child pid, blocking, on a random trap path with random flags. */
static void reap(pid_t pid)
{
	long a[6] = { pid, SCRATCH, 0, 0 };
	*(int *)SCRATCH = -1;
	long r = make_call(below(2) ? PATH_SYSCALL : PATH_INT80, junk_flags(), SYS_wait4, a);
	want(r == pid, "wait4 for our child", r);
	int st = *(int *)SCRATCH;
	int expect = sh->slot[depth + 1].expect_exit;
	sh->slot[depth + 1].pid = 0;
	child_ended(pid, st, expect);
}

/* A forked process takes the next slot and learns its pid. */
static void enter_child(void)
{
	depth++;
	me = &sh->slot[depth];
	me->calls = 0;
	me->note[0] = 0;
	me->expect_exit = -1;
	myppid = mypid;
	mypid = (pid_t)plain(SYS_getpid, 0, 0, 0);
	me->pid = mypid;
}

/* The start of a fuzzing child's life: its own sequence, no pipe of its parent's. */
static void become_child(uint64_t salt)
{
	enter_child();
	risky = true;
	rng_state ^= salt * 0xd1b54a32d192ed03UL;
	/* Our copies of the parent's pipe ends would change what the parent's model says. */
	for (int fd = 0; fd < REPORT_FD; fd++)
		if (fd_kind[fd] == FD_PIPE_R || fd_kind[fd] == FD_PIPE_W) {
			plain(SYS_close, fd, 0, 0);
			fd_clear(fd);
		}
	/* Our view of the parent's syscall pages is a snapshot without threads. */
	if (page && one_in(2)) {
		struct flexsc_options o = { .npages = 1 + (uint32_t)below(2),
					    .nthreads = 1 + (uint32_t)below(3) };
		long r = plain(SYS_flexsc_register, (long)&o, 0, 0);
		want(r > 0, "a child registers its own pages", r);
		page = (struct flexsc_entry *)r;
		page_entries = o.npages * FLEXSC_ENTRIES_PER_PAGE;
	} else {
		page = NULL;
	}
}

/* A child's last step: exit, exit_group (or on the page), with a status we expect. */
static void exit_step(void)
{
	int status = one_in(2) ? 0 : (int)below(98);
	long a[6] = { status, 0, 0, 0, 0, 0 };
	long num = one_in(2) ? SYS_exit : SYS_exit_group;
	if (trusted)
		me->expect_exit = status;
	enum path path = pick_path();
	make_call(path, junk_flags(), num, a);
	fail("%s returned", call_name(num));
}

/* A child's run: a few dozen calls of any kind, then an exit or an exec. */
static void child_run(void)
{
	unsigned n = 1 + (unsigned)below(48);
	for (unsigned i = 0; i < n && sh->total < sh->limit; i++) {
		/* After a call that may have scribbled on us, only ending is safe. */
		if (!trusted) {
			me->expect_exit = -2;
			exit(0);
		}
		switch (below(40)) {
		case 0:
			if (depth < MAX_DEPTH)
				fork_step();
			break;
		case 1: exec_step(); break;
		case 2: exit_step(); break;
		case 3: if (page) junk_status_step(); break;
		case 4: if (page) batch_step(); break;
		default: call_step();
		}
	}
	if (one_in(2))
		exit_step();
	exit(0);
}

/*
 * execve in a child: a program that ends at once with its output thrown away,
 * or one the kernel must refuse; a refused exec ends the child. Its last step.
 */
static void exec_step(void)
{
	static const char *const progs[] = { "/bin/true", "/true", "/bin/hello", "echo",
					     "nonexistent", "/bin/magic", "/bin/truncated",
					     "/bin/entry", "", "fuzz/x" };
	static char *argv[8], *envp[4];
	enum ptrkind k;
	long a[6];

	/* Nothing the new program prints reaches the console or a pipe. */
	long null = plain(SYS_open, (long)"/dev/null", O_WRONLY, 0);
	if (null >= 0) {
		plain(SYS_dup2, null, 1, 0);
		plain(SYS_dup2, null, 2, 0);
	}
	plain(SYS_close, REPORT_FD, 0, 0);
	const char *prog = progs[below(ARRAY_SIZE(progs))];
	argv[0] = (char *)prog;
	unsigned n = (unsigned)below(6);
	for (unsigned i = 1; i <= n; i++)
		argv[i] = one_in(8) ? (char *)pointer(1, false, &k) : (char *)"word";
	argv[n + 1] = NULL;
	envp[0] = one_in(4) ? (char *)pointer(1, false, &k) : (char *)"A=b";
	envp[1] = NULL;
	a[0] = one_in(8) ? (long)pointer(1, false, &k) : (long)prog;
	a[1] = one_in(8) ? (long)pointer(8, false, &k) : one_in(8) ? 0 : (long)argv;
	a[2] = one_in(8) ? (long)pointer(8, false, &k) : one_in(4) ? 0 : (long)envp;
	a[3] = a[4] = a[5] = 0;
	/* echo and hello with argv NULL print nothing we need; both exit 0. */
	if (trusted)
		me->expect_exit = 0;
	enum path path = pick_path();
	long r = make_call(path, junk_flags(), SYS_execve, a);
	if (r >= 0)
		exit(98);	/* cannot report: REPORT_FD is closed */
	exit(0);
}

/* Fork a child (on a random path) that runs child_run; reap it. */
static void fork_step(void)
{
	long a[6] = { 0 };
	enum path path = pick_path();
	uint64_t salt = rnd();

	sh->slot[depth + 1].expect_exit = -1;
	long r = make_call(path, junk_flags(), SYS_fork, a);
	if (r == 0) {
		become_child(salt);
		child_run();
	}
	if (r < 0) {
		want(r == -EAGAIN || r == -ENOMEM, "fork fails only for want of room", r);
		return;
	}
	__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
	reap((pid_t)r);
}

/*
 * A child blocks in a pipe read (on a random path, with junk flags) until we
 * write to the pipe or close our write end; it checks what it read.
 */
static void block_step(void)
{
	int fds[2];
	if (free_pipe() < 0 || lowest_free() > NFD - 8)
		return;
	long r = plain(SYS_pipe, SCRATCH, 0, 0);
	if (r < 0)
		return;
	memcpy(fds, (void *)SCRATCH, sizeof(fds));
	bool by_close = one_in(3);
	size_t n = 1 + below(PIPE_SIZE);
	pid_t pid = (pid_t)plain(SYS_fork, 0, 0, 0);
	if (pid == 0) {
		enter_child();
		plain(SYS_close, fds[1], 0, 0);
		long a[6] = { fds[0], SCRATCH + PGSIZE, PIPE_SIZE, 0, 0, 0 };
		long got = make_call(below(2) ? PATH_SYSCALL : PATH_INT80, junk_flags(), SYS_read, a);
		if (got != (by_close ? 0 : (long)n))
			fail("a blocked pipe read returned %ld, want %ld", got, by_close ? 0 : (long)n);
		exit(0);
	}
	if (pid > 0) {
		__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
		if (one_in(2))
			plain(SYS_sched_yield, 0, 0, 0);
		if (by_close)
			plain(SYS_close, fds[1], 0, 0);
		else
			want(plain(SYS_write, fds[1], (long)pattern, (long)n) == (long)n,
			     "a write to a pipe a child waits on", 0);
		reap(pid);
	}
	plain(SYS_close, fds[0], 0, 0);
	if (!by_close || pid <= 0)
		plain(SYS_close, fds[1], 0, 0);
}

/*
 * IPC between us and a child: the child receives (perhaps with a bad address,
 * so it gives up at once and exits); we send, which ends when it receives or
 * exits.
 */
static void ipc_step(void)
{
	bool bad = one_in(3);
	pid_t pid = (pid_t)plain(SYS_fork, 0, 0, 0);
	if (pid == 0) {
		enter_child();
		long a[6] = { bad ? (long)KERNBASE : (one_in(2) ? 0 : (long)ARENA), SCRATCH, 0, 0, 0, 0 };
		long r = make_call(below(2) ? PATH_SYSCALL : PATH_INT80, junk_flags(), SYS_ipc_recv, a);
		if (bad ? r != -EFAULT : r != 0)
			fail("ipc_recv in a child: %ld", r);
		exit(0);
	}
	if (pid < 0)
		return;
	__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
	enum ptrkind k;
	long a[6] = { pid, (long)rnd(), one_in(2) ? 0 : (long)pattern, PROT_READ, 0, 0 };
	if (one_in(4))
		a[2] = (long)pointer(PGSIZE, false, &k) & ~(PGSIZE - 1);
	enum path path = pick_path();
	long r = make_call(path, junk_flags(), SYS_ipc_send, a);
	want(r == 0 || r == -ESRCH || r == -EFAULT || r == -EINVAL, "ipc_send to a child", r);
	/* Refused before it waited: the child still waits for a message. */
	if (r == -EFAULT || r == -EINVAL)
		want(plain(SYS_ipc_send, pid, 1, 0) >= -ESRCH, "a plain ipc_send to a child", 0);
	reap(pid);
}

/* The pattern intact, getpid right, a pipe round trip and a page call that work. */
static void sanity(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		if ((uint8_t)pattern[i] != pattern_byte(i))
			fail("the pattern changed at byte %lu", (unsigned long)i);
	long r = plain(SYS_getpid, 0, 0, 0);
	want(r == mypid, "getpid at a sanity check", r);
	if (page) {
		long a[6] = { 0 };
		r = make_call(PATH_PAGE, 0, SYS_getppid, a);
		want(r == myppid, "getppid on the page", r);
	}
	/* The kernel's descriptor table is the model's: open exactly where it says. */
	for (int fd = 0; fd < NFD; fd++) {
		r = plain(SYS_fstat, fd, SCRATCH, 0);
		if ((r == 0) != (fd_kind[fd] != FD_CLOSED))
			fail("descriptor %d: fstat gives %ld, but the model has it %s", fd, r,
			     fd_kind[fd] == FD_CLOSED ? "closed" : "open");
	}
	int fds[2];
	two_lowest(&fds[0], &fds[1]);
	if (free_pipe() < 0 || fds[1] < 0)
		return;
	char *back = (char *)SCRATCH + 2 * PGSIZE;
	size_t n = 1 + below(PIPE_SIZE);
	r = plain(SYS_pipe, SCRATCH, 0, 0);
	want(r == 0, "a pipe at a sanity check", r);
	memcpy(fds, (void *)SCRATCH, sizeof(fds));
	r = plain(SYS_write, fds[1], (long)pattern + 7, (long)n);
	want(r == (long)n, "a pipe write", r);
	r = plain(SYS_read, fds[0], (long)back, PIPE_SIZE);
	want(r == (long)n, "a pipe read", r);
	want(memcmp(back, pattern + 7, n) == 0, "a pipe gives back what it took", 0);
	plain(SYS_close, fds[0], 0, 0);
	plain(SYS_close, fds[1], 0, 0);
}

/* Close descriptors until at most half are open, so that calls keep finding room. */
static void thin_out(void)
{
	int open = 0;
	for (int fd = 0; fd < REPORT_FD; fd++)
		open += fd_kind[fd] != FD_CLOSED;
	for (int fd = 0; fd < REPORT_FD && open > NFD / 2; fd++) {
		if (fd_kind[fd] != FD_CLOSED && one_in(2)) {
			want(plain(SYS_close, fd, 0, 0) == 0, "close while thinning out", 0);
			fd_clear(fd);
			open--;
		}
	}
}

/* Map the worker's fixed memory and open its first descriptors. */
static void worker_setup(void)
{
	long rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	if (plain(SYS_dup2, 1, REPORT_FD, 0) != REPORT_FD)
		exit(97);
	fd_kind[REPORT_FD] = FD_REPORT;
	for (int fd = 0; fd < 3; fd++)
		plain(SYS_close, fd, 0, 0);
	long a[6] = { (long)RO_PAGE, 2 * PGSIZE + SCRATCH_PAGES * PGSIZE, rw, anon, -1, 0 };
	want(make_call(PATH_SYSCALL, 0, SYS_mmap, a) == (long)RO_PAGE, "mapping scratch pages", 0);
	want(plain(SYS_mprotect, RO_PAGE, PGSIZE, PROT_READ) == 0, "a read-only page", 0);
	want(plain(SYS_mprotect, NONE_PAGE, PGSIZE, PROT_NONE) == 0, "a PROT_NONE page", 0);
	long b[6] = { (long)ARENA, ARENA_PAGES * PGSIZE, rw, anon, -1, 0 };
	want(make_call(PATH_SYSCALL, 0, SYS_mmap, b) == (long)ARENA, "mapping the arena", 0);
	want(plain(SYS_open, (long)"/dev/null", O_RDWR, 0) == 0, "opening /dev/null", 0);
	fd_track(0, FD_NULL, M_READ | M_WRITE, 0);
	want(plain(SYS_open, (long)"/dev/zero", O_RDONLY, 0) == 1, "opening /dev/zero", 0);
	fd_track(1, FD_ZERO, M_READ, 0);
	want(plain(SYS_open, (long)"/bin/fuzz", O_RDONLY, 0) == 2, "opening a file", 0);
	fd_track(2, FD_FILE, M_READ, 0);
	struct flexsc_options o = { .npages = 1 + (uint32_t)below(4), .nthreads = 1 + (uint32_t)below(4) };
	long r = plain(SYS_flexsc_register, (long)&o, 0, 0);
	want(r > 0, "registering syscall pages", r);
	page = (struct flexsc_entry *)r;
	page_entries = o.npages * FLEXSC_ENTRIES_PER_PAGE;
}

/* The worker: set up, then random steps until the run has made its calls. */
static void worker(void)
{
	depth = 0;
	me = &sh->slot[0];
	me->pid = mypid = (pid_t)getpid();
	myppid = (pid_t)getppid();
	me->expect_exit = -1;
	rng_state = sh->seed;
	worker_setup();
	uint64_t next_sanity = SANITY_EVERY;
	while (sh->total < sh->limit) {
		switch (below(200)) {
		case 0: case 1: fork_step(); break;
		case 2: block_step(); break;
		case 3: ipc_step(); break;
		case 4: case 5: case 6: junk_status_step(); break;
		case 7: case 8: case 9: case 10: batch_step(); break;
		case 11: thin_out(); break;
		default: call_step();
		}
		if (me->calls >= next_sanity) {
			sanity();
			next_sanity = me->calls + SANITY_EVERY;
		}
	}
	sanity();
	exit(0);
}

/* ---- The supervisor ---- */

/* Print every live process's recent calls (the one in progress last). */
static void print_rings(void)
{
	for (int d = 0; d <= MAX_DEPTH; d++) {
		struct slot *s = &sh->slot[d];
		if (!s->pid)
			continue;
		printf("fuzz: last calls of pid %d (%s):\n", s->pid,
		       d == 0 ? "worker" : d == 1 ? "child" : "grandchild");
		if (s->note[0])
			printf("fuzz: before its last call: %s\n", s->note);
		uint64_t n = s->calls < RING ? s->calls : RING;
		for (uint64_t k = s->calls - n; k < s->calls; k++) {
			struct callrec rec = s->ring[k % RING];
			print_call(1, &rec);
		}
	}
}

static void replay_line(void)
{
	printf("fuzz: replay: make fuzz SEED=%lu CALLS=%lu (TRACE=1 prints every call)\n",
	       (unsigned long)sh->seed, (unsigned long)sh->limit);
}

/* Until the worker ends, reap whatever ends, print progress and watch for a hang. */
static int supervise(pid_t worker_pid)
{
	uint64_t seen = 0, next_report = 1000000;
	uint64_t last_change = monotonic_ns();
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (;;) {
		int st;
		pid_t r;
		while ((r = wait4(-1, &st, WNOHANG, NULL)) > 0)
			if (r == worker_pid)
				return st;
		uint64_t total = sh->total;
		if (total != seen) {
			seen = total;
			last_change = monotonic_ns();
		} else if (monotonic_ns() - last_change > HANG_SECONDS * 1000000000UL) {
			printf("fuzz: FAIL no call has finished for %d s: a hang\n", HANG_SECONDS);
			print_rings();
			replay_line();
			exit(1);
		}
		if (total >= next_report) {
			printf("fuzz: %lu calls\n", (unsigned long)total);
			next_report += 1000000;
		}
		nanosleep(&tick, NULL);
	}
}

/* Fork a child that exits at once, and reap it (what the worker's start and end do). */
static void idle_fork(void)
{
	pid_t pid = fork();
	if (pid == 0)
		exit(0);
	wait4(pid, NULL, 0, NULL);
}

/* Parse a decimal number; def if s is NULL. */
static uint64_t number(const char *s, uint64_t def)
{
	if (!s)
		return def;
	uint64_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: fuzz SEED [CALLS] [trace]\n");
		return 2;
	}
	sh = mmap(NULL, ROUNDUP(sizeof(*sh), PGSIZE), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if ((long)sh < 0) {
		printf("fuzz: cannot map the shared page\n");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	syscall6(SYS_arch_prctl, ARCH_GET_FS, (long)&libc_fs, 0, 0, 0, 0);
	/* A write to a readerless pipe is a call whose -EPIPE the model checks, not a death. */
	signal(SIGPIPE, SIG_IGN);
	sh->seed = number(argv[1], 1);
	sh->limit = number(argc > 2 ? argv[2] : NULL, 100000);
	sh->trace = argc > 3 && strcmp(argv[3], "trace") == 0;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)pattern_byte(i);
	mypid = getpid();
	static struct slot own;	/* the supervisor makes no recorded call */
	me = &own;
	printf("fuzz: seed %lu, %lu calls\n", (unsigned long)sh->seed, (unsigned long)sh->limit);
	replay_line();

	for (int i = 0; i < 3; i++)
		idle_fork();
	struct memuse before = memuse();
	long free_before = kstat(KSTAT_FREE_PAGES), slab_before = kstat(KSTAT_KMALLOC_PAGES);
	pid_t pid = fork();
	if (pid == 0)
		worker();
	if (pid < 0) {
		printf("fuzz: FAIL cannot fork the worker: %d\n", pid);
		return 1;
	}
	int st = supervise(pid);
	bool init = getpid() == 1;
	/* As init we adopt the orphans; they must end too, and then memory comes back. */
	while (init && wait4(-1, NULL, 0, NULL) > 0)
		;
	struct memuse after = memuse();
	long free_after = kstat(KSTAT_FREE_PAGES), slab_after = kstat(KSTAT_KMALLOC_PAGES);

	printf("fuzz: %lu calls (%lu syscall, %lu int $0x80, %lu page), %lu forks, "
	       "%lu children killed by a signal\n",
	       (unsigned long)sh->total, (unsigned long)sh->per_path[PATH_SYSCALL],
	       (unsigned long)sh->per_path[PATH_INT80], (unsigned long)sh->per_path[PATH_PAGE],
	       (unsigned long)sh->forks, (unsigned long)sh->killed);
	printf("fuzz: free pages before %ld after %ld, kmalloc's pages before %ld after %ld\n",
	       free_before, free_after, slab_before, slab_after);
	printf("fuzz: pages in use before %ld after %ld, kernel objects before %ld after %ld\n",
	       before.pages, after.pages, before.objects, after.objects);
	bool ok = true;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (WIFSIGNALED(st))
			printf("fuzz: FAIL the worker was killed by %s\n", signame(WTERMSIG(st)));
		else
			printf("fuzz: FAIL the worker exited %d\n", WEXITSTATUS(st));
		if (!sh->failed)
			print_rings();
		ok = false;
	}
	if (sh->failed)
		ok = false;
	if (init && !memuse_equal(before, after)) {
		printf("fuzz: FAIL %ld pages and %ld kernel objects not returned\n",
		       after.pages - before.pages, after.objects - before.objects);
		ok = false;
	}
	if (!init)
		printf("fuzz: not init, so orphans may still hold memory: not compared\n");
	if (!ok) {
		replay_line();
		return 1;
	}
	printf("fuzz: ok\n");
	return 0;
}
