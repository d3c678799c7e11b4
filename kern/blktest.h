/* The blktest boot option (kern/blktest.c). */
#ifndef ELK_KERN_BLKTEST_H
#define ELK_KERN_BLKTEST_H

/* Run the disk tests in a kernel thread and end the run with their status. Never returns. */
void blktest_run(void) __attribute__((noreturn));

#endif
