/*
 * signals: Linux signals as a musl program sees them, through libc's sigaction
 * (which sets SA_RESTORER to musl's __restore_rt) and the kernel's frame.
 *
 * - A fault's handler gets si_code, si_addr and a ucontext whose registers and
 *   fxsave area are the ones at the fault; it changes every general and SSE
 *   register and moves rip past the instruction, and rt_sigreturn brings back
 *   exactly the registers at the fault.
 * - A SIGSEGV handler leaves with siglongjmp, which also unblocks SIGSEGV.
 * - sa_mask, SA_NODEFER and SA_RESETHAND; a blocked signal stays pending until
 *   unblocked, then runs once; sigaltstack with SA_ONSTACK, and with
 *   SS_AUTODISARM (disarmed while the handler runs, back after sigreturn);
 *   rt_sigpending takes a set of up to 8 bytes and fills that many.
 * - SIGPIPE kills a writer to a pipe with no reader; ignored, the write fails
 *   with EPIPE.
 * - SIGCHLD names the child wait4 then reaps; sigsuspend waits for it.
 * - A read blocked on an empty pipe and interrupted by a child's kill fails
 *   with EINTR; with SA_RESTART it goes on and returns the child's byte. The
 *   child repeats its kill until the parent says (through shared memory) that
 *   it has seen what it waits for: no timing. poll is never restarted after a
 *   handler: with SA_RESTART it still fails with EINTR.
 * - kill, tgkill and sigaction refuse what Linux refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("signals: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Registers around a ud2: rax rbx rcx rdx rsi rdi r8..r15, then xmm0..xmm15. */
#define NGPR 14
uint64_t gpr_in[NGPR], gpr_out[NGPR];
uint64_t xmm_in[32] __attribute__((aligned(16))), xmm_out[32] __attribute__((aligned(16)));
static volatile int ill_seen;
static volatile uint64_t ill_addr, ill_xmm0;

static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	ill_seen = sig == SIGILL && si->si_code == ILL_ILLOPN;
	ill_addr = (uint64_t)si->si_addr == (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	fpregset_t fp = uc->uc_mcontext.fpregs;
	if (fp && ((uintptr_t)fp & 15) == 0)
		memcpy((void *)&ill_xmm0, &fp->_xmm[0], 8);
	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* past the ud2 */
	/* Change every register the interrupted code had set. */
	asm volatile("mov $-1, %%rax; mov %%rax, %%rcx; mov %%rax, %%rdx; mov %%rax, %%rsi\n\t"
		     "mov %%rax, %%rdi; mov %%rax, %%r8; mov %%rax, %%r9; mov %%rax, %%r10\n\t"
		     "mov %%rax, %%r11; mov %%rax, %%rbx; mov %%rax, %%r12; mov %%rax, %%r13\n\t"
		     "mov %%rax, %%r14; mov %%rax, %%r15\n\t"
		     "pcmpeqd %%xmm0, %%xmm0; movdqa %%xmm0, %%xmm1; movdqa %%xmm0, %%xmm2\n\t"
		     "movdqa %%xmm0, %%xmm3; movdqa %%xmm0, %%xmm4; movdqa %%xmm0, %%xmm5\n\t"
		     "movdqa %%xmm0, %%xmm6; movdqa %%xmm0, %%xmm7; movdqa %%xmm0, %%xmm8\n\t"
		     "movdqa %%xmm0, %%xmm9; movdqa %%xmm0, %%xmm10; movdqa %%xmm0, %%xmm11\n\t"
		     "movdqa %%xmm0, %%xmm12; movdqa %%xmm0, %%xmm13; movdqa %%xmm0, %%xmm14\n\t"
		     "movdqa %%xmm0, %%xmm15"
		     ::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
		     "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		     "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		     "memory");
}

#define LOADX(n) "movdqa " #n "*16+xmm_in(%%rip), %%xmm" #n "\n\t"
#define SAVEX(n) "movdqa %%xmm" #n ", " #n "*16+xmm_out(%%rip)\n\t"

