/* fault_gp: touch a non-canonical address, which raises #GP rather than a page fault. */
#include <stdint.h>
#include <stdio.h>

static volatile uintptr_t noncanonical = 0x8000000000000000UL;

int main(int argc, char **argv)
{
	int x = *(volatile int *)noncanonical;
	printf("FAIL: survived, read %d\n", x);
	return 1;
}
