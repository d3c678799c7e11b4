// host-test-sources: kern/fwparse.c
/*
 * Host test of kern/fwparse.c: MADTs and MP configuration tables built in
 * memory, first well formed, then broken the ways firmware breaks them
 * (entries of length 0 or running past the end, lengths larger than the bytes
 * given, bad checksums, more CPUs than there is room for). Every walk must end
 * inside the given bytes, which AddressSanitizer checks, since each table is
 * copied to a heap block of exactly its length.
 */
#include <stdlib.h>
#include <string.h>
#include <inc/types.h>
#include <kern/fwparse.h>

#include "check.h"

#define MAXIDS 4

static uint8_t table[4096];
static size_t tlen;

/* Start a table: sig, then zeros up to the fixed part's end, the local APIC address at 36. */
static void begin(const char *sig, size_t fixed, uint32_t lapic)
{
	memset(table, 0, sizeof(table));
	memcpy(table, sig, 4);
	memcpy(table + 36, &lapic, 4);
	tlen = fixed;
}

static void put(const uint8_t *bytes, size_t n)
{
	memcpy(table + tlen, bytes, n);
	tlen += n;
}

/* A MADT local APIC entry (type 0, length 8) for APIC ID id. */
static void madt_cpu(uint8_t id, bool enabled)
{
	uint8_t e[8] = { 0, 8, id, id, enabled, 0, 0, 0 };
	put(e, sizeof(e));
}

/* An MP processor entry (type 0, 20 bytes) for APIC ID id. */
static void mp_cpu(uint8_t id, bool enabled)
{
	uint8_t e[20] = { 0, id, 0x14, enabled ? 1 : 0 };
	put(e, sizeof(e));
}

/* Finish an MP table: its length, count and checksum, as a valid one has. */
static void mp_finish(uint16_t count)
{
	uint16_t len = (uint16_t)tlen;
	uint8_t sum = 0;

	memcpy(table + 4, &len, 2);
	memcpy(table + 34, &count, 2);
	table[7] = 0;
	for (size_t i = 0; i < tlen; i++)
		sum += table[i];
	table[7] = (uint8_t)-sum;
}

/* Parse the first n bytes of table from a heap block of exactly n bytes. */
static bool parse(bool (*fn)(const void *, size_t, struct fw_cpus *), size_t n,
		  struct fw_cpus *out, uint32_t *ids)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, table, n);
	out->ids = ids;
	out->max = MAXIDS;
	bool ok = fn(copy, n, out);
	free(copy);
	return ok;
}

