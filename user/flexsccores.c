/*
 * flexsccores: syscall threads on syscall cores (inc/flexsc.h's placement and
 * polling). The user thread stays on CPU 0; its syscall threads are pinned to
 * the others. Checked: registration refuses bad placements; getcpu posted on
 * the page names a syscall core, for the threads a registration starts and
 * those flexsc_wait adds, polling or not; with polling and a steady load,
 * 10,000 entries take no trap at all (the kernel's count of system-call traps
 * stays flat); a poller that has gone to sleep says so in the control page,
 * and the wakeup the library then makes starts it. Needs 2 CPUs or more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/lib.h>

static long ncpus;
static uint64_t others;	/* every CPU but 0 */

/* Register in a child with opts: flexsc_register's result (or 1 if it succeeded). */
static long register_in_child(struct flexsc_options opts)
{
	pid_t pid = fork();
	if (pid == 0) {
		long r = syscall6(SYS_flexsc_register, (long)&opts, 0, 0, 0, 0, 0);
		exit(r > 0 ? 1 : (int)-r);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	return WEXITSTATUS(status) == 1 ? 1 : -WEXITSTATUS(status);
}

static void bad_placements(void)
{
	uint64_t beyond = 1ULL << ncpus;

	expect("no syscall cores", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_CORES }), -EINVAL);
	expect("a CPU that is not running", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_CORES, .cpus = others | beyond }), -EINVAL);
	expect("a mask with the same core", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_SAME, .cpus = 1 }), -EINVAL);
	expect("polling on the same core", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_SAME, .flags = FLEXSC_POLL }), -EINVAL);
	expect("an idle time without polling", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_CORES, .cpus = others, .idle_us = 5 }), -EINVAL);
	expect("an unknown flag", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_CORES, .cpus = others, .flags = 2 }), -EINVAL);
	expect("an unknown placement", register_in_child((struct flexsc_options){
		.placement = 7, .cpus = others }), -EINVAL);
	expect("syscall cores", register_in_child((struct flexsc_options){
		.placement = FLEXSC_PLACE_CORES, .cpus = others }), 1);
}

/*
 * In a child, register with opts and post getcpu batches: the first before
 * anything blocks, then (after a read that blocks every thread the pool
 * started, so that flexsc_wait adds one) another. Exits 0 if every entry ran
 * on a CPU of opts.cpus.
 */
static void placed_child(struct flexsc_options opts)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[32], *reads[4];
	unsigned cpu[32];
	char sink[4];
	int fds[2];
	bool ok = flexsc_setup_with(&ring, &opts) == 0 && pipe(fds) == 0;

	for (int round = 0; ok && round < 2; round++) {
		if (round == 1)
			for (unsigned k = 0; k < opts.nthreads; k++)
				reads[k] = flexsc_post(&ring, SYS_read, fds[0], (long)&sink[k], 1, 0, 0, 0);
		for (int i = 0; i < 32; i++) {
			cpu[i] = ~0U;
			e[i] = flexsc_post(&ring, SYS_getcpu, (long)&cpu[i], 0, 0, 0, 0, 0);
		}
		for (int i = 0; i < 32; i++)
			ok &= flexsc_wait_for(e[i]) == 0 && cpu[i] < 64 && (opts.cpus >> cpu[i] & 1);
		if (round == 1) {
			ok &= write(fds[1], "abcd", opts.nthreads) == (ssize_t)opts.nthreads;
			for (unsigned k = 0; k < opts.nthreads; k++)
				ok &= flexsc_wait_for(reads[k]) == 1;
		}
	}
	exit(ok ? 0 : 1);
}

static void placed(uint64_t cpus, uint32_t flags, const char *what)
{
	pid_t pid = fork();
	if (pid == 0)
		placed_child((struct flexsc_options){ .npages = 2, .nthreads = 2,
						     .placement = FLEXSC_PLACE_CORES,
						     .cpus = cpus, .flags = flags });
	int status;
	wait4(pid, &status, 0, NULL);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, what);
}

