/* Per-CPU descriptor tables and the syscall instruction's MSRs. */
#include <inc/mmu.h>
#include <inc/x86.h>
#include <inc/string.h>
#include <kern/cpu.h>

struct cpu cpus[MAXCPU];
int ncpu = 1;

extern char syscall_entry[];	/* kern/trapentry.S */

_Static_assert(offsetof(struct cpu, self) == CPU_OFF_SELF, "cpu layout");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_OFF_KSTACK_TOP, "cpu layout");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFF_USER_RSP, "cpu layout");
_Static_assert(offsetof(struct cpu, traps) == CPU_OFF_TRAPS, "cpu layout");
_Static_assert(offsetof(struct cpu, thread) == CPU_OFF_THREAD, "cpu layout");

#define SEG_KCODE 0x00209a0000000000UL	/* present, DPL 0, code, long mode */
#define SEG_KDATA 0x0000920000000000UL	/* present, DPL 0, data, writable */
#define SEG_UDATA 0x0000f20000000000UL	/* present, DPL 3, data, writable */
#define SEG_UCODE 0x0020fa0000000000UL	/* present, DPL 3, code, long mode */

/* The two GDT slots of a 64-bit available TSS descriptor for tss. */
static void set_tss_descriptor(uint64_t *slot, struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void load_gdt(uint64_t *gdt, size_t n)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { (uint16_t)(n * 8 - 1), (uint64_t)gdt };

	asm volatile("lgdt %0" : : "m"(desc));
	/* Reload CS with a far return, then the data segments. */
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w1, %%ds\n\t"
		     "movw %w1, %%es\n\t"
		     "movw %w1, %%ss\n\t"
		     "movw %w2, %%fs\n\t"
		     "movw %w2, %%gs"
		     : : "i"((uint64_t)GD_KT), "r"(GD_KD), "r"(0) : "rax", "memory");
}

/* The IST_* stacks of each CPU. */
static uint8_t ist_stacks[MAXCPU][NIST][4096] __attribute__((aligned(16)));

void cpu_init(struct cpu *c)
{
	c->self = c;
	c->gdt[0] = 0;
	c->gdt[GD_KT >> 3] = SEG_KCODE;
	c->gdt[GD_KD >> 3] = SEG_KDATA;
	c->gdt[GD_UD >> 3] = SEG_UDATA;
	c->gdt[GD_UT >> 3] = SEG_UCODE;
	memset(&c->tss, 0, sizeof(c->tss));
	for (int n = 1; n <= NIST; n++)
		c->tss.ist[n - 1] = (uint64_t)&ist_stacks[c->id][n - 1][sizeof(ist_stacks[0][0])];
	c->tss.iomap_base = sizeof(c->tss);	/* no I/O bitmap: ring 3 gets no ports */
	set_tss_descriptor(&c->gdt[GD_TSS >> 3], &c->tss);

	load_gdt(c->gdt, NGDT);
	asm volatile("ltr %w0" : : "r"(GD_TSS));
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/*
	 * syscall: CS = STAR[47:32], SS = that + 8. sysretq: SS = STAR[63:48] + 8,
	 * CS = STAR[63:48] + 16, both with RPL 3. Entry clears every flag the
	 * user could leave set that matters to the kernel, as Linux does: IF (the
	 * handler turns interrupts on once it is on its own stack), TF, DF, AC,
	 * IOPL, ID, RF, the arithmetic flags, and NT, which would make the next
	 * iretq in ring 0 fault (sysretq gives the user its own flags back from r11).
	 */
	wrmsr(MSR_STAR, ((uint64_t)(GD_UD - 8) << 48) | ((uint64_t)GD_KT << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_IF | FL_DF |
			      FL_OF | FL_IOPL | FL_NT | FL_RF | FL_AC | FL_ID);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);

	/*
	 * SSE for user code; the kernel itself is built without FP registers. A
	 * machine check raises #MC, which reports, rather than shutting down.
	 */
	lcr4(rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_MCE);
	lcr0((rcr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
}
