/*
 * flexscipc [N]: two processes exchange N messages (default 1000), a value each
 * way and a page with every hundredth, entirely through their syscall pages:
 * each side's ipc_send and ipc_recv are entries served by its syscall threads.
 * Reports the round trips and their cost.
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

#define PAGE_EVERY 100

static _Alignas(4096) char outgoing[4096];
static _Alignas(4096) char incoming[4096];

/* The echoing side: send back every value plus one, and the page it got. */
static int echo(pid_t parent, int n)
{
	struct ipc_msg msg;

	for (int i = 0; i < n; i++) {
		if (flex_ipc_recv(incoming, &msg) < 0)
			return 1;
		const void *page = msg.perm ? incoming : NULL;
		if (flex_ipc_send(parent, msg.value + 1, page, PROT_READ) < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	struct flexsc_ring ring;

	if (argc > 2 || n < 1) {
		printf("usage: flexscipc [N], N >= 1 round trips (default 1000)\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid == 0) {
		flexsc_setup(&ring, 1, 2);
		flex_exit(echo(getppid(), n));
	}
	flexsc_setup(&ring, 1, 2);
	uint64_t start = monotonic_ns();
	for (int i = 0; i < n; i++) {
		struct ipc_msg msg;
		bool with_page = i % PAGE_EVERY == 0;
		snprintf(outgoing, sizeof(outgoing), "page %d", i);
		int r = flex_ipc_send(pid, (uint64_t)i, with_page ? outgoing : NULL,
				      PROT_READ | PROT_WRITE);
		if (r == 0)
			r = flex_ipc_recv(incoming, &msg);
		if (r < 0 || msg.value != (uint64_t)i + 1 || msg.from != pid ||
		    (with_page && strcmp(incoming, outgoing) != 0)) {
			printf("flexscipc: FAIL round trip %d (result %d, value %lu)\n", i, r,
			       (unsigned long)msg.value);
			return 1;	/* the echoing child is left waiting: leave it be */
		}
	}
	uint64_t ns = monotonic_ns() - start;
	int status = -1;
	flex_wait4(pid, &status, 0, NULL);
	printf("flexscipc: %d round trips with a child, each a value sent and its reply "
	       "(value + 1) received, every %dth with a page lent and sent back, all through "
	       "the two processes' syscall pages: %lu ms in all, %lu us a round trip; this "
	       "side trapped %lu times, each a flexsc_wait\n", n, PAGE_EVERY, ns / 1000000,
	       ns / 1000 / n, flexsc_waits);
	return test_verdict(status != 0);
}
