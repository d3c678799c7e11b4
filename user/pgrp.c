/*
 * pgrp: process groups, sessions and the console's foreground group, against
 * Linux's rules. Run as init (pid 1, leader of group 1 and session 1, whose
 * terminal is the console); children in pipes' lockstep try each rule.
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>

/* A byte over a pipe: one side's "I am there" to the other. */
static void signal_ready(int fd)
{
	if (write(fd, "r", 1) != 1)
		panic("pgrp: write to the parent");
}

static void await(int fd, const char *what)
{
	char c;
	if (read(fd, &c, 1) != 1)
		panic("pgrp: no word from %s", what);
}

static pid_t foreground(void)
{
	pid_t pgrp = -1;
	long r = sysret(ioctl(0, TIOCGPGRP, &pgrp));
	return r < 0 ? (pid_t)r : pgrp;
}

static int set_foreground(pid_t pgrp)
{
	return ioctl(0, TIOCSPGRP, &pgrp);
}

/* Reap child and check it exited 0 (its own checks passed). */
static void reap(pid_t child, const char *what)
{
	int status;
	expect(what, wait4(child, &status, 0, NULL), child);
	expect(what, status, 0);
}

/* Init itself: the leader of group 1 and session 1, with the console. */
static void check_init(void)
{
	pid_t sid = 0;

	expect("init's pid", getpid(), 1);
	expect("getpgrp", getpgrp(), 1);
	expect("getpgid(0)", getpgid(0), 1);
	expect("getsid(0)", getsid(0), 1);
	expect("the console's foreground group", foreground(), 1);
	expect("TIOCGSID", ioctl(0, TIOCGSID, &sid), 0);
	expect("the console's session", sid, 1);
	expect("setsid by a group leader", sysret(setsid()), -EPERM);
	expect("setpgid by a session leader", sysret(setpgid(0, 0)), -EPERM);
	expect("setpgid of no process", sysret(setpgid(99999, 0)), -ESRCH);
	expect("setpgid with a negative pid", sysret(setpgid(-1, 0)), -EINVAL);
	expect("getpgid of no process", sysret(getpgid(99999)), -ESRCH);
	expect("getsid of no process", sysret(getsid(99999)), -ESRCH);
	expect("TIOCSPGRP of no group", sysret(set_foreground(99999)), -ESRCH);
	expect("TIOCSPGRP of a negative group", sysret(set_foreground(-5)), -EINVAL);
}

/* A child that waits for a byte on fd, then exits with its failures. */
static pid_t child_waiting(int fd)
{
	pid_t child = fork();
	if (child == 0) {
		await(fd, "the parent");
		exit(test_failures);
	}
	return child;
}

/*
 * A child makes its own group; the parent puts it in the foreground and back,
 * and moves a second child into it; once the group is gone, no one can join.
 */
static void check_own_group(void)
{
	int up[2], down[2];
	expect("pipe", pipe(up), 0);
	expect("pipe", pipe(down), 0);
	pid_t leader = fork();
	if (leader == 0) {
		expect("a child inherits its group", getpgrp(), 1);
		expect("setpgid(0, 0)", setpgid(0, 0), 0);
		expect("the child leads its group", getpgrp(), getpid());
		signal_ready(up[1]);
		await(down[0], "the parent");
		exit(test_failures);
	}
	await(up[0], "the child");
	expect("the child's group", getpgid(leader), leader);
	expect("TIOCSPGRP to the child's group", set_foreground(leader), 0);
	expect("the foreground is the child's group", foreground(), leader);
	expect("TIOCSPGRP back", set_foreground(1), 0);
	pid_t member = child_waiting(down[0]);
	expect("setpgid of a second child into that group", setpgid(member, leader), 0);
	expect("the second child's group", getpgid(member), leader);
	signal_ready(down[1]);
	signal_ready(down[1]);
	reap(leader, "the group leader");
	reap(member, "the group member");

	pid_t late = fork();
	if (late == 0) {
		expect("joining a group with no process left", sysret(setpgid(0, leader)), -EPERM);
		exit(test_failures);
	}
	reap(late, "the late child");
	for (int fd = 0; fd < 2; fd++) {
		close(up[fd]);
		close(down[fd]);
	}
}

/* A child starts a session: no terminal, until it takes the console. */
static void check_new_session(void)
{
	int up[2], down[2];
	expect("pipe", pipe(up), 0);
	expect("pipe", pipe(down), 0);
	pid_t child = fork();
	if (child == 0) {
		expect("setsid", setsid(), getpid());
		expect("the new session's id", getsid(0), getpid());
		expect("the new group's id", getpgrp(), getpid());
		expect("TIOCGPGRP without a terminal", foreground(), -ENOTTY);
		expect("setsid again", sysret(setsid()), -EPERM);
		expect("joining another session's group", sysret(setpgid(0, 1)), -EPERM);
		expect("TIOCSCTTY from a session that has it", sysret(ioctl(0, TIOCSCTTY, 0)), -EPERM);
		signal_ready(up[1]);
		await(down[0], "the parent");
		expect("TIOCSCTTY, stealing", ioctl(0, TIOCSCTTY, 1), 0);
		expect("the console's foreground is now ours", foreground(), getpid());
		exit(test_failures);
	}
	await(up[0], "the session child");
	expect("the child's session", getsid(child), child);
	expect("setpgid of a session leader", sysret(setpgid(child, child)), -EPERM);
	signal_ready(down[1]);
	reap(child, "the session child");
	expect("TIOCGPGRP once another session took the console", foreground(), -ENOTTY);
	expect("TIOCSCTTY once its leader has gone", ioctl(0, TIOCSCTTY, 0), 0);
	expect("the console is init's again", foreground(), 1);
	for (int fd = 0; fd < 2; fd++) {
		close(up[fd]);
		close(down[fd]);
	}
}

/* A child that has called execve may no longer be moved by its parent. */
static void check_after_exec(void)
{
	int up[2], down[2];
	expect("pipe", pipe(up), 0);
	expect("pipe", pipe(down), 0);
	pid_t child = fork();
	if (child == 0) {
		char upfd[12], downfd[12];
		close(up[0]);
		close(down[1]);	/* so that the parent's close is the end of file */
		snprintf(upfd, sizeof(upfd), "%d", up[1]);
		snprintf(downfd, sizeof(downfd), "%d", down[0]);
		char *argv[] = { "pgrp", "exec-child", upfd, downfd, NULL };
		execve("/bin/pgrp", argv, environ);
		exit(99);
	}
	close(down[0]);
	close(up[1]);
	await(up[0], "the exec'd child");
	expect("setpgid of a child that has exec'd", sysret(setpgid(child, child)), -EACCES);
	close(down[1]);
	reap(child, "the exec'd child");
	close(up[0]);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "exec-child") == 0) {
		signal_ready(atoi(argv[2]));
		char c;
		while (read(atoi(argv[3]), &c, 1) > 0)
			;
		return 0;
	}
	check_init();
	check_own_group();
	check_new_session();
	check_after_exec();
	return test_verdict(test_failures);
}
