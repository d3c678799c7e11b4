/*
 * paging ORDER MIB PASSES: the paging sweep's guest side (tools/bench.py
 * --paging, which boots it with a small memory and a swap disk). Maps MIB MiB
 * of private anonymous memory, writes every page once, then times PASSES
 * passes that write one word of every page, in address order (ORDER seq) or
 * in a scattered order (ORDER random: page (k * s + pass) mod n for a stride s
 * prime to n, different each pass). Prints one row:
 *
 *   paging-row: ORDER,MIB,RAM_MIB,TOUCHES,CYCLES_PER_TOUCH,PAGES_MOVED,MOVED_PER_SEC
 *
 * PAGES_MOVED is the pages written to and read from swap during the timed
 * passes, MOVED_PER_SEC that over the passes' time (TSC cycles over
 * KSTAT_TSC_HZ). Exits 1, with a FAIL line, if a page lost its contents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <inc/lib.h>
#include <inc/x86.h>

#define PG 4096L

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A pass's stride through n pages: one of a few primes, made prime to n. */
static long stride(long n, long pass)
{
	static const long primes[] = { 7919, 104729, 1299709, 15485863 };
	long s = primes[pass % 4];
	while (gcd(s, n) != 1)
		s += 2;
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "seq") && strcmp(argv[1], "random"))) {
		printf("usage: paging seq|random MIB PASSES\n");
		return 2;
	}
	bool random = strcmp(argv[1], "random") == 0;
	long mib = atol(argv[2]), passes = atol(argv[3]), n = mib * (1L << 20) / PG;
	char *m = mmap(NULL, (size_t)(n * PG), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_failed(m) || n == 0 || passes < 1) {
		printf("paging: FAIL no memory to map\n");
		return 1;
	}
	for (long p = 0; p < n; p++)
		*(long *)(m + p * PG) = p;

	long moved = kstat(KSTAT_SWAP_WRITES) + kstat(KSTAT_SWAP_READS);
	uint64_t t0 = rdtsc_serialized();
	for (long pass = 0; pass < passes; pass++) {
		long s = random ? stride(n, pass) : 1;
		for (long k = 0; k < n; k++)
			*(long *)(m + (k * s + pass) % n * PG) += n;
	}
	uint64_t cycles = rdtsc_serialized() - t0;
	moved = kstat(KSTAT_SWAP_WRITES) + kstat(KSTAT_SWAP_READS) - moved;

	long bad = 0;
	for (long p = 0; p < n; p++)
		bad += *(long *)(m + p * PG) != p + passes * n;
	if (bad) {
		printf("paging: FAIL %ld pages lost their contents\n", bad);
		return 1;
	}
	long hz = kstat(KSTAT_TSC_HZ), touches = passes * n;
	long ram_mib = kstat(KSTAT_TOTAL_PAGES) * PG >> 20;
	double secs = (double)cycles / (double)hz;
	printf("paging-row: %s,%ld,%ld,%ld,%lu,%ld,%.0f\n", argv[1], mib, ram_mib, touches,
	       (unsigned long)(cycles / (uint64_t)touches), moved, secs > 0 ? moved / secs : 0.0);
	return 0;
}
