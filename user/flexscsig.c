/*
 * flexscsig: a signal to a process whose call runs on a syscall page. A read
 * of an empty pipe is posted on the page; a child keeps sending SIGUSR1 until
 * the parent says (through shared memory) it is done: no timing. Each delivery
 * runs the handler in the user thread and interrupts the entries syscall
 * threads are running, so once a kill lands while the read blocks, its entry
 * completes with -EINTR. Kills that land before the read starts only run the
 * handler. The same with SA_RESTART: the entry still completes with -EINTR
 * (docs/signals.md), and a second read posted after it gets the child's byte.
 *
 * A stop does the same to a blocked entry: a child registered for FlexSC says
 * once its posted read of an empty pipe reads BLOCKED; SIGSTOP then completes
 * the entry with -EINTR (nothing else ever would: no byte comes before the
 * child has seen it, and the write end stays open), and after SIGCONT the
 * child's wait goes on, sees the -EINTR, and a read it posts then gets the
 * byte the parent writes.
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
#include <inc/mmu.h>

struct shared {
	volatile int handled;
	volatile int done;
};
static struct shared *shared;

static void on_usr1(int sig)
{
	if (sig == SIGUSR1)
		shared->handled++;
}

/* A read of an empty pipe on the page, while a child keeps signalling us. */
static void interrupted_entry(struct flexsc_ring *ring, unsigned long flags)
{
	int fds[2];
	char c = 0;
	int status;

	expect("pipe", pipe(fds), 0);
	shared->handled = shared->done = 0;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = (int)flags };
	expect("sigaction", sysret(sigaction(SIGUSR1, &sa, NULL)), 0);
	pid_t parent = getpid(), child = fork();
	if (child == 0) {
		while (!shared->done) {
			kill(parent, SIGUSR1);
			sched_yield();
		}
		exit(0);
	}
	struct flexsc_entry *e = flexsc_post(ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0);
	expect("the read is posted", e != NULL, 1);
	expect("the read on the page is interrupted", flexsc_wait_for(e), -EINTR);
	expect("the handler ran", shared->handled >= 1, 1);
	shared->done = 1;
	long r;
	while ((r = sysret(wait4(child, &status, 0, NULL))) == -EINTR)
		;	/* the child's last kills may still land */
	expect("wait4", r, child);
	expect("the child's status", status, 0);
	expect("a write", write(fds[1], "s", 1), 1);
	expect("a read posted after it", flexsc_call(ring, SYS_read, fds[0], (long)&c, 1, 0, 0, 0), 1);
	expect("gets the byte", c, 's');
	close(fds[0]);
	close(fds[1]);
}

static void stopped_entry(void)
{
	int a[2], told[2], status;
	char c = 0;

	expect("pipe", pipe(a), 0);
	expect("pipe", pipe(told), 0);
	pid_t child = fork();
	if (child == 0) {
		static struct flexsc_ring ring;
		expect("flexsc_setup in the child", flexsc_setup(&ring, 1, 2), 0);
		struct flexsc_entry *e = flexsc_post(&ring, SYS_read, a[0], (long)&c, 1, 0, 0, 0);
		expect("the read is posted", e != NULL, 1);
		expect("kick the pool", flexsc_wake(), 0);	/* no flexsc_wait until it blocks */
		while (e->status != FLEXSC_BLOCKED)
			sched_yield();
		expect("say it blocks", write(told[1], "b", 1), 1);
		expect("the stop interrupts the blocked entry", flexsc_wait_for(e), -EINTR);
		expect("say it saw that", write(told[1], "i", 1), 1);
		expect("a read posted after the continue",
		       flexsc_call(&ring, SYS_read, a[0], (long)&c, 1, 0, 0, 0), 1);
		expect("gets the byte", c, 'z');
		exit(0);
	}
	expect("the child's word", read(told[0], &c, 1), 1);
	expect("SIGSTOP", kill(child, SIGSTOP), 0);
	expect("wait4 WUNTRACED", wait4(child, &status, WUNTRACED, NULL), child);
	expect("stopped by SIGSTOP", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, 1);
	expect("SIGCONT", kill(child, SIGCONT), 0);
	expect("wait4 WCONTINUED", wait4(child, &status, WCONTINUED, NULL), child);
	expect("continued", WIFCONTINUED(status), 1);
	expect("the child's word", read(told[0], &c, 1), 1);
	expect("a write for its second read", write(a[1], "z", 1), 1);
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child's status", status, 0);
	close(a[0]);
	close(a[1]);
	close(told[0]);
	close(told[1]);
}

int main(void)
{
	static struct flexsc_ring ring;

	shared = mmap(NULL, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect("the shared page", (long)shared > 0, 1);
	stopped_entry();
	expect("flexsc_setup", flexsc_setup(&ring, 1, 2), 0);
	interrupted_entry(&ring, 0);
	interrupted_entry(&ring, SA_RESTART);
	printf("flexscsig: ok\n");
	return 0;
}
