// host-test-sources: kern/elf.c
/*
 * Host test of kern/elf.c: a small valid executable is built in memory, then each
 * test spoils one thing about it and checks that elf_parse refuses it with the
 * matching message.
 */
#include <stdio.h>
#include <string.h>

#include <inc/elf.h>
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/mman.h>
#include <kern/elf.h>

#include "check.h"

/*
 * The file: header, four program headers (text, data with bss, a note and a
 * GNU_STACK that the checker must skip), then two pages of contents.
 */
#define FILE_SIZE 0x3000
#define TEXT 0x400000UL
#define DATA 0x401000UL
#define ENTRY (TEXT + 0x100)

static _Alignas(8) unsigned char file[FILE_SIZE + 1];

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)file;
}

static Elf64_Phdr *ph(int i)
{
	return (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr)) + i;
}

/* Fill program header i. */
static void set_ph(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
		   uint64_t filesz, uint64_t memsz)
{
	*ph(i) = (Elf64_Phdr){ .p_type = type, .p_flags = flags, .p_offset = off,
			       .p_vaddr = vaddr, .p_paddr = vaddr, .p_filesz = filesz,
			       .p_memsz = memsz, .p_align = 0x1000 };
}

/* Make file a good executable again. */
static void make_valid(void)
{
	memset(file, 0, sizeof(file));
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = ENTRY;
	eh()->e_phoff = sizeof(Elf64_Ehdr);
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = 4;
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, TEXT, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, DATA, 0x800, 0x3000);
	set_ph(2, PT_NOTE, PF_R, 0x200, TEXT + 0x200, 0x20, 0x20);
	set_ph(3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
}

/* Check that the first size bytes of file (at offset skew) parse, and return img. */
static bool parses(size_t size, size_t skew, struct elf_image *img, int line)
{
	const char *why = NULL;
	char msg[200];
	int r = elf_parse(file + skew, size, size, UMIN, USER_END, img, &why);

	snprintf(msg, sizeof(msg), "elf_parse gave %d (%s), want 0", r, why ? why : "");
	return check(r == 0, __FILE__, line, msg);
}

/*
 * Check that the first size bytes of file, of which the first headlen are
 * given, are refused with message want.
 */
static void refused_head(size_t headlen, size_t size, const char *want, int line)
{
	struct elf_image img;
	const char *why = NULL;
	char msg[200];
	int r = elf_parse(file, headlen, size, UMIN, USER_END, &img, &why);

	snprintf(msg, sizeof(msg), "elf_parse gave %d \"%s\", want -ENOEXEC \"%s\"", r,
		 why ? why : "(null)", want);
	check(r == -ENOEXEC && why && strcmp(why, want) == 0, __FILE__, line, msg);
}

#define PARSES(img) parses(FILE_SIZE, 0, (img), __LINE__)
#define refused(size, want, line) refused_head((size), (size), (want), (line))
#define REFUSED(want) refused(FILE_SIZE, (want), __LINE__)

static void test_valid(void)
{
	struct elf_image img;

	make_valid();
	if (PARSES(&img)) {
		CHECK(img.entry == ENTRY);
		CHECK(img.nsegs == 2);
		CHECK(img.segs[0].vaddr == TEXT && img.segs[0].memsz == 0x1000 &&
		      img.segs[0].filesz == 0x1000 && img.segs[0].offset == 0 &&
		      img.segs[0].prot == (PROT_READ | PROT_EXEC));
		CHECK(img.segs[1].vaddr == DATA && img.segs[1].memsz == 0x3000 &&
		      img.segs[1].filesz == 0x800 && img.segs[1].offset == 0x1000 &&
		      img.segs[1].prot == (PROT_READ | PROT_WRITE));
	}

	/* At an odd address: headers must be read without assuming alignment. */
	make_valid();
	memmove(file + 1, file, FILE_SIZE);
	CHECK(parses(FILE_SIZE, 1, &img, __LINE__) && img.nsegs == 2);

	/* Segments ending exactly at the file's end and at user space's edges. */
	make_valid();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, DATA, 0x2000, 0x2000);
	CHECK(PARSES(&img) && img.segs[1].filesz == 0x2000);
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, UMIN, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, USER_END - 0x1000, 0x800, 0x1000);
	eh()->e_entry = UMIN;
	CHECK(PARSES(&img));

	/* Unaligned segments in distinct pages; entry at the last executable byte. */
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0x10, TEXT + 0x10, 0xff0, 0xff0);
	set_ph(1, PT_LOAD, PF_R, 0x1234, DATA + 0x234, 0x10, 0x10);
	eh()->e_entry = TEXT + 0xfff;
	CHECK(PARSES(&img) && img.segs[1].prot == PROT_READ);

	/* A PT_LOAD with nothing in it is skipped, even one on another's page. */
	make_valid();
	set_ph(2, PT_LOAD, PF_R, 0, TEXT, 0, 0);
	CHECK(PARSES(&img) && img.nsegs == 2);

	/* Sixteen segments is the most there can be. */
	make_valid();
	eh()->e_phnum = ELF_MAX_SEGS;
	for (int i = 0; i < ELF_MAX_SEGS; i++)
		set_ph(i, PT_LOAD, PF_R | PF_X, 0, TEXT + i * 0x1000UL, 0, 0x1000);
	CHECK(PARSES(&img) && img.nsegs == ELF_MAX_SEGS);
}

/* Where the program headers are loaded: the segment holding all of them, or 0. */
static void test_phdr_address(void)
{
	struct elf_image img;
	const uint64_t table = sizeof(Elf64_Ehdr), table_end = table + 4 * sizeof(Elf64_Phdr);

	make_valid();
	CHECK(PARSES(&img) && img.phdr == TEXT + table && img.phnum == 4);

	/* A segment that starts in the file after offset 0 still holds them. */
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0x10, TEXT + 0x10, 0xff0, 0xff0);
	CHECK(PARSES(&img) && img.phdr == TEXT + table);

	/* Headers left out of every segment, or cut by one byte at either end: 0. */
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0x200, TEXT + 0x200, 0xe00, 0xe00);
	eh()->e_entry = TEXT + 0x200;
	CHECK(PARSES(&img) && img.phdr == 0 && img.phnum == 4);
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, table + 1, TEXT + table + 1, 0x800, 0x800);
	CHECK(PARSES(&img) && img.phdr == 0);
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, TEXT, table_end - 1, 0x1000);
	CHECK(PARSES(&img) && img.phdr == 0);
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, TEXT, table_end, 0x1000);
	CHECK(PARSES(&img) && img.phdr == TEXT + table);
}

static void test_header(void)
{
	make_valid();
	refused(sizeof(Elf64_Ehdr) - 1, "file too small for an ELF header", __LINE__);
	refused(0, "file too small for an ELF header", __LINE__);

	make_valid();
	eh()->e_ident[1] = 'X';
	REFUSED("bad ELF magic");
	make_valid();
	eh()->e_ident[0] = 0;
	REFUSED("bad ELF magic");

	make_valid();
	eh()->e_ident[EI_CLASS] = ELFCLASS32;
	REFUSED("not a 64-bit ELF file");

	make_valid();
	eh()->e_ident[EI_DATA] = 2;
	REFUSED("not little-endian");

	make_valid();
	eh()->e_ident[EI_VERSION] = 0;
	REFUSED("bad ELF version");
	make_valid();
	eh()->e_version = 2;
	REFUSED("bad ELF version");

	make_valid();
	eh()->e_type = ET_DYN;
	REFUSED("not a static executable");
	make_valid();
	eh()->e_type = ET_REL;
	REFUSED("not an executable");
	make_valid();
	eh()->e_type = ET_CORE;
	REFUSED("not an executable");

	make_valid();
	eh()->e_machine = EM_386;
	REFUSED("not an x86-64 executable");

	make_valid();
	eh()->e_phentsize = 32;
	REFUSED("bad program header size");
	make_valid();
	eh()->e_phentsize = 0;
	REFUSED("bad program header size");
}

