/* libmain: the C side of _start. */
#include <inc/lib.h>

char **environ;
const char *progname = "?";

int main(int argc, char **argv, char **envp);

/* Record what the library needs to know about the process, run main, exit with its result. */
void libmain(int argc, char **argv, char **envp)
{
	environ = envp;
	if (argc > 0 && argv[0])
		progname = argv[0];
	exit(main(argc, argv, envp));
}
