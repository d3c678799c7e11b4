/*
 * The MP floating pointer structure and the configuration table it points to,
 * read only as far as finding the processors (Intel MultiProcessor
 * Specification 1.4, chapter 4). Older firmware has these and no ACPI;
 * SeaBIOS, QEMU's, has both.
 */
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/acpi.h>
#include <kern/mptable.h>
#include <kern/pmap.h>

struct mpfloat {
	char signature[4];	/* "_MP_" */
	uint32_t config;	/* the configuration table's physical address, or 0 */
	uint8_t length;		/* in 16-byte units: 1 */
	uint8_t revision;
	uint8_t checksum;	/* of all length * 16 bytes */
	uint8_t feature[5];	/* feature[0] nonzero: a default configuration, no table */
} __attribute__((packed));

#define BDA_BASE_KIB 0x413	/* BIOS data area: KiB of base memory */
#define MPCONF_LENGTH 4		/* the configuration table's 16-bit base length */

/* Whether a valid floating pointer is at physical address pa, which is fw_readable for one. */
static bool is_mpfloat(uint64_t pa)
{
	const struct mpfloat *f = kva(pa);
	return memcmp(f->signature, "_MP_", 4) == 0 && f->length == 1 &&
	       fw_sums_to_zero(f, sizeof(*f));
}

/* The floating pointer in [pa, pa + len), on a 16-byte boundary as it must be, or NULL. */
static const struct mpfloat *scan_mpfloat(physaddr_t pa, size_t len)
{
	physaddr_t found = fw_scan(pa, len, sizeof(struct mpfloat), is_mpfloat);
	return found ? kva(found) : NULL;
}

/*
 * The floating pointer, searched where the specification puts it: the first
 * KiB of the EBDA, else the last KiB of base memory, else the BIOS ROM.
 */
static const struct mpfloat *find_mpfloat(void)
{
	physaddr_t ebda = bios_ebda();
	physaddr_t base_end = (physaddr_t)*(uint16_t *)kva(BDA_BASE_KIB) * 1024;
	const struct mpfloat *f = ebda ? scan_mpfloat(ebda, 1024) : NULL;

	if (!f && base_end >= 1024 && base_end <= 0xa0000)
		f = scan_mpfloat(base_end - 1024, 1024);
	return f ? f : scan_mpfloat(0xf0000, 0x10000);
}

bool mp_cpus(struct fw_cpus *out)
{
	const struct mpfloat *f = find_mpfloat();
	uint16_t length;

	if (!f)
		return false;
	if (f->feature[0] != 0 || f->config == 0) {
		cprintf("elk: the MP tables give default configuration %u, which elk does not "
			"support\n", f->feature[0]);
		return false;
	}
	if (!fw_readable(f->config, MPCONF_LENGTH + 2))
		return false;
	memcpy(&length, (const uint8_t *)kva(f->config) + MPCONF_LENGTH, 2);
	return fw_readable(f->config, length) && mpconf_parse(kva(f->config), length, out);
}
