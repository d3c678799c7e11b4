/* clock_gettime, nanosleep and clock_nanosleep. */
#include <inc/errno.h>
#include <inc/syscall.h>
#include <inc/time.h>
#include <inc/x86.h>
#include <kern/lapic.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <kern/uaccess.h>

#define NSEC_PER_SEC 1000000000L

/* Seconds since the epoch at boot. */
static int64_t boot_epoch;

/* a + b, or UINT64_MAX if that does not fit. */
static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

uint64_t timespec_ns(const struct timespec *ts)
{
	if ((uint64_t)ts->tv_sec > UINT64_MAX / NSEC_PER_SEC)
		return UINT64_MAX;
	return add_saturating((uint64_t)ts->tv_sec * NSEC_PER_SEC, (uint64_t)ts->tv_nsec);
}

int timespec_from_user(struct timespec *ts, const struct timespec *uts)
{
	if (copy_from_user(ts, uts, sizeof(*ts)) < 0)
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

/*
 * Sleep until the uptime reaches deadline_ns: whole ticks short of it, then
 * yielding until the TSC says so. 0, or -EINTR if the thread was interrupted.
 */
static int64_t sleep_until_uptime(uint64_t deadline_ns)
{
	uint64_t now = uptime_ns(), tick_ns = NSEC_PER_SEC / TICK_HZ;

	if (deadline_ns > now && deadline_ns - now > tick_ns &&
	    !sleep_until(ticks + (deadline_ns - now - tick_ns) / tick_ns))
		return -EINTR;
	if (uptime_ns() < deadline_ns)
		thread_spin_wait();
	while (uptime_ns() < deadline_ns && !thread_interrupted())
		yield();
	return thread_interrupted() ? -EINTR : 0;
}

/*
 * Sleep until deadline_ns (uptime), the rest of call num's relative sleep:
 * sleep_until_uptime's result. If a signal interrupted it, the time left goes
 * to *urem unless urem is NULL (-EFAULT if it cannot be written), and the
 * thread's restart record to restart_syscall, so that a restart (no handler
 * ran: a stop) sleeps only what is left, as on Linux.
 */
static int64_t sleep_rest(uint32_t num, uint64_t deadline, struct timespec *urem)
{
	int64_t r = sleep_until_uptime(deadline);

	if (r != -EINTR)
		return r;
	mythread()->restart = (struct restart_record){ num, deadline, urem };
	if (urem) {
		uint64_t now = uptime_ns(), left = deadline > now ? deadline - now : 0;
		struct timespec rem = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
		if (copy_to_user(urem, &rem, sizeof(rem)) < 0)
			return -EFAULT;
	}
	return r;
}

int64_t sys_nanosleep(const struct timespec *ureq, struct timespec *urem)
{
	struct timespec req;
	int r = timespec_from_user(&req, ureq);

	return r < 0 ? r : sleep_rest(SYS_nanosleep, add_saturating(uptime_ns(), timespec_ns(&req)), urem);
}

int64_t sys_clock_nanosleep(int clock, int flags, const struct timespec *ureq,
			    struct timespec *urem)
{
	struct timespec req;
	int r = timespec_from_user(&req, ureq);

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (r < 0)
		return r;
	uint64_t ns = timespec_ns(&req);
	if (!(flags & TIMER_ABSTIME))
		return sleep_rest(SYS_clock_nanosleep, add_saturating(uptime_ns(), ns), urem);
	/* An absolute sleep leaves urem alone and restarts as it was called. */
	mythread()->restart.num = 0;
	if (clock == CLOCK_REALTIME) {
		uint64_t epoch_ns = (uint64_t)boot_epoch * NSEC_PER_SEC;
		ns = ns > epoch_ns ? ns - epoch_ns : 0;
	}
	return sleep_until_uptime(ns);
}

/*
 * restart_syscall: go on with the rest of the sleep the thread's restart
 * record holds (taken), writing the time left to its rem if interrupted again;
 * with none, -EINTR (Linux's answer to a program that makes the call itself).
 */
int64_t sys_restart_syscall(void)
{
	struct restart_record rec = mythread()->restart;

	mythread()->restart.num = 0;
	if (!rec.num)
		return -EINTR;
	return sleep_rest(SYS_restart_syscall, rec.deadline_ns, rec.urem);
}

int time_timeout_tick(const struct timespec *uts, int abs_clock, uint64_t *tick)
{
	struct timespec ts;
	int r = timespec_from_user(&ts, uts);

	if (r < 0)
		return r;
	uint64_t ns = timespec_ns(&ts), now = uptime_ns(), tick_ns = NSEC_PER_SEC / TICK_HZ;
	if (abs_clock < 0) {
		ns = add_saturating(now, ns);
	} else if (abs_clock == CLOCK_REALTIME) {
		uint64_t epoch_ns = (uint64_t)boot_epoch * NSEC_PER_SEC;
		ns = ns > epoch_ns ? ns - epoch_ns : 0;
	}
	uint64_t left = ns > now ? ns - now : 0;
	/*
	 * Part of the current tick has passed already, so the next one comes
	 * sooner than tick_ns from now: one tick more, or the timeout would
	 * expire up to a tick before its time, which Linux never does.
	 */
	*tick = add_saturating(ticks, left ? (left + tick_ns - 1) / tick_ns + 1 : 0);
	return 0;
}

/* The time since boot, or with realtime the wall-clock time, into *ts. */
static void clock_read(struct timespec *ts, bool realtime)
{
	uint64_t ns = uptime_ns();

	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC) + (realtime ? boot_epoch : 0);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
}

void clock_realtime(struct timespec *ts)
{
	clock_read(ts, true);
}

int64_t sys_clock_gettime(int clock, struct timespec *uts)
{
	struct timespec ts;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	clock_read(&ts, clock == CLOCK_REALTIME);
	return copy_to_user(uts, &ts, sizeof(ts));
}

int64_t clock_boot_epoch(void)
{
	return boot_epoch;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian calendar). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

void clock_init(void)
{
	while (cmos_read(0x0a) & 0x80)	/* an update is in progress */
		;
	bool binary = cmos_read(0x0b) & 0x04;
	int sec = from_bcd(cmos_read(0x00), binary), min = from_bcd(cmos_read(0x02), binary);
	int hour = from_bcd(cmos_read(0x04), binary), day = from_bcd(cmos_read(0x07), binary);
	int mon = from_bcd(cmos_read(0x08), binary);
	int year = from_bcd(cmos_read(0x09), binary) + 2000;
	boot_epoch = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}
