/*
 * vmfault KIND: make one bad memory access, which must get this process (and
 * only it) killed with the kernel's fault line. KINDs: after-munmap,
 * beyond-brk, prot-none, write-readonly, stack-guard, exec-data. Exits 1 if
 * the access was survived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

static char *fresh_page(int prot)
{
	return mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Recurse with a big frame until the stack runs into its guard page. */
static int dive(int depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	if (depth < 0)	/* never: only to show the compiler a way out */
		return 0;
	return dive(depth + 1) + frame[0];
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	volatile char *p;

	if (strcmp(kind, "after-munmap") == 0) {
		p = fresh_page(PROT_READ | PROT_WRITE);
		p[0] = 1;
		munmap((void *)p, 4096);
		p[0] = 2;
	} else if (strcmp(kind, "beyond-brk") == 0) {
		p = elk_sbrk(0);
		p[4096 * 16] = 1;
	} else if (strcmp(kind, "prot-none") == 0) {
		p = fresh_page(PROT_NONE);
		(void)p[0];
	} else if (strcmp(kind, "write-readonly") == 0) {
		p = fresh_page(PROT_READ | PROT_WRITE);
		p[0] = 1;
		mprotect((void *)p, 4096, PROT_READ);
		p[0] = 2;
	} else if (strcmp(kind, "stack-guard") == 0) {
		dive(0);
	} else if (strcmp(kind, "exec-data") == 0) {
		p = fresh_page(PROT_READ | PROT_WRITE);
		p[0] = (char)0xc3;	/* ret */
		((void (*)(void))p)();
	} else {
		printf("vmfault: unknown kind '%s'\n", kind);
		return 2;
	}
	printf("vmfault: FAIL %s was survived\n", kind);
	return 1;
}
