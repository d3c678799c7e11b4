/*
 * The only instructions that touch user memory. A page fault at one of the
 * addresses in uaccess_fixups resumes at its fixup, which returns -EFAULT.
 */
#include <inc/errno.h>

.text
/* int copy_user_raw(void *dst, const void *src, size_t n): 0, or -EFAULT on a fault */
.globl copy_user_raw
copy_user_raw:
	movq %rdx, %rcx
copy_user_movs:
	rep movsb
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
	.quad copy_user_movs, uaccess_efault
	.quad strncpy_user_load, uaccess_efault
uaccess_fixups_end:
