/* Boot: bring up the boot CPU, memory, interrupts and the console; start init. */
#include <inc/errno.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/boot.h>
#include <kern/console.h>
#include <kern/cpu.h>
#include <kern/lapic.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/ramdisk.h>
#include <kern/selftest.h>
#include <kern/time.h>
#include <kern/trap.h>

#define MAXINITARG 32

static const char *errno_text(int err)
{
	switch (err) {
	case -ENOENT: return "no such program in the initrd";
	case -ENOEXEC: return "not a valid executable";
	case -ENOMEM: return "out of memory";
	case -E2BIG: return "argument list too long";
	default: return "error";
	}
}

/*
 * Split the command line into words in place. Words before "init=NAME" are kernel
 * options; NAME and the words after it become init's argv. Returns argc (0 if no
 * init= was given) and sets *selftest if the option "selftest" was given.
 */
static int parse_cmdline(char *cmdline, char *argv[], bool *selftest)
{
	int argc = 0;
	bool in_init = false;

	for (char *w = next_word(&cmdline); w; w = next_word(&cmdline)) {
		if (!in_init && strncmp(w, "init=", 5) == 0) {
			in_init = true;
			w += 5;
		}
		if (in_init && argc < MAXINITARG)
			argv[argc++] = w;
		else if (!in_init && strcmp(w, "selftest") == 0)
			*selftest = true;
	}
	argv[argc] = NULL;
	return argc;
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	static char cmdline[BOOT_CMDLINE];
	char *argv[MAXINITARG + 1];
	bool selftest = false;

	cpus[0].id = 0;
	cpu_init(&cpus[0]);
	idt_init();
	console_init();
	boot_parse(magic, info_pa);
	pmap_init();
	tsc_calibrate();
	lapic_init();
	ioapic_init();
	clock_init();

	cprintf("elk: x86-64 kernel, booted by %s; %lu MiB of RAM, %lu pages free; "
		"TSC %lu MHz\n", bootinfo.loader, npages * PGSIZE >> 20, pages_free(),
		tsc_hz / 1000000);
	strlcpy(cmdline, bootinfo.cmdline, sizeof(cmdline));
	int argc = parse_cmdline(cmdline, argv, &selftest);
	if (selftest)
		machine_exit(run_selftests() ? 0 : 1);
	if (!ramdisk_init())
		machine_exit(0x7f);
	if (argc == 0) {
		cprintf("elk: no init=NAME on the kernel command line\n");
		machine_exit(0x7f);
	}
	int err;
	if (!proc_start_init(argv[0], argv, &err)) {
		cprintf("elk: cannot start init %s: %s\n", argv[0], errno_text(err));
		machine_exit(0x7f);
	}
	scheduler();
}
