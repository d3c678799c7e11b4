/*
 * ACPI tables, read only as far as finding the processors: RSDP -> RSDT or XSDT
 * -> MADT ("APIC"), whose entries kern/fwparse.c walks. Layouts: ACPI
 * specification 6.5, sections 5.2.5 (RSDP), 5.2.7-8 (RSDT, XSDT). No length is
 * believed before it is checked to lie in the mapped area (fw_readable).
 */
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/fwparse.h>
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

/* Whether a valid RSDP is at physical address pa, which is fw_readable for one. */
static bool is_rsdp(uint64_t pa)
{
	const struct rsdp *r = kva(pa);
	return memcmp(r->signature, "RSD PTR ", 8) == 0 && fw_sums_to_zero(r, 20);
}

/* The RSDP in [pa, pa + len), on a 16-byte boundary as the BIOS must put it, or NULL. */
static const struct rsdp *scan_rsdp(physaddr_t pa, size_t len)
{
	physaddr_t found = fw_scan(pa, len, sizeof(struct rsdp), is_rsdp);
	return found ? kva(found) : NULL;
}

physaddr_t bios_ebda(void)
{
	return (physaddr_t)*(uint16_t *)kva(BDA_EBDA_SEG) << 4;
}

/* The loader's copy of the RSDP, else the BIOS's: first KiB of the EBDA, then 0xe0000-0xfffff. */
static const struct rsdp *find_rsdp(void)
{
	physaddr_t loaders = bootinfo.acpi_rsdp;
	if (loaders && fw_readable(loaders, sizeof(struct rsdp)) && is_rsdp(loaders))
		return kva(loaders);
	physaddr_t ebda = bios_ebda();
	const struct rsdp *r = ebda ? scan_rsdp(ebda, 1024) : NULL;
	return r ? r : scan_rsdp(0xe0000, 0x20000);
}

/*
 * The table at pa if its signature is sig, it lies whole in the mapped area
 * with a length that holds its header, and its checksum holds; else NULL. The
 * signature is looked at first, so that tables elk does not want are never
 * summed.
 */
static const struct sdt_header *sdt_at(physaddr_t pa, const char *sig)
{
	if (!pa || !fw_readable(pa, sizeof(struct sdt_header)))
		return NULL;
	const struct sdt_header *h = kva(pa);
	if (memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (h->length < sizeof(*h) || !fw_readable(pa, h->length)) {
		cprintf("elk: ACPI table %s at 0x%lx has a bad length (%u); ignoring it\n", sig,
			pa, h->length);
		return NULL;
	}
	return fw_sums_to_zero(h, h->length) ? h : NULL;
}

/* The table with signature sig that the RSDP's XSDT (or else its RSDT) lists, or NULL. */
static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = sdt_at(x ? r->xsdt : r->rsdt, x ? "XSDT" : "RSDT");
	size_t width = x ? 8 : 4;

	if (!root)
		return NULL;
	const uint8_t *ptrs = (const uint8_t *)(root + 1);
	size_t n = (root->length - sizeof(*root)) / width;
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, ptrs + i * width, width);	/* unaligned in the RSDT, little-endian */
		const struct sdt_header *t = sdt_at(pa, sig);
		if (t)
			return t;
	}
	return NULL;
}

bool acpi_cpus(struct fw_cpus *out)
{
	const struct rsdp *r = find_rsdp();
	const struct sdt_header *madt = r ? find_table(r, "APIC") : NULL;

	return madt && madt_parse(madt, madt->length, out);
}
