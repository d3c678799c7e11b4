/* Checking an ELF64 executable before exec maps it. */
#ifndef ELK_KERN_ELF_H
#define ELK_KERN_ELF_H

#include <inc/types.h>

#define ELF_MAX_SEGS 16

/* One PT_LOAD: file bytes [offset, offset+filesz) at vaddr, zeros up to vaddr+memsz. */
struct elf_seg {
	uintptr_t vaddr;
	size_t memsz;		/* > 0 */
	size_t filesz;		/* <= memsz */
	size_t offset;		/* offset % PGSIZE == vaddr % PGSIZE */
	int prot;		/* PROT_* */
};

struct elf_image {
	uintptr_t entry;
	uintptr_t phdr;		/* the program headers in memory; 0 if no segment loads them */
	int phnum;		/* program headers, each sizeof(Elf64_Phdr) bytes */
	int nsegs;
	struct elf_seg segs[ELF_MAX_SEGS];	/* in program header order */
};

/*
 * Check that a file of size bytes, whose first headlen bytes are at head (any
 * alignment), is a static x86-64 executable whose program headers lie in those
 * first bytes, whose loadable segments lie inside the file and inside
 * [user_min, user_end) (both page-aligned), do not share a page with one
 * another, and whose entry point is in an executable segment. 0 and *img
 * describing it (with where the program headers are loaded, which exec passes
 * on as AT_PHDR), or -ENOEXEC with *why a short static message for the user;
 * *img is then meaningless. PT_LOADs with p_memsz 0 are ignored.
 */
int elf_parse(const void *head, size_t headlen, size_t size, uintptr_t user_min,
	      uintptr_t user_end, struct elf_image *img, const char **why);

#endif
