/*
 * jobctl: job control and SIGCHLD as a musl program sees them, checked on elk
 * and (tests/test_linux_natively.py) on Linux alike.
 *
 * - SIGSTOP and SIGTSTP stop a child; wait4 with WUNTRACED reports it once
 *   (status 0x7f | sig << 8), with WCONTINUED the continue (0xffff); SIGCHLD
 *   says CLD_STOPPED and CLD_CONTINUED with the signal in si_status. The read
 *   the child was blocked in runs again after each stop, as no handler ran.
 * - SIGCONT drops a stop signal the child blocks and has pending; a child
 *   that was not stopped reports no continue.
 * - SIGKILL ends a stopped child.
 * - A stopped child's threads, spinning on counters in shared memory on
 *   every CPU, do not move them until SIGCONT (the stop is reported only once
 *   every thread has stopped), then all move again.
 * - SIGCHLD ignored, or SA_NOCLDWAIT: children are reaped as they end, wait4
 *   waits for the last to go and fails with ECHILD; SA_NOCLDWAIT's handler
 *   still hears of the exit.
 * - SA_NOCLDSTOP: no SIGCHLD for a stop or a continue, wait4 still sees them.
 * - wait4(0) waits for children in the caller's process group only, wait4(-g)
 *   for those in group g.
 *
 * Each child leads a process group of its own, so that its group is not
 * orphaned (the terminal's stop signals stop it) wherever the test runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSPIN 3

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("jobctl: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

/* What the last SIGCHLD said, and how many came. */
static volatile int chld_count, chld_code, chld_status, chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_count++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
}

static void set_chld(void *handler, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	if (handler == SIG_IGN || handler == SIG_DFL) {
		sa.sa_handler = handler;
	} else {
		sa.sa_sigaction = handler;
		flags |= SA_SIGINFO;
	}
	sa.sa_flags = flags | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	check(sigaction(SIGCHLD, &sa, NULL) == 0, "sigaction SIGCHLD");
}

/* Counters the spinning threads of a child move, shared with the parent. */
static volatile unsigned long *spins;

static void *spin(void *arg)
{
	volatile unsigned long *c = &spins[(long)arg];
	for (;;)
		__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* A child and the two pipes the parent drives it through. */
struct child {
	pid_t pid;
	int cmd, ack;	/* the parent's ends */
};

/*
 * The child: a group of its own, nthreads spinning threads, SIGTSTP blocked
 * if asked; says 'r', then answers commands: 'p' is 'T' if SIGTSTP is
 * pending, else 'n'; 'x' exits 7. A read that fails ends it with 90 (EINTR:
 * the read was not run again after a stop) or 91.
 */
static void child_main(int cmd, int ack, int nthreads, int block_tstp)
{
	setpgid(0, 0);
	if (block_tstp) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGTSTP);
		sigprocmask(SIG_BLOCK, &s, NULL);
	}
	for (long i = 0; i < nthreads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, spin, (void *)i) != 0)
			_exit(93);
	}
	write(ack, "r", 1);
	for (;;) {
		char c;
		ssize_t n = read(cmd, &c, 1);
		if (n < 0)
			_exit(errno == EINTR ? 90 : 91);
		if (n == 0 || c == 'x')
			_exit(7);
		sigset_t p;
		sigpending(&p);
		write(ack, sigismember(&p, SIGTSTP) ? "T" : "n", 1);
	}
}

static struct child spawn(int nthreads, int block_tstp)
{
	int cmd[2], ack[2];
	struct child c = { -1, -1, -1 };
	char r = 0;

	check(pipe(cmd) == 0 && pipe(ack) == 0, "pipes");
	c.pid = fork();
	if (c.pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		child_main(cmd[0], ack[1], nthreads, block_tstp);
	}
	check(c.pid > 0, "fork");
	setpgid(c.pid, c.pid);	/* as a shell does: whichever runs first */
	close(cmd[0]);
	close(ack[1]);
	c.cmd = cmd[1];
	c.ack = ack[0];
	check(read(c.ack, &r, 1) == 1 && r == 'r', "the child is ready");
	return c;
}

/* Ask the child command c; its one-byte answer. */
static char ask(struct child *ch, char c)
{
	char r = 0;
	check(write(ch->cmd, &c, 1) == 1, "write a command");
	check(read(ch->ack, &r, 1) == 1, "read an answer");
	return r;
}