static void registers_survive_a_handler(void)
{
	for (int i = 0; i < NGPR; i++)
		gpr_in[i] = 0x1010101010101010ULL * (i + 1) + 7;
	for (int i = 0; i < 32; i++)
		xmm_in[i] = 0x0123456789abcdefULL ^ ((uint64_t)i << 56);
	set_handler(SIGILL, on_sigill, 0);
	asm volatile(
		LOADX(0) LOADX(1) LOADX(2) LOADX(3) LOADX(4) LOADX(5) LOADX(6) LOADX(7)
		LOADX(8) LOADX(9) LOADX(10) LOADX(11) LOADX(12) LOADX(13) LOADX(14) LOADX(15)
		"mov gpr_in+0(%%rip), %%rax; mov gpr_in+8(%%rip), %%rbx\n\t"
		"mov gpr_in+16(%%rip), %%rcx; mov gpr_in+24(%%rip), %%rdx\n\t"
		"mov gpr_in+32(%%rip), %%rsi; mov gpr_in+40(%%rip), %%rdi\n\t"
		"mov gpr_in+48(%%rip), %%r8; mov gpr_in+56(%%rip), %%r9\n\t"
		"mov gpr_in+64(%%rip), %%r10; mov gpr_in+72(%%rip), %%r11\n\t"
		"mov gpr_in+80(%%rip), %%r12; mov gpr_in+88(%%rip), %%r13\n\t"
		"mov gpr_in+96(%%rip), %%r14; mov gpr_in+104(%%rip), %%r15\n\t"
		"ud2\n\t"
		"mov %%rax, gpr_out+0(%%rip); mov %%rbx, gpr_out+8(%%rip)\n\t"
		"mov %%rcx, gpr_out+16(%%rip); mov %%rdx, gpr_out+24(%%rip)\n\t"
		"mov %%rsi, gpr_out+32(%%rip); mov %%rdi, gpr_out+40(%%rip)\n\t"
		"mov %%r8, gpr_out+48(%%rip); mov %%r9, gpr_out+56(%%rip)\n\t"
		"mov %%r10, gpr_out+64(%%rip); mov %%r11, gpr_out+72(%%rip)\n\t"
		"mov %%r12, gpr_out+80(%%rip); mov %%r13, gpr_out+88(%%rip)\n\t"
		"mov %%r14, gpr_out+96(%%rip); mov %%r15, gpr_out+104(%%rip)\n\t"
		SAVEX(0) SAVEX(1) SAVEX(2) SAVEX(3) SAVEX(4) SAVEX(5) SAVEX(6) SAVEX(7)
		SAVEX(8) SAVEX(9) SAVEX(10) SAVEX(11) SAVEX(12) SAVEX(13) SAVEX(14) SAVEX(15)
		::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
		"r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		"memory");
	check(ill_seen, "SIGILL's handler ran with signo and si_code ILL_ILLOPN");
	check(ill_addr, "si_addr is the faulting rip");
	check(ill_xmm0 == xmm_in[0], "the frame's fxsave area holds xmm0 at the fault");
	check(memcmp(gpr_in, gpr_out, sizeof(gpr_in)) == 0,
	      "every general register is back after rt_sigreturn");
	check(memcmp(xmm_in, xmm_out, sizeof(xmm_in)) == 0,
	      "every xmm register is back after rt_sigreturn");
	signal(SIGILL, SIG_DFL);
}

static sigjmp_buf segv_env;
static volatile uint64_t segv_addr;
static volatile uintptr_t segv_target = 0x18;	/* in page 0, which nothing maps */

static void on_sigsegv(int sig, siginfo_t *si, void *uc)
{
	segv_addr = (uint64_t)si->si_addr;
	siglongjmp(segv_env, si->si_code);
}

static void segv_recovers_with_siglongjmp(void)
{
	set_handler(SIGSEGV, on_sigsegv, 0);
	for (int round = 0; round < 2; round++) {
		int code = sigsetjmp(segv_env, 1);
		if (code == 0) {
			volatile int *page0 = (volatile int *)(uintptr_t)segv_target;
			*page0 = 1;
			check(0, "a write to page 0 went on");
			continue;
		}
		check(code == SEGV_MAPERR, "SIGSEGV's si_code is SEGV_MAPERR");
		check(segv_addr == segv_target, "SIGSEGV's si_addr is the address written");
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		check(!sigismember(&now, SIGSEGV), "siglongjmp unblocked SIGSEGV");
	}
	signal(SIGSEGV, SIG_DFL);
}

static volatile int usr1_count, usr1_blocked_inside, usr2_blocked_inside;
static volatile int on_altstack, altstack_flags;
static char altstack[16384];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	sigset_t now;
	stack_t ss;
	char here;
	usr1_count++;
	sigprocmask(SIG_BLOCK, NULL, &now);
	usr1_blocked_inside = sigismember(&now, SIGUSR1);
	usr2_blocked_inside = sigismember(&now, SIGUSR2);
	on_altstack = &here >= altstack && &here < altstack + sizeof(altstack);
	sigaltstack(NULL, &ss);
	altstack_flags = ss.ss_flags;
}

