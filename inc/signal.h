/*
 * Signals, with Linux x86-64's numbers and the kernel ABI's layouts: struct
 * sigaction as rt_sigaction takes it, stack_t, siginfo_t and the ucontext and
 * rt_sigframe a handler is entered with (musl's and glibc's __restore_rt pop
 * nothing: they only make rt_sigreturn with the frame at rsp - 8).
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
#include <inc/types.h>

/* A set of signals, bit sig - 1 for sig; the only size rt_sig* calls take. */
typedef uint64_t ksigset_t;
#define SIGBIT(sig) (1ULL << ((sig) - 1))

/* rt_sigaction's struct, as the kernel ABI has it (not libc's). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	ksigset_t mask;
};

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} kstack_t;

/* siginfo_t: 128 bytes; the fields elk fills. */
struct ksiginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int pad;
	union {
		struct {
			int pid;	/* kill, tgkill: the sender */
			int uid;
		} kill;
		struct {
			int pid;	/* SIGCHLD: the child */
			int uid;
			int status;
		} child;
		uint64_t addr;		/* faults: the address */
	};
	uint8_t rest[128 - 32];	/* the header's 16 bytes and the union's 16 */
};

/* struct sigcontext: the registers at the signal, in Linux's order. */
struct ksigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;	/* user address of the 512-byte fxsave area, 16-aligned */
	uint64_t reserved[8];
};

struct kucontext {
	unsigned long uc_flags;
	uint64_t uc_link;
	kstack_t uc_stack;
	struct ksigcontext uc_mcontext;
	ksigset_t uc_sigmask;
};

/*
 * What the handler finds at rsp: the return address (sa_restorer), the
 * ucontext, the siginfo. The fxsave area is above, at uc_mcontext.fpstate.
 */
struct rt_sigframe {
	uint64_t pretcode;
	struct kucontext uc;
	struct ksiginfo info;
};

_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(sizeof(struct ksigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(sizeof(struct kucontext) == 304, "ucontext is 304 bytes");
_Static_assert(sizeof(kstack_t) == 24, "stack_t is 24 bytes");
#endif

#endif
