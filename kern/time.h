/* Clocks: nanoseconds since boot from the TSC, wall time from the CMOS clock. */
#ifndef ELK_KERN_TIME_H
#define ELK_KERN_TIME_H

#include <inc/types.h>

struct timespec;

/* Read the wall-clock time once at boot from the CMOS real-time clock. */
void clock_init(void);
/* Seconds since the epoch at boot, as the CMOS clock read then. */
int64_t clock_boot_epoch(void);
/* The wall-clock time now (CLOCK_REALTIME), as file times record it. */
void clock_realtime(struct timespec *ts);

/*
 * The tick at which a timeout read from user memory expires (rounded up to
 * whole ticks, and one more, so that it never expires early): relative to now if abs_clock < 0, else an absolute time on
 * clock abs_clock (CLOCK_REALTIME or CLOCK_MONOTONIC). 0, -EFAULT or -EINVAL.
 */
int time_timeout_tick(const struct timespec *uts, int abs_clock, uint64_t *tick);
/*
 * The nanoseconds of a valid timespec, or UINT64_MAX (584 years) if they do
 * not fit in 64 bits: such a wait must not wrap around to a short one.
 */
uint64_t timespec_ns(const struct timespec *ts);
/* Copy a timespec in from user memory and check it: 0, -EFAULT or -EINVAL. */
int timespec_from_user(struct timespec *ts, const struct timespec *uts);

int64_t sys_nanosleep(const struct timespec *ureq, struct timespec *urem);
int64_t sys_clock_gettime(int clock, struct timespec *uts);
/*
 * clock_nanosleep: CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME (else
 * -EINVAL); with TIMER_ABSTIME until the clock reads req, else for req.
 */
int64_t sys_clock_nanosleep(int clock, int flags, const struct timespec *ureq,
			    struct timespec *urem);
int64_t sys_restart_syscall(void);

#endif