static void masks_flags_and_pending(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check(usr1_count == 1, "raise ran the handler before returning");
	check(usr1_blocked_inside && usr2_blocked_inside,
	      "the signal and sa_mask are blocked during the handler");
	check(!on_altstack, "without SA_ONSTACK the handler runs on the stack");

	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check(usr1_count == 2 && !usr1_blocked_inside, "SA_NODEFER leaves the signal unblocked");
	sigaction(SIGUSR1, NULL, &old);
	check(old.sa_handler == SIG_DFL, "SA_RESETHAND put SIG_DFL back");

	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	check(usr1_count == 2, "a blocked signal does not run");
	sigpending(&pending);
	check(sigismember(&pending, SIGUSR1), "a blocked signal is pending");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	check(usr1_count == 3, "unblocking runs it once");
	sigpending(&pending);
	check(!sigismember(&pending, SIGUSR1), "and it is no longer pending");

	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 }, oss;
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack sets the stack");
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check(usr1_count == 4 && on_altstack, "SA_ONSTACK runs the handler on the alternate stack");
	check(altstack_flags == SS_ONSTACK, "sigaltstack says SS_ONSTACK in the handler");
	sigaltstack(NULL, &oss);
	check(oss.ss_sp == altstack && oss.ss_size == sizeof(altstack) && oss.ss_flags == 0,
	      "sigaltstack reports the stack");
	ss.ss_size = 100;
	check(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM, "a tiny alternate stack is ENOMEM");
	ss.ss_flags = SS_DISABLE;
	check(sigaltstack(&ss, NULL) == 0, "SS_DISABLE turns it off");
	raise(SIGUSR1);
	check(usr1_count == 5 && !on_altstack, "and the handler runs on the stack again");

	ss = (stack_t){ .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = SS_AUTODISARM };
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack takes SS_AUTODISARM");
	sigaltstack(NULL, &oss);
	check(oss.ss_flags == SS_AUTODISARM && oss.ss_sp == altstack, "and reports it");
	raise(SIGUSR1);
	check(usr1_count == 6 && on_altstack, "an SS_AUTODISARM handler runs on the alternate stack");
	check(altstack_flags == SS_DISABLE, "which is disarmed while it runs");
	sigaltstack(NULL, &oss);
	check(oss.ss_flags == SS_AUTODISARM && oss.ss_sp == altstack &&
	      oss.ss_size == sizeof(altstack), "sigreturn arms it again");
	ss.ss_flags = SS_ONSTACK;
	check(syscall(SYS_sigaltstack, &ss, NULL) == 0,	/* musl's wrapper refuses it itself */
	      "SS_ONSTACK as the mode sets the stack too");
	sigaltstack(NULL, &oss);
	check(oss.ss_flags == 0, "without SS_AUTODISARM");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR1, SIG_DFL);

	uint64_t raw = ~0ULL;
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	check(syscall(SYS_rt_sigpending, &raw, 4) == 0 &&
	      raw == (0xffffffff00000000ULL | 1ULL << (SIGUSR1 - 1)),
	      "rt_sigpending with a 4-byte set fills 4 bytes");
	check(syscall(SYS_rt_sigpending, &raw, 0) == 0, "and takes a 0-byte one");
	check(syscall(SYS_rt_sigpending, &raw, 9) == -1 && errno == EINVAL,
	      "but not a 9-byte one");
	signal(SIGUSR1, SIG_IGN);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void sigpipe_kills_or_is_epipe(void)
{
	int fds[2];
	int status;

	pipe(fds);
	close(fds[0]);
	pid_t pid = fork();
	if (pid == 0) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	      "a write to a readerless pipe dies of SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	check(write(fds[1], "x", 1) == -1 && errno == EPIPE, "with SIGPIPE ignored it is EPIPE");
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
}

