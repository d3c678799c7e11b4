/* Process groups, sessions and the console's foreground group (kern/pgrp.c). */
#ifndef ELK_KERN_PGRP_H
#define ELK_KERN_PGRP_H

#include <inc/types.h>

int64_t sys_setpgid(pid_t pid, pid_t pgid);
/*
 * Whether process group pgid is orphaned (POSIX, as Linux counts it): no live
 * member has a live parent, other than init, in another group of the same
 * session, so no job-control shell would continue it; the terminal's stop
 * signals then stop none of it. proc_lock held.
 */
bool pgrp_orphaned_locked(pid_t pgid);
/* getpgid and getsid: of process pid (0: the caller); -ESRCH. */
int64_t sys_getpgid(pid_t pid);
int64_t sys_getsid(pid_t pid);
int64_t sys_setsid(void);
/* getpgrp: the caller's group. */
static inline int64_t sys_getpgrp(void)
{
	return sys_getpgid(0);
}

/*
 * The console's side, for its ioctls; each is -ENOTTY when the console is not
 * the caller's controlling terminal (the caller is not in its session).
 * TIOCGPGRP: the foreground group to *pgrp.
 */
int console_foreground(pid_t *pgrp);
/* TIOCSPGRP: make pgrp the foreground group: -EINVAL, -ESRCH (no such group), -EPERM (another session's). */
int console_set_foreground(pid_t pgrp);
/* TIOCGSID: the console's session to *sid. */
int console_session(pid_t *sid);
/*
 * TIOCSCTTY: the caller, a session leader (-EPERM if not), makes the console
 * its session's terminal, with its group in the foreground; if another session
 * has it, only with steal (root may, and everything runs as root), else -EPERM.
 */
int console_take(bool steal);
/* The console's foreground group, 0 if no session has the console (for Ctrl-C). */
pid_t console_foreground_group(void);

#endif
