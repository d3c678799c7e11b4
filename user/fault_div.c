/* fault_div: integer division by zero (#DE). */
#include <stdint.h>
#include <stdio.h>

/* Volatile so that the division happens at run time, where it faults. */
static volatile int zero = 0;

int main(int argc, char **argv)
{
	int q = 1000 / zero;
	printf("FAIL: survived, got %d\n", q);
	return 1;
}
