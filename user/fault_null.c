/* fault_null: read through a NULL pointer; the kernel must kill only this process. */
#include <stdint.h>
#include <stdio.h>

/* Volatile so that the compiler cannot see the NULL and replace the load with a trap. */
static volatile uintptr_t null_address = 0;

int main(int argc, char **argv)
{
	int x = *(volatile int *)null_address;
	printf("FAIL: survived, read %d\n", x);
	return 1;
}
