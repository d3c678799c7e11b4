/*
 * ctrlc: Ctrl-C on the console ends the foreground process group. Run as init
 * (the console's session leader): a child in a group of its own becomes the
 * foreground group, says "ctrlc: ready" and becomes `sleep 100`; the test
 * types Ctrl-C after that line. Whether the SIGINT lands before the execve
 * (it stays pending through it) or during the sleep, the child dies of it;
 * init, in the background group, is not touched.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <inc/lib.h>

static int set_foreground(pid_t pgrp)
{
	return ioctl(0, TIOCSPGRP, &pgrp);
}

int main(void)
{
	int go[2];
	char c;
	int status;

	expect("pipe", pipe(go), 0);
	pid_t child = fork();
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			panic("ctrlc: no word from init");
		printf("ctrlc: ready\n");
		char *argv[] = { "sleep", "100", NULL };
		char *envp[] = { NULL };
		execve("/bin/sleep", argv, envp);
		panic("ctrlc: execve sleep");
	}
	expect("setpgid of the child", setpgid(child, child), 0);
	expect("TIOCSPGRP to the child's group", set_foreground(child), 0);
	expect("write to the child", write(go[1], "g", 1), 1);
	expect("wait4", wait4(child, &status, 0, NULL), child);
	expect("sleep killed by SIGINT", WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, 1);
	expect("TIOCSPGRP back", set_foreground(1), 0);
	printf("ctrlc: sleep 100 ended by SIGINT\n");
	return 0;
}
