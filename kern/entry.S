/*
 * Kernel entry. A Multiboot1 loader (QEMU -kernel) or a Multiboot2 loader (GRUB)
 * jumps to _start32 in 32-bit protected mode with paging off. We build boot page
 * tables that map the first 4 GiB of physical memory three times (identity, the
 * direct map at DMAPBASE, and the kernel image at KERNBASE), enter long mode and
 * call kmain(magic, info_pa) on the boot stack at its higher-half address.
 */
#include <inc/mmu.h>
#include <inc/memlayout.h>
#include <kern/longmode.h>

#define PA(x) ((x) - KERNBASE)

#define MB1_MAGIC  0x1badb002
#define MB1_FLAGS  ((1 << 0) | (1 << 1) | (1 << 16))	/* page-align modules, memory map, address fields */
#define MB2_MAGIC  0xe85250d6

.section .multiboot, "a"
.balign 8
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long PA(mb1_header)	/* header_addr */
	.long PA(_kernel_start)	/* load_addr */
	.long PA(_edata)	/* load_end_addr */
	.long PA(_end)		/* bss_end_addr */
	.long PA(_start32)	/* entry_addr */

.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0			/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	.balign 8
	.short 3, 0		/* entry address tag */
	.long 12
	.long PA(_start32)
	.balign 8
	.short 6, 0		/* module alignment tag: page-align modules */
	.long 8
	.balign 8
	.short 0, 0		/* end tag */
	.long 8
mb2_header_end:

.text
.code32
.globl _start32
_start32:
	cli
	cld
	movl %eax, PA(boot_magic)
	movl %ebx, PA(boot_info_pa)

	/* Zero the bss ourselves rather than trust every loader to. */
	movl $PA(_edata), %edi
	movl $PA(_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl $PA(boot_stack_top), %esp

	/* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PD entries: 2048 x 2 MiB pages covering the first 4 GiB. */
	movl $PA(boot_pd), %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax		/* bits 32+ of the physical address: (i * 2 MiB) >> 32 */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* Low PDPT: four PDs; used for the identity map and the direct map. */
	movl $PA(boot_pdpt_low), %edi
	movl $PA(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 0(%edi)
	addl $4096, %eax
	movl %eax, 8(%edi)
	addl $4096, %eax
	movl %eax, 16(%edi)
	addl $4096, %eax
	movl %eax, 24(%edi)

	/* High PDPT: entries 510 and 511 map the first 2 GiB at KERNBASE. */
	movl $PA(boot_pdpt_high), %edi
	movl $PA(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 510*8(%edi)
	addl $4096, %eax
	movl %eax, 511*8(%edi)

	movl $PA(boot_pml4), %edi
	movl $PA(boot_pdpt_low), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 0(%edi)		/* identity, until kmain builds its own tables */
	movl %eax, 256*8(%edi)		/* DMAPBASE */
	movl $PA(boot_pdpt_high), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 511*8(%edi)		/* KERNBASE */

	ENTER_LONG_MODE

	lgdt PA(boot_gdt_desc)
	ljmp $GD_KT, $PA(start64_low)

no_long_mode:
	/* Nothing else can be printed yet: say it on the VGA text screen and stop. */
	movl $0xb8000, %edi
	movl $PA(no_long_mode_msg), %esi
2:	movb (%esi), %al
	testb %al, %al
	jz 3f
	movb %al, (%edi)
	movb $0x4f, 1(%edi)
	incl %esi
	addl $2, %edi
	jmp 2b
3:	hlt
	jmp 3b

.code64
start64_low:
	movabsq $start64_high, %rax
	jmp *%rax
start64_high:
	movw $GD_KD, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorq %rbp, %rbp			/* ends backtraces */
	movl boot_magic(%rip), %edi
	movl boot_info_pa(%rip), %esi
	call kmain
4:	hlt
	jmp 4b

.section .rodata
no_long_mode_msg:
	.asciz "elk: this CPU has no long mode (x86-64); cannot boot"

.data
.balign 16
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000	/* GD_KT: 64-bit code, DPL 0 */
	.quad 0x0000920000000000	/* GD_KD: data, DPL 0 */
boot_gdt_desc:
	.short boot_gdt_desc - boot_gdt - 1
	.long PA(boot_gdt)
boot_magic:
	.long 0
boot_info_pa:
	.long 0

.bss
.balign 4096
.globl boot_pml4
boot_pml4:
	.space 4096
boot_pdpt_low:
	.space 4096
boot_pdpt_high:
	.space 4096
boot_pd:
	.space 4 * 4096
.globl boot_stack, boot_stack_top
boot_stack:
	.space 4 * 4096
boot_stack_top:
