/*
 * bench: time the same work through each system-call path and print one row
 * per point for tools/bench.py:
 *
 *   bench-row: CALL,PATH,BATCH,OPS,cycles_median,cycles_p10,cycles_p90,ns_median,
 *              ops_per_sec,traps_per_op
 *
 * Usage: bench sweep quick|full|tiny   every call, path and batch size
 *        bench CALL PATH BATCH REPS     one point
 *
 * An operation is one call (getppid, a 1-byte write to /dev/null, a 4 KiB read
 * from /dev/zero), or a small sequence where the work needs it (a pipe write
 * and read; fresh mmap memory filled by a read; mmap+touch+munmap; brk grow,
 * touch, shrink; fork+exit+wait4 with a 4 MiB touched heap). A repetition does
 * BATCH operations: on the trap paths one after the other, on the page path
 * posted together with one flexsc_wait for them (dependent steps, such as
 * touching what mmap returned, wait for the step before). Costs are TSC cycles
 * per operation, median and 10th/90th percentiles over the repetitions, which
 * take the three paths in turn; traps per operation count system-call traps
 * only (syscall and int $0x80, from KSTAT_SYSCALL_TRAPS), not timer interrupts
 * or page faults.
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

#define MAX_BATCH 256
#define MAX_REPS 64
#define FORK_HEAP (4 << 20)

enum path { PATH_SYSCALL, PATH_INT80, PATH_PAGE };
static const char *const path_names[] = { "syscall", "int80", "page" };

static struct flexsc_ring ring;
static int null_fd, zero_fd, pipe_fds[2];
static char *fork_heap;
static char buf[4096];

static inline uint64_t cycles(void)
{
	uint32_t lo, hi;
	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * n independent calls of sysnum(a0, a1, a2) through path: in a row on a trap
 * path, posted together and waited for once on the page. Returns the first result.
 */
static long calls(enum path path, int n, long sysnum, long a0, long a1, long a2)
{
	static struct flexsc_entry *e[MAX_BATCH];
	long first = 0;

	if (path != PATH_PAGE) {
		trap_fn trap = path == PATH_SYSCALL ? syscall6 : int80_syscall6;
		for (int i = 0; i < n; i++) {
			long r = trap(sysnum, a0, a1, a2, 0, 0, 0);
			if (i == 0)
				first = r;
		}
		return first;
	}
	for (int i = 0; i < n; i++)
		e[i] = flexsc_post(&ring, sysnum, a0, a1, a2, 0, 0, 0);
	for (int i = 0; i < n; i++) {
		long r = flexsc_wait_for(e[i]);
		if (i == 0)
			first = r;
	}
	return first;
}

