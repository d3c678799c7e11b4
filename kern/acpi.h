/* ACPI: finding the processors through the MADT. */
#ifndef ELK_KERN_ACPI_H
#define ELK_KERN_ACPI_H

#include <inc/types.h>

/*
 * Store the local APIC IDs of the enabled processors the MADT lists (the boot
 * CPU among them) in ids, at most max of them, and return how many there are.
 * 0 if there is no RSDP (from the loader, else the BIOS areas), no valid RSDT or
 * XSDT, or no MADT. Reads the tables through the direct map.
 */
int acpi_cpu_apic_ids(uint32_t ids[], int max);

#endif
