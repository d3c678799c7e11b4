/*
 * The processor lists of firmware tables, parsed from bytes already read: the
 * ACPI MADT (kern/acpi.c finds it) and the MP configuration table
 * (kern/mptable.c finds it). Pure functions of the table's bytes, so that the
 * host tests can feed them broken tables (tests/host/test_fwparse.c). Nothing
 * from firmware is trusted: every length is checked before what it covers is read.
 */
#ifndef ELK_KERN_FWPARSE_H
#define ELK_KERN_FWPARSE_H

#include <inc/types.h>

/*
 * Firmware tables are read through the direct map, which always covers the
 * first 4 GiB (kern/pmap.c); a table must lie there whole, and no table elk
 * reads is longer than FW_TABLE_MAX (a MADT of 256 CPUs is about 2 KiB).
 */
#define FW_MAPPED_END (4ULL << 30)
#define FW_TABLE_MAX (1U << 20)

/* The processors a table lists. */
struct fw_cpus {
	uint32_t *ids;		/* set by the caller: room for max local APIC IDs */
	int max;
	int n;			/* enabled processors listed; ids holds the first max of them */
	uint32_t lapic_pa;	/* the local APICs' physical address */
	const char *problem;	/* why the walk ended before the table did, or NULL */
};

/* Whether the n bytes at p sum to 0 modulo 256, as ACPI and MP checksums demand. */
bool fw_sums_to_zero(const void *p, size_t n);

/*
 * Whether [pa, pa + len) lies in the first FW_MAPPED_END bytes and len is at
 * most FW_TABLE_MAX: what must hold before a table is read.
 */
bool fw_readable(uint64_t pa, uint64_t len);

/*
 * The first 16-byte boundary pa in [start, start + len) at which an object of
 * size bytes fits whole in the range and is fw_readable, and found(pa) says it
 * is the one sought (a signature and checksum), or 0: how the RSDP and the MP
 * floating pointer are searched for in the BIOS areas.
 */
uint64_t fw_scan(uint64_t start, size_t len, size_t size, bool (*found)(uint64_t pa));

/*
 * Fill out from the MADT of len bytes at madt (its checksum already checked):
 * its local APIC address and the enabled processors of its entries of type 0.
 * An entry shorter than 2 bytes or running past the end ends the walk, with
 * out->problem saying so. False if len cannot hold the MADT's fixed part.
 */
bool madt_parse(const void *madt, size_t len, struct fw_cpus *out);

/*
 * Likewise for the MP configuration table ("PCMP") in the len bytes at conf:
 * false unless its signature holds, its length fits in len and its checksum
 * holds. An entry of unknown type or running past the table's end, or a table
 * with fewer entries than its count, ends the walk, with out->problem saying so.
 */
bool mpconf_parse(const void *conf, size_t len, struct fw_cpus *out);

#endif