/* BATCH operations of kind call: the timed body of one repetition. */
static void operations(const char *call, enum path path, int batch)
{
	static char *fresh[MAX_BATCH];

	if (strcmp(call, "null") == 0) {
		calls(path, batch, SYS_getppid, 0, 0, 0);
	} else if (strcmp(call, "write") == 0) {
		calls(path, batch, SYS_write, null_fd, (long)buf, 1);
	} else if (strcmp(call, "read4k") == 0) {
		calls(path, batch, SYS_read, zero_fd, (long)buf, 4096);
	} else if (strcmp(call, "pipe") == 0) {
		for (int i = 0; i < batch; i += 32) {
			int n = MIN(batch - i, 32);	/* 32 one-byte writes fit the pipe */
			calls(path, n, SYS_write, pipe_fds[1], (long)buf, 1);
			calls(path, n, SYS_read, pipe_fds[0], (long)buf, 1);
		}
	} else if (strcmp(call, "mmapfill") == 0) {
		char *region = mmap(NULL, (size_t)batch * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (path == PATH_PAGE) {
			struct flexsc_entry *e[MAX_BATCH];
			for (int i = 0; i < batch; i++)
				e[i] = flexsc_post(&ring, SYS_read, zero_fd, (long)(region + i * 4096),
						   4096, 0, 0, 0);
			for (int i = 0; i < batch; i++)
				flexsc_wait_for(e[i]);
		} else {
			trap_fn trap = path == PATH_SYSCALL ? syscall6 : int80_syscall6;
			for (int i = 0; i < batch; i++)
				trap(SYS_read, zero_fd, (long)(region + i * 4096), 4096, 0, 0, 0);
		}
		munmap(region, (size_t)batch * 4096);
	} else if (strcmp(call, "mmaptouch") == 0) {
		const long prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
		if (path == PATH_PAGE) {
			struct flexsc_entry *e[MAX_BATCH];
			for (int i = 0; i < batch; i++)
				e[i] = flexsc_post(&ring, SYS_mmap, 0, 4096, prot, flags, -1, 0);
			for (int i = 0; i < batch; i++)
				fresh[i] = (char *)flexsc_wait_for(e[i]);
		} else {
			trap_fn trap = path == PATH_SYSCALL ? syscall6 : int80_syscall6;
			for (int i = 0; i < batch; i++)
				fresh[i] = (char *)trap(SYS_mmap, 0, 4096, prot, flags, -1, 0);
		}
		for (int i = 0; i < batch; i++)
			fresh[i][0] = 1;
		if (path == PATH_PAGE) {
			struct flexsc_entry *e[MAX_BATCH];
			for (int i = 0; i < batch; i++)
				e[i] = flexsc_post(&ring, SYS_munmap, (long)fresh[i], 4096, 0, 0, 0, 0);
			for (int i = 0; i < batch; i++)
				flexsc_wait_for(e[i]);
		} else {
			for (int i = 0; i < batch; i++)
				calls(path, 1, SYS_munmap, (long)fresh[i], 4096, 0);
		}
	} else if (strcmp(call, "brk") == 0) {
		char *base = elk_sbrk(0);
		for (int i = 0; i < batch; i++) {
			calls(path, 1, SYS_brk, (long)(base + 4096), 0, 0);
			base[0] = 1;
			calls(path, 1, SYS_brk, (long)base, 0, 0);
		}
	} else if (strcmp(call, "fork") == 0) {
		long pid = calls(path, 1, SYS_fork, 0, 0, 0);
		for (int i = 0; i < batch && pid != 0; i++) {
			if (i > 0)
				pid = calls(path, 1, SYS_fork, 0, 0, 0);
			if (pid == 0)
				break;
			calls(path, 1, SYS_wait4, pid, 0, 0);
		}
		if (pid == 0)
			_exit(0);	/* exit_group, and nothing of the C library's exit */
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* In-place insertion sort: a few dozen repetitions at most. */
static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && compare_u64(&v[j - 1], &v[j]) > 0; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* One path's measurements at a point: cycles per operation of each repetition. */
struct samples {
	uint64_t per_op[MAX_REPS];
	long traps;		/* system-call traps taken by the timed repetitions */
};

/* Time one repetition of BATCH operations of call through path into s. */
static void sample(const char *call, enum path path, int batch, struct samples *s, int rep)
{
	long traps0 = kstat(KSTAT_SYSCALL_TRAPS);
	uint64_t t0 = cycles();
	operations(call, path, batch);
	s->per_op[rep] = (cycles() - t0) / (uint64_t)batch;
	/* The second kstat counts itself. */
	s->traps += kstat(KSTAT_SYSCALL_TRAPS) - traps0 - 1;
}

/* Print path's row of a point from its samples. */
static void report(const char *call, enum path path, int batch, int reps, struct samples *s)
{
	long hz = kstat(KSTAT_TSC_HZ);

	sort(s->per_op, reps);
	uint64_t median = s->per_op[reps / 2], p10 = s->per_op[reps / 10];
	uint64_t p90 = s->per_op[reps * 9 / 10];
	uint64_t ns = median * 1000000000ULL / (uint64_t)hz;
	uint64_t ops_per_sec = median ? (uint64_t)hz / median : 0;
	long ops = (long)reps * batch;
	/* traps per op as a fraction with four decimals, worked out exactly in integers */
	long tpo = s->traps * 10000 / ops;
	printf("bench-row: %s,%s,%d,%ld,%lu,%lu,%lu,%lu,%lu,%ld.%04ld\n", call, path_names[path],
	       batch, ops, median, p10, p90, ns, ops_per_sec, tpo / 10000, tpo % 10000);
}

/*
 * Measure a point on the paths first..last and print a row for each. The
 * repetitions take the paths in turn (one of each, then the next of each), so
 * that whatever slows the host for a while slows every path alike and the
 * ratios between them hold.
 */
static void point(const char *call, int first, int last, int batch, int reps)
{
	static struct samples s[PATH_PAGE + 1];

	for (int p = first; p <= last; p++) {
		s[p].traps = 0;
		operations(call, (enum path)p, batch);	/* warm up: page tables, the pool */
	}
	for (int r = 0; r < reps; r++)
		for (int p = first; p <= last; p++)
			sample(call, (enum path)p, batch, &s[p], r);
	for (int p = first; p <= last; p++)
		report(call, (enum path)p, batch, reps, &s[p]);
}

static const char *const all_calls[] = {
	"null", "write", "read4k", "pipe", "mmapfill", "mmaptouch", "brk", "fork",
};

/* Every call, path and batch size; mode picks the sizes and repetitions. */
static void sweep(const char *mode)
{
	static const int full_batches[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
	static const int quick_batches[] = { 1, 8, 64 };
	bool full = strcmp(mode, "full") == 0, tiny = strcmp(mode, "tiny") == 0;
	const int *batches = full ? full_batches : quick_batches;
	int nbatches = full ? (int)ARRAY_SIZE(full_batches) : (int)ARRAY_SIZE(quick_batches);
	int reps = full ? 21 : tiny ? 3 : 9;

	printf("bench: TSC %ld Hz, mode %s\n", kstat(KSTAT_TSC_HZ), mode);
	for (size_t c = 0; c < ARRAY_SIZE(all_calls); c++) {
		if (tiny && c > 0)
			break;
		bool slow = strcmp(all_calls[c], "fork") == 0;
		for (int b = 0; b < nbatches; b++) {
			int batch = slow ? MIN(batches[b], 8) : batches[b];
			if (slow && b > 0 && batch == MIN(batches[b - 1], 8))
				continue;
			point(all_calls[c], PATH_SYSCALL, PATH_PAGE, batch, slow ? MIN(reps, 5) : reps);
		}
	}
	printf("bench: done\n");
}

static int path_named(const char *name)
{
	for (int p = 0; p < (int)ARRAY_SIZE(path_names); p++)
		if (strcmp(name, path_names[p]) == 0)
			return p;
	return -1;
}

int main(int argc, char **argv)
{
	if (flexsc_setup(&ring, MAX_BATCH / FLEXSC_ENTRIES_PER_PAGE, 4) < 0) {
		printf("bench: FAIL cannot register syscall pages\n");
		return 1;
	}
	null_fd = open("/dev/null", O_WRONLY, 0);
	zero_fd = open("/dev/zero", O_RDONLY, 0);
	pipe(pipe_fds);
	fork_heap = malloc(FORK_HEAP);
	memset(fork_heap, 1, FORK_HEAP);

	if (argc == 3 && strcmp(argv[1], "sweep") == 0) {
		sweep(argv[2]);
		return 0;
	}
	int path = argc == 5 ? path_named(argv[2]) : -1;
	int batch = argc == 5 ? atoi(argv[3]) : 0, reps = argc == 5 ? atoi(argv[4]) : 0;
	if (path < 0 || batch < 1 || batch > MAX_BATCH || reps < 1 || reps > MAX_REPS) {
		printf("usage: bench sweep quick|full|tiny | bench CALL PATH BATCH(1-%d) REPS(1-%d)\n",
		       MAX_BATCH, MAX_REPS);
		return 2;
	}
	point(argv[1], path, path, batch, reps);
	return 0;
}
