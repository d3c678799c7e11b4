/* Boot: bring up the boot CPU, memory, interrupts and the console; start init. */
#include <inc/errno.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/blk.h>
#include <kern/blktest.h>
#include <kern/boot.h>
#include <kern/console.h>
#include <kern/cpu.h>
#include <kern/futex.h>
#include <kern/lapic.h>
#include <kern/pci.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/ramdisk.h>
#include <kern/sched.h>
#include <kern/selftest.h>
#include <kern/sleeplock.h>
#include <kern/smp.h>
#include <kern/swap.h>
#include <kern/time.h>
#include <kern/trap.h>
#include <kern/vfs.h>

#define CRASHTEST_ADDR 0xdead0000UL

/* What proc_start_init's error err means, for the line saying init did not start. */
static const char *errno_text(int err)
{
	switch (err) {
	case -ENOENT: return "no such file";
	case -ENOTDIR: return "a component of the path is not a directory";
	case -EACCES: return "not an executable file";
	case -ENAMETOOLONG: return "path too long";
	case -ENOEXEC: return "not a valid executable";
	case -ENOMEM: return "out of memory";
	default: return "error";
	}
}

/*
 * A kernel thread's body: store through an unmapped kernel-mode pointer. The
 * page-fault handler must panic with the trap frame and a backtrace.
 */
static void crash_on_purpose(void *arg)
{
	cprintf("elk: crashtest: writing to unmapped address 0x%lx on CPU %d\n", CRASHTEST_ADDR,
		mycpu()->id);
	*(volatile uint64_t *)CRASHTEST_ADDR = 1;
	panic("crashtest: the store to 0x%lx did not fault", CRASHTEST_ADDR);
}

/*
 * Crash on the last CPU (an AP when there are several), so that a kernel fault
 * there shows the same report as on the boot CPU. Never returns.
 */
static void __attribute__((noreturn)) crash_on_last_cpu(void)
{
	struct thread *t;

	if (thread_create(&t, "crashtest", NULL, NULL, crash_on_purpose, NULL) < 0)
		panic("crashtest: no memory for its thread");
	thread_set_affinity(t, 1U << (ncpu - 1));
	thread_start(t);
	smp_release();
	scheduler();
}

static struct spinlock locktest_outer = SPINLOCK_INIT("selftest-outer", LOCK_SELFTEST_OUTER);
static struct spinlock locktest_inner = SPINLOCK_INIT("selftest-inner", LOCK_SELFTEST_INNER);

/*
 * Take two locks against the lock order: the debug build's checker must panic
 * naming both. Never returns.
 */
static void __attribute__((noreturn)) break_lock_order(void)
{
	cprintf("elk: locktest: taking %s, then %s\n", locktest_inner.name, locktest_outer.name);
	spin_lock(&locktest_inner);
	spin_lock(&locktest_outer);
	panic("locktest: the lock order was broken and nothing noticed");
}

static struct sleeplock locktest_sleep;

/*
 * Take a sleep lock with a spinlock held: the debug build's checker must panic
 * naming both. Never returns.
 */
static void __attribute__((noreturn)) sleep_under_spinlock(void)
{
	sleeplock_init(&locktest_sleep, "selftest-sleep", LOCK_SELFTEST_SLEEP);
	cprintf("elk: locktest-sleep: taking sleep lock %s with %s held\n", locktest_sleep.name,
		locktest_outer.name);
	spin_lock(&locktest_outer);
	sleeplock_acquire(&locktest_sleep);
	panic("locktest-sleep: a sleep lock was taken under a spinlock and nothing noticed");
}

/* Set by the boot CPU once it holds locktest_outer, for release_elsewhere. */
static bool locktest_taken;

/*
 * A kernel thread's body, pinned to CPU 1: once the boot CPU says it holds
 * locktest_outer, release that lock here. The checker must panic naming the
 * lock and both CPUs.
 */
static void release_elsewhere(void *arg)
{
	while (!__atomic_load_n(&locktest_taken, __ATOMIC_ACQUIRE))
		cpu_relax();
	cprintf("elk: locktest-wrongcpu: CPU %d releases %s\n", mycpu()->id, locktest_outer.name);
	spin_unlock(&locktest_outer);
	panic("locktest-wrongcpu: a lock was released by the wrong CPU and nothing noticed");
}

/*
 * Take locktest_outer on the boot CPU and have a thread on CPU 1 release it.
 * The order is made by a flag, not by time: the thread waits until the lock
 * is held. Needs 2 CPUs. Never returns.
 */
static void __attribute__((noreturn)) release_on_wrong_cpu(void)
{
	struct thread *t;

	if (thread_create(&t, "locktest", NULL, NULL, release_elsewhere, NULL) < 0)
		panic("locktest-wrongcpu: no memory for its thread");
	thread_set_affinity(t, 1U << 1);
	thread_start(t);
	smp_release();
	cprintf("elk: locktest-wrongcpu: CPU 0 takes %s\n", locktest_outer.name);
	spin_lock(&locktest_outer);
	__atomic_store_n(&locktest_taken, true, __ATOMIC_RELEASE);
	for (;;)
		cpu_relax();
}

