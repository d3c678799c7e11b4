/* Signal numbers (Linux's), as reported in wait statuses for killed processes. */
#ifndef ELK_INC_SIGNAL_H
#define ELK_INC_SIGNAL_H

#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGTSTP 20

#endif
