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
 * fork, then execve in the child: prog is a path, or without a '/' a program
 * in /bin. The child cannot report a failed execve to the parent other than by
 * its exit status, so it says why on stderr and exits 127, the status shells
 * use for a command that could not be run.
 */
pid_t spawn(const char *prog, char *const argv[])
{
	char path[256];
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	snprintf(path, sizeof(path), "%s%s", strchr(prog, '/') ? "" : "/bin/", prog);
	int r = execve(path, argv, environ);
	if (r == -ENOENT)
		fprintf(2, "%s: %s: not found\n", progname, prog);
	else
		fprintf(2, "%s: %s: cannot execute (error %d)\n", progname, prog, r);
	exit(127);
}

int reap_child(pid_t pid, const char *name)
{
	int status;

	if (wait4(pid, &status, 0, NULL) != pid) {
		printf("%s: %s: wait4 failed\n", progname, name);
		return -1;
	}
	if (WIFSIGNALED(status))
		printf("%s: %s killed by signal %d\n", progname, name, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		printf("%s: %s exited %d\n", progname, name, WEXITSTATUS(status));
	return status;
}
