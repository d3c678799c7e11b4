/* Kernel console printing and panic. */
#include <inc/assert.h>
#include <inc/stdio.h>
#include <inc/x86.h>
#include <kern/console.h>
#include <kern/cpu.h>
#include <kern/lapic.h>

/* Characters are gathered per call so that one cprintf reaches the console whole. */
struct linebuf {
	char buf[128];
	size_t n;
};

static void flush(struct linebuf *lb)
{
	console_write(lb->buf, lb->n);
	lb->n = 0;
}

static void linebuf_putch(int c, void *arg)
{
	struct linebuf *lb = arg;
	lb->buf[lb->n++] = (char)c;
	if (lb->n == sizeof(lb->buf))
		flush(lb);
}

int vcprintf(const char *fmt, va_list ap)
{
	struct linebuf lb = { .n = 0 };
	vprintfmt(linebuf_putch, &lb, fmt, ap);
	flush(&lb);
	return 0;
}

int cprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
	return 0;
}

/* Print the return addresses on the frame-pointer chain starting at rbp. */
static void backtrace(uint64_t rbp)
{
	cprintf("backtrace:\n");
	for (int depth = 0; rbp && depth < 32; depth++) {
		uint64_t *frame = (uint64_t *)rbp;
		if ((uintptr_t)frame < 0xffff800000000000UL || ((uintptr_t)frame & 7))
			break;	/* left kernel memory: not a frame we built */
		cprintf("  %016lx\n", frame[1]);
		rbp = frame[0];
	}
	cprintf("(look the addresses up in obj/kern/kernel.asm)\n");
}

volatile bool panicking;
static volatile int panic_cpu = -1;	/* none yet: a second panic before it is set halts */

/*
 * The first CPU to panic stops the others with an NMI (their handler halts
 * once panicking is set), says which CPU it is, and ends the run. A panic
 * while panicking ends the run at once on the CPU that panicked first, and
 * halts any other CPU.
 */
void _panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cli();
	if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST)) {
		if (mycpu()->id == panic_cpu)
			machine_exit(0x7f);
		for (;;)
			hlt();	/* the first panic is printing; interrupts stay off */
	}
	panic_cpu = mycpu()->id;
	if (ncpu > 1)
		lapic_nmi_others();
	console_break_lock();
	cprintf("elk: kernel panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
	cprintf("\n");
	cprintf("elk: the panic was on CPU %d; %s\n", mycpu()->id,
		ncpu > 1 ? "the other CPUs are stopped" : "the only CPU");
	backtrace(read_rbp());
	machine_exit(0x7f);
}
