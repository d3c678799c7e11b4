/*
 * fsbase: arch_prctl's FS and GS bases are each thread's own state. A base set
 * is what %fs: and %gs: loads in user mode read through, across system calls,
 * sleeps (other threads run meanwhile) and both trap paths; fork's child has
 * the parent's; a program that zeroes its own base with a segment load does not
 * zero another's (the kernel must not trust what it last loaded); execve
 * starts the new program with both 0; a base at the top
 * of user space is -EPERM; posted on a syscall page, a GET reads the user
 * thread's base and a SET is refused.
 *
 * fsbase          run the checks
 * fsbase exec     (after execve) check that both bases started at 0
 *
 * musl keeps its thread pointer in the FS base, and the word there points to
 * itself: the areas set as FS bases start with musl's, so that the C library
 * works whichever is set (user/Makefrag builds this without the stack
 * protector, whose canary is read through FS). musl sets its base before main,
 * so the bases the new program starts with are read by fsbase_entry, which
 * user/Makefrag makes the entry point, before musl's _start.
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

static uint64_t fs_area[2] = { 0x1111111111111111UL, 0x2222222222222222UL };
static uint64_t gs_area[2] = { 0x3333333333333333UL, 0x4444444444444444UL };
static uint64_t other_area[2] = { 0x5555555555555555UL, 0x6666666666666666UL };

/* The FS and GS bases the program started with (1 until fsbase_entry reads them). */
uint64_t entry_fs = 1, entry_gs = 1;
void fsbase_entry(void);
asm(".text\n"
    ".globl fsbase_entry\n"
    "fsbase_entry:\n\t"
    "movl $158, %eax\n\t"	/* SYS_arch_prctl */
    "movl $0x1003, %edi\n\t"	/* ARCH_GET_FS */
    "leaq entry_fs(%rip), %rsi\n\t"
    "syscall\n\t"
    "movl $158, %eax\n\t"
    "movl $0x1004, %edi\n\t"	/* ARCH_GET_GS */
    "leaq entry_gs(%rip), %rsi\n\t"
    "syscall\n\t"
    "jmp _start\n");

/* Word slot (0 or 1) at the FS base, read in user mode. */
static uint64_t read_fs(int slot)
{
	uint64_t v;
	asm volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"((uint64_t)slot * 8));
	return v;
}

/* The same at the GS base. */
static uint64_t read_gs(int slot)
{
	uint64_t v;
	asm volatile("movq %%gs:(%1), %0" : "=r"(v) : "r"((uint64_t)slot * 8));
	return v;
}

static long get_base(int code)
{
	uint64_t base = 1;
	long r = syscall6(SYS_arch_prctl, code, (long)&base, 0, 0, 0, 0);
	return r < 0 ? r : (long)base;
}

/* The bases, as the kernel reports them and as loads through them see them. */
static void check_bases(const char *when)
{
	char what[80];

	snprintf(what, sizeof(what), "FS base %s", when);
	check(get_base(ARCH_GET_FS) == (long)fs_area && read_fs(1) == fs_area[1], what);
	snprintf(what, sizeof(what), "GS base %s", when);
	check(get_base(ARCH_GET_GS) == (long)gs_area && read_gs(0) == gs_area[0], what);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		expect("FS base after execve", (long)entry_fs, 0);
		expect("GS base after execve", (long)entry_gs, 0);
		return test_verdict(test_failures);
	}
	fs_area[0] = other_area[0] = (uint64_t)get_base(ARCH_GET_FS);
	expect("ARCH_SET_FS", syscall6(SYS_arch_prctl, ARCH_SET_FS, (long)fs_area, 0, 0, 0, 0), 0);
	expect("ARCH_SET_GS", int80_syscall6(SYS_arch_prctl, ARCH_SET_GS, (long)gs_area, 0, 0, 0, 0), 0);
	check_bases("once set");
	struct timespec ts = { 0, 3 * 1000 * 1000 };
	for (int i = 0; i < 5; i++) {
		nanosleep(&ts, NULL);
		sched_yield();
		int80_syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	}
	check_bases("after sleeps and calls on both paths");
	expect("a base at the top of user space", syscall6(SYS_arch_prctl, ARCH_SET_FS,
							   0x7ffffffff000L, 0, 0, 0, 0), -EPERM);
	expect("an unknown code", syscall6(SYS_arch_prctl, 0x1005, 0, 0, 0, 0, 0), -EINVAL);

	pid_t pid = fork();
	if (pid == 0) {
		check_bases("in fork's child");
		/* The child's change is its own: the parent's stays. */
		syscall6(SYS_arch_prctl, ARCH_SET_FS, (long)other_area, 0, 0, 0, 0);
		nanosleep(&ts, NULL);
		check(read_fs(1) == other_area[1], "the child's own FS base");
		exit(test_failures);
	}
	int status = -1;
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("the child's checks", status, 0);
	check_bases("after the child changed its own");

	/*
	 * The child reads through the GS base both have, while the parent zeroes
	 * its own real base (a null selector load) and yields to it, again and
	 * again: the child must see its base every time.
	 */
	pid = fork();
	if (pid == 0) {
		int bad = 0;
		for (int i = 0; i < 200; i++) {
			bad += read_gs(0) != gs_area[0];
			sched_yield();
		}
		exit(bad != 0);
	}
	for (int i = 0; i < 200; i++) {
		asm volatile("movl %0, %%gs" : : "r"(0));
		sched_yield();
	}
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("a child's GS base after the parent zeroed its own", status, 0);
	syscall6(SYS_arch_prctl, ARCH_SET_GS, (long)gs_area, 0, 0, 0, 0);
	check_bases("after zeroing GS by a segment load and setting it again");

	struct flexsc_ring ring;
	expect("flexsc_setup", flexsc_setup(&ring, 1, 1), 0);
	expect("ARCH_SET_FS on the page is refused",
	       flexsc_call(&ring, SYS_arch_prctl, ARCH_SET_FS, (long)other_area, 0, 0, 0, 0), -EINVAL);
	uint64_t base = 0;
	expect("ARCH_GET_FS on the page",
	       flexsc_call(&ring, SYS_arch_prctl, ARCH_GET_FS, (long)&base, 0, 0, 0, 0), 0);
	check(base == (uint64_t)fs_area, "ARCH_GET_FS on the page gives the user thread's base");
	check_bases("after the page's calls");

	pid = fork();
	if (pid == 0) {
		char *args[] = { "fsbase", "exec", NULL };
		execve("/bin/fsbase", args, environ);
		exit(127);
	}
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("the exec'd program's checks", status, 0);
	return test_verdict(test_failures);
}
