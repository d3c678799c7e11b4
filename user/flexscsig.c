/*
 * flexscsig: a signal to a process whose call runs on a syscall page. A read
 * of an empty pipe is posted on the page; a child keeps sending SIGUSR1 until
 * the parent says (through shared memory) it is done: no timing. Each delivery
 * runs the handler in the user thread and interrupts the entries syscall
 * threads are running, so once a kill lands while the read blocks, its entry
 * completes with -EINTR. Kills that land before the read starts only run the
 * handler.
 *
 * With SA_RESTART the interrupted entry runs again, as the trap path restarts
 * the call: a read posted on the page that reads BLOCKED is interrupted by a
 * kill the process sends itself (the handler runs on the way out of kill, and
 * interrupts the entry), and then gets the byte written after the handler
 * ran. A nanosleep is never restarted after a handler: it completes with
 * -EINTR and the time left in rem, less than asked and more than none.
 *
 * A stop interrupts a blocked entry too, and it runs again once continued (no
 * handler ran): a child registered for FlexSC says once its posted read of an
 * empty pipe reads BLOCKED; the parent stops and continues it, then writes a
 * byte, which that same read gets. A nanosleep of one second posted on the
 * page and stopped for longer than that goes on with the time it had left, so
 * it ends as soon as it is continued, not a whole second after.
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
	volatile long cont_ns;	/* CLOCK_MONOTONIC when the parent sent SIGCONT */
};
static struct shared *shared;

static void on_usr1(int sig)
{
	if (sig == SIGUSR1)
		shared->handled++;
}

/* A read of an empty pipe on the page, while a child keeps signalling us. */
static void interrupted_entry(struct flexsc_ring *ring)
{
	int fds[2];
	char c = 0;
	int status;

	expect("pipe", pipe(fds), 0);
	shared->handled = shared->done = 0;
	struct sigaction sa = { .sa_handler = on_usr1 };
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
		expect("the read stopped and continued goes on", flexsc_wait_for(e), 1);
		expect("and gets the byte", c, 'z');
		exit(0);
	}
	expect("the child's word", read(told[0], &c, 1), 1);
	expect("SIGSTOP", kill(child, SIGSTOP), 0);
	expect("wait4 WUNTRACED", wait4(child, &status, WUNTRACED, NULL), child);
	expect("stopped by SIGSTOP", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, 1);
	expect("SIGCONT", kill(child, SIGCONT), 0);
	expect("wait4 WCONTINUED", wait4(child, &status, WCONTINUED, NULL), child);
	expect("continued", WIFCONTINUED(status), 1);
	expect("a write for its read", write(a[1], "z", 1), 1);
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child's status", status, 0);
	close(a[0]);
	close(a[1]);
	close(told[0]);
	close(told[1]);
}

/* CLOCK_MONOTONIC in nanoseconds. */
static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Post call num on ring and wait (in user mode) until a syscall thread blocks in it. */
static struct flexsc_entry *post_blocked(struct flexsc_ring *ring, long num, long a0, long a1,
					 long a2)
{
	struct flexsc_entry *e = flexsc_post(ring, num, a0, a1, a2, 0, 0, 0);

	expect("the call is posted", e != NULL, 1);
	expect("kick the pool", flexsc_wake(), 0);
	while (e->status != FLEXSC_BLOCKED)
		sched_yield();
	return e;
}

/*
 * With SA_RESTART, an entry a handler interrupts runs again; a nanosleep
 * does not, and says how much time was left.
 */
static void restarted_entry(struct flexsc_ring *ring)
{
	int fds[2];
	char c = 0;

	expect("pipe", pipe(fds), 0);
	shared->handled = 0;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	expect("sigaction", sysret(sigaction(SIGUSR1, &sa, NULL)), 0);
	struct flexsc_entry *e = post_blocked(ring, SYS_read, fds[0], (long)&c, 1);
	expect("kill self", kill(getpid(), SIGUSR1), 0);
	expect("the handler ran", shared->handled, 1);
	expect("a write after the handler", write(fds[1], "r", 1), 1);
	expect("the restarted read on the page gets it", flexsc_wait_for(e), 1);
	expect("the byte", c, 'r');
	close(fds[0]);
	close(fds[1]);

	struct timespec req = { 10, 0 }, rem = { -1, -1 };
	e = post_blocked(ring, SYS_nanosleep, (long)&req, (long)&rem, 0);
	expect("kill self", kill(getpid(), SIGUSR1), 0);
	expect("a nanosleep is not restarted after a handler", flexsc_wait_for(e), -EINTR);
	long left = rem.tv_sec * 1000000000L + rem.tv_nsec;
	expect("the time left is more than none", left > 0, 1);
	expect("and less than asked", left < req.tv_sec * 1000000000L, 1);
}

/*
 * A nanosleep stopped past its end goes on with the time it had left: none.
 * The 3 s bound is one-sided: only a wake-up slower than the whole sleep fails it.
 */
static void stopped_sleep(void)
{
	int told[2], status;
	char c = 0;

	expect("pipe", pipe(told), 0);
	pid_t child = fork();
	if (child == 0) {
		static struct flexsc_ring ring;
		expect("flexsc_setup in the child", flexsc_setup(&ring, 1, 2), 0);
		struct timespec req = { 3, 0 };
		struct flexsc_entry *e = post_blocked(&ring, SYS_nanosleep, (long)&req, 0, 0);
		expect("say it sleeps", write(told[1], "s", 1), 1);
		expect("the sleep stopped and continued ends", flexsc_wait_for(e), 0);
		expect("with no second sleep after the continue",
		       now_ns() - shared->cont_ns < 3000000000L, 1);
		exit(0);
	}
	expect("the child's word", read(told[0], &c, 1), 1);
	expect("SIGSTOP", kill(child, SIGSTOP), 0);
	expect("wait4 WUNTRACED", wait4(child, &status, WUNTRACED, NULL), child);
	struct timespec past = { 3, 100000000 };
	expect("sleep past the child's end", nanosleep(&past, NULL), 0);
	shared->cont_ns = now_ns();
	expect("SIGCONT", kill(child, SIGCONT), 0);
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("the child's status", status, 0);
	close(told[0]);
	close(told[1]);
}

int main(void)
{
	static struct flexsc_ring ring;

	shared = mmap(NULL, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect("the shared page", (long)shared > 0, 1);
	stopped_entry();
	stopped_sleep();
	expect("flexsc_setup", flexsc_setup(&ring, 1, 2), 0);
	interrupted_entry(&ring);
	restarted_entry(&ring);
	printf("flexscsig: ok\n");
	return 0;
}
