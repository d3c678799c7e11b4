/* nosys: numbers with no system call behind them must give -ENOSYS on both trap paths. */
#include <inc/lib.h>

static const long unused_numbers[] = { 499, 511, 512, 100000, -1 };

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
	return test_verdict(failures);
}
