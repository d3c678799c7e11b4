/*
 * flexsc: a tour of exception-less system calls. Every call between the first
 * and the last line printed goes through the syscall page, and the only traps
 * it takes are flexsc_wait (the first and last lines use the ordinary trap path).
 *
 *  1. getpid and getppid, one call through the page each
 *  2. a batch of writes, posted together, one flexsc_wait for all of them
 *  3. a fresh mmap buffer that a read from a pipe fills: the syscall thread
 *     takes the page faults, in ring 0, on our behalf
 *  4. fork on the page: parent and child each report through their own page
 *  5. a summary: calls made, flexsc_wait traps taken, calls per trap
 *  6. with 2 CPUs or more, a child on CPU 0 whose syscall thread polls on the
 *     other cores: which CPUs served its getcpu entries, and how many traps
 *     the whole machine took meanwhile (make run-flexsc QEMU_SMP=4)
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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

#define LINES 8

static struct flexsc_ring ring;

/* printf, but through the page. */
static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	flex_write(1, buf, (size_t)n);
}

/*
 * Post one write per line, then wait for them all, and say how many wrote their
 * whole line and how many traps the batch took. The entries are not linked, so
 * the page promises no order among them: while a preempted syscall thread
 * holds one, a sibling that is awake may run the next. What it promises is one trap for a batch
 * of calls that do not block, once the pool is idle (the calls before this
 * have let every syscall thread start and go to sleep).
 */
static void batch_of_writes(void)
{
	static char text[LINES][40];
	struct flexsc_entry *e[LINES];
	unsigned long traps_before = flexsc_waits;
	int whole = 0;

	for (int i = 0; i < LINES; i++) {
		int n = snprintf(text[i], sizeof(text[i]), "flexsc: batch write %d of %d\n",
				 i + 1, LINES);
		e[i] = flexsc_post(&ring, SYS_write, 1, (long)text[i], n, 0, 0, 0);
	}
	for (int i = 0; i < LINES; i++)
		whole += flexsc_wait_for(e[i]) == (int64_t)strlen(text[i]);
	say("flexsc: %d of %d batch writes wrote their whole line, in any order, after %lu "
	    "trap(s) (flexsc_wait) for the batch\n", whole, LINES, flexsc_waits - traps_before);
}

static void fault_in_ring0(void)
{
	int fds[2];
	const char msg[] = "filled by a syscall thread";
	char *buf = flex_mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	flex_pipe(fds);
	flex_write(fds[1], msg, sizeof(msg));
	/* The buffer straddles two pages no one has touched yet. */
	ssize_t n = flex_read(fds[0], buf + 4096 - 10, sizeof(msg));
	say("flexsc: a read through the page put %ld bytes into an untouched mmap buffer "
	    "across two pages: \"%s\"\n", (long)n, buf + 4096 - 10);
}

static void fork_on_the_page(void)
{
	pid_t pid = flex_fork();
	if (pid == 0) {
		/* A child starts unregistered: it gets pages and threads of its own. */
		struct flexsc_ring mine;
		flexsc_setup(&mine, 1, 2);
		say("flexsc: child: getpid says %d and getppid says %d, through a page of "
		    "its own\n", flex_getpid(), flex_getppid());
		flex_exit(0);
	}
	int status;
	flex_wait4(pid, &status, 0, NULL);
	say("flexsc: parent: getpid says %d; wait4 says child %d exited with status %d\n",
	    flex_getpid(), pid, WEXITSTATUS(status));
}

/*
 * In a child pinned to CPU 0, register one polling syscall thread on the other
 * CPUs and run 2,000 getcpu entries through it, reaped by spinning on DONE:
 * say which CPUs served them and how many system calls this thread made by
 * trapping meanwhile (the second kstat's own is not counted; other processes'
 * traps, which depend on timing, are not this thread's).
 */
static void served_by_another_core(void)
{
	long ncpus = kstat(KSTAT_NCPUS);
	if (ncpus < 2) {
		printf("flexsc: one CPU, so no syscall core to show (make run-flexsc QEMU_SMP=4)\n");
		return;
	}
	fflush(stdout);	/* the child must not print the lines before again */
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring cores;
		struct flexsc_options opts = { .nthreads = 1, .placement = FLEXSC_PLACE_CORES,
					       .cpus = ((1ULL << ncpus) - 1) & ~1ULL,
					       .flags = FLEXSC_POLL, .idle_us = FLEXSC_IDLE_FOREVER };
		unsigned cpu[16], me = ~0u;
		uint64_t served = 0;
		pin_to_cpu(0);
		me = (unsigned)sched_getcpu();
		if (flexsc_setup_with(&cores, &opts) < 0)
			exit(1);
		flexsc_spin_limit = ~0UL;	/* reap by spinning: flexsc_wait never needed */
		flexsc_call(&cores, SYS_getpid, 0, 0, 0, 0, 0, 0);	/* the poller is up */
		unsigned long waits = flexsc_waits, wakes = flexsc_wakes;
		long before = kstat(KSTAT_THREAD_SYSCALL_TRAPS);
		for (int n = 0; n < 2000; n += 16) {
			struct flexsc_entry *e[16];
			for (int i = 0; i < 16; i++)
				e[i] = flexsc_post(&cores, SYS_getcpu, (long)&cpu[i], 0, 0, 0, 0, 0);
			for (int i = 0; i < 16; i++)
				if (flexsc_wait_for(e[i]) == 0 && cpu[i] < 64)
					served |= 1ULL << cpu[i];
		}
		long traps = kstat(KSTAT_THREAD_SYSCALL_TRAPS) - before - 1;
		printf("flexsc: 2000 getcpu calls from CPU %u, served by a polling syscall thread "
		       "on CPU mask 0x%lx: %ld system-call traps by the caller, %lu flexsc_wait, "
		       "%lu flexsc_wake\n", me, (unsigned long)served, traps, flexsc_waits - waits,
		       flexsc_wakes - wakes);
		exit(0);
	}
	int status;
	wait4(pid, &status, 0, NULL);
}

int main(int argc, char **argv)
{
	int r = flexsc_setup(&ring, 1, FLEXSC_DEFAULT_THREADS);
	if (r < 0) {
		printf("flexsc: FAIL flexsc_register: %d\n", r);
		return 1;
	}
	printf("flexsc: registered one syscall page at %p, %d syscall threads\n",
	       (void *)ring.entries, FLEXSC_DEFAULT_THREADS);
	say("flexsc: getpid says %d and getppid says %d, one call through the page each\n",
	    flex_getpid(), flex_getppid());
	batch_of_writes();
	fault_in_ring0();
	fork_on_the_page();

	/* Counted by lib/flexsc.c for this process; the child counts its own. */
	unsigned long calls = flexsc_submitted, traps = flexsc_waits;
	printf("flexsc: this process made %lu calls through the page and took %lu traps "
	       "(flexsc_wait) for them: %lu.%lu calls per trap\n", calls, traps, calls / traps,
	       calls * 10 / traps % 10);
	served_by_another_core();
	return 0;
}
