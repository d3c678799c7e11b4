/*
 * ipc: JOS-style IPC between processes (inc/ipc.h). Parent and child ping-pong
 * 1000 values; a page sent read-write arrives as a copy, so later writes on
 * either side stay on that side; a page sent read-only faults when written (in a
 * grandchild, killed by SIGSEGV); -ESRCH for a pid that does not exist and for a
 * receiver that exits while the sender waits; -EINVAL and -EFAULT for bad
 * arguments; two senders to one receiver each deliver every message exactly once;
 * a FlexSC syscall thread receives for its process (a second receiver in the same
 * process gets -EBUSY), and exit takes back a syscall thread still receiving.
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
#include <inc/flexsc.h>
#include <inc/lib.h>
#include <inc/mmu.h>

#define PINGPONG_ROUNDS 1000
#define MESSAGES_PER_SENDER 100
#define RW (PROT_READ | PROT_WRITE)
/* Addresses where nothing is mapped until a page is received there. */
#define FREE_VA ((void *)0x200000000000UL)
#define FREE_VA2 ((void *)0x200000001000UL)
#define KERNEL_VA ((void *)0xffffffff80000000UL)
#define UNMAPPED_VA ((void *)0x7000000000UL)
#define NO_SUCH_PID 99999

static uint8_t send_page[PGSIZE] __attribute__((aligned(PGSIZE)));
static uint8_t recv_page[PGSIZE] __attribute__((aligned(PGSIZE)));

/* Fill a page with bytes that depend on seed and position. */
static void fill(uint8_t *page, uint8_t seed)
{
	for (int i = 0; i < PGSIZE; i++)
		page[i] = (uint8_t)(seed + i * 7);
}

