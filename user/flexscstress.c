/*
 * flexscstress: 100,000 calls (and a few, to fill the last batch) through the
 * page in batches of 64, each result
 * checked, then 200 children that register, make a call and exit. Run under
 * leakcheck, every page and thread must come back.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/lib.h>

#define CALLS 100000
#define BATCH 64
#define CYCLES 200

int main(int argc, char **argv)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[BATCH];
	int failures = 0;

	flexsc_setup(&ring, BATCH / FLEXSC_ENTRIES_PER_PAGE, 2);	/* a batch fills the ring */
	pid_t me = getpid(), parent = getppid();
	int done;
	for (done = 0; done < CALLS; done += BATCH) {
		for (int i = 0; i < BATCH; i++)
			e[i] = flexsc_post(&ring, i % 2 ? SYS_getpid : SYS_getppid, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < BATCH; i++)
			failures += flexsc_wait_for(e[i]) != (i % 2 ? me : parent);
	}
	printf("flexscstress: %d calls, %lu flexsc_wait traps\n", done, flexsc_waits);

	for (int c = 0; c < CYCLES; c++) {
		pid_t pid = fork();
		if (pid == 0) {
			struct flexsc_ring mine;
			flexsc_setup(&mine, 1 + c % FLEXSC_MAX_PAGES, 1 + c % 4);
			flex_exit(flex_getpid() == getpid() ? 0 : 1);
		}
		int status;
		if (wait4(pid, &status, 0, NULL) != pid || status != 0)
			failures++;
	}
	printf("flexscstress: %d register/exit cycles\n", CYCLES);
	return test_verdict(failures);
}
