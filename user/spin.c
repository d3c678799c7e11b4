/*
 * spin NAME N [ITERS [syscalls]]: burn the CPU, printing "NAME: step i" for
 * i = 1..N with ITERS iterations of busy work between steps. It never yields,
 * so another process runs meanwhile only if the timer preempts it. With
 * "syscalls" each iteration is a getppid call instead: the program then lives
 * on the system-call path, and whatever the machine interrupts it with is
 * likely to land there, the entry's first instruction included.
 */
#include <inc/lib.h>

#define DEFAULT_ITERS 10000000

/* Volatile so that the compiler keeps every iteration. */
static volatile uint64_t work;

int main(int argc, char **argv)
{
	if (argc < 3 || (argc > 4 && strcmp(argv[4], "syscalls") != 0)) {
		fprintf(2, "usage: spin NAME N [ITERS [syscalls]]\n");
		return 2;
	}
	const char *name = argv[1];
	long steps = strtol(argv[2], NULL, 10);
	long iters = argc > 3 ? strtol(argv[3], NULL, 10) : DEFAULT_ITERS;
	bool syscalls = argc > 4;
	pid_t parent = getppid();

	for (long i = 1; i <= steps; i++) {
		for (long k = 0; k < iters; k++) {
			if (!syscalls)
				work++;
			else if (getppid() != parent) {
				printf("%s: getppid changed\n", name);
				return 1;
			}
		}
		printf("%s: step %ld\n", name, i);
	}
	return 0;
}
