/* fault_int3: a breakpoint with no debugger attached ends the process with SIGTRAP. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	asm volatile("int3");
	printf("FAIL: survived\n");
	return 1;
}
