/*
 * Process groups and sessions, with Linux's rules: setpgid, getpgid, getpgrp,
 * setsid, getsid, and the console's side of them (its session and foreground
 * group, for TIOCGPGRP, TIOCSPGRP, TIOCSCTTY and TIOCGSID).
 *
 * Every process carries a group id and a session id, inherited by fork and
 * kept by execve; init starts group 1 in session 1. A group or a session
 * exists while some process (live, exiting or a zombie) carries its id. The
 * console is the controlling terminal of one session, console_sid (init's
 * until a session leader takes it with TIOCSCTTY): a process's controlling
 * terminal is the console exactly when its session is that one, so setsid
 * leaves the terminal behind, as on Linux. Everything here is under proc_lock.
 */
#include <inc/errno.h>
#include <kern/pgrp.h>
#include <kern/proc.h>

/* init, the first process, has pid 1 and leads group 1 and session 1. */
static pid_t console_sid = 1;	/* the session the console controls; 0: none */
static pid_t console_pgrp = 1;	/* its foreground process group */

/*
 * The session the console controls, 0 for none: a session loses its terminal
 * when its leader exits (no longer P_ALIVE), as on Linux. proc_lock held.
 */
static pid_t console_owner(void)
{
	for (int i = 0; console_sid && i < NPROC; i++)
		if (procs[i].pid == console_sid)
			return procs[i].state == P_ALIVE ? console_sid : (console_sid = 0);
	console_sid = 0;
	return 0;
}

/* Whether some process in the table carries group pgid of session sid. proc_lock held. */
static bool group_in_session(pid_t pgid, pid_t sid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE && procs[i].pgid == pgid && procs[i].sid == sid)
			return true;
	return false;
}

/* Whether some process carries group pgid, in any session. proc_lock held. */
static bool group_exists(pid_t pgid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE && procs[i].pgid == pgid)
			return true;
	return false;
}

bool pgrp_orphaned_locked(pid_t pgid)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *m = &procs[i], *pp = m->parent;
		if (m->state == P_ALIVE && m->pgid == pgid && pp && pp != initproc &&
		    pp->state == P_ALIVE && pp->pgid != pgid && pp->sid == m->sid)
			return false;
	}
	return true;
}

/*
 * The process pid (0: the caller), live or not yet reaped, or with threads
 * the live process with a thread of id pid; or NULL. proc_lock held.
 */
static struct proc *proc_or_self(pid_t pid, bool threads)
{
	if (pid == 0)
		return myproc();
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return &procs[i];
	struct thread *t = threads ? proc_thread_lookup(0, pid) : NULL;
	return t ? t->proc : NULL;
}

/*
 * setpgid: process pid (0: the caller) joins group pgid (0: pid's own id). pid
 * must be the caller or one of its children (-ESRCH), a child that has not
 * called execve (-EACCES), in the caller's session and not a session leader
 * (-EPERM); the group must be pid's own or exist in that session (-EPERM).
 * The id of a thread other than a process's first is -EINVAL, as on Linux.
 */
int64_t sys_setpgid(pid_t pid, pid_t pgid)
{
	struct proc *self = myproc();
	int r = 0;

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct proc *p = proc_or_self(pid, false);
	if (!p && proc_thread_lookup(0, pid)) {
		r = -EINVAL;
	} else if (!p || (p != self && p->parent != self)) {
		r = -ESRCH;
	} else {
		if (pgid == 0)
			pgid = p->pid;
		if (p != self && p->did_exec)
			r = -EACCES;
		else if (p->sid != self->sid || p->sid == p->pid)
			r = -EPERM;
		else if (pgid != p->pid && !group_in_session(pgid, self->sid))
			r = -EPERM;
		else
			p->pgid = pgid;
	}
	spin_unlock(&proc_lock);
	return r;
}

/*
 * The group (or, with session, the session) of process pid (0: the caller),
 * or of the process of the thread with id pid, as on Linux; or -ESRCH.
 */
static int64_t group_or_session(pid_t pid, bool session)
{
	spin_lock(&proc_lock);
	struct proc *p = pid < 0 ? NULL : proc_or_self(pid, true);
	int64_t r = !p ? -ESRCH : session ? p->sid : p->pgid;
	spin_unlock(&proc_lock);
	return r;
}

int64_t sys_getpgid(pid_t pid)
{
	return group_or_session(pid, false);
}

int64_t sys_getsid(pid_t pid)
{
	return group_or_session(pid, true);
}

/*
 * setsid: the caller leads a new session and a new group, both its pid, with
 * no controlling terminal; -EPERM if a group with its pid already exists (it
 * leads one).
 */
int64_t sys_setsid(void)
{
	struct proc *self = myproc();
	int64_t r;

	spin_lock(&proc_lock);
	if (group_exists(self->pid)) {
		r = -EPERM;
	} else {
		self->pgid = self->sid = self->pid;
		r = self->pid;
	}
	spin_unlock(&proc_lock);
	return r;
}

/* The console's foreground group (or session) to *out; -ENOTTY outside its session. */
static int console_answer(pid_t *out, bool group)
{
	int r = 0;

	spin_lock(&proc_lock);
	if (!console_owner() || myproc()->sid != console_sid)
		r = -ENOTTY;
	else
		*out = group ? console_pgrp : console_sid;
	spin_unlock(&proc_lock);
	return r;
}

int console_foreground(pid_t *pgrp)
{
	return console_answer(pgrp, true);
}

int console_set_foreground(pid_t pgrp)
{
	int r = 0;

	if (pgrp < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	if (!console_owner() || myproc()->sid != console_sid)
		r = -ENOTTY;
	else if (!group_exists(pgrp))
		r = -ESRCH;
	else if (!group_in_session(pgrp, console_sid))
		r = -EPERM;
	else
		console_pgrp = pgrp;
	spin_unlock(&proc_lock);
	return r;
}

int console_session(pid_t *sid)
{
	return console_answer(sid, false);
}

int console_take(bool steal)
{
	struct proc *self = myproc();
	int r = 0;

	spin_lock(&proc_lock);
	if (console_owner() && self->sid == console_sid)
		r = 0;
	else if (self->sid != self->pid)
		r = -EPERM;
	else if (console_sid != 0 && !steal)
		r = -EPERM;
	else {
		console_sid = self->sid;
		console_pgrp = self->pgid;
	}
	spin_unlock(&proc_lock);
	return r;
}

pid_t console_foreground_group(void)
{
	spin_lock(&proc_lock);
	pid_t pgrp = console_owner() ? console_pgrp : 0;
	spin_unlock(&proc_lock);
	return pgrp;
}
