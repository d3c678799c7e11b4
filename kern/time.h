/* Clocks: nanoseconds since boot from the TSC, wall time from the CMOS clock. */
#ifndef ELK_KERN_TIME_H
#define ELK_KERN_TIME_H

#include <inc/types.h>

struct timespec;

/* Read the wall-clock time once at boot from the CMOS real-time clock. */
void clock_init(void);

int64_t sys_nanosleep(const struct timespec *ureq, struct timespec *urem);
int64_t sys_clock_gettime(int clock, struct timespec *uts);

#endif
