/*
 * System call numbers, from the list in inc/syscall.def, and the kernel counters
 * of kstat. Arguments travel in rdi, rsi, rdx, r10, r8, r9; the result (or -errno)
 * comes back in rax.
 */
#ifndef ELK_INC_SYSCALL_H
#define ELK_INC_SYSCALL_H

/*
 * SYS_<name> for every call of inc/syscall.def. A user program built with
 * musl gets the Linux calls' numbers from musl's <sys/syscall.h> (the same
 * numbers: elk's are Linux's) and elk's own calls' from here.
 */
#if defined(ELK_KERNEL) || defined(ELK_HOST_TEST)
enum {
#define SYSCALL(num, name) SYS_##name = num,
#include <inc/syscall.def>
};
#else
#include <sys/syscall.h>
enum {
#define SYSCALL_ELK_ONLY
#define SYSCALL(num, name) SYS_##name = num,
#include <inc/syscall.def>
};
#endif

/* arch_prctl codes: set or get the calling thread's GS or FS base. */
#define ARCH_SET_GS  0x1001
#define ARCH_SET_FS  0x1002
#define ARCH_GET_FS  0x1003
#define ARCH_GET_GS  0x1004

#define NSYSCALLS        512

/* Counters readable with SYS_kstat. */
#define KSTAT_FREE_PAGES   0	/* physical pages on the free list */
#define KSTAT_TOTAL_PAGES  1	/* pages of usable RAM (memory map), in use or free */
#define KSTAT_TRAPS        2	/* user->kernel entries (syscall, int, fault, irq) on all CPUs */
#define KSTAT_TSC_HZ       3	/* calibrated TSC frequency */
#define KSTAT_NPROCS       4	/* live processes (including zombies) */
#define KSTAT_SYSCALL_TRAPS 5	/* system calls made by trapping (syscall, int $0x80) */
#define KSTAT_KMALLOC_PAGES 6	/* pages the kernel has split into small objects */
#define KSTAT_KMALLOC_OBJECTS 7	/* kernel objects allocated and not yet freed */
#define KSTAT_KSTACKS       8	/* kernel stacks in use (one per thread) */
#define KSTAT_KSTACK_MAX    9	/* kernel stacks there can be: RAM/8's worth; a process gets half */
#define KSTAT_NMIS_REPORTED 10	/* NMIs whose report line is printed, all CPUs */
#define KSTAT_NCPUS       11	/* CPUs running */
#define KSTAT_SWAP_TOTAL  12	/* slots (pages) of the swap area; 0 without a swap disk */
#define KSTAT_SWAP_FREE   13	/* swap slots not in use */
#define KSTAT_SWAP_WRITES 14	/* pages written to swap */
#define KSTAT_SWAP_READS  15	/* pages read back from swap (each a fault served from swap) */
#define KSTAT_SWAP_COPIES 16	/* swap slots in use that copy a page also in memory */
#define KSTAT_SWAP_CLEAN  17	/* pages paged out without a write: clean, their copy still good */
#define KSTAT_LOCKED_PAGES 18	/* pages the page-out may not take: syscall pages, pages under I/O */
#define KSTAT_THREAD_SYSCALL_TRAPS 19	/* system calls the calling thread has made by trapping */
#define KSTAT_PAGEOUT_ROUNDS 20	/* rounds of work the page-out thread has done */
#define KSTAT_PAGEOUT_LOW 21	/* free pages under which the page-out thread runs; 0 without swap */
#define KSTAT_CPU_TICKS  0x100	/* + n: timer interrupts CPU n has taken */

#endif
