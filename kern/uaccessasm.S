/*
 * The only instructions that touch user memory. A page fault at one of the
 * addresses in uaccess_fixups resumes at its fixup, which returns -EFAULT.
 */
#include <inc/errno.h>

.text
/*
 * int copy_user_raw(void *dst, const void *src, size_t n): 0, or -EFAULT on a
 * fault. 64 bytes a loop trip, then the rest a byte at a time (see memcpy in
 * lib/string.c for why). A fault restarts the instruction once resolved, and
 * every register is still as that instruction expects.
 */
.globl copy_user_raw
copy_user_raw:
	movq %rdx, %rcx
	shrq $6, %rcx
	jz 2f
copy_user_start:
1:	movq 0(%rsi), %rax
	movq %rax, 0(%rdi)
	movq 8(%rsi), %rax
	movq %rax, 8(%rdi)
	movq 16(%rsi), %rax
	movq %rax, 16(%rdi)
	movq 24(%rsi), %rax
	movq %rax, 24(%rdi)
	movq 32(%rsi), %rax
	movq %rax, 32(%rdi)
	movq 40(%rsi), %rax
	movq %rax, 40(%rdi)
	movq 48(%rsi), %rax
	movq %rax, 48(%rdi)
	movq 56(%rsi), %rax
	movq %rax, 56(%rdi)
	addq $64, %rsi
	addq $64, %rdi
	decq %rcx
	jnz 1b
2:	movq %rdx, %rcx
	andq $63, %rcx
	rep movsb
copy_user_end:
	xorl %eax, %eax
	ret

/*
 * int64_t strncpy_user_raw(char *dst, const char *src, size_t max): length of the
 * string copied with its NUL, -ENAMETOOLONG if none within max, or -EFAULT.
 */
.globl strncpy_user_raw
strncpy_user_raw:
	xorl %eax, %eax
1:	cmpq %rdx, %rax
	jae 3f
strncpy_user_load:
	movb (%rsi, %rax), %cl
strncpy_user_end:
	movb %cl, (%rdi, %rax)
	testb %cl, %cl
	jz 2f
	incq %rax
	jmp 1b
2:	ret
3:	movq $-ENAMETOOLONG, %rax
	ret

uaccess_efault:
	movq $-EFAULT, %rax
	ret

.section .rodata
.balign 8
.globl uaccess_fixups, uaccess_fixups_end
uaccess_fixups:
	.quad copy_user_start, copy_user_end, uaccess_efault
	.quad strncpy_user_load, strncpy_user_end, uaccess_efault
uaccess_fixups_end:
