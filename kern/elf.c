/*
 * The ELF64 checker exec relies on: everything that comes from the file is
 * untrusted, so each offset and size is checked against the file and each address
 * against user space with overflow-checked arithmetic before anything is mapped.
 * Headers are copied out with memcpy because the file may sit at any alignment.
 */
#include <inc/elf.h>
#include <inc/errno.h>
#include <inc/mman.h>
#include <inc/mmu.h>
#include <inc/string.h>
#include <kern/elf.h>

/* Report msg through why and return -ENOEXEC, so that each refusal is one line. */
static int refuse(const char **why, const char *msg)
{
	*why = msg;
	return -ENOEXEC;
}

/* Check the ELF header of a file of size bytes; 0 or -ENOEXEC with *why set. */
static int check_ehdr(const Elf64_Ehdr *eh, size_t size, const char **why)
{
	uint64_t phend;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return refuse(why, "bad ELF magic");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(why, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return refuse(why, "not little-endian");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return refuse(why, "bad ELF version");
	if (eh->e_type == ET_DYN)
		return refuse(why, "not a static executable");
	if (eh->e_type != ET_EXEC)
		return refuse(why, "not an executable");
	if (eh->e_machine != EM_X86_64)
		return refuse(why, "not an x86-64 executable");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return refuse(why, "bad program header size");
	/* e_phnum is 16 bits, so the table's size cannot overflow; its end can. */
	if (__builtin_add_overflow(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
				   &phend) || phend > size)
		return refuse(why, "program headers outside the file");
	return 0;
}

/* PROT_* bits for ELF p_flags. */
static int prot_of(uint32_t pflags)
{
	return (pflags & PF_R ? PROT_READ : 0) | (pflags & PF_W ? PROT_WRITE : 0) |
	       (pflags & PF_X ? PROT_EXEC : 0);
}

/*
 * Check one PT_LOAD of a file of size bytes and describe it in *seg; 0 or -ENOEXEC
 * with *why set.
 */
static int check_load(const Elf64_Phdr *ph, size_t size, uintptr_t user_min,
		      uintptr_t user_end, struct elf_seg *seg, const char **why)
{
	uint64_t fileend, vend;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(why, "segment file size exceeds its memory size");
	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &fileend) || fileend > size)
		return refuse(why, "segment outside the file");
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &vend))
		return refuse(why, "segment address overflows");
	if (ph->p_vaddr < user_min || vend > user_end)
		return refuse(why, "segment outside user space");
	/* Pages of the file are mapped at pages of memory, so both must share a page offset. */
	if (ph->p_offset % PGSIZE != ph->p_vaddr % PGSIZE)
		return refuse(why, "segment offset and address differ within a page");
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->filesz = ph->p_filesz;
	seg->offset = ph->p_offset;
	seg->prot = prot_of(ph->p_flags);
	return 0;
}

/* True if segments a and b (memsz > 0) touch a common page. */
static bool share_a_page(const struct elf_seg *a, const struct elf_seg *b)
{
	/* Page numbers of first and last bytes: no rounding up, so no overflow. */
	uintptr_t a_lo = a->vaddr / PGSIZE, a_hi = (a->vaddr + a->memsz - 1) / PGSIZE;
	uintptr_t b_lo = b->vaddr / PGSIZE, b_hi = (b->vaddr + b->memsz - 1) / PGSIZE;

	return a_lo <= b_hi && b_lo <= a_hi;
}

/* Check a PT_LOAD and append it to img; 0 or -ENOEXEC with *why set. */
static int add_load(struct elf_image *img, const Elf64_Phdr *ph, size_t size,
		    uintptr_t user_min, uintptr_t user_end, const char **why)
{
	struct elf_seg seg;
	int i, r;

	if ((r = check_load(ph, size, user_min, user_end, &seg, why)) < 0)
		return r;
	if (seg.memsz == 0)
		return 0;
	if (img->nsegs == ELF_MAX_SEGS)
		return refuse(why, "too many segments");
	for (i = 0; i < img->nsegs; i++)
		if (share_a_page(&img->segs[i], &seg))
			return refuse(why, "segments overlap");
	img->segs[img->nsegs++] = seg;
	return 0;
}

/* True if the entry point lies inside an executable segment of img. */
static bool entry_ok(const struct elf_image *img)
{
	int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		if ((s->prot & PROT_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

/*
 * Where the segments load the program header table [phoff, phend) of the file,
 * or 0 if no segment's file bytes hold all of it. (A PT_PHDR header, when there
 * is one, names the same address; this way needs no trust in it.)
 */
static uintptr_t phdr_address(const struct elf_image *img, uint64_t phoff, uint64_t phend)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		if (s->offset <= phoff && phend <= s->offset + s->filesz)
			return s->vaddr + (phoff - s->offset);
	}
	return 0;
}

int elf_parse(const void *head, size_t headlen, size_t size, uintptr_t user_min,
	      uintptr_t user_end, struct elf_image *img, const char **why)
{
	const char *file = head;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i, r;

	if (size < sizeof(eh) || headlen < sizeof(eh))
		return refuse(why, "file too small for an ELF header");
	memcpy(&eh, file, sizeof(eh));
	if ((r = check_ehdr(&eh, size, why)) < 0)
		return r;
	if (eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(ph) > headlen)
		return refuse(why, "program headers past the first page");
	img->entry = eh.e_entry;
	img->nsegs = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, file + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return refuse(why, "dynamic executables are not supported");
		if (ph.p_type == PT_LOAD &&
		    (r = add_load(img, &ph, size, user_min, user_end, why)) < 0)
			return r;
	}
	if (img->nsegs == 0)
		return refuse(why, "no loadable segments");
	if (!entry_ok(img))
		return refuse(why, "entry point not in an executable segment");
	img->phnum = eh.e_phnum;
	img->phdr = phdr_address(img, eh.e_phoff, eh.e_phoff + eh.e_phnum * sizeof(ph));
	return 0;
}
