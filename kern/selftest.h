/* Kernel self-tests, run instead of init when the command line says "selftest". */
#ifndef ELK_KERN_SELFTEST_H
#define ELK_KERN_SELFTEST_H

#include <inc/types.h>

/* Run every self-test, printing a line per check; true if all passed. */
bool run_selftests(void);

#endif
