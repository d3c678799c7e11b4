/* fault_ud: execute an undefined instruction (#UD). */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	asm volatile("ud2");
	printf("FAIL: survived\n");
	return 1;
}
