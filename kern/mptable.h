/* MP tables: finding the processors where there is no ACPI MADT. */
#ifndef ELK_KERN_MPTABLE_H
#define ELK_KERN_MPTABLE_H

#include <kern/fwparse.h>

/*
 * Fill out (see fwparse.h) from the MP configuration table that the MP
 * floating pointer structure names, found in the first KiB of the EBDA, the
 * last KiB of base memory or the BIOS ROM (0xf0000-0xfffff). False if there is
 * no valid floating pointer or configuration table, or the firmware uses one
 * of the specification's default configurations, which have no table.
 */
bool mp_cpus(struct fw_cpus *out);

#endif
