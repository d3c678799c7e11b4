/*
 * sh: a tiny shell.
 *
 *   sh                      interactive: prompt "elk$ ", run each line typed
 *   sh -c CMD ARG ... ; CMD run the commands and exit with the last one's status
 *
 * A line is commands separated by ';'; a command is a program name and its
 * arguments separated by blanks, run in the foreground, or in the background if
 * it ends with '&'. The builtin "exit [N]" leaves the shell. After a command that
 * did not exit 0, the shell says how it ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define MAXLINE 512
#define MAXARGS 32
#define MAXJOBS 16

/* Background commands not yet waited for; pid 0 marks a free slot. */
static struct job {
	pid_t pid;
	char name[32];
} jobs[MAXJOBS];

/* The status of the last foreground command, as shells report it: code, or 128+signal. */
static int last_status;

/* Split s in place into blank-separated words; returns how many, at most max-1. */
static int split_words(char *s, char **words, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (*s == '\0' || n == max - 1)
			break;
		words[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	words[n] = NULL;
	return n;
}

/* Say how name ended if it did not exit 0; return its shell status. */
static int report(const char *name, int status)
{
	if (WIFSIGNALED(status)) {
		printf("sh: %s killed by signal %d\n", name, WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	if (WEXITSTATUS(status) != 0)
		printf("sh: %s exited with status %d\n", name, WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

/* Remember a background command; false if the table is full. */
static bool add_job(pid_t pid, const char *name)
{
	for (int i = 0; i < MAXJOBS; i++) {
		if (jobs[i].pid == 0) {
			jobs[i].pid = pid;
			strlcpy(jobs[i].name, name, sizeof jobs[i].name);
			return true;
		}
	}
	return false;
}

/* Collect background commands that ended (options WNOHANG), or all of them (0). */
static void reap_jobs(int options)
{
	for (int i = 0; i < MAXJOBS; i++) {
		int status;
		if (jobs[i].pid == 0 || wait4(jobs[i].pid, &status, options, NULL) != jobs[i].pid)
			continue;
		report(jobs[i].name, status);
		jobs[i].pid = 0;
	}
}

/* Wait for a foreground command and record how it ended. */
static void wait_foreground(pid_t pid, const char *name)
{
	int status;
	pid_t r = wait4(pid, &status, 0, NULL);
	if (r != pid) {
		printf("sh: wait4 for %s: %d\n", name, r);
		last_status = 1;
		return;
	}
	last_status = report(name, status);
}

/* Strip a trailing '&' from cmd; true if there was one. */
static bool strip_background(char *cmd)
{
	char *end = cmd + strlen(cmd);
	while (end > cmd && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == cmd || end[-1] != '&')
		return false;
	end[-1] = '\0';
	return true;
}

/* Run one command: the exit builtin, or a program in the foreground or background. */
static void run_command(char *cmd)
{
	char *argv[MAXARGS];
	bool background = strip_background(cmd);

	if (split_words(cmd, argv, MAXARGS) == 0)
		return;
	if (strcmp(argv[0], "exit") == 0) {
		reap_jobs(0);
		exit(argv[1] ? atoi(argv[1]) : last_status);
	}
	pid_t pid = spawn(argv[0], argv);
	if (pid < 0) {
		printf("sh: fork: %d\n", pid);
		last_status = 1;
		return;
	}
	/* With no free job slot, waiting now is the only way not to lose the child. */
	if (!background || !add_job(pid, argv[0]))
		wait_foreground(pid, argv[0]);
}

/* Run each ';'-separated command of line in turn. */
static void run_line(char *line)
{
	char *cmd = line;
	for (char *semi; (semi = strchr(cmd, ';')) != NULL; cmd = semi + 1) {
		*semi = '\0';
		run_command(cmd);
	}
	run_command(cmd);
}

/* sh -c: the kernel split the command line on blanks, so glue argv back together. */
static int run_args(int argc, char **argv)
{
	static char line[MAXLINE];
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (len + n + 1 >= sizeof line) {
			printf("sh: command too long\n");
			return 2;
		}
		memcpy(line + len, argv[i], n);
		len += n;
		line[len++] = ' ';
	}
	line[len] = '\0';
	run_line(line);
	reap_jobs(0);
	return last_status;
}

/* Prompt, read and run lines until input ends. */
static int interactive(void)
{
	static char line[MAXLINE];

	while (readline("elk$ ", line, sizeof line) >= 0) {
		run_line(line);
		reap_jobs(WNOHANG);
	}
	reap_jobs(0);
	return last_status;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return interactive();
	if (argc >= 3 && strcmp(argv[1], "-c") == 0)
		return run_args(argc - 2, argv + 2);
	fprintf(stderr, "usage: sh [-c command ...]\n");
	return 2;
}
