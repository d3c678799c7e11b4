/* fault_ud: execute an undefined instruction (#UD). */
#include <inc/lib.h>

int main(int argc, char **argv)
{
	asm volatile("ud2");
	printf("FAIL: survived\n");
	return 1;
}