static void test_phdr_table(void)
{
	make_valid();
	eh()->e_phoff = FILE_SIZE - 4 * sizeof(Elf64_Phdr) + 1;
	REFUSED("program headers outside the file");
	make_valid();
	eh()->e_phoff = UINT64_MAX - 8;
	REFUSED("program headers outside the file");
	make_valid();
	eh()->e_phnum = 0xffff;
	REFUSED("program headers outside the file");
	make_valid();
	refused(sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr) - 1, "program headers outside the file",
		__LINE__);

	make_valid();
	eh()->e_phnum = ELF_MAX_SEGS + 1;
	for (int i = 0; i < ELF_MAX_SEGS + 1; i++)
		set_ph(i, PT_LOAD, PF_R | PF_X, 0, TEXT + i * 0x1000UL, 0, 0x1000);
	REFUSED("too many segments");

	make_valid();
	set_ph(2, PT_INTERP, PF_R, 0x200, TEXT + 0x200, 0x1c, 0x1c);
	REFUSED("dynamic executables are not supported");

	make_valid();
	eh()->e_phnum = 0;
	REFUSED("no loadable segments");
	make_valid();
	ph(0)->p_type = PT_NULL;
	ph(1)->p_type = PT_DYNAMIC;
	REFUSED("no loadable segments");
	make_valid();
	ph(0)->p_memsz = ph(0)->p_filesz = 0;
	ph(1)->p_memsz = ph(1)->p_filesz = 0;
	REFUSED("no loadable segments");
}

static void test_segments(void)
{
	make_valid();
	ph(1)->p_filesz = ph(1)->p_memsz + 1;
	REFUSED("segment file size exceeds its memory size");

	make_valid();
	ph(1)->p_filesz = 0x2001;
	REFUSED("segment outside the file");
	make_valid();
	ph(1)->p_offset = FILE_SIZE;
	REFUSED("segment outside the file");
	make_valid();
	ph(1)->p_offset = UINT64_MAX - 0x7ff;	/* offset + filesz wraps to 0 */
	REFUSED("segment outside the file");

	make_valid();
	ph(1)->p_vaddr = UINT64_MAX - 0xfff;
	REFUSED("segment address overflows");
	make_valid();
	ph(1)->p_memsz = UINT64_MAX - DATA + 1 + 0x1000;
	REFUSED("segment address overflows");

	make_valid();
	ph(0)->p_vaddr = 0;
	REFUSED("segment outside user space");
	make_valid();
	ph(0)->p_vaddr = UMIN - 0x1000;
	REFUSED("segment outside user space");
	make_valid();
	ph(1)->p_vaddr = USER_END - 0x2000;
	REFUSED("segment outside user space");
	make_valid();
	ph(0)->p_vaddr = KERNBASE;
	REFUSED("segment outside user space");

	make_valid();
	ph(1)->p_vaddr = DATA + 0x800;
	REFUSED("segment offset and address differ within a page");
	make_valid();
	ph(1)->p_offset = 0x1008;
	REFUSED("segment offset and address differ within a page");

	/* Sharing a page, in either order, or one inside the other. */
	make_valid();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1800, TEXT + 0x800, 0x800, 0x800);
	REFUSED("segments overlap");
	make_valid();
	set_ph(0, PT_LOAD, PF_R | PF_W, 0x1000, DATA, 0x800, 0x3000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x10, DATA + 0x2010, 0x10, 0x10);
	REFUSED("segments overlap");
	make_valid();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, TEXT - 0x1000, 0x10, 0x1001);
	REFUSED("segments overlap");
	make_valid();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0, TEXT, 0x1000, 0x1000);
	REFUSED("segments overlap");

	make_valid();
	eh()->e_entry = DATA;
	REFUSED("entry point not in an executable segment");
	make_valid();
	eh()->e_entry = TEXT + 0x1000;
	REFUSED("entry point not in an executable segment");
	make_valid();
	eh()->e_entry = TEXT - 1;
	REFUSED("entry point not in an executable segment");
	make_valid();
	eh()->e_entry = 0;
	REFUSED("entry point not in an executable segment");
}

/* The program headers must be in the bytes given, which exec reads first. */
static void test_head(void)
{
	make_valid();
	refused_head(sizeof(Elf64_Ehdr), FILE_SIZE, "program headers past the first page", __LINE__);
	refused_head(10, FILE_SIZE, "file too small for an ELF header", __LINE__);
}

int main(void)
{
	test_valid();
	test_head();
	test_phdr_address();
	test_header();
	test_phdr_table();
	test_segments();
	return check_summary("test_elf");
}
