/* fault_kernel: read kernel memory from ring 3; it is mapped, but not for the user. */
#include <stdint.h>
#include <stdio.h>

static volatile uintptr_t kernel_address = 0xffffffff80100000UL;

int main(int argc, char **argv)
{
	int x = *(volatile int *)kernel_address;
	printf("FAIL: survived, read %d\n", x);
	return 1;
}
