/* fault_stack: recurse without end until the stack runs into its guard page. */
#include <stdbool.h>
#include <stdio.h>

/* Always true, but the compiler cannot know, so it accepts the endless recursion. */
static volatile bool keep_going = true;

/*
 * The array is used after the recursive call so that the compiler can neither
 * drop it nor turn the recursion into a loop.
 */
static int recurse(int depth)
{
	volatile char frame[512];
	frame[0] = (char)depth;
	int below = keep_going ? recurse(depth + 1) : 0;
	return below + frame[0];
}

int main(int argc, char **argv)
{
	int r = recurse(0);
	printf("FAIL: survived, got %d\n", r);
	return 1;
}
