/*
 * forkbomb: every process forks as fast as it can until fork says no (-EAGAIN:
 * too many children, or no process slot left), then waits for its children and
 * exits. The kernel must stop it with its limits and survive; afterwards fork
 * works again.
 */
#include <inc/lib.h>

#define GENERATIONS 4

/* Fork children that do the same, one generation less, until refused. */
static int bomb(int generations)
{
	int children = 0, refused = 0;

	while (generations > 0) {
		pid_t pid = fork();
		if (pid == 0) {
			generations--;
			children = 0;
			continue;
		}
		if (pid < 0) {
			refused = pid;
			break;
		}
		children++;
	}
	while (children > 0 && wait4(-1, NULL, 0, NULL) > 0)
		children--;
	return refused == -EAGAIN || refused == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	pid_t pid = fork();
	if (pid == 0)
		exit(bomb(GENERATIONS));
	int status;
	wait4(pid, &status, 0, NULL);
	int failures = status != 0;
	if (failures)
		printf("forkbomb: FAIL a fork failed other than with -EAGAIN (status 0x%x)\n", status);
	printf("forkbomb: processes left %ld\n", kstat(KSTAT_NPROCS));
	pid = fork();
	if (pid == 0)
		exit(0);
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || status != 0) {
		printf("forkbomb: FAIL fork does not work afterwards\n");
		failures++;
	}
	return test_verdict(failures);
}
