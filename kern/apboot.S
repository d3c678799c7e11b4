/*
 * Application processor start. lapic_start_ap's STARTUP IPI starts an AP in
 * real mode at AP_TRAMPOLINE_PA, where smp_boot has copied the code between
 * ap_trampoline and ap_trampoline_end. It runs at that address, not at its link
 * address, so it names its own labels with TRAMP(). It goes to protected mode
 * with a GDT of its own, then to long mode on the boot page tables (boot_pml4,
 * whose identity map covers the trampoline and whose higher half holds the
 * kernel), and jumps to ap_high in the kernel image. That loads the kernel's
 * page tables, the stack smp_boot gave this CPU, and calls ap_main(cpu).
 */
#include <inc/mmu.h>
#include <inc/memlayout.h>
#include <kern/longmode.h>
#include <kern/smp.h>

#define PA(x) ((x) - KERNBASE)
#define TRAMP(x) ((x) - ap_trampoline + AP_TRAMPOLINE_PA)

.text
.code16
.globl ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TRAMP(ap_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $TRAMP(ap_start32)

.code32
ap_start32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	ENTER_LONG_MODE
	ljmpl $0x18, $TRAMP(ap_start64)

.code64
ap_start64:
	movabsq $ap_high, %rax
	jmp *%rax

.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, 4 GiB */
	.quad 0x00cf92000000ffff	/* 0x10: data, 4 GiB */
	.quad 0x00209a0000000000	/* 0x18: 64-bit code */
ap_gdt_desc:
	.short ap_gdt_desc - ap_gdt - 1
	.long TRAMP(ap_gdt)
ap_trampoline_end:

/* In the kernel image, at its link address: the boot tables map it. */
ap_high:
	movq kern_cr3(%rip), %rax
	movq %rax, %cr3
	movq ap_boot_stack(%rip), %rsp
	movq ap_boot_cpu(%rip), %rdi
	xorq %rbp, %rbp			/* ends backtraces */
	call ap_main
1:	hlt
	jmp 1b
