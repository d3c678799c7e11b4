// host-test-sources: kern/initrd.c
/*
 * Host test of kern/initrd.c: an archive laid out as tools/mkinitrd.py lays it out
 * is built in memory; each test spoils one thing about it and checks that
 * initrd_check refuses it.
 */
#include <stdio.h>
#include <string.h>

#include <inc/errno.h>
#include <inc/initrd.h>
#include <kern/initrd.h>

#include "check.h"

/*
 * Three files: "hello" (100 bytes) at page 1, "sh" (5000 bytes) at page 2, and
 * "empty" (0 bytes) at the very end of the archive, where mkinitrd.py puts an
 * empty last file.
 */
#define ARCHIVE_SIZE (4 * INITRD_ALIGN)
#define HELLO_SIZE 100
#define SH_SIZE 5000

static _Alignas(INITRD_ALIGN) unsigned char archive[ARCHIVE_SIZE + 8];

static struct initrd_header *hdr(void)
{
	return (struct initrd_header *)archive;
}

static struct initrd_file *entry(int i)
{
	return (struct initrd_file *)(hdr() + 1) + i;
}

/* Fill entry i. */
static void set_entry(int i, const char *name, uint64_t offset, uint64_t size)
{
	memset(entry(i)->name, 0, INITRD_NAMELEN);
	strcpy(entry(i)->name, name);
	entry(i)->offset = offset;
	entry(i)->size = size;
}

/* Make archive a good archive again. */
static void make_valid(void)
{
	memset(archive, 0, sizeof(archive));
	memcpy(hdr()->magic, INITRD_MAGIC, sizeof(hdr()->magic));
	hdr()->nfiles = 3;
	set_entry(0, "hello", INITRD_ALIGN, HELLO_SIZE);
	set_entry(1, "sh", 2 * INITRD_ALIGN, SH_SIZE);
	set_entry(2, "empty", ARCHIVE_SIZE, 0);
	memset(archive + INITRD_ALIGN, 'h', HELLO_SIZE);
	memset(archive + 2 * INITRD_ALIGN, 's', SH_SIZE);
}

#define VALID(size) CHECK(initrd_check(archive, (size)) == 0)
#define INVALID(size) CHECK(initrd_check(archive, (size)) == -EINVAL)

static void test_valid(void)
{
	const struct initrd_file *f;
	const unsigned char *data;

	make_valid();
	VALID(ARCHIVE_SIZE);
	CHECK(initrd_count(archive) == 3);
	CHECK(initrd_file_at(archive, 0) == entry(0));
	CHECK(initrd_file_at(archive, 2) == entry(2));
	CHECK(initrd_file_at(archive, 3) == NULL);
	CHECK(initrd_file_at(archive, UINT32_MAX) == NULL);

	CHECK(initrd_lookup(archive, "hello") == entry(0));
	CHECK(initrd_lookup(archive, "/hello") == entry(0));
	CHECK(initrd_lookup(archive, "//sh") == entry(1));
	CHECK(initrd_lookup(archive, "empty") == entry(2));
	CHECK(initrd_lookup(archive, "hell") == NULL);
	CHECK(initrd_lookup(archive, "hello2") == NULL);
	CHECK(initrd_lookup(archive, "Hello") == NULL);
	CHECK(initrd_lookup(archive, "") == NULL);
	CHECK(initrd_lookup(archive, "/") == NULL);

	f = initrd_lookup(archive, "sh");
	data = initrd_data(archive, f);
	CHECK(data == archive + 2 * INITRD_ALIGN);
	CHECK(f->size == SH_SIZE && data[0] == 's' && data[SH_SIZE - 1] == 's');
	f = initrd_lookup(archive, "empty");
	CHECK(initrd_data(archive, f) == archive + ARCHIVE_SIZE && f->size == 0);

	/* The longest name there is room for. */
	make_valid();
	set_entry(1, "0123456789012345678901234567890123456789012345x", 2 * INITRD_ALIGN, 1);
	VALID(ARCHIVE_SIZE);
	CHECK(initrd_lookup(archive, "0123456789012345678901234567890123456789012345x") ==
	      entry(1));

	/* No files at all: just a header. */
	make_valid();
	hdr()->nfiles = 0;
	VALID(sizeof(struct initrd_header));
	CHECK(initrd_count(archive) == 0);
	CHECK(initrd_lookup(archive, "hello") == NULL);
	CHECK(initrd_file_at(archive, 0) == NULL);
}

static void test_malformed(void)
{
	make_valid();
	INVALID(sizeof(struct initrd_header) - 1);
	INVALID(0);

	make_valid();
	hdr()->magic[0] = 'X';
	INVALID(ARCHIVE_SIZE);
	make_valid();
	hdr()->magic[7] = '1';
	INVALID(ARCHIVE_SIZE);

	/* The entry table runs past the end. */
	make_valid();
	INVALID(sizeof(struct initrd_header) + 3 * sizeof(struct initrd_file) - 1);
	make_valid();
	hdr()->nfiles = 1;
	set_entry(0, "x", 0, 0);
	INVALID(sizeof(struct initrd_header) + sizeof(struct initrd_file) - 1);
	make_valid();
	hdr()->nfiles = UINT32_MAX;
	INVALID(ARCHIVE_SIZE);
	make_valid();
	hdr()->nfiles = ARCHIVE_SIZE / sizeof(struct initrd_file);
	INVALID(ARCHIVE_SIZE);

	/* A file runs past the end: by a byte, wholly, or by wrapping around. */
	make_valid();
	INVALID(ARCHIVE_SIZE - 1);
	make_valid();
	entry(1)->size = ARCHIVE_SIZE - 2 * INITRD_ALIGN + 1;
	INVALID(ARCHIVE_SIZE);
	make_valid();
	entry(0)->offset = 8 * INITRD_ALIGN;
	INVALID(ARCHIVE_SIZE);
	make_valid();
	entry(2)->offset = UINT64_MAX - INITRD_ALIGN + 1;
	entry(2)->size = INITRD_ALIGN;
	INVALID(ARCHIVE_SIZE);

	make_valid();
	entry(0)->offset = INITRD_ALIGN + 8;
	INVALID(ARCHIVE_SIZE);
	make_valid();
	entry(2)->offset = ARCHIVE_SIZE - 1;
	INVALID(ARCHIVE_SIZE);

	/* Names: no NUL in all 48 bytes, or nothing before the NUL. */
	make_valid();
	memset(entry(1)->name, 'a', INITRD_NAMELEN);
	INVALID(ARCHIVE_SIZE);
	make_valid();
	set_entry(2, "", ARCHIVE_SIZE, 0);
	INVALID(ARCHIVE_SIZE);

	/* An archive that is not 8-byte aligned in memory. */
	make_valid();
	memmove(archive + 4, archive, ARCHIVE_SIZE);
	CHECK(initrd_check(archive + 4, ARCHIVE_SIZE) == -EINVAL);
}

int main(void)
{
	test_valid();
	test_malformed();
	return check_summary("test_initrd");
}
