/* kstat: print the kernel's counters. */
#include <stdio.h>
#include <inc/lib.h>

int main(int argc, char **argv)
{
	printf("free pages %ld of %ld\n", kstat(KSTAT_FREE_PAGES), kstat(KSTAT_TOTAL_PAGES));
	printf("traps %ld\n", kstat(KSTAT_TRAPS));
	printf("tsc %ld Hz\n", kstat(KSTAT_TSC_HZ));
	printf("processes %ld\n", kstat(KSTAT_NPROCS));
	return 0;
}
