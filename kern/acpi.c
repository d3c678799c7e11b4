/*
 * ACPI tables, read only as far as finding the processors: RSDP -> RSDT or XSDT
 * -> MADT ("APIC"), whose entries of type 0 are the local APICs. Layouts: ACPI
 * specification 6.5, sections 5.2.5 (RSDP), 5.2.7-8 (RSDT, XSDT), 5.2.12 (MADT).
 */
#include <inc/string.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/pmap.h>

struct rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;	/* of the first 20 bytes */
	char oem[6];
	uint8_t revision;	/* 0: ACPI 1.0 (RSDT only); 2 and up: XSDT too */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;	/* of all length bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;	/* of the whole table, header included */
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

#define MADT_LOCAL_APIC 0
#define MADT_LAPIC_ENABLED 0x1

/* Whether the n bytes at p sum to 0 modulo 256, as every ACPI checksum demands. */
static bool sums_to_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

/* The valid RSDP at physical address pa, or NULL. */
static const struct rsdp *rsdp_at(physaddr_t pa)
{
	const struct rsdp *r = kva(pa);

	if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !sums_to_zero(r, 20))
		return NULL;
	return r;
}

/* The RSDP in [pa, pa + len), on a 16-byte boundary as the BIOS must put it, or NULL. */
static const struct rsdp *scan_rsdp(physaddr_t pa, size_t len)
{
	for (physaddr_t p = pa; p + sizeof(struct rsdp) <= pa + len; p += 16) {
		const struct rsdp *r = rsdp_at(p);
		if (r)
			return r;
	}
	return NULL;
}

/* The loader's copy of the RSDP, else the BIOS's: first KiB of the EBDA, then 0xe0000-0xfffff. */
static const struct rsdp *find_rsdp(void)
{
	if (bootinfo.acpi_rsdp && rsdp_at(bootinfo.acpi_rsdp))
		return rsdp_at(bootinfo.acpi_rsdp);
	physaddr_t ebda = (physaddr_t)*(uint16_t *)kva(0x40e) << 4;
	const struct rsdp *r = ebda ? scan_rsdp(ebda, 1024) : NULL;
	return r ? r : scan_rsdp(0xe0000, 0x20000);
}

/* The table at pa if its checksum holds, else NULL. */
static const struct sdt_header *sdt_at(physaddr_t pa)
{
	const struct sdt_header *h = pa ? kva(pa) : NULL;

	return h && h->length >= sizeof(*h) && sums_to_zero(h, h->length) ? h : NULL;
}

/* The table with signature sig that the RSDP's XSDT (or else its RSDT) lists, or NULL. */
static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = sdt_at(x ? r->xsdt : r->rsdt);
	size_t width = x ? 8 : 4;

	if (!root)
		return NULL;
	const uint8_t *ptrs = (const uint8_t *)(root + 1);
	size_t n = (root->length - sizeof(*root)) / width;
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, ptrs + i * width, width);	/* unaligned in the RSDT, little-endian */
		const struct sdt_header *t = sdt_at(pa);
		if (t && memcmp(t->signature, sig, 4) == 0)
			return t;
	}
	return NULL;
}

int acpi_cpu_apic_ids(uint32_t ids[], int max)
{
	const struct rsdp *r = find_rsdp();
	const struct sdt_header *madt = r ? find_table(r, "APIC") : NULL;
	int n = 0;

	if (!madt)
		return 0;
	/* After the header: the local APIC address and flags, then entries. */
	const uint8_t *e = (const uint8_t *)(madt + 1) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
		if (e[0] == MADT_LOCAL_APIC && e[1] >= 8) {
			uint32_t flags;
			memcpy(&flags, e + 4, 4);
			if ((flags & MADT_LAPIC_ENABLED) && n < max)
				ids[n++] = e[3];
		}
		e += e[1];
	}
	return n;
}
