/* fault_priv: execute a privileged instruction in ring 3 (#GP). */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	asm volatile("hlt");
	printf("FAIL: survived\n");
	return 1;
}
