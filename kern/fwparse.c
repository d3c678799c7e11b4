/*
 * Parsing the processor lists of firmware tables (see fwparse.h). Layouts: ACPI
 * specification 6.5, section 5.2.12 (MADT); Intel MultiProcessor Specification
 * 1.4, sections 4.2-4.3 (MP configuration table).
 */
#include <inc/string.h>
#include <kern/fwparse.h>

#define MADT_LAPIC_ADDR 36	/* after the 36-byte SDT header */
#define MADT_ENTRIES 44		/* after the local APIC address and the flags */
#define MADT_LOCAL_APIC 0
#define MADT_LAPIC_ENABLED 0x1

#define MPCONF_LENGTH 4		/* 16-bit base table length */
#define MPCONF_COUNT 34		/* 16-bit entry count */
#define MPCONF_LAPIC_ADDR 36
#define MPCONF_ENTRIES 44
#define MP_PROCESSOR 0		/* 20 bytes; the other base entry types, 1 to 4, are 8 */
#define MP_LAST_TYPE 4
#define MP_CPU_ENABLED 0x1

bool fw_sums_to_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

uint64_t fw_scan(uint64_t start, size_t len, size_t size, bool (*found)(uint64_t pa))
{
	for (uint64_t pa = start; pa + size <= start + len; pa += 16)
		if (fw_readable(pa, size) && found(pa))
			return pa;
	return 0;
}

bool fw_readable(uint64_t pa, uint64_t len)
{
	return len <= FW_TABLE_MAX && pa < FW_MAPPED_END && len <= FW_MAPPED_END - pa;
}

/* Count an enabled processor with local APIC ID id, storing it if there is room. */
static void add_cpu(struct fw_cpus *out, uint32_t id)
{
	if (out->n < out->max)
		out->ids[out->n] = id;
	out->n++;
}

bool madt_parse(const void *madt, size_t len, struct fw_cpus *out)
{
	const uint8_t *t = madt;

	out->n = 0;
	out->problem = NULL;
	if (len < MADT_ENTRIES)
		return false;
	memcpy(&out->lapic_pa, t + MADT_LAPIC_ADDR, 4);
	for (size_t off = MADT_ENTRIES; off < len; off += t[off + 1]) {
		if (len - off < 2 || t[off + 1] < 2) {
			out->problem = "an MADT entry is shorter than its own header";
			break;
		}
		if (t[off + 1] > len - off) {
			out->problem = "an MADT entry runs past the table's end";
			break;
		}
		if (t[off] == MADT_LOCAL_APIC && t[off + 1] >= 8) {
			uint32_t flags;
			memcpy(&flags, t + off + 4, 4);
			if (flags & MADT_LAPIC_ENABLED)
				add_cpu(out, t[off + 3]);
		}
	}
	return true;
}

bool mpconf_parse(const void *conf, size_t len, struct fw_cpus *out)
{
	const uint8_t *t = conf;
	uint16_t length, count;

	out->n = 0;
	out->problem = NULL;
	if (len < MPCONF_ENTRIES || memcmp(t, "PCMP", 4) != 0)
		return false;
	memcpy(&length, t + MPCONF_LENGTH, 2);
	memcpy(&count, t + MPCONF_COUNT, 2);
	if (length < MPCONF_ENTRIES || length > len || !fw_sums_to_zero(t, length))
		return false;
	memcpy(&out->lapic_pa, t + MPCONF_LAPIC_ADDR, 4);
	size_t off = MPCONF_ENTRIES;
	for (int i = 0; i < count; i++) {
		if (off == length) {
			out->problem = "the MP table has fewer entries than it says";
			break;
		}
		if (t[off] > MP_LAST_TYPE) {
			out->problem = "an MP table entry is of unknown type";
			break;
		}
		size_t size = t[off] == MP_PROCESSOR ? 20 : 8;
		if (size > length - off) {
			out->problem = "an MP table entry runs past the table's end";
			break;
		}
		if (t[off] == MP_PROCESSOR && (t[off + 3] & MP_CPU_ENABLED))
			add_cpu(out, t[off + 1]);
		off += size;
	}
	return true;
}