static volatile pid_t chld_pid;
static volatile int chld_code;

static void on_sigchld(int sig, siginfo_t *si, void *uc)
{
	chld_pid = si->si_pid;
	chld_code = si->si_code;
}

static void sigchld_and_wait4_agree(void)
{
	sigset_t set, empty;
	int status;

	set_handler(SIGCHLD, on_sigchld, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	sigemptyset(&empty);
	while (chld_pid == 0)
		sigsuspend(&empty);
	check(chld_pid == pid, "SIGCHLD's si_pid is the child");
	check(waitpid(-1, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "wait4 reaps the child SIGCHLD named");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(sigismember(&now, SIGCHLD), "sigsuspend put the mask back");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGCHLD, SIG_DFL);
}

struct shared {
	volatile int handled;	/* the parent's handler runs */
	volatile int done;	/* the parent has seen what it waited for */
};
static struct shared *shared;

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	shared->handled++;
}

/*
 * A child that keeps sending SIGUSR2 to the caller (and, when handled is at
 * least write_after > 0, writes a byte to write_fd) until shared->done.
 */
static pid_t start_signaller(int write_fd, int write_after)
{
	pid_t parent = getpid(), pid;

	shared->handled = shared->done = 0;
	pid = fork();
	if (pid == 0) {
		while (!shared->done) {
			kill(parent, SIGUSR2);
			if (write_after && shared->handled >= write_after) {
				write(write_fd, "r", 1);
				break;
			}
			sched_yield();
		}
		_exit(0);
	}
	return pid;
}

/* Stop and reap the signaller, keeping errno. */
static void stop_signaller(pid_t pid)
{
	int saved = errno, status;

	shared->done = 1;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;	/* the child's last kills may still land */
	errno = saved;
}

/*
 * The parent blocks in block(fd, c) on an empty pipe's read end while the
 * signaller runs, its SIGUSR2 handler set with flags. Returns block's
 * result, with errno.
 */
static ssize_t block_while_signalled(ssize_t (*block)(int, char *), int flags,
				     int write_after, char *c)
{
	int fds[2];

	pipe(fds);
	set_handler(SIGUSR2, on_usr2, flags);
	pid_t pid = start_signaller(fds[1], write_after);
	ssize_t r = block(fds[0], c);
	stop_signaller(pid);
	int saved = errno;
	signal(SIGUSR2, SIG_DFL);
	close(fds[0]);
	close(fds[1]);
	errno = saved;
	return r;
}

/* A read of one byte. */
static ssize_t read_byte(int fd, char *c)
{
	return read(fd, c, 1);
}

/* A poll for input with no timeout (c unused). */
static ssize_t poll_input(int fd, char *c)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	(void)c;
	return poll(&pfd, 1, -1);
}

