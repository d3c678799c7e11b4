/* What the boot loader told us, copied out of its structures before memory is reused. */
#ifndef ELK_KERN_BOOT_H
#define ELK_KERN_BOOT_H

#include <inc/types.h>

#define BOOT_MAXMEM 32
#define BOOT_CMDLINE 512

struct boot_memregion {
	physaddr_t start, end;	/* usable RAM [start, end) */
};

struct bootinfo {
	const char *loader;	/* "Multiboot1" or "Multiboot2" */
	char cmdline[BOOT_CMDLINE];
	size_t cmdline_len;	/* of the loader's line: cut short if >= BOOT_CMDLINE */
	struct boot_memregion mem[BOOT_MAXMEM];
	int nmem;
	physaddr_t initrd_start, initrd_end;	/* [start, end), or both 0 */
	physaddr_t info_start, info_end;	/* the loader's own info structure */
	physaddr_t acpi_rsdp;	/* the loader's copy of the ACPI RSDP (Multiboot2), or 0 */
};

extern struct bootinfo bootinfo;

/*
 * Parse the Multiboot1 or Multiboot2 information at physical address info_pa,
 * according to magic (the loader's EAX), into bootinfo. Panics on an unknown magic.
 * Needs the boot page tables' identity/direct map of low memory.
 */
void boot_parse(uint32_t magic, physaddr_t info_pa);

#endif
