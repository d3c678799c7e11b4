/* fault_nullwrite: write through a NULL pointer. */
#include <stdint.h>
#include <stdio.h>

/* Volatile so that the compiler cannot see the NULL and replace the store with a trap. */
static volatile uintptr_t null_address = 0;

int main(int argc, char **argv)
{
	*(volatile int *)null_address = 42;
	printf("FAIL: survived\n");
	return 1;
}
