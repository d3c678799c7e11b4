/* What test programs share: the trap paths to try calls on, and the last line. */
#include <inc/lib.h>

const struct trap_path trap_paths[NTRAP_PATHS] = {
	{ "syscall", syscall6 },
	{ "int $0x80", int80_syscall6 },
};

int test_verdict(int failures)
{
	if (failures) {
		printf("%s: %d failures\n", progname, failures);
		return 1;
	}
	printf("%s: ok\n", progname);
	return 0;
}
