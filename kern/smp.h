/* Starting the application processors. */
#ifndef ELK_KERN_SMP_H
#define ELK_KERN_SMP_H

/* Where the AP start code is copied: a page below 1 MiB that the allocator never hands out. */
#define AP_TRAMPOLINE_PA 0x7000

#ifndef __ASSEMBLER__
#include <inc/types.h>

/*
 * Find the CPUs (in the ACPI MADT unless use_acpi is false or there is none,
 * else in the MP tables) and start every one but this, the boot CPU, which
 * must already be cpus[0], one at a time, up to MAXCPU in all. Each AP sets itself up (cpu_init,
 * IDT, its LAPIC timer) and waits for smp_release; then it enters its
 * scheduler, where it idles until there is a thread for it. ncpu counts the
 * CPUs running.
 */
void smp_boot(bool use_acpi);
/*
 * Let the APs schedule. The boot CPU calls it just before its own scheduler:
 * until then whatever kmain does (self-tests, preparing init's first frame)
 * runs with no other CPU taking threads.
 */
void smp_release(void);
#endif

#endif
