/*
 * preempt: run two CPU-bound spin children, A and B, neither of which yields.
 * Their steps interleave on the console only if the timer preempts them; the
 * test looks for that, this program checks that both finished.
 */
#include <inc/lib.h>

#define STEPS "5"

/* Start "spin NAME STEPS", passing on the iteration count if one was given. */
static pid_t start_spinner(char *name, char *iters)
{
	char *argv[] = { "spin", name, STEPS, iters, NULL };
	pid_t pid = spawn("spin", argv);
	if (pid < 0)
		panic("spawn spin %s: %d", name, pid);
	return pid;
}

/* Wait for pid and say whether it exited with status 0. */
static bool finished_ok(pid_t pid, const char *name)
{
	int status;
	pid_t r = wait4(pid, &status, 0, NULL);
	if (r != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("preempt: spinner %s failed (wait4 %d, status 0x%x)\n", name, r, status);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	char *iters = argc > 1 ? argv[1] : NULL;
	pid_t a = start_spinner("A", iters);
	pid_t b = start_spinner("B", iters);

	bool ok = finished_ok(a, "A");
	ok = finished_ok(b, "B") && ok;
	if (!ok)
		return 1;
	printf("preempt: both spinners done\n");
	return 0;
}
