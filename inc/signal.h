/*
 * Signals, with Linux x86-64's numbers, names and flags, for the kernel (a user
 * program has musl's <signal.h>, with the same values); the kernel ABI's
 * layouts are in inc/ksignal.h (musl's and glibc's __restore_rt pop nothing:
 * they only make rt_sigreturn with the frame at rsp - 8).
 */
#ifndef ELK_INC_SIGNAL_H
#define ELK_INC_SIGNAL_H

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define NSIG      64	/* signals 1..64; 32..64 are the real-time ones */

/* The names of signals 1..31, "SIGHUP" for 1, as kill lines print them. */
#define SIGNAL_NAMES                                                              \
	{ NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",      \
	  "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", \
	  "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",        \
	  "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",           \
	  "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS" }

/* sa_handler's special values. */
#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)

/* sa_flags. */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

/* rt_sigprocmask's how. */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaltstack's ss_flags, and the least size it takes. */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)	/* a flag beside the mode: disarm while a handler runs */
#define MINSIGSTKSZ 2048

/* si_code values. */
#define SI_USER    0	/* kill */
#define SI_KERNEL  0x80
#define SI_TKILL   (-6)	/* tkill, tgkill */
#define CLD_EXITED    1	/* SIGCHLD's: si_status is the exit code */
#define CLD_KILLED    2	/* si_status is the signal */
#define CLD_STOPPED   5	/* si_status is the stop signal */
#define CLD_CONTINUED 6	/* si_status is SIGCONT */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1
#define ILL_ILLOPN  2
#define FPE_INTDIV  1
#define TRAP_BRKPT  1

#ifndef __ASSEMBLER__
#include <inc/ksignal.h>
#endif

#endif