/* Kernel options: the words of the command line before init=. */
struct options {
	bool selftest;	/* run the in-kernel self-tests instead of init */
	bool crashtest;	/* fault in the kernel on purpose, to show a panic */
	bool locktest;	/* break the lock order on purpose, to show the checker */
	bool locktest_sleep;	/* take a sleep lock under a spinlock, likewise */
	bool locktest_wrongcpu;	/* release a spinlock on a CPU that does not hold it */
	bool badreturn;	/* give init a frame the CPU refuses to return to user mode with */
	bool noacpi;	/* find the CPUs in the MP tables, not the ACPI MADT */
	bool blktest;	/* test the disk from kernel threads instead of running init */
};

/*
 * End the boot because init cannot start, with the line that elkrun turns into
 * status 127: "elk: cannot start init" and then the formatted reason.
 */
static void __attribute__((noreturn, format(printf, 1, 2))) refuse_init(const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	cprintf("elk: cannot start init%s\n", why);
	machine_exit(0x7f);
}

/*
 * Split the command line into words in place. Words before "init=NAME" are kernel
 * options; NAME and the words after it become init's argv, which has room for
 * EXEC_MAXARG + 1 pointers. Returns argc (0 if no init= was given), or -1 if
 * there are more than EXEC_MAXARG such words. An unknown option is reported and
 * ignored.
 */
static int parse_cmdline(char *cmdline, char *argv[], struct options *opt)
{
	int argc = 0;
	bool in_init = false;

	for (char *w = next_word(&cmdline); w; w = next_word(&cmdline)) {
		if (!in_init && strncmp(w, "init=", 5) == 0) {
			in_init = true;
			w += 5;
		}
		if (in_init && argc == EXEC_MAXARG)
			return -1;
		if (in_init)
			argv[argc++] = w;
		else if (strcmp(w, "selftest") == 0)
			opt->selftest = true;
		else if (strcmp(w, "crashtest") == 0)
			opt->crashtest = true;
		else if (strcmp(w, "locktest") == 0)
			opt->locktest = true;
		else if (strcmp(w, "locktest-sleep") == 0)
			opt->locktest_sleep = true;
		else if (strcmp(w, "locktest-wrongcpu") == 0)
			opt->locktest_wrongcpu = true;
		else if (strcmp(w, "badreturn") == 0)
			opt->badreturn = true;
		else if (strcmp(w, "noacpi") == 0)
			opt->noacpi = true;
		else if (strcmp(w, "blktest") == 0)
			opt->blktest = true;
		else
			cprintf("elk: ignoring unknown kernel option '%s'\n", w);
	}
	argv[argc] = NULL;
	return argc;
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	static char cmdline[BOOT_CMDLINE];
	char *argv[EXEC_MAXARG + 1];
	struct options opt = { 0 };

	cpus[0].id = 0;
	cpu_init(&cpus[0]);
	idt_init();
	console_init();
	boot_parse(magic, info_pa);
	pmap_init();
	tsc_calibrate();
	lapic_init();
	ioapic_init();
	console_start_input();
	clock_init();
	futex_init();
	pci_init();
	blk_init();
	/* The options come first: noacpi changes how the CPUs are found. */
	strlcpy(cmdline, bootinfo.cmdline, sizeof(cmdline));
	int argc = parse_cmdline(cmdline, argv, &opt);
	smp_boot(!opt.noacpi);

	cprintf("elk: x86-64 kernel, booted by %s; %lu MiB of RAM, %lu pages free; "
		"TSC %lu MHz; %d CPU%s\n", bootinfo.loader, usable_pages * PGSIZE >> 20,
		pages_free(), tsc_hz / 1000000, ncpu, ncpu == 1 ? "" : "s");
	/* A line cut short could pass wrong options or arguments: refuse it whole. */
	if (bootinfo.cmdline_len >= BOOT_CMDLINE)
		refuse_init(": the kernel command line is longer than %d bytes", BOOT_CMDLINE - 1);
	if (argc < 0)
		refuse_init(": more than %d words from init= on the kernel command line",
			    EXEC_MAXARG);
	if (opt.selftest) {
		int status = run_selftests() ? 0 : 1;
		cprintf("elk: selftest exited with status %d\n", status);
		machine_exit(status);
	}
	if (opt.blktest)
		blktest_run();
	if (opt.crashtest)
		crash_on_last_cpu();
	if (opt.locktest)
		break_lock_order();
	if (opt.locktest_sleep)
		sleep_under_spinlock();
	if (opt.locktest_wrongcpu && ncpu < 2)
		refuse_init(": locktest-wrongcpu needs 2 CPUs, and 1 runs");
	if (opt.locktest_wrongcpu)
		release_on_wrong_cpu();
	swap_init();
	if (!vfs_init() || !ramdisk_unpack())
		machine_exit(0x7f);
	if (argc == 0)
		refuse_init(": no init=NAME on the kernel command line");
	if (argv[0][0] == '\0')
		refuse_init(": init= is followed by an empty name");
	int err;
	if (!proc_start_init(argv[0], argv, &err))
		refuse_init(" %s: %s", argv[0], errno_text(err));
	if (opt.badreturn) {
		/*
		 * A stack selector with RPL 0 for ring 3: iretq refuses it with a #GP
		 * in ring 0, after the swapgs, as it refuses any frame a program could
		 * make the kernel return with. Only init must die of it.
		 */
		initproc->thread->tf->ss = GD_UD;
		cprintf("elk: badreturn: init's stack selector is 0x%x\n", GD_UD);
	}
	smp_release();
	scheduler();
}
