/* Local APIC (timer, EOI, IPIs), I/O APIC routing, TSC calibration and power-off. */
#ifndef ELK_KERN_LAPIC_H
#define ELK_KERN_LAPIC_H

#include <inc/types.h>

/* Where every local APIC's registers are: the architectural default, which elk assumes. */
#define LAPIC_PA 0xfee00000UL

extern uint64_t tsc_hz;

/* Calibrate the TSC against the PIT; sets tsc_hz. */
void tsc_calibrate(void);
/* Enable this CPU's local APIC and start its timer at TICK_HZ. */
void lapic_init(void);
void lapic_eoi(void);
/* This CPU's local APIC ID. */
uint32_t lapic_id(void);
/* Send interrupt vector to the CPU with local APIC ID apic_id. */
void lapic_ipi(uint32_t apic_id, int vector);
/* Send an NMI to every CPU but this one. */
void lapic_nmi_others(void);
/* Start the application processor apic_id at real-mode address start_pa (page-aligned, < 1 MiB). */
void lapic_start_ap(uint32_t apic_id, physaddr_t start_pa);
/* Spin for us microseconds, by the TSC. */
void udelay(uint64_t us);
/* Mask the legacy 8259 PICs and route the COM1 IRQ through the I/O APIC to CPU 0. */
void ioapic_init(void);
/* Nanoseconds since boot, from the TSC. */
uint64_t uptime_ns(void);
/* Leave QEMU with isa-debug-exit (code), or power off; never returns. */
void machine_exit(int code) __attribute__((noreturn));

#endif