static void interrupted_reads(void)
{
	char c = 0;

	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(shared != MAP_FAILED, "a shared page");
	ssize_t r = block_while_signalled(read_byte, 0, 0, &c);
	check(r == -1 && errno == EINTR && shared->handled >= 1,
	      "a read interrupted by a handled signal fails with EINTR");
	r = block_while_signalled(read_byte, SA_RESTART, 3, &c);
	check(r == 1 && c == 'r' && shared->handled >= 3,
	      "with SA_RESTART the read goes on and gets the byte");
	check(block_while_signalled(poll_input, SA_RESTART, 0, &c) == -1 && errno == EINTR && shared->handled >= 1,
	      "poll interrupted by a handler with SA_RESTART fails with EINTR");
}

/*
 * An interrupted nanosleep fails with EINTR and says how much was left (on
 * Linux that may exceed the request by the timer slack, some microseconds).
 */
static void interrupted_sleep(void)
{
	struct timespec req = { 100, 0 }, rem = { -1, -1 };

	set_handler(SIGUSR2, on_usr2, 0);
	pid_t pid = start_signaller(-1, 0);
	int r = nanosleep(&req, &rem);
	stop_signaller(pid);
	check(r == -1 && errno == EINTR, "a nanosleep interrupted by a handled signal: EINTR");
	check(rem.tv_sec >= 0 && rem.tv_sec <= 100 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 &&
	      (rem.tv_sec > 0 || rem.tv_nsec > 0), "nanosleep writes the time left");
	signal(SIGUSR2, SIG_DFL);
}

static void refusals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	check(kill(getpid(), 0) == 0, "kill with signal 0 finds the caller");
	check(kill(99999, 0) == -1 && errno == ESRCH, "kill of no process is ESRCH");
	check(kill(getpid(), 65) == -1 && errno == EINVAL, "signal 65 is EINVAL");
	check(syscall(SYS_tgkill, getpid(), 99999, SIGUSR1) == -1 && errno == ESRCH,
	      "tgkill of no thread is ESRCH");
	check(syscall(SYS_tgkill, 0, getpid(), SIGUSR1) == -1 && errno == EINVAL,
	      "tgkill with tgid 0 is EINVAL");
	check(syscall(SYS_tgkill, getpid(), getpid(), 0) == 0, "tgkill finds the caller");
	check(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL, "SIGKILL cannot be ignored");
	check(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL, "SIGSTOP cannot be ignored");
	check(syscall(SYS_rt_sigprocmask, 9, NULL, NULL, 8) == 0, "no set, no how to check");
	sigset_t set;
	check(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4) == -1 && errno == EINVAL,
	      "a set size other than 8 is EINVAL");
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &set);
	check(!sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP),
	      "SIGKILL and SIGSTOP cannot be blocked");
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/*
 * A process that dies with a signal pending and blocked takes it with it: the
 * next process (here, in the same kernel slot) starts with nothing pending.
 */
static void pending_dies_with_its_process(void)
{
	int ready[2], go[2], status;
	char c;

	if (pipe(ready) < 0 || pipe(go) < 0) {
		check(0, "pipes for the pending-signal test");
		return;
	}
	pid_t a = fork();
	if (a == 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		close(go[1]);
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	read(ready[0], &c, 1);
	kill(a, SIGUSR1);
	close(go[1]);
	check(waitpid(a, &status, 0) == a && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a child exits with SIGUSR1 blocked and pending");
	close(ready[0]);
	pid_t b = fork();
	if (b == 0) {
		getppid();
		_exit(5);
	}
	check(waitpid(b, &status, 0) == b && WIFEXITED(status) && WEXITSTATUS(status) == 5,
	      "the next child inherits no pending signal from the dead one");
}

int main(void)
{
	registers_survive_a_handler();
	segv_recovers_with_siglongjmp();
	masks_flags_and_pending();
	sigpipe_kills_or_is_epipe();
	sigchld_and_wait4_agree();
	pending_dies_with_its_process();
	interrupted_reads();
	interrupted_sleep();
	refusals();
	if (failures)
		return 1;
	printf("signals: ok\n");
	return 0;
}
