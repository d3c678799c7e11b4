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

#endif
