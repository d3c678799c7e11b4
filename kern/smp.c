/* Finding and starting the application processors (see smp.h, docs/boot.md). */
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/x86.h>
#include <kern/acpi.h>
#include <kern/cpu.h>
#include <kern/lapic.h>
#include <kern/mptable.h>
#include <kern/pmap.h>
#include <kern/sched.h>
#include <kern/smp.h>
#include <kern/tlb.h>
#include <kern/trap.h>

#define AP_START_TIMEOUT_US 2000000	/* generous: under emulation a vCPU may start late */

extern char ap_trampoline[], ap_trampoline_end[];	/* kern/apboot.S */

/* What ap_high (kern/apboot.S) reads: the starting CPU's struct cpu and stack top. */
struct cpu *ap_boot_cpu;
uint64_t ap_boot_stack;
/* Set by smp_release: until then the APs wait, so that boot code runs alone. */
static bool released;

void ap_main(struct cpu *c) __attribute__((noreturn));

/*
 * First C code of an AP, on the stack smp_boot gave it, interrupts off. An AP
 * that starts only after smp_boot gave up on it finds another CPU's struct
 * cpu here (the next AP's): it halts for good rather than run as that CPU.
 */
void ap_main(struct cpu *c)
{
	if (lapic_id() != c->apic_id)
		for (;;)
			asm volatile("cli; hlt");
	cpu_init(c);
	idt_init();
	lapic_init();
	__atomic_store_n(&c->started, true, __ATOMIC_RELEASE);
	/* Wait as an idle CPU does: halted, and only marked by kernel shootdowns. */
	tlb_idle_enter();
	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
		asm volatile("sti; hlt; cli" ::: "memory");
	tlb_idle_exit();
	scheduler();
}

void smp_release(void)
{
	__atomic_store_n(&released, true, __ATOMIC_RELEASE);
}

/*
 * Start the AP with APIC ID apic_id as cpus[ncpu], and wait for it to say it
 * runs. Whether it did; an AP that does not start within the timeout keeps its
 * stack (it might still start and use it) and is not counted.
 */
static bool start_ap(uint32_t apic_id)
{
	struct cpu *c = &cpus[ncpu];
	void *stack;

	if (kstack_alloc(&stack) < 0)
		panic("smp_boot: no memory for CPU %d's stack", ncpu);
	c->id = ncpu;
	c->apic_id = apic_id;
	ap_boot_cpu = c;
	ap_boot_stack = (uint64_t)stack + KSTACKSIZE;
	lapic_start_ap(apic_id, AP_TRAMPOLINE_PA);
	uint64_t deadline = uptime_ns() + AP_START_TIMEOUT_US * 1000ULL;
	while (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE) && uptime_ns() < deadline)
		cpu_relax();
	if (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE)) {
		cprintf("elk: the CPU with APIC ID %u did not start; going on without it\n", apic_id);
		return false;
	}
	return true;
}

/*
 * Fill cpus from the MADT unless use_acpi is false or there is none, else from
 * the MP tables, and say which. Whether either listed the CPUs.
 */
static bool find_cpus(struct fw_cpus *cpus, bool use_acpi)
{
	const char *source = "the ACPI MADT";

	if (!use_acpi || !acpi_cpus(cpus)) {
		source = "the MP tables";
		if (!mp_cpus(cpus))
			return false;
	}
	cprintf("elk: CPUs from %s: %d listed\n", source, cpus->n);
	if (cpus->problem)
		cprintf("elk: %s; the entries after it are ignored\n", cpus->problem);
	return cpus->n > 0;
}

void smp_boot(bool use_acpi)
{
	uint32_t ids[MAXCPU];
	struct fw_cpus fw = { .ids = ids, .max = MAXCPU };

	cpus[0].apic_id = lapic_id();
	cpus[0].started = true;
	if (!find_cpus(&fw, use_acpi)) {
		cprintf("elk: no CPUs listed by ACPI or MP tables; running on the boot CPU alone\n");
		return;
	}
	if (fw.lapic_pa != LAPIC_PA) {
		cprintf("elk: the local APICs are at 0x%x, not 0x%lx; running on the boot CPU "
			"alone\n", fw.lapic_pa, LAPIC_PA);
		return;
	}
	if (fw.n > MAXCPU)
		cprintf("elk: %d CPUs listed, and elk runs at most %d; the others are ignored\n",
			fw.n, MAXCPU);
	memcpy(kva(AP_TRAMPOLINE_PA), ap_trampoline, ap_trampoline_end - ap_trampoline);
	for (int i = 0; i < MIN(fw.n, MAXCPU) && ncpu < MAXCPU; i++)
		if (ids[i] != cpus[0].apic_id && start_ap(ids[i]))
			__atomic_store_n(&ncpu, ncpu + 1, __ATOMIC_RELEASE);
}