/* Tell the child to exit, reap it: its exit status 7, and SIGCHLD says so unless ignored. */
static void finish(struct child *ch, const char *what)
{
	int st = -1;
	check(write(ch->cmd, "x", 1) == 1, "write x");
	check(waitpid(ch->pid, &st, 0) == ch->pid, "wait4 for the exit");
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 7)) {
		printf("jobctl: FAIL %s: exit status 0x%x\n", what, st);
		failures++;
	}
	close(ch->cmd);
	close(ch->ack);
}

/* Stop ch with sig and see wait4 and SIGCHLD (unless nocldstop) say so. */
static void stop_and_see(struct child *ch, int sig, int nocldstop)
{
	int st = -1, before = chld_count;
	check(kill(ch->pid, sig) == 0, "kill a stop signal");
	check(waitpid(ch->pid, &st, WUNTRACED) == ch->pid, "wait4 WUNTRACED");
	check(st == ((sig << 8) | 0x7f), "the stop's exact status");
	check(WIFSTOPPED(st) && WSTOPSIG(st) == sig && !WIFEXITED(st) && !WIFSIGNALED(st),
	      "WIFSTOPPED and WSTOPSIG");
	if (nocldstop)
		check(chld_count == before, "SA_NOCLDSTOP: no SIGCHLD for the stop");
	else
		check(chld_count == before + 1 && chld_code == CLD_STOPPED && chld_status == sig &&
		      chld_pid == ch->pid, "SIGCHLD with CLD_STOPPED and the signal");
	check(waitpid(ch->pid, &st, WNOHANG | WUNTRACED) == 0, "a stop is reported once");
}

/*
 * Continue ch and see wait4 say so, and SIGCHLD unless nocldstop. Linux sends
 * that SIGCHLD as the child runs again, which may come after wait4 has seen
 * the continue: wait for it with SIGCHLD blocked and sigsuspend.
 */
