/*
 * Local APIC timer, EOI and IPIs, I/O APIC routing for COM1, TSC calibration against
 * the PIT, and leaving the machine. Register offsets: Intel SDM vol. 3, ch. 10;
 * I/O APIC: Intel 82093AA datasheet. The APICs sit at their default addresses,
 * reached through the direct map.
 */
#include <inc/memlayout.h>
#include <inc/mmu.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/lapic.h>
#include <kern/sched.h>

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0	/* spurious-interrupt vector; bit 8 enables the APIC */
#define LAPIC_ICR_LO  0x300	/* interrupt command: writing it sends the IPI */
#define LAPIC_ICR_HI  0x310	/* destination APIC ID in bits 24-31 */
#define LAPIC_LVT_TMR 0x320
#define LAPIC_TICR    0x380	/* timer initial count */
#define LAPIC_TCCR    0x390	/* timer current count */
#define LAPIC_TDCR    0x3e0	/* timer divide configuration */
#define LVT_PERIODIC  0x20000
#define TDCR_DIV16    0x3

#define ICR_FIXED     0x00000
#define ICR_NMI       0x00400
#define ICR_INIT      0x00500
#define ICR_STARTUP   0x00600
#define ICR_PENDING   0x01000	/* delivery status: not yet accepted */
#define ICR_ASSERT    0x04000
#define ICR_LEVEL     0x08000
#define ICR_OTHERS    0xc0000	/* destination shorthand: all but self */

#define IOAPIC_PA     0xfec00000UL
#define IOAPIC_REDTBL 0x10

#define PIT_HZ        1193182
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61

#define CALIBRATION_WINDOWS 5	/* 10 ms PIT windows tsc_calibrate times */

uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint32_t lapic_ticks_per_tick;

static volatile uint32_t *lapic_reg(uint32_t off)
{
	return (volatile uint32_t *)(DMAPBASE + LAPIC_PA + off);
}

static void lapic_write(uint32_t off, uint32_t v)
{
	*lapic_reg(off) = v;
	(void)*lapic_reg(LAPIC_ID);	/* wait for the write to land */
}

/*
 * Run PIT channel 2 for 10 ms (one-shot, gate on, speaker off) and return the
 * TSC cycles it took; the LAPIC timer's count over the same time goes to *lapic.
 */
static uint64_t pit_10ms(uint32_t *lapic_count)
{
	uint16_t count = PIT_HZ / 100;

	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);	/* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	uint32_t l0 = *lapic_reg(LAPIC_TCCR);
	uint64_t t0 = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20))
		;
	uint64_t t1 = rdtsc();
	*lapic_count = l0 - *lapic_reg(LAPIC_TCCR);
	return t1 - t0;
}

void tsc_calibrate(void)
{
	uint32_t lapic_count;

	/* Let the LAPIC timer count down freely from its maximum meanwhile. */
	lapic_write(LAPIC_TDCR, TDCR_DIV16);
	lapic_write(LAPIC_LVT_TMR, 0x10000 | (T_IRQ0 + IRQ_TIMER));	/* masked */
	lapic_write(LAPIC_TICR, 0xffffffff);
	/*
	 * The shortest of a few windows: a host that deschedules the emulator
	 * during one stretches it in every clock at once (the PIT's end is seen
	 * late), so a stall only ever makes a window longer.
	 */
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < CALIBRATION_WINDOWS; i++) {
		uint64_t cycles = pit_10ms(&lapic_count);
		if (cycles < best) {
			best = cycles;
			lapic_ticks_per_tick = lapic_count * 100 / TICK_HZ;
		}
	}
	tsc_hz = best * 100;
	tsc_at_boot = rdtsc();
}

void lapic_init(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1 << 11));
	lapic_write(LAPIC_SVR, 0x100 | T_SPURIOUS);
	lapic_write(LAPIC_TDCR, TDCR_DIV16);
	lapic_write(LAPIC_LVT_TMR, LVT_PERIODIC | (T_IRQ0 + IRQ_TIMER));
	lapic_write(LAPIC_TICR, lapic_ticks_per_tick ? lapic_ticks_per_tick : 100000);
	lapic_eoi();
}

void lapic_eoi(void)
{
	*lapic_reg(LAPIC_EOI) = 0;
}

uint32_t lapic_id(void)
{
	return *lapic_reg(LAPIC_ID) >> 24;
}

void udelay(uint64_t us)
{
	uint64_t start = rdtsc(), cycles = tsc_hz / 1000000 * us;

	while (rdtsc() - start < cycles)
		cpu_relax();
}

/*
 * Send the interrupt command lo to the CPU with APIC ID dest and wait until its
 * APIC has accepted it. Interrupts off: the two writes must not be split.
 */
static void send_icr(uint32_t dest, uint32_t lo)
{
	uint64_t rflags = read_rflags();

	cli();
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	while (*lapic_reg(LAPIC_ICR_LO) & ICR_PENDING)
		cpu_relax();
	if (rflags & FL_IF)
		sti();
}

void lapic_ipi(uint32_t apic_id, int vector)
{
	send_icr(apic_id, ICR_FIXED | ICR_ASSERT | (uint32_t)vector);
}

void lapic_nmi_others(void)
{
	send_icr(0, ICR_NMI | ICR_ASSERT | ICR_OTHERS);
}

/*
 * INIT, then two STARTUPs 200 us apart, as Intel's MP specification (appendix
 * B.4) has it: the AP starts in real mode at CS:IP = (start_pa >> 4):0.
 */
void lapic_start_ap(uint32_t apic_id, physaddr_t start_pa)
{
	send_icr(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	udelay(200);
	send_icr(apic_id, ICR_INIT | ICR_LEVEL);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		send_icr(apic_id, ICR_STARTUP | (uint32_t)(start_pa >> 12));
		udelay(200);
	}
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	volatile uint32_t *base = (volatile uint32_t *)(DMAPBASE + IOAPIC_PA);
	base[0] = reg;	/* IOREGSEL */
	base[4] = v;	/* IOWIN, at offset 0x10 */
}

void ioapic_init(void)
{
	/* Move the 8259s' vectors off the exceptions, then mask them entirely. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, T_IRQ0); outb(0xa1, T_IRQ0 + 8);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);

	/* COM1 (ISA IRQ 4, identity-mapped to GSI 4 on QEMU's PC): edge, high, CPU 0. */
	ioapic_write(IOAPIC_REDTBL + 2 * IRQ_COM1, T_IRQ0 + IRQ_COM1);
	ioapic_write(IOAPIC_REDTBL + 2 * IRQ_COM1 + 1, 0);
}

uint64_t uptime_ns(void)
{
	uint64_t cycles = rdtsc() - tsc_at_boot;
	return cycles / tsc_hz * 1000000000 + cycles % tsc_hz * 1000000000 / tsc_hz;
}

void machine_exit(int code)
{
	outl(0xf4, (uint32_t)code);	/* QEMU isa-debug-exit: exits with (code << 1) | 1 */
	outw(0x604, 0x2000);		/* QEMU's ACPI power-off, when there is no debug port */
	for (;;)
		asm volatile("cli; hlt");
}
