/*
 * sigedges: corners of Linux signals and wait4 that a musl program sees.
 *
 * - A blocked signal whose disposition is to ignore it (SIG_IGN, or SIG_DFL
 *   for SIGCHLD, SIGWINCH, SIGURG, SIGCONT) stays pending when sent, for
 *   sigpending to see; unblocked while still ignored, it is discarded.
 *   Unblocked, an ignored signal never pends.
 * - kill finds a child that has exited but is not yet reaped (signal 0 and a
 *   real signal both succeed), and so does kill of its process group when
 *   only that zombie is in it; after waitpid reaps it, ESRCH.
 * - clone's exit signal (flags & CSIGNAL) is what the parent gets at the
 *   child's end: SIGUSR1 for one, nothing for 0. Such clone children are
 *   invisible to a plain wait (ECHILD); __WCLONE waits only for them, __WALL
 *   for every child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("sigedges: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

static void block(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(how, &set, NULL);
}

static int is_pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

/* sig, whose disposition is to ignore it, pends while blocked and goes when unblocked. */
static void blocked_ignored_pends(int sig, const char *what)
{
	char buf[160];

	kill(getpid(), sig);
	snprintf(buf, sizeof(buf), "%s, ignored and unblocked, does not pend", what);
	check(!is_pending(sig), buf);
	block(SIG_BLOCK, sig);
	kill(getpid(), sig);
	snprintf(buf, sizeof(buf), "%s, ignored but blocked, pends", what);
	check(is_pending(sig), buf);
	block(SIG_UNBLOCK, sig);
	block(SIG_BLOCK, sig);
	snprintf(buf, sizeof(buf), "%s, unblocked while ignored, is discarded", what);
	check(!is_pending(sig), buf);
	block(SIG_UNBLOCK, sig);
}

static void ignored_but_blocked(void)
{
	signal(SIGUSR1, SIG_IGN);
	blocked_ignored_pends(SIGUSR1, "SIGUSR1 with SIG_IGN");
	signal(SIGUSR1, SIG_DFL);
	blocked_ignored_pends(SIGCHLD, "SIGCHLD with SIG_DFL");
	blocked_ignored_pends(SIGWINCH, "SIGWINCH with SIG_DFL");
	blocked_ignored_pends(SIGURG, "SIGURG with SIG_DFL");
	blocked_ignored_pends(SIGCONT, "SIGCONT with SIG_DFL");

	/* Ignoring a blocked pending signal drops it, as on Linux. */
	block(SIG_BLOCK, SIGUSR2);
	kill(getpid(), SIGUSR2);
	check(is_pending(SIGUSR2), "a blocked SIGUSR2 pends");
	signal(SIGUSR2, SIG_IGN);
	check(!is_pending(SIGUSR2), "setting SIG_IGN drops a blocked pending signal");
	signal(SIGUSR2, SIG_DFL);
	block(SIG_UNBLOCK, SIGUSR2);
}

static volatile int caught_sig, caught_code, caught_status;
static volatile pid_t caught_pid;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	caught_sig = sig;
	caught_code = si->si_code;
	caught_pid = si->si_pid;
	caught_status = si->si_status;
}

/*
 * With sig blocked and a handler for it, wait (no timing) until it comes:
 * sigsuspend with it unblocked; the handler's record of it left in caught_*.
 */
static void await_signal(int sig)
{
	struct sigaction sa, old;
	sigset_t mask;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, &old);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, sig);
	caught_sig = 0;
	while (caught_sig != sig)
		sigsuspend(&mask);
	sigaction(sig, &old, NULL);
}

static void kill_finds_zombies(void)
{
	int status;

	block(SIG_BLOCK, SIGCHLD);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(7);
	}
	setpgid(pid, pid);	/* either this or the child's call makes the group */
	await_signal(SIGCHLD);
	check(kill(pid, 0) == 0, "kill(zombie, 0) succeeds");
	check(kill(pid, SIGUSR1) == 0, "kill(zombie, SIGUSR1) succeeds");
	check(kill(-pid, 0) == 0, "kill(-pgrp, 0) of a group of one zombie succeeds");
	check(kill(-pid, SIGTERM) == 0, "kill(-pgrp, SIGTERM) of a group of one zombie succeeds");
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "the zombie, signalled, still exits with its own status");
	check(kill(pid, 0) == -1 && errno == ESRCH, "kill of the reaped child is ESRCH");
	check(kill(-pid, 0) == -1 && errno == ESRCH, "kill of its empty group is ESRCH");
	block(SIG_UNBLOCK, SIGCHLD);
}

/* A new process by clone with exit signal exit_sig, which exits with code. */
static pid_t clone_child(int exit_sig, int code)
{
	long pid = syscall(SYS_clone, (long)exit_sig, 0L, 0L, 0L, 0L);

	if (pid == 0)
		_exit(code);
	return (pid_t)pid;
}

static void clone_exit_signals(void)
{
	int status;

	block(SIG_BLOCK, SIGUSR1);
	block(SIG_BLOCK, SIGCHLD);
	pid_t a = clone_child(SIGUSR1, 4);
	check(a > 0, "clone with exit signal SIGUSR1");
	await_signal(SIGUSR1);
	check(caught_pid == a && caught_code == CLD_EXITED && caught_status == 4,
	      "the clone child's end sends SIGUSR1 with CLD_EXITED, its pid and status");
	check(!is_pending(SIGCHLD), "and no SIGCHLD");
	check(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	      "a plain wait does not see a clone child: ECHILD");
	check(waitpid(a, &status, 0) == -1 && errno == ECHILD,
	      "nor by its pid");
	check(waitpid(a, &status, __WCLONE) == a && WIFEXITED(status) && WEXITSTATUS(status) == 4,
	      "__WCLONE reaps the clone child");

	pid_t b = fork();
	if (b == 0)
		_exit(5);
	await_signal(SIGCHLD);
	check(waitpid(-1, &status, WNOHANG | __WCLONE) == -1 && errno == ECHILD,
	      "__WCLONE does not see a fork child");
	check(waitpid(-1, &status, __WALL) == b && WEXITSTATUS(status) == 5,
	      "__WALL reaps a fork child");

	pid_t c = clone_child(0, 6);
	check(waitpid(-1, &status, __WALL) == c && WEXITSTATUS(status) == 6,
	      "__WALL reaps a clone child with exit signal 0");
	check(!is_pending(SIGUSR1) && !is_pending(SIGCHLD), "exit signal 0 sends nothing");
	check(waitpid(-1, &status, 0x10000000) == -1 && errno == EINVAL,
	      "an unknown wait option is EINVAL");
	block(SIG_UNBLOCK, SIGUSR1);
	block(SIG_UNBLOCK, SIGCHLD);
}

int main(void)
{
	ignored_but_blocked();
	kill_finds_zombies();
	clone_exit_signals();
	if (failures)
		return 1;
	printf("sigedges: ok\n");
	return 0;
}