/*
 * 10,000 entries through a polling pool that never sleeps, in batches of 16,
 * each reaped by spinning on DONE: no flexsc_wait, no flexsc_wake, and the
 * kernel counts no system-call trap by this thread between the two kstat
 * calls but the second itself (the parent's wait4 may trap meanwhile, on
 * another CPU, as timing has it).
 */
static void steady_load_without_traps(void)
{
	struct flexsc_ring ring;
	struct flexsc_options opts = { .nthreads = 1, .placement = FLEXSC_PLACE_CORES,
				       .cpus = others, .flags = FLEXSC_POLL,
				       .idle_us = FLEXSC_IDLE_FOREVER };
	pid_t pid = fork();
	if (pid == 0) {
		bool ok = flexsc_setup_with(&ring, &opts) == 0;
		long ppid = getppid();
		flexsc_spin_limit = ~0UL;
		unsigned long waits = flexsc_waits, wakes = flexsc_wakes;
		long before = kstat(KSTAT_THREAD_SYSCALL_TRAPS);
		for (int n = 0; ok && n < 10000; n += 16) {
			struct flexsc_entry *e[16];
			for (int i = 0; i < 16; i++)
				e[i] = flexsc_post(&ring, SYS_getppid, 0, 0, 0, 0, 0, 0);
			for (int i = 0; i < 16; i++)
				ok &= flexsc_wait_for(e[i]) == ppid;
		}
		long traps = kstat(KSTAT_THREAD_SYSCALL_TRAPS) - before - 1;
		printf("flexsccores: 10000 entries served by a polling syscall core: %ld "
		       "system-call traps, %lu flexsc_wait, %lu flexsc_wake\n", traps,
		       flexsc_waits - waits, flexsc_wakes - wakes);
		exit(ok && traps == 0 && flexsc_waits == waits && flexsc_wakes == wakes ? 0 : 1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a polled steady load: every result right, no trap");
}

/*
 * A poller with a short idle time goes to sleep and says so; the next submit
 * sees the flag and makes one flexsc_wake, which starts the poller: the entry
 * completes without flexsc_wait. Waiting for the flag takes as long as the
 * guest takes; the check is only of what happens once it is set.
 */
static void idle_flag_wakes_poller(void)
{
	struct flexsc_ring ring;
	struct flexsc_options opts = { .nthreads = 2, .placement = FLEXSC_PLACE_CORES,
				       .cpus = others, .flags = FLEXSC_POLL, .idle_us = 1000 };
	pid_t pid = fork();
	if (pid == 0) {
		bool ok = flexsc_setup_with(&ring, &opts) == 0;
		const volatile struct flexsc_ctl *ctl = flexsc_poll_ctl;
		flexsc_spin_limit = ~0UL;
		for (int round = 0; ok && round < 3; round++) {
			while (!(ctl->flags & FLEXSC_NEED_WAKEUP))
				nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
			unsigned long waits = flexsc_waits, wakes = flexsc_wakes;
			struct flexsc_entry *e = flexsc_post(&ring, SYS_getppid, 0, 0, 0, 0, 0, 0);
			ok &= flexsc_wakes == wakes + 1;
			ok &= flexsc_wait_for(e) == getppid() && flexsc_waits == waits;
		}
		exit(ok ? 0 : 1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a sleeping poller flags it, and the library's one wakeup starts it");
}

int main(int argc, char **argv)
{
	ncpus = kstat(KSTAT_NCPUS);
	if (ncpus < 2) {
		printf("flexsccores: FAIL needs 2 CPUs or more, has %ld\n", ncpus);
		return 1;
	}
	others = ((1ULL << ncpus) - 1) & ~1ULL;
	expect("pinned to CPU 0", pin_to_cpu(0), 0);
	bad_placements();
	placed(others, 0, "getcpu on the page names a syscall core");
	placed(others, FLEXSC_POLL, "getcpu on a polled page names a syscall core");
	placed(1ULL << (ncpus - 1), 0, "getcpu on the page names the one syscall core");
	placed(1ULL << (ncpus - 1), FLEXSC_POLL,
	       "getcpu on a polled page names the one syscall core");
	steady_load_without_traps();
	idle_flag_wakes_poller();
	printf("flexsccores: placement and polling on %ld CPUs\n", ncpus);
	return test_verdict(test_failures);
}
