/*
 * For programs that execute themselves again: the path they were started from,
 * argv[0] itself when it names a path, else the program of that name in /bin,
 * where a shell (or elk's spawn) found it. Linux programs would read
 * /proc/self/exe, which elk does not have.
 */
#ifndef ELK_USER_LINUX_SELF_PATH_H
#define ELK_USER_LINUX_SELF_PATH_H

#include <stdio.h>
#include <string.h>

static inline char *self_path(char *argv0)
{
	static char path[256];

	if (strchr(argv0, '/'))
		return argv0;
	snprintf(path, sizeof(path), "/bin/%s", argv0);
	return path;
}

#endif
