/*
 * The kernel ABI's signal layouts (not a C library's): the set rt_sig* calls
 * take, struct sigaction as rt_sigaction takes it, stack_t, siginfo_t and the
 * ucontext and rt_sigframe a handler is entered with. Every name starts with k
 * or rt_, so that a user program can include this beside musl's <signal.h>;
 * the numbers and flags are in inc/signal.h (the kernel's; a program has
 * musl's, which are the same).
 */
#ifndef ELK_INC_KSIGNAL_H
#define ELK_INC_KSIGNAL_H

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
