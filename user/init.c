/*
 * init PROG [ARGS...]: the first process of an interactive session. Starts
 * PROG (found in /bin when the name has no slash) as its child in a session of
 * its own, with the console as that session's controlling terminal, so that a
 * job-control shell can stop its jobs with Ctrl-Z (a process group whose
 * parent is init counts as orphaned, and an orphaned group ignores the
 * keyboard's stop signals, as on Linux). Reaps every process handed to it
 * while PROG runs, and exits with PROG's exit status (128 + the signal if a
 * signal ended it), which ends the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Child side: a new session, the console as its terminal (taken from init's
 * session, which has it from boot: TIOCSCTTY's argument 1, as root may), then
 * PROG.
 */
static void start_session(char **argv)
{
	char path[256];
	const char *prog = argv[0];

	if (setsid() < 0 || ioctl(STDIN_FILENO, TIOCSCTTY, 1) < 0)
		fprintf(stderr, "init: no controlling terminal: %s\n", strerror(errno));
	if (!strchr(prog, '/')) {
		snprintf(path, sizeof path, "/bin/%s", prog);
		prog = path;
	}
	execv(prog, argv);
	fprintf(stderr, "init: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	int status;
	pid_t session, pid;

	if (argc < 2) {
		fprintf(stderr, "usage: init PROG [ARGS...]\n");
		return 2;
	}
	session = fork();
	if (session < 0) {
		fprintf(stderr, "init: cannot fork: %s\n", strerror(errno));
		return 1;
	}
	if (session == 0)
		start_session(argv + 1);
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			fprintf(stderr, "init: wait: %s\n", strerror(errno));
			return 1;
		}
		if (pid == session)
			return WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
	}
}
