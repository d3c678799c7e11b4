/* Starting programs and naming how they ended. */
#include <inc/lib.h>

const char *signame(int signo)
{
	switch (signo) {
	case SIGILL:  return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS:  return "SIGBUS";
	case SIGFPE:  return "SIGFPE";
	case SIGSEGV: return "SIGSEGV";
	default:      return "SIG?";
	}
}

/*
 * fork, then execve in the child. The child cannot report a failed execve to the
 * parent other than by its exit status, so it says why on stderr and exits 127,
 * the status shells use for a command that could not be run.
 */
pid_t spawn(const char *prog, char *const argv[])
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int r = execve(prog, argv, environ);
	if (r == -ENOENT)
		fprintf(2, "%s: %s: not found\n", progname, prog);
	else
		fprintf(2, "%s: %s: cannot execute (error %d)\n", progname, prog, r);
	exit(127);
}