/* Whether page holds what fill(page, seed) wrote. */
static bool holds(const uint8_t *page, uint8_t seed)
{
	for (int i = 0; i < PGSIZE; i++)
		if (page[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

/* Run fn(the caller's pid) in a child that exits with its failure count. */
static pid_t start_child(int (*fn)(pid_t parent))
{
	pid_t parent = getpid();
	pid_t child = fork();

	if (child == 0) {
		test_failures = 0;
		int n = fn(parent);
		exit(MIN(n, 255));
	}
	return child;
}

/* Wait for child, which must exit with status 0 (no failures). */
static void finish(pid_t child, const char *what)
{
	int status = 0;
	pid_t r = wait4(child, &status, 0, NULL);

	if (r != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("ipc: FAIL %s: wait4 %d, status 0x%x\n", what, r, status);
		test_failures++;
	}
}

/*
 * Child side of the ping-pong: receive 2i, answer 2i+1. It accepts a page each
 * time, and must get none (perm 0, recv_page untouched) since none is sent.
 */
static int pingpong_child(pid_t parent)
{
	struct ipc_msg m;

	fill(recv_page, 9);
	for (uint64_t i = 0; i < PINGPONG_ROUNDS && test_failures < 5; i++) {
		expect("pingpong recv", ipc_recv(recv_page, &m), 0);
		check(m.from == parent && m.value == 2 * i && m.perm == 0,
		      "pingpong: child got the wrong message");
		expect("pingpong answer", ipc_send(parent, 2 * i + 1, NULL, 0), 0);
	}
	check(holds(recv_page, 9), "pingpong: a page arrived though none was sent");
	return test_failures;
}

static void test_pingpong(void)
{
	pid_t child = start_child(pingpong_child);
	struct ipc_msg m;

	for (uint64_t i = 0; i < PINGPONG_ROUNDS && test_failures < 5; i++) {
		expect("pingpong send", ipc_send(child, 2 * i, NULL, 0), 0);
		expect("pingpong recv", ipc_recv(NULL, &m), 0);
		check(m.from == child && m.value == 2 * i + 1 && m.perm == 0,
		      "pingpong: parent got the wrong answer");
	}
	finish(child, "pingpong child");
}

/*
 * Child side of the copy test: take the page over recv_page (which is mapped),
 * then a notice that the parent has overwritten its own page (with a page
 * attached that we do not accept), then write ours and send it back.
 */
static int copy_child(pid_t parent)
{
	struct ipc_msg m;

	fill(recv_page, 0xee);
	expect("copy: recv page", ipc_recv(recv_page, &m), 0);
	check(m.from == parent && m.value == 0x123456789abcdef0 && m.perm == RW,
	      "copy: wrong message with the page");
	check(holds(recv_page, 1), "copy: page contents did not arrive");
	expect("copy: recv notice", ipc_recv(NULL, &m), 0);
	check(m.perm == 0, "copy: a page arrived where none was accepted");
	check(holds(recv_page, 1), "copy: the sender's later write showed through");
	fill(recv_page, 3);
	expect("copy: send back", ipc_send(parent, 0, recv_page, RW), 0);
	return test_failures;
}

static void test_page_copy(void)
{
	struct ipc_msg m;

	fill(send_page, 1);
	pid_t child = start_child(copy_child);
	expect("copy: send page", ipc_send(child, 0x123456789abcdef0, send_page, RW), 0);
	fill(send_page, 2);
	expect("copy: send notice", ipc_send(child, 0, send_page, RW), 0);
	expect("copy: recv page back", ipc_recv(FREE_VA, &m), 0);
	check(m.from == child && m.perm == RW, "copy: wrong message with the page back");
	check(holds(FREE_VA, 3), "copy: the page sent back did not arrive");
	check(holds(send_page, 2), "copy: the receiver's write showed through");
	finish(child, "copy child");
}

/*
 * Receive a read-only page (in a grandchild), check it, and write it: the
 * grandchild must die of SIGSEGV.
 */
static int readonly_child(pid_t parent)
{
	pid_t grandchild = fork();

	if (grandchild == 0) {
		struct ipc_msg m;
		if (ipc_recv(FREE_VA, &m) != 0 || m.perm != PROT_READ || !holds(FREE_VA, 4))
			exit(2);
		*(volatile uint8_t *)FREE_VA = 0;
		exit(3);
	}
	fill(send_page, 4);
	expect("readonly: send", ipc_send(grandchild, 0, send_page, PROT_READ), 0);
	int status = 0;
	wait4(grandchild, &status, 0, NULL);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "readonly: writing a read-only page did not kill with SIGSEGV");
	return test_failures;
}

static int exit_without_receiving(pid_t parent)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	return 0;
}

static void test_esrch(void)
{
	expect("send to a pid that does not exist", ipc_send(NO_SUCH_PID, 1, NULL, 0), -ESRCH);
	pid_t child = start_child(exit_without_receiving);
	expect("send to a receiver that exits", ipc_send(child, 1, send_page, RW), -ESRCH);
	finish(child, "exiting receiver");
	expect("send to a zombie's pid", ipc_send(child, 1, NULL, 0), -ESRCH);
}

/* Bad arguments fail at once, before any waiting (so sending to ourselves is safe). */
static void test_bad_arguments(void)
{
	pid_t me = getpid();
	struct ipc_msg m;

	expect("recv at an unaligned dstva", ipc_recv((char *)FREE_VA + 1, &m), -EINVAL);
	expect("recv at a kernel dstva", ipc_recv(KERNEL_VA, &m), -EFAULT);
	expect("recv into a NULL msg", ipc_recv(NULL, NULL), -EFAULT);
	expect("recv into a kernel msg", ipc_recv(NULL, KERNEL_VA), -EFAULT);
	expect("send from an unaligned srcva", ipc_send(me, 0, send_page + 1, PROT_READ),
		  -EINVAL);
	expect("send with perm 0", ipc_send(me, 0, send_page, 0), -EINVAL);
	expect("send with write-only perm", ipc_send(me, 0, send_page, PROT_WRITE), -EINVAL);
	expect("send with exec perm", ipc_send(me, 0, send_page, PROT_READ | PROT_EXEC),
		  -EINVAL);
	expect("send from an unmapped srcva", ipc_send(me, 0, UNMAPPED_VA, PROT_READ), -EFAULT);
	expect("send from a kernel srcva", ipc_send(me, 0, KERNEL_VA, PROT_READ), -EFAULT);
}

/* One of two senders: values 0, 1, ... to the parent. */
static int sender(pid_t parent)
{
	for (uint64_t i = 0; i < MESSAGES_PER_SENDER; i++)
		expect("two senders: send", ipc_send(parent, i, NULL, 0), 0);
	return test_failures;
}

static void test_two_senders(void)
{
	pid_t senders[2] = { start_child(sender), start_child(sender) };
	uint64_t next[2] = { 0, 0 };
	struct ipc_msg m;

	for (int n = 0; n < 2 * MESSAGES_PER_SENDER && test_failures < 5; n++) {
		expect("two senders: recv", ipc_recv(NULL, &m), 0);
		int s = m.from == senders[1];
		check(m.from == senders[s] && m.value == next[s]++,
		      "two senders: a message from nowhere, out of order or twice");
	}
	check(next[0] == MESSAGES_PER_SENDER && next[1] == MESSAGES_PER_SENDER,
	      "two senders: messages lost");
	finish(senders[0], "first sender");
	finish(senders[1], "second sender");
}

/* Post a call on a syscall page entry. */
static void post(struct flexsc_entry *e, uint32_t sysnum, long a0, long a1)
{
	e->sysnum = sysnum;
	e->args[0] = (uint64_t)a0;
	e->args[1] = (uint64_t)a1;
	__atomic_store_n(&e->status, FLEXSC_SUBMITTED, __ATOMIC_RELEASE);
}

/* Wait until entry e is done, free it, and return its result. */
static long collect(struct flexsc_entry *e)
{
	while (__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) != FLEXSC_DONE)
		syscall6(SYS_flexsc_wait, 0, 0, 0, 0, 0, 0);
	long r = e->ret;
	e->status = FLEXSC_FREE;
	return r;
}

