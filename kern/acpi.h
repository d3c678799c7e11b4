/* ACPI: finding the processors through the MADT. */
#ifndef ELK_KERN_ACPI_H
#define ELK_KERN_ACPI_H

#include <kern/fwparse.h>

/*
 * Fill out (see fwparse.h) from the MADT, found through the RSDP (from the
 * loader, else the BIOS areas) and its XSDT or RSDT. False if there is no
 * RSDP, no valid root table or no valid MADT. Reads the tables through the
 * direct map, each only once its length is known to lie in the mapped area.
 */
bool acpi_cpus(struct fw_cpus *out);

#define BDA_EBDA_SEG 0x40e	/* BIOS data area: the EBDA's real-mode segment */
/* The physical address of the extended BIOS data area, or 0 if the BIOS has none. */
physaddr_t bios_ebda(void);

#endif
