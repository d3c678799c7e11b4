/*
 * spin NAME N [ITERS]: burn the CPU, printing "NAME: step i" for i = 1..N with
 * ITERS iterations of busy work between steps. It never yields, so another
 * process runs meanwhile only if the timer preempts it (user/preempt.c).
 */
#include <inc/lib.h>

#define DEFAULT_ITERS 10000000

/* Volatile so that the compiler keeps every iteration. */
static volatile uint64_t work;

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(2, "usage: spin NAME N [ITERS]\n");
		return 2;
	}
	const char *name = argv[1];
	long steps = strtol(argv[2], NULL, 10);
	long iters = argc > 3 ? strtol(argv[3], NULL, 10) : DEFAULT_ITERS;

	for (long i = 1; i <= steps; i++) {
		for (long k = 0; k < iters; k++)
			work++;
		printf("%s: step %ld\n", name, i);
	}
	return 0;
}