static void continue_and_see(struct child *ch, int nocldstop)
{
	int st = -1, before = chld_count;
	sigset_t chld, old;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	check(kill(ch->pid, SIGCONT) == 0, "kill SIGCONT");
	check(waitpid(ch->pid, &st, WCONTINUED) == ch->pid, "wait4 WCONTINUED");
	check(st == 0xffff && WIFCONTINUED(st) && !WIFSTOPPED(st), "the continue's exact status");
	if (nocldstop) {
		sigset_t pending;
		sigpending(&pending);
		check(chld_count == before && !sigismember(&pending, SIGCHLD),
		      "SA_NOCLDSTOP: no SIGCHLD for the continue");
	} else {
		while (chld_count == before)
			sigsuspend(&old);
		check(chld_count == before + 1 && chld_code == CLD_CONTINUED && chld_status == SIGCONT,
		      "SIGCHLD with CLD_CONTINUED");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	check(waitpid(ch->pid, &st, WNOHANG | WCONTINUED) == 0, "a continue is reported once");
}

static void test_stop_continue(void)
{
	set_chld(on_chld, 0);
	struct child ch = spawn(0, 0);
	stop_and_see(&ch, SIGSTOP, 0);
	continue_and_see(&ch, 0);
	stop_and_see(&ch, SIGTSTP, 0);
	continue_and_see(&ch, 0);
	check(ask(&ch, 'p') == 'n', "the child answers after two stops");
	int before = chld_count;
	finish(&ch, "after stops, the blocked read went on");
	check(chld_count == before + 1 && chld_code == CLD_EXITED && chld_status == 7,
	      "SIGCHLD with CLD_EXITED and the code");
}

static void test_cont_drops_stop(void)
{
	int st;
	struct child ch = spawn(0, 1);
	check(kill(ch.pid, SIGTSTP) == 0, "kill SIGTSTP to a blocker");
	check(ask(&ch, 'p') == 'T', "a blocked SIGTSTP pends");
	check(kill(ch.pid, SIGCONT) == 0, "kill SIGCONT");
	check(ask(&ch, 'p') == 'n', "SIGCONT drops the pending SIGTSTP");
	check(waitpid(ch.pid, &st, WNOHANG | WCONTINUED | WUNTRACED) == 0,
	      "no report for a child that never stopped");
	finish(&ch, "a child that blocked SIGTSTP");
}

static void test_kill_stopped(void)
{
	int st = -1;
	struct child ch = spawn(0, 0);
	stop_and_see(&ch, SIGSTOP, 0);
	check(kill(ch.pid, SIGKILL) == 0, "kill SIGKILL");
	check(waitpid(ch.pid, &st, 0) == ch.pid, "wait4 for the killed child");
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a stopped child");
	close(ch.cmd);
	close(ch.ack);
}

/* Whether every counter has moved past then[]; yields meanwhile. */
static void wait_all_past(const unsigned long *then)
{
	for (int i = 0; i < NSPIN; i++)
		while (spins[i] <= then[i])
			sched_yield();
}

static void test_threads_stop(void)
{
	unsigned long zero[NSPIN] = { 0 }, then[NSPIN];
	struct child ch = spawn(NSPIN, 0);

	wait_all_past(zero);	/* every thread runs */
	stop_and_see(&ch, SIGSTOP, 0);
	for (int i = 0; i < NSPIN; i++)
		then[i] = spins[i];
	/* Plenty of chances for a thread that did not stop to move its counter. */
	for (int round = 0; round < 50; round++) {
		struct timespec ms = { 0, 1000000 };
		sched_yield();
		nanosleep(&ms, NULL);
	}
	for (int i = 0; i < NSPIN; i++)
		check(spins[i] == then[i], "a stopped child's thread does not run");
	continue_and_see(&ch, 0);
	wait_all_past(then);	/* every thread runs again */
	finish(&ch, "a stopped threaded child");
}

static void test_autoreap(void *how, int flags)
{
	int gate[2], st;
	char c;

	set_chld(how, flags);
	int before = chld_count;
	check(pipe(gate) == 0, "pipe");
	pid_t a = fork();
	if (a == 0) {
		close(gate[1]);
		read(gate[0], &c, 1);	/* end of file once the parent closes its end */
		_exit(5);
	}
	close(gate[0]);
	check(waitpid(-1, &st, WNOHANG) == 0, "a live child: WNOHANG gives 0");
	close(gate[1]);
	errno = 0;
	check(waitpid(-1, &st, 0) == -1 && errno == ECHILD, "wait4 waits them out, then ECHILD");
	check(kill(a, 0) == -1 && errno == ESRCH, "the child left no zombie");
	if (how != SIG_IGN)
		check(chld_count == before + 1 && chld_code == CLD_EXITED && chld_status == 5,
		      "SA_NOCLDWAIT's handler hears of the exit");
	set_chld(SIG_DFL, 0);
}

static void test_nocldstop(void)
{
	set_chld(on_chld, SA_NOCLDSTOP);
	struct child ch = spawn(0, 0);
	stop_and_see(&ch, SIGSTOP, 1);
	continue_and_see(&ch, 1);
	int before = chld_count;
	finish(&ch, "SA_NOCLDSTOP's child");
	check(chld_count == before + 1 && chld_code == CLD_EXITED, "SA_NOCLDSTOP: SIGCHLD for the exit");
	set_chld(SIG_DFL, 0);
}

/* wait4 by process group: a child in the caller's group and one in its own. */
static void test_wait_by_group(void)
{
	int p[2], st;
	char c;

	check(pipe(p) == 0, "pipe");
	pid_t other = fork();
	if (other == 0) {
		setpgid(0, 0);
		_exit(read(p[0], &c, 1) == 1 ? 3 : 1);
	}
	check(other > 0 && (setpgid(other, other) == 0 || errno == EACCES), "a child in a group of its own");
	pid_t same = fork();
	if (same == 0)
		_exit(read(p[0], &c, 1) == 1 ? 4 : 1);
	check(same > 0, "a child in the caller's group");
	check(waitpid(-other, &st, WNOHANG) == 0, "wait4(-g) WNOHANG: group g's child has not ended");
	check(write(p[1], "xy", 2) == 2, "let both children end");
	check(waitpid(0, &st, 0) == same && WIFEXITED(st) && WEXITSTATUS(st) == 4,
	      "wait4(0) takes the child in the caller's group");
	check(waitpid(0, &st, WNOHANG) == -1 && errno == ECHILD,
	      "wait4(0): no other child in the caller's group");
	check(waitpid(-other, &st, 0) == other && WIFEXITED(st) && WEXITSTATUS(st) == 3,
	      "wait4(-g) takes the child in group g");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	spins = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(spins != MAP_FAILED, "mmap shared");
	test_stop_continue();
	test_cont_drops_stop();
	test_kill_stopped();
	test_threads_stop();
	test_autoreap(SIG_IGN, 0);
	test_autoreap(on_chld, SA_NOCLDWAIT);
	test_nocldstop();
	test_wait_by_group();
	if (failures == 0)
		printf("jobctl: ok\n");
	return failures != 0;
}
