/*
 * Per-CPU state. While in the kernel, GS.base points at this CPU's struct cpu
 * (user GS.base is parked in MSR_KERNEL_GS_BASE; swapgs exchanges them on every
 * user/kernel crossing). The first fields are read by the entry code at fixed
 * offsets.
 */
#ifndef ELK_KERN_CPU_H
#define ELK_KERN_CPU_H

#define CPU_OFF_SELF        0
#define CPU_OFF_KSTACK_TOP  8
#define CPU_OFF_USER_RSP   16
#define CPU_OFF_TRAPS      24
#define CPU_OFF_THREAD     32

/*
 * Interrupt stack table slots (TSS ist[n - 1]): the exceptions that can come at
 * any instruction run on stacks of their own, since the one they arrive on may be
 * overflowing (a double fault) or the user's (an NMI or machine check taken in
 * syscall_entry before it switches stacks).
 */
#define IST_DBLFLT 1
#define IST_NMI    2
#define IST_MCHK   3
#define NIST       3

#ifndef __ASSEMBLER__
#include <inc/types.h>
#include <inc/mmu.h>
#include <kern/list.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* stack for entering ring 0..2 */
	uint64_t reserved1;
	uint64_t ist[7];	/* interrupt stacks, IST_* */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct context;
struct spinlock;
struct thread;

/* The most spinlocks one CPU holds at once (the lock checker's stack of them). */
#define CPU_MAXHELD 8

struct cpu {
	struct cpu *self;		/* CPU_OFF_SELF: lets mycpu() read %gs:0 */
	uint64_t kstack_top;		/* CPU_OFF_KSTACK_TOP: current thread's kernel stack */
	uint64_t user_rsp;		/* CPU_OFF_USER_RSP: scratch for the syscall entry */
	uint64_t traps;			/* CPU_OFF_TRAPS: user->kernel entries on this CPU */
	struct thread *thread;		/* CPU_OFF_THREAD: running thread, NULL in the scheduler */
	struct thread *fpu_owner;	/* user thread whose FPU state was loaded here last */
	int segment_bases_tid;		/* the user thread whose FS/GS bases are loaded, or 0 */
	uint64_t segment_bases_gen;	/* and the generation of its bases then loaded */
	uint64_t syscall_traps;		/* of traps, those that were system calls */
	uint64_t nmis;			/* NMIs taken; reported from the timer interrupt */
	uint64_t nmis_reported;
	uint64_t ticks;			/* timer interrupts this CPU took */
	int64_t kmalloc_objects;	/* kmallocs less kfrees on this CPU (summed for kstat) */
	int id;				/* index in cpus[], what getcpu reports */
	uint32_t apic_id;
	bool started;			/* set by the CPU itself once it is set up */
	struct context *scheduler;	/* where sched() switches to */
	int ncli;			/* depth of push_cli nesting */
	bool intena;			/* were interrupts on before the outermost push_cli? */
	/* Under sched_lock: */
	struct list_node runq;		/* runnable threads queued on this CPU */
	int nqueued;			/* threads on runq */
	bool idle;			/* halted in its scheduler loop, nothing to run */
	/* Lazy TLB (kern/tlb.c), atomic: */
	bool tlb_lazy;			/* idle: shootdowns leave it alone and set... */
	bool tlb_stale;			/* ...this, so that it flushes once it wakes */
	/* The spinlocks this CPU holds, in the order taken (lock checking). */
	struct spinlock *held[CPU_MAXHELD];
	int nheld;
	uint64_t gdt[NGDT];
	struct tss tss;
};

#define MAXCPU 16
extern struct cpu cpus[MAXCPU];
extern int ncpu;		/* CPUs running: cpus[0 .. ncpu - 1]; set at boot */

/*
 * Add delta to a 64-bit counter field of this CPU's struct cpu: one
 * instruction, so a preemption cannot split it, and no cache line shared with
 * other CPUs. Readers sum the field over cpus[].
 */
#define CPU_ADD(field, delta) \
	asm volatile("addq %1, %%gs:%c0" : : "i"(offsetof(struct cpu, field)), \
		     "er"((int64_t)(delta)) : "memory", "cc")

/* This CPU's struct cpu. Stable only while preemption is off (interrupts off). */
static inline struct cpu *mycpu(void)
{
	struct cpu *c;
	asm volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Load GDT, TSS and GS base, and program the syscall MSRs for this CPU. */
void cpu_init(struct cpu *c);
/* Point the TSS and syscall entry at the kernel stack whose top is given. */
static inline void cpu_set_kstack(struct cpu *c, uint64_t top)
{
	c->kstack_top = top;
	c->tss.rsp[0] = top;
}
#endif

#endif
