/*
 * args ARG...: print argc and argv, and check the rest of the System V process
 * stack the kernel built: argv and envp NULL-terminated, an auxiliary vector
 * ending in AT_NULL, and a 16-byte aligned stack pointer at _start.
 */
#include <inc/lib.h>

#define AT_NULL   0
#define AT_PAGESZ 6
#define MAX_AUXV 64	/* far more pairs than any kernel passes: a missing AT_NULL */

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
	int auxc = 0;
	while (auxc < MAX_AUXV && auxv[2 * auxc] != AT_NULL) {
		if (auxv[2 * auxc] == AT_PAGESZ)
			printf("auxv: AT_PAGESZ=%lu\n", auxv[2 * auxc + 1]);
		auxc++;
	}
	if (auxc == MAX_AUXV) {
		printf("args: no AT_NULL in the first %d auxv pairs\n", MAX_AUXV);
		bad++;
	}
	printf("auxc=%d\n", auxc);

	if (bad)
		printf("args: %d problems\n", bad);
	else
		printf("args: ok\n");
	return bad ? 1 : 0;
}