/*
 * Receive through a syscall thread: while it waits, our own ipc_recv is -EBUSY.
 * Then tell the parent to send (value 0; 1 if we could not register), check
 * what arrived, and exit while another receive is pending on the page.
 */
static int flexsc_child(pid_t parent)
{
	static struct ipc_msg m;
	struct flexsc_options opts = { .npages = 1, .nthreads = 2 };
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	long page = syscall6(SYS_flexsc_register, (long)&opts, 0, 0, 0, 0, 0);

	if (page < 0) {
		expect("flexsc_register", page, 0);
		ipc_send(parent, 1, NULL, 0);	/* do not send */
		return test_failures;
	}
	struct flexsc_entry *e = (struct flexsc_entry *)page;
	post(&e[0], SYS_ipc_recv, (long)FREE_VA2, (long)&m);
	post(&e[1], SYS_getpid, 0, 0);
	expect("flexsc: getpid beside the receive", collect(&e[1]), getpid());
	nanosleep(&pause, NULL);	/* time for the receive to start waiting */
	expect("flexsc: second receiver", ipc_recv(NULL, &m), -EBUSY);
	expect("flexsc: tell the parent", ipc_send(parent, 0, NULL, 0), 0);
	expect("flexsc: recv", collect(&e[0]), 0);
	check(m.from == parent && m.value == 77 && m.perm == PROT_READ && holds(FREE_VA2, 5),
	      "flexsc: the message or page did not arrive");
	post(&e[0], SYS_ipc_recv, 0, (long)&m);
	post(&e[1], SYS_getpid, 0, 0);
	collect(&e[1]);
	nanosleep(&pause, NULL);
	return test_failures;
}

static void test_flexsc_receiver(void)
{
	struct ipc_msg m;

	fill(send_page, 5);
	pid_t child = start_child(flexsc_child);
	expect("flexsc: wait for the child", ipc_recv(NULL, &m), 0);
	if (m.value == 0)
		expect("flexsc: send", ipc_send(child, 77, send_page, PROT_READ), 0);
	finish(child, "flexsc child");
}

int main(int argc, char **argv)
{
	test_pingpong();
	test_page_copy();
	finish(start_child(readonly_child), "read-only page");
	test_esrch();
	test_bad_arguments();
	test_two_senders();
	test_flexsc_receiver();
	return test_verdict(test_failures);
}
