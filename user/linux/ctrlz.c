/*
 * ctrlz: Ctrl-Z typed on the terminal stops the foreground process group. A
 * child leading a group of its own is made the foreground group, says
 * "ctrlz: ready" and blocks in a read; the test types Ctrl-Z. wait4 with
 * WUNTRACED sees it stopped by SIGTSTP; back in the foreground, the parent
 * continues it (WCONTINUED), and the read it was blocked in goes on to get
 * the byte that tells it to exit. The parent ignores SIGTTOU, as a shell
 * does, to take the terminal back from the background. Run where it leads
 * a session without a terminal (the host test's pseudo-terminal), it takes
 * the terminal first.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("ctrlz: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

int main(void)
{
	int go[2], st = -1;
	char c;

	signal(SIGTTOU, SIG_IGN);
	if (getsid(0) == getpid())
		check(ioctl(0, TIOCSCTTY, 0) == 0, "take the terminal");
	check(pipe(go) == 0, "pipe");
	pid_t child = fork();
	if (child == 0) {
		setpgid(0, 0);
		if (read(go[0], &c, 1) != 1)
			_exit(90);
		printf("ctrlz: ready\n");
		fflush(stdout);
		_exit(read(go[0], &c, 1) == 1 && c == 'x' ? 7 : 91);
	}
	check(setpgid(child, child) == 0 || errno == EACCES, "setpgid of the child");
	check(tcsetpgrp(0, child) == 0, "the child's group in the foreground");
	check(write(go[1], "g", 1) == 1, "write to the child");
	check(waitpid(child, &st, WUNTRACED) == child, "wait4 WUNTRACED");
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "Ctrl-Z stopped the child with SIGTSTP");
	check(tcsetpgrp(0, getpgrp()) == 0, "the terminal back");
	check(kill(child, SIGCONT) == 0, "kill SIGCONT");
	check(waitpid(child, &st, WCONTINUED) == child && WIFCONTINUED(st), "wait4 WCONTINUED");
	check(write(go[1], "x", 1) == 1, "tell the child to exit");
	check(waitpid(child, &st, 0) == child, "wait4 for the exit");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the child's read went on after the stop");
	if (failures == 0)
		printf("\nctrlz: ok\n");	/* on a line of its own, whatever the echoed ^Z left */
	return failures != 0;
}
