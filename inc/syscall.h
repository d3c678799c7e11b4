/*
 * System call numbers. POSIX calls use Linux x86-64 numbers; elk's own calls start
 * at 500. The same numbers serve the syscall instruction, int $0x80 and (later) the
 * syscall page. Arguments travel in rdi, rsi, rdx, r10, r8, r9; the result (or
 * -errno) comes back in rax.
 */
#ifndef ELK_INC_SYSCALL_H
#define ELK_INC_SYSCALL_H

#define SYS_read           0
#define SYS_write          1
#define SYS_open           2
#define SYS_close          3
#define SYS_fstat          5
#define SYS_lseek          8
#define SYS_mmap           9
#define SYS_mprotect      10
#define SYS_munmap        11
#define SYS_brk           12
#define SYS_ioctl         16	/* see inc/ioctl.h */
#define SYS_readv         19	/* see inc/uio.h */
#define SYS_writev        20
#define SYS_pipe          22
#define SYS_sched_yield   24
#define SYS_dup           32
#define SYS_dup2          33
#define SYS_nanosleep     35
#define SYS_getpid        39
#define SYS_fork          57
#define SYS_execve        59
#define SYS_exit          60
#define SYS_wait4         61
#define SYS_uname         63	/* see inc/utsname.h */
#define SYS_fcntl         72	/* see inc/fcntl.h */
#define SYS_getuid       102
#define SYS_getgid       104
#define SYS_geteuid      107
#define SYS_getegid      108
#define SYS_getppid      110
#define SYS_arch_prctl   158	/* arch_prctl(code, addr), codes below */
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_set_tid_address 218
#define SYS_clock_gettime 228
#define SYS_clock_nanosleep 230
#define SYS_exit_group   231
#define SYS_dup3         292
#define SYS_pipe2        293
#define SYS_getcpu       309

/* arch_prctl codes: set or get the calling thread's GS or FS base. */
#define ARCH_SET_GS  0x1001
#define ARCH_SET_FS  0x1002
#define ARCH_GET_FS  0x1003
#define ARCH_GET_GS  0x1004

/* elk's own calls. */
#define SYS_kstat        500	/* kstat(which): a kernel counter, see KSTAT_* */
#define SYS_flexsc_register 501	/* see inc/flexsc.h */
#define SYS_flexsc_wait  502
#define SYS_ipc_send     503	/* see inc/ipc.h */
#define SYS_ipc_recv     504

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
#define KSTAT_CPU_TICKS  0x100	/* + n: timer interrupts CPU n has taken */

#endif
