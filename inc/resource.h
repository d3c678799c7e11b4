/*
 * Resource limits (getrlimit, setrlimit, prlimit64) and sysinfo, with Linux's
 * x86-64 numbers and layouts.
 */
#ifndef ELK_INC_RESOURCE_H
#define ELK_INC_RESOURCE_H

#include <inc/types.h>

#define RLIMIT_CPU        0	/* CPU time, seconds */
#define RLIMIT_FSIZE      1	/* largest file written, bytes */
#define RLIMIT_DATA       2	/* data segment and heap, bytes */
#define RLIMIT_STACK      3	/* main thread's stack, bytes */
#define RLIMIT_CORE       4	/* core file size, bytes */
#define RLIMIT_RSS        5	/* resident set (Linux ignores it too) */
#define RLIMIT_NPROC      6	/* processes of the user */
#define RLIMIT_NOFILE     7	/* one more than the highest descriptor */
#define RLIMIT_MEMLOCK    8	/* locked memory, bytes */
#define RLIMIT_AS         9	/* address space, bytes */
#define RLIMIT_LOCKS      10	/* file locks */
#define RLIMIT_SIGPENDING 11	/* queued signals */
#define RLIMIT_MSGQUEUE   12	/* POSIX message queue bytes */
#define RLIMIT_NICE       13	/* ceiling of nice */
#define RLIMIT_RTPRIO     14	/* ceiling of real-time priority */
#define RLIMIT_RTTIME     15	/* real-time CPU time without blocking, microseconds */
#define RLIM_NLIMITS      16

#define RLIM_INFINITY (~0ULL)

struct rlimit {
	uint64_t rlim_cur;	/* the soft limit, the one enforced */
	uint64_t rlim_max;	/* the hard limit, the ceiling of rlim_cur */
};

/* sysinfo: the machine at a glance; memory in units of mem_unit bytes. */
struct sysinfo {
	int64_t uptime;			/* seconds since boot */
	uint64_t loads[3];		/* 1, 5 and 15 minute load averages << SI_LOAD_SHIFT */
	uint64_t totalram, freeram;
	uint64_t sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs;			/* processes (Linux: threads) */
	uint16_t pad;
	uint64_t totalhigh, freehigh;	/* no high memory on x86-64: 0 */
	uint32_t mem_unit;
	char reserved[4];		/* Linux's _f[], padded to 8 bytes */
};

#define SI_LOAD_SHIFT 16

#endif
