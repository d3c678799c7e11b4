/* The first program: proves that exec, the console and exit work. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("hello from elk! I am pid %d\n", getpid());
	return 0;
}
