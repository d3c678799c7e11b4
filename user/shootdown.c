/*
 * shootdown ROUNDS: a syscall thread on one CPU reads /dev/zero into a buffer
 * while the user thread, on another CPU, unmaps that buffer. Each read must end
 * with -EFAULT, or with a count (all of it, or what was stored before the
 * fault); and no byte may land in the freed pages, which the debug kernel
 * poisons when they are freed and checks when it hands them out again (the
 * next round's buffer reuses them). A kernel that freed the pages before the
 * other CPU's TLB forgot them would panic there.
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

#define BUF_BYTES (128 * 1024)

/* Spin for about n iterations: varies where in the copy the munmap lands. */
static void dawdle(long n)
{
	for (volatile long i = 0; i < n; i++)
		;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	long ncpus = kstat(KSTAT_NCPUS);
	struct flexsc_ring ring;
	long full = 0, partial = 0, faulted = 0;

	/* The pool's threads inherit the last CPU, the user thread then moves to CPU 0. */
	expect("pin to the last CPU", pin_to_cpu(ncpus - 1), 0);
	expect("flexsc_setup", flexsc_setup(&ring, 1, 2), 0);
	expect("pin to CPU 0", pin_to_cpu(0), 0);
	int zero = open("/dev/zero", O_RDONLY, 0);
	check(zero >= 0, "open /dev/zero");

	/* One entry left DONE, so that flexsc_wait kicks the pool and returns at once. */
	struct flexsc_entry *kick = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	while (!flexsc_done(kick))
		flexsc_wait();

	for (long r = 0; r < rounds && !test_failures; r++) {
		char *buf = mmap(NULL, BUF_BYTES, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		check(!ptr_failed(buf), "mmap the buffer");
		if (ptr_failed(buf))
			break;
		buf[0] = 1;	/* one page mapped before the read starts */
		struct flexsc_entry *rd = flexsc_post(&ring, SYS_read, zero, (long)buf, BUF_BYTES,
						      0, 0, 0);
		flexsc_wait();
		dawdle(r % 16 * 2000);
		expect("munmap while the read runs", munmap(buf, BUF_BYTES), 0);
		long got = flexsc_wait_for(rd);
		if (got == BUF_BYTES)
			full++;
		else if (got == -EFAULT)
			faulted++;
		else if (got > 0 && got < BUF_BYTES)
			partial++;
		else
			expect("read's result", got, BUF_BYTES);
	}
	printf("shootdown: %ld rounds on %ld CPUs: %ld reads whole, %ld cut short, %ld -EFAULT\n",
	       rounds, ncpus, full, partial, faulted);
	return test_verdict(test_failures);
}
