/*
 * callloop NAME N [CALLS]: make system calls without pause, printing
 * "NAME: step i" for i = 1..N with CALLS getppid calls (through the syscall
 * instruction) between steps. Whatever the machine interrupts it with is then
 * likely to land on the system-call path, its entry's first instruction
 * included.
 */
#include <inc/lib.h>

#define DEFAULT_CALLS 20000

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(2, "usage: callloop NAME N [CALLS]\n");
		return 2;
	}
	const char *name = argv[1];
	long steps = strtol(argv[2], NULL, 10);
	long calls = argc > 3 ? strtol(argv[3], NULL, 10) : DEFAULT_CALLS;
	pid_t parent = getppid();

	for (long i = 1; i <= steps; i++) {
		for (long k = 0; k < calls; k++) {
			if (getppid() != parent) {
				printf("%s: getppid changed\n", name);
				return 1;
			}
		}
		printf("%s: step %ld\n", name, i);
	}
	return 0;
}