static void madt_cases(void)
{
	struct fw_cpus out;
	uint32_t ids[MAXIDS];

	begin("APIC", 44, 0xfee00000);
	madt_cpu(0, true);
	uint8_t ioapic[12] = { 1, 12 };
	put(ioapic, sizeof(ioapic));
	madt_cpu(1, false);
	madt_cpu(2, true);
	CHECK(parse(madt_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 2);
	CHECK_EQ(ids[0], 0);
	CHECK_EQ(ids[1], 2);
	CHECK_EQ(out.lapic_pa, 0xfee00000);
	CHECK(out.problem == NULL);

	/* An entry of length 0 would loop for ever: it ends the walk, reported. */
	size_t good = tlen;
	uint8_t zero[2] = { 0, 0 };
	put(zero, 2);
	madt_cpu(3, true);
	CHECK(parse(madt_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 2);
	CHECK(out.problem && strstr(out.problem, "shorter"));

	/* An entry that says it is longer than what is left. */
	tlen = good;
	uint8_t longer[8] = { 0, 200, 5, 5, 1 };
	put(longer, sizeof(longer));
	CHECK(parse(madt_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 2);
	CHECK(out.problem && strstr(out.problem, "past"));

	/* One byte left after the last entry: not even a header. */
	tlen = good + 1;
	CHECK(parse(madt_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 2);
	CHECK(out.problem != NULL);

	/* Too short for the fixed part. */
	CHECK(!parse(madt_parse, 43, &out, ids));

	/* More CPUs than room: all counted, the first MAXIDS stored. */
	begin("APIC", 44, 0xfee00000);
	for (int i = 0; i < 7; i++)
		madt_cpu((uint8_t)(10 + i), true);
	CHECK(parse(madt_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 7);
	for (int i = 0; i < MAXIDS; i++)
		CHECK_EQ(ids[i], 10 + i);
}

static void mp_cases(void)
{
	struct fw_cpus out;
	uint32_t ids[MAXIDS];

	begin("PCMP", 44, 0xfee00000);
	mp_cpu(0, true);
	uint8_t bus[8] = { 1, 0, 'I', 'S', 'A' };
	put(bus, sizeof(bus));
	mp_cpu(1, true);
	mp_cpu(2, false);
	mp_finish(4);
	CHECK(parse(mpconf_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 2);
	CHECK_EQ(ids[0], 0);
	CHECK_EQ(ids[1], 1);
	CHECK_EQ(out.lapic_pa, 0xfee00000);
	CHECK(out.problem == NULL);

	/* The table's length more than the bytes there are, or a bad checksum: refused. */
	CHECK(!parse(mpconf_parse, tlen - 1, &out, ids));
	table[50] ^= 1;
	CHECK(!parse(mpconf_parse, tlen, &out, ids));
	table[50] ^= 1;
	CHECK(!parse(mpconf_parse, 20, &out, ids));
	memcpy(table, "PCMQ", 4);
	CHECK(!parse(mpconf_parse, tlen, &out, ids));

	/* A count larger than the entries there are. */
	begin("PCMP", 44, 0xfee00000);
	mp_cpu(0, true);
	mp_finish(9);
	CHECK(parse(mpconf_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 1);
	CHECK(out.problem && strstr(out.problem, "fewer"));

	/* An entry of unknown type: its size is unknown, so the walk ends. */
	begin("PCMP", 44, 0xfee00000);
	mp_cpu(0, true);
	uint8_t odd[8] = { 9 };
	put(odd, sizeof(odd));
	mp_cpu(1, true);
	mp_finish(3);
	CHECK(parse(mpconf_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 1);
	CHECK(out.problem && strstr(out.problem, "unknown"));

	/* A processor entry cut off by the table's end. */
	begin("PCMP", 44, 0xfee00000);
	mp_cpu(0, true);
	uint8_t half[10] = { 0, 7, 0x14, 1 };
	put(half, sizeof(half));
	mp_finish(2);
	CHECK(parse(mpconf_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 1);
	CHECK(out.problem && strstr(out.problem, "past"));

	/* More CPUs than room. */
	begin("PCMP", 44, 0xfee00000);
	for (int i = 0; i < 6; i++)
		mp_cpu((uint8_t)(20 + i), true);
	mp_finish(6);
	CHECK(parse(mpconf_parse, tlen, &out, ids));
	CHECK_EQ(out.n, 6);
	CHECK_EQ(ids[MAXIDS - 1], 20 + MAXIDS - 1);
}

static void readable_cases(void)
{
	CHECK(fw_readable(0xe0000, 36));
	CHECK(fw_readable(FW_MAPPED_END - 36, 36));
	CHECK(!fw_readable(FW_MAPPED_END - 35, 36));
	CHECK(!fw_readable(FW_MAPPED_END, 0));
	CHECK(!fw_readable(0x1000, FW_TABLE_MAX + 1));
	CHECK(!fw_readable(~0ULL - 10, 36));	/* no wrap-around */
	CHECK(fw_sums_to_zero("\x01\xff", 2));
	CHECK(!fw_sums_to_zero("\x01\xfe", 2));
}

/* fw_scan's callback: the object sought is at 0xe0030 (and at 0xe0048, off the 16-byte grid). */
static int looked_at;
static bool at_e0030(uint64_t pa)
{
	looked_at++;
	return pa == 0xe0030 || pa == 0xe0048;
}

static void scan_cases(void)
{
	CHECK_EQ(fw_scan(0xe0000, 0x100, 36, at_e0030), 0xe0030);
	CHECK_EQ(looked_at, 4);			/* 0xe0000, 0xe0010, 0xe0020, 0xe0030 */
	CHECK_EQ(fw_scan(0xe0000, 0x30 + 35, 36, at_e0030), 0);	/* would not fit whole */
	CHECK_EQ(fw_scan(0xe0040, 0x100, 36, at_e0030), 0);	/* 0xe0048 is never a boundary */
	looked_at = 0;
	CHECK_EQ(fw_scan(FW_MAPPED_END - 32, 64, 36, at_e0030), 0);
	CHECK_EQ(looked_at, 0);			/* nothing past the mapped area is looked at */
}

int main(void)
{
	madt_cases();
	mp_cases();
	readable_cases();
	scan_cases();
	return check_summary("test_fwparse");
}
