/*
 * sysflags: flags a program leaves set in RFLAGS are the program's own. A call
 * made with NT (nested task) or DF (direction) set must work, give the program
 * its flags back, and leave nothing behind in the kernel: NT carried into the
 * kernel across a thread switch makes the next iretq there fault, DF would turn
 * the kernel's string copies around. Then a return to user mode that the CPU
 * refuses (a syscall instruction in the last two bytes of user space returns to
 * a non-canonical address) must kill only the program that did it.
 *
 * The syscall mask (MSR_SFMASK clears NT) and the switched RFLAGS (swtch) each
 * keep NT from another thread's iretq on their own: these checks fail only
 * with both undone.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>
#include <inc/mmu.h>

#define TOP_PAGE 0x7ffffffff000UL	/* the last page below USER_END */

/*
 * Make call num (three arguments) through the syscall instruction or int $0x80
 * (int80) with the RFLAGS bits in set turned on for the call; *after gets
 * RFLAGS as the call handed them back, and the bits are cleared again. The
 * stack pointer steps over the red zone, where the compiler may keep locals.
 */
static long call_with_flags(bool int80, long num, long a1, long a2, long a3, uint64_t set,
			    uint64_t *after)
{
	register long r10 asm("r10") = 0;	/* the fourth argument: none */
	long ret;
	uint64_t flags;

#define CALL_WITH_FLAGS(insn)                                                                  \
	asm volatile("subq $128, %%rsp\n\t"                                                      \
		     "pushfq\n\torq %[set], (%%rsp)\n\tpopfq\n\t" insn "\n\t"                      \
		     "pushfq\n\tpopq %[flags]\n\t"                                                   \
		     "pushq %[flags]\n\tandq %[clear], (%%rsp)\n\tpopfq\n\t"                          \
		     "addq $128, %%rsp"                                                               \
		     : "=a"(ret), [flags] "=&r"(flags)                                                \
		     : "a"(num), "D"(a1), "S"(a2), "d"(a3), "r"(r10), [set] "r"(set),               \
		       [clear] "r"(~set)                                                              \
		     : "rcx", "r11", "memory", "cc")
	if (int80)
		CALL_WITH_FLAGS("int $0x80");
	else
		CALL_WITH_FLAGS("syscall");
#undef CALL_WITH_FLAGS
	*after = flags;
	return ret;
}

/* nanosleep with NT set: the thread sleeps, others run, then it comes back. */
static void sleep_with_nt(bool int80, const char *path)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	uint64_t after;
	char what[64];

	snprintf(what, sizeof(what), "nanosleep with NT set (%s)", path);
	expect(what, call_with_flags(int80, SYS_nanosleep, (long)&ts, 0, 0, FL_NT, &after), 0);
	snprintf(what, sizeof(what), "NT given back after nanosleep (%s)", path);
	check(after & FL_NT, what);
}

/* wait4 with NT set on a child that is still running: a blocking wait. */
static void wait_with_nt(bool int80, const char *path)
{
	uint64_t after;
	int status = 0;
	char what[64];
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		exit(7);
	}
	snprintf(what, sizeof(what), "wait4 with NT set (%s)", path);
	expect(what, call_with_flags(int80, SYS_wait4, pid, (long)&status, 0, FL_NT, &after), pid);
	snprintf(what, sizeof(what), "child's status through wait4 with NT (%s)", path);
	expect(what, WEXITSTATUS(status), 7);
	check(after & FL_NT, "NT given back after wait4");
}

/* write and read with DF set: the kernel's copies must still go forwards. */
static void copy_with_df(bool int80, const char *path)
{
	static const char msg[] = "forwards, not backwards";
	char buf[sizeof(msg)] = { 0 };
	uint64_t after;
	int fds[2];
	char what[64];

	expect("pipe", pipe(fds), 0);
	snprintf(what, sizeof(what), "write with DF set (%s)", path);
	expect(what, call_with_flags(int80, SYS_write, fds[1], (long)msg, sizeof(msg), FL_DF, &after),
	       sizeof(msg));
	check(after & FL_DF, "DF given back after write");
	snprintf(what, sizeof(what), "read with DF set (%s)", path);
	expect(what, call_with_flags(int80, SYS_read, fds[0], (long)buf, sizeof(buf), FL_DF, &after),
	       sizeof(msg));
	snprintf(what, sizeof(what), "bytes through the pipe with DF set (%s)", path);
	check(memcmp(buf, msg, sizeof(msg)) == 0, what);
	close(fds[0]);
	close(fds[1]);
}

/*
 * The child: getpid through a syscall instruction at the last two bytes of
 * user space. The kernel cannot leave with sysretq to the address after it, and
 * the CPU refuses the iretq: the kernel must kill this process, nothing more.
 */
static int bad_return(void)
{
	void *page = mmap((void *)TOP_PAGE, PGSIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (page != (void *)TOP_PAGE) {
		printf("sysflags: FAIL mmap of the top page: %ld\n", (long)page);
		return 1;
	}
	uint8_t *insn = (uint8_t *)(TOP_PAGE + PGSIZE - 2);
	insn[0] = 0x0f;	/* syscall */
	insn[1] = 0x05;
	asm volatile("jmp *%0" : : "r"(insn), "a"((long)SYS_getpid) : "memory");
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	for (int path = 0; path < 2; path++) {
		const char *name = path ? "int $0x80" : "syscall";
		sleep_with_nt(path, name);
		wait_with_nt(path, name);
		copy_with_df(path, name);
	}

	pid_t pid = fork();
	if (pid == 0)
		exit(bad_return());
	int status = 0;
	expect("wait4 for the child that returned badly", wait4(pid, &status, 0, NULL), pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "the child that returned badly killed by SIGSEGV");
	return test_verdict(test_failures);
}
