/* Interrupt and exception dispatch. */
#include <inc/assert.h>
#include <inc/memlayout.h>
#include <inc/stdio.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/console.h>
#include <kern/cpu.h>
#include <kern/irq.h>
#include <kern/lapic.h>
#include <kern/oom.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/signal.h>
#include <inc/signal.h>
#include <kern/trap.h>
#include <kern/uaccess.h>
#include <kern/vm.h>
#include <kern/syscall.h>
#include <kern/tlb.h>

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

static struct gate idt[256];
extern char vectors_start[];	/* 256 stubs, 16 bytes apart (trapentry.S) */
extern char iret_to_user[];	/* trapret's iretq to user mode (trapentry.S) */

#define GATE_INTERRUPT 0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER      0xee	/* the same, reachable from ring 3 with int */

static void set_gate(int n, uint8_t type_attr, uint8_t ist)
{
	uint64_t off = (uint64_t)vectors_start + 16 * n;
	idt[n] = (struct gate){
		.off_lo = off & 0xffff, .sel = GD_KT, .ist = ist, .type_attr = type_attr,
		.off_mid = (off >> 16) & 0xffff, .off_hi = off >> 32,
	};
}

void idt_init(void)
{
	if (idt[0].sel == 0) {
		for (int n = 0; n < 256; n++)
			set_gate(n, GATE_INTERRUPT, 0);
		set_gate(T_BRKPT, GATE_USER, 0);
		set_gate(T_SYSCALL, GATE_USER, 0);
		set_gate(T_DBLFLT, GATE_INTERRUPT, IST_DBLFLT);
		set_gate(T_NMI, GATE_INTERRUPT, IST_NMI);
		set_gate(T_MCHK, GATE_INTERRUPT, IST_MCHK);
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint64_t)idt };
	asm volatile("lidt %0" : : "m"(desc));
}

/* The name of every exception vector, for kill lines and trap frames. */
static const char *const exception_names[32] = {
	[T_DIVIDE] = "divide error",
	[T_DEBUG] = "debug exception",
	[T_NMI] = "non-maskable interrupt",
	[T_BRKPT] = "breakpoint",
	[T_OFLOW] = "overflow",
	[T_BOUND] = "bound range exceeded",
	[T_ILLOP] = "invalid opcode",
	[T_DEVICE] = "device not available",
	[T_DBLFLT] = "double fault",
	[T_COPROC] = "coprocessor segment overrun",
	[T_TSS] = "invalid TSS",
	[T_SEGNP] = "segment not present",
	[T_STACK] = "stack fault",
	[T_GPFLT] = "general protection fault",
	[T_PGFLT] = "page fault",
	[15] = "reserved exception 15",
	[T_FPERR] = "floating-point error",
	[T_ALIGN] = "alignment check",
	[T_MCHK] = "machine check",
	[T_SIMDERR] = "SIMD floating-point error",
	[T_VIRT] = "virtualization exception",
	[T_CTRLPROT] = "control protection exception",
	[22] = "reserved exception 22",
	[23] = "reserved exception 23",
	[24] = "reserved exception 24",
	[25] = "reserved exception 25",
	[26] = "reserved exception 26",
	[27] = "reserved exception 27",
	[T_HVINJ] = "hypervisor injection exception",
	[T_VMMCOMM] = "VMM communication exception",
	[T_SECURITY] = "security exception",
	[31] = "reserved exception 31",
};

/* What trap number trapno is, in words. */
static const char *trap_name(uint64_t trapno)
{
	if (trapno < 32)
		return exception_names[trapno];
	if (trapno == T_SYSCALL)
		return "system call (int $0x80)";
	if (trapno >= T_IRQ0 && trapno < T_IRQ0 + 16)
		return "hardware interrupt";
	return "unknown trap";
}

