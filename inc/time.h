/* Time as Linux's system calls have it: struct timespec and the clocks. */
#ifndef ELK_INC_TIME_H
#define ELK_INC_TIME_H

#include <inc/types.h>

struct timespec {
	int64_t tv_sec;
	int64_t tv_nsec;	/* 0 .. 999,999,999 */
};

#define CLOCK_REALTIME   0	/* wall-clock time: the CMOS clock at boot, then the TSC */
#define CLOCK_MONOTONIC  1	/* time since boot, from the TSC */
#define CLOCK_BOOTTIME   7	/* the same as CLOCK_MONOTONIC: elk never suspends */

#define TIMER_ABSTIME    1	/* clock_nanosleep: the request is a time on the clock */

#endif
