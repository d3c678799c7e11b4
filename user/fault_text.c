/* fault_text: write into the program's own code, which must be mapped read-only. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)main;
	*code = 0xcc;
	printf("FAIL: survived\n");
	return 1;
}