void print_trapframe(const struct trapframe *tf)
{
	cprintf("  trap %lu (%s), err 0x%lx, on CPU %d\n", tf->trapno, trap_name(tf->trapno),
		tf->err, mycpu()->id);
	cprintf("  rip %016lx  cs %04lx  rflags %016lx\n", tf->rip, tf->cs, tf->rflags);
	cprintf("  rsp %016lx  ss %04lx  cr2 %016lx\n", tf->rsp, tf->ss, rcr2());
	cprintf("  rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	cprintf("  rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	cprintf("  rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	cprintf("  r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11, tf->r12);
	cprintf("  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14, tf->r15);
}

/* The signal Linux would send for a user-mode exception. */
static int exception_signal(uint64_t trapno)
{
	switch (trapno) {
	case T_DIVIDE:
	case T_FPERR:
	case T_SIMDERR:
		return SIGFPE;
	case T_ILLOP:
		return SIGILL;
	case T_ALIGN:
		return SIGBUS;
	case T_BRKPT:
	case T_DEBUG:
		return SIGTRAP;
	default:
		return SIGSEGV;
	}
}

/* The access a page fault's error code reports. */
static int fault_access(uint64_t err)
{
	return (err & FEC_I) ? VM_EXEC : (err & FEC_W) ? VM_WRITE : VM_READ;
}

/*
 * Kill the current process for an exception it took in user mode, with one line
 * naming pid, program, cause, faulting address and instruction pointer, and the
 * signal Linux would have sent. Never returns.
 */
static void kill_process(struct trapframe *tf, const char *cause, uint64_t addr, int signo)
{
	struct proc *p = myproc();

	cprintf("elk: pid %d (%s) killed: %s, addr 0x%lx, rip 0x%lx\n", p->pid, p->name, cause,
		addr, tf->rip);
	proc_exit(W_SIGNALED(signo));
}

/*
 * A user-mode exception Linux answers with signo: run the process's handler
 * for it (on the way out), or kill as kill_process does if there is none or
 * the thread blocks signo. si_code code, si_addr addr.
 */
static void user_exception(struct trapframe *tf, const char *cause, uint64_t addr, int signo,
			   int code)
{
	if (!signal_fault(signo, code, addr))
		kill_process(tf, cause, addr, signo);
}

/* The si_code Linux gives a user-mode exception trapno turned into a signal. */
static int exception_code(uint64_t trapno)
{
	switch (trapno) {
	case T_DIVIDE:
		return FPE_INTDIV;
	case T_ILLOP:
		return ILL_ILLOPN;
	case T_ALIGN:
		return BUS_ADRALN;
	case T_BRKPT:
		return TRAP_BRKPT;
	default:
		return SI_KERNEL;	/* #GP and the like: Linux's si_code for them */
	}
}

/* A page fault in user mode: resolve it from the process's areas, or signal. */
static void user_page_fault(struct trapframe *tf)
{
	static const char *const access_names[] = { "read", "write", "exec" };
	uint64_t addr = rcr2();
	int access = fault_access(tf->err);

	sti();	/* resolving may sleep (the address space lock) or take a while */
	enum vm_fault_result r = vm_fault(myproc()->vs, addr, access);
	/*
	 * Resolved; or the wait for memory was interrupted, or this process is the
	 * out-of-memory victim: the signal pending is delivered on the way out
	 * (SIGKILL ends the process, a handler runs and the access is tried again).
	 */
	if (r == VM_OK || (r == VM_NO_MEMORY && (thread_interrupted() || oom_is_victim())))
		return;
	char cause[64];
	if (r == VM_STACK_GUARD || r == VM_NO_MEMORY)
		snprintf(cause, sizeof(cause), "%s", vm_fault_text(r));
	else
		snprintf(cause, sizeof(cause), "page fault (%s, %s)", access_names[access],
			 vm_fault_text(r));
	user_exception(tf, cause, addr, vm_fault_signal(r),
		       (tf->err & FEC_P) ? SEGV_ACCERR : SEGV_MAPERR);
}

/*
 * A page fault in the kernel while copying to or from user memory: resolve it on
 * the process's behalf, as if the process had touched the page itself. Returns
 * whether it was resolved (then the copy resumes where it stopped).
 */
static bool resolve_for_user_copy(struct trapframe *tf)
{
	struct proc *p = myproc();
	uint64_t addr = rcr2();

	if (!p || !p->vs || addr >= USER_END)
		return false;
	if (tf->rflags & FL_IF)
		sti();
	return vm_fault(p->vs, addr, fault_access(tf->err)) == VM_OK;
}

/* An exception in kernel mode: a user-copy fault becomes -EFAULT, anything else panics. */
static void kernel_exception(struct trapframe *tf)
{
	if (tf->trapno == T_PGFLT && uaccess_is_copy(tf) &&
	    (resolve_for_user_copy(tf) || uaccess_fixup(tf)))
		return;
	cprintf("elk: kernel fault: %s in kernel mode\n", trap_name(tf->trapno));
	print_trapframe(tf);
	panic("unhandled %s at rip 0x%lx", trap_name(tf->trapno), tf->rip);
}

/*
 * Print a line for the NMIs this CPU took since the last report, then count
 * them as reported (kstat's KSTAT_NMIS_REPORTED), so that a program that sees
 * the count knows the line is out. Called from the timer interrupt, where this
 * CPU holds no lock: the NMI itself may have come in the middle of a console
 * write, holding the console's lock.
 */
static void report_nmis(struct cpu *c)
{
	uint64_t seen = c->nmis;

	if (seen == c->nmis_reported)
		return;
	cprintf("elk: %lu NMI(s) on CPU %d, from the machine, not the running code; "
		"ignored\n", seen - c->nmis_reported, c->id);
	__atomic_store_n(&c->nmis_reported, seen, __ATOMIC_RELEASE);
}

/*
 * An NMI or machine check: the machine's doing, never the running code's, so
 * no process is killed for it. It runs on an IST stack, so it must not sleep or
 * switch threads; an NMI is only counted, as it may have come while this CPU
 * held any lock. A machine check means the hardware is failing: panic.
 */
static void machine_event(struct trapframe *tf)
{
	if (tf->trapno == T_NMI) {
		if (panicking)
			for (;;)
				hlt();	/* another CPU panicked and stopped this one */
		mycpu()->nmis++;
		return;
	}
	console_break_lock();	/* the machine is going down, maybe mid-write */
	cprintf("elk: machine check on CPU %d\n", mycpu()->id);
	print_trapframe(tf);
	panic("machine check at rip 0x%lx", tf->rip);
}

/* Handle tf's trap or interrupt; from_user says it came from ring 3. */
static void trap_dispatch(struct trapframe *tf, bool from_user)
{
	if (tf->trapno == T_IRQ0 + IRQ_TIMER) {
		struct cpu *c = mycpu();
		lapic_eoi();
		c->ticks++;
		report_nmis(c);
		if (c->id == 0)
			sched_tick();
		if (preemptible())
			yield();
		return;
	}
	if (tf->trapno == T_IPI_RESCHED) {
		lapic_eoi();
		sched_ipi();
		return;
	}
	if (tf->trapno == T_IPI_TLB) {
		tlb_ipi();
		lapic_eoi();
		return;
	}
	if (irq_dispatch(tf->trapno))
		return;
	if (tf->trapno == T_IRQ0 + IRQ_COM1) {
		console_intr();
		lapic_eoi();
		return;
	}
	if (tf->trapno == T_SPURIOUS || tf->trapno == T_IRQ0 + 7 || tf->trapno == T_IRQ0 + 15)
		return;	/* spurious: the APIC's, or the masked 8259's */
	if (tf->trapno == T_SYSCALL) {
		syscall_int80(tf);
		return;
	}
	if (tf->trapno == T_PGFLT && from_user) {
		user_page_fault(tf);
		return;
	}
	if (tf->trapno < 32) {
		if (from_user)
			user_exception(tf, trap_name(tf->trapno), tf->rip,
				       exception_signal(tf->trapno), exception_code(tf->trapno));
		else
			kernel_exception(tf);
		return;
	}
	cprintf("elk: unexpected trap %lu (%s)\n", tf->trapno, trap_name(tf->trapno));
	print_trapframe(tf);
	if (from_user)
		proc_exit(W_SIGNALED(SIGSEGV));
}

/*
 * The CPU refused the frame iret_to_user was returning to user mode with (a
 * non-canonical rip, say, after a syscall instruction at the very top of user
 * space): the fault is in ring 0, but the process's doing. The refused frame
 * sits where the fault found the stack pointer; the user's registers are the
 * ones just saved. Kill the process as for a user-mode fault at that rip.
 */
static void bad_user_return(struct trapframe *tf)
{
	const struct trapframe *refused =
		(const struct trapframe *)(tf->rsp - offsetof(struct trapframe, rip));
	char cause[64];

	snprintf(cause, sizeof(cause), "%s on return to user mode", trap_name(tf->trapno));
	tf->rip = refused->rip;
	kill_process(tf, cause, refused->rip, exception_signal(tf->trapno));
}

void trap(struct trapframe *tf)
{
	bool from_user = (tf->cs & 3) == 3;

	if (tf->trapno == T_NMI || tf->trapno == T_MCHK) {
		machine_event(tf);
		return;
	}
	if (!from_user && tf->rip == (uint64_t)iret_to_user &&
	    (tf->trapno == T_GPFLT || tf->trapno == T_SEGNP || tf->trapno == T_STACK)) {
		bad_user_return(tf);
		return;
	}
	trap_dispatch(tf, from_user);
	if (from_user)
		proc_user_return();
}
