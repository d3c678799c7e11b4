/*
 * args ARG...: print argc and argv, and check the rest of the System V process
 * stack the kernel built: argv and envp NULL-terminated, an auxiliary vector
 * ending in AT_NULL whose AT_PHDR, AT_PHENT and AT_PHNUM describe this very
 * program, and a 16-byte aligned stack pointer at _start.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/elf.h>
#include <inc/lib.h>

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_KNOWN  32	/* auxv types below this are kept for the checks */
#define MAX_AUXV 64	/* far more pairs than any kernel passes: a missing AT_NULL */

/* Initialised, so it lies in the writable segment. */
static int data_word = 1;

/* True if one of the n headers at ph is a PT_LOAD with flag that holds addr. */
static bool loaded_with(const Elf64_Phdr *ph, uint64_t n, uintptr_t addr, uint32_t flag)
{
	for (uint64_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & flag) &&
		    ph[i].p_vaddr <= addr && addr - ph[i].p_vaddr < ph[i].p_memsz)
			return true;
	return false;
}

/*
 * Check that aux[AT_PHDR] holds aux[AT_PHNUM] program headers of aux[AT_PHENT]
 * bytes that describe this program: its code in an executable segment, its data
 * in a writable one. Returns the number of problems.
 */
static int check_phdrs(const uint64_t *aux)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)aux[AT_PHDR];
	uint64_t n = aux[AT_PHNUM];

	printf("auxv: AT_PHENT=%lu AT_PHNUM=%lu\n", aux[AT_PHENT], n);
	if (!ph || aux[AT_PHENT] != sizeof(Elf64_Phdr) || n == 0) {
		printf("args: AT_PHDR %p, AT_PHENT %lu, AT_PHNUM %lu: no program headers\n",
		       (void *)ph, aux[AT_PHENT], n);
		return 1;
	}
	if (!loaded_with(ph, n, (uintptr_t)check_phdrs, PF_X) ||
	    !loaded_with(ph, n, (uintptr_t)&data_word, PF_W)) {
		printf("args: the headers at AT_PHDR %p do not describe this program\n",
		       (void *)ph);
		return 1;
	}
	printf("auxv: the program headers at AT_PHDR describe this program\n");
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	int bad = 0;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	if (argv[argc] != NULL) {
		printf("args: argv[argc] is %p, not NULL\n", argv[argc]);
		bad++;
	}

	/* At _start rsp pointed at argc, the word just below argv[0]. */
	uintptr_t start_rsp = (uintptr_t)argv - 8;
	if (start_rsp % 16 != 0) {
		printf("args: rsp at _start was %p, not 16-byte aligned\n", (void *)start_rsp);
		bad++;
	}

	int envc;
	for (envc = 0; envp[envc]; envc++)
		printf("envp[%d]=%s\n", envc, envp[envc]);
	printf("envc=%d\n", envc);

	uint64_t *auxv = (uint64_t *)(envp + envc + 1);
	uint64_t aux[AT_KNOWN] = { 0 };
	int auxc = 0;
	while (auxc < MAX_AUXV && auxv[2 * auxc] != AT_NULL) {
		if (auxv[2 * auxc] < AT_KNOWN)
			aux[auxv[2 * auxc]] = auxv[2 * auxc + 1];
		auxc++;
	}
	if (auxc == MAX_AUXV) {
		printf("args: no AT_NULL in the first %d auxv pairs\n", MAX_AUXV);
		bad++;
	}
	printf("auxc=%d\n", auxc);
	printf("auxv: AT_PAGESZ=%lu\n", aux[AT_PAGESZ]);
	bad += check_phdrs(aux);

	if (bad)
		printf("args: %d problems\n", bad);
	else
		printf("args: ok\n");
	return bad ? 1 : 0;
}
