/*
 * Processes: an address space, a pid, a parent, an exit status and (for now) one
 * user thread. proc_lock protects the process table, parent links, states and
 * exit statuses.
 */
#ifndef ELK_KERN_PROC_H
#define ELK_KERN_PROC_H

#include <inc/types.h>
#include <kern/sched.h>
#include <kern/spinlock.h>

struct fdtable;
struct vmspace;

#define NPROC 64		/* system-wide process limit */
#define MAXCHILDREN 32		/* children (live or zombie) one process may have */
#define PROC_NAMELEN 32

enum proc_state { P_FREE, P_ALIVE, P_ZOMBIE };

struct proc {
	enum proc_state state;
	pid_t pid;
	struct proc *parent;
	char name[PROC_NAMELEN];
	struct vmspace *vs;		/* address space; NULL once the process has exited */
	struct thread *thread;
	int wstatus;			/* for wait4, Linux encoding, once P_ZOMBIE */
	struct waitq child_exit;	/* this process sleeps here in wait4 */
	struct fdtable *files;		/* open descriptors; NULL once it has exited */
};

extern struct spinlock proc_lock;
extern struct proc *initproc;

/* The process of the running thread, or NULL for a kernel thread. */
struct proc *myproc(void);
/*
 * Create init, the first process, running initrd program name with argv (kernel
 * memory). Returns false with *err = -errno if it could not be started.
 */
bool proc_start_init(const char *name, char *const argv[], int *err);
/* End the current process with the given wait status. Never returns. */
void proc_exit(int wstatus) __attribute__((noreturn));
/* Number of processes in the table that are not free. */
int proc_count(void);

/* Linux wait-status encodings. */
#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig) ((sig) & 0x7f)

/* System calls implemented in proc.c and exec.c. */
int64_t sys_fork(void);
int64_t sys_wait4(pid_t pid, int *ustatus, int options, void *urusage);
int64_t sys_execve(const char *upath, char *const *uargv, char *const *uenvp);

/*
 * Replace p's image with the initrd program path, with kernel-memory argv and
 * envp (NULL-terminated). On success p runs the new program from its next return
 * to user mode; on failure p is unchanged and a negative errno is returned.
 */
int exec_load(struct proc *p, const char *path, char *const argv[], char *const envp[]);

#endif
