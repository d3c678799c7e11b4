/*
 * nosys: numbers with no system call behind them must give -ENOSYS on both trap
 * paths. As on Linux, the number is the low 32 bits of rax: bits above them are
 * ignored, so getpid's number with bit 32 set is getpid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

static const long unused_numbers[] = { 499, 511, 512, 100000, -1, 0xffffffffL };

int main(int argc, char **argv)
{
	int failures = 0;

	for (size_t i = 0; i < ARRAY_SIZE(unused_numbers); i++) {
		long num = unused_numbers[i];
		for (int p = 0; p < NTRAP_PATHS; p++) {
			long r = trap_paths[p].call(num, 1, 2, 3, 4, 5, 6);
			if (r != -ENOSYS) {
				printf("nosys: FAIL %s %ld returned %ld, expected %d\n",
				       trap_paths[p].name, num, r, -ENOSYS);
				failures++;
			}
		}
	}
	for (int p = 0; p < NTRAP_PATHS; p++) {
		long r = trap_paths[p].call(SYS_getpid | (1L << 32), 0, 0, 0, 0, 0, 0);
		if (r != getpid()) {
			printf("nosys: FAIL %s getpid | 1 << 32 returned %ld, expected %d\n",
			       trap_paths[p].name, r, getpid());
			failures++;
		}
	}
	return test_verdict(failures);
}
