/*
 * Checked access to user memory. Every kernel read or write of a user pointer goes
 * through these: the range must lie in the user half. A page fault while copying
 * is resolved for the process as its own access would be (a lazy page filled, a
 * copy-on-write page copied); one that cannot be (no area, wrong protection)
 * turns into -EFAULT instead of a kernel panic.
 */
#ifndef ELK_KERN_UACCESS_H
#define ELK_KERN_UACCESS_H

#include <inc/types.h>

struct trapframe;

/* Copy n bytes from user address usrc into dst. 0 or -EFAULT. */
int copy_from_user(void *dst, const void *usrc, size_t n);
/* Copy n bytes from src to user address udst. 0 or -EFAULT. */
int copy_to_user(void *udst, const void *src, size_t n);
/*
 * Copy the string at usrc, terminator included, into dst (max bytes). Returns its
 * length, -EFAULT, or -ENAMETOOLONG if no terminator comes within max bytes.
 */
int64_t strncpy_from_user(char *dst, const char *usrc, size_t max);
/* True if [uaddr, uaddr+n) lies wholly in user space. */
bool user_range_ok(const void *uaddr, size_t n);
/* Whether a kernel-mode fault at tf hit one of the user-copy instructions. */
bool uaccess_is_copy(const struct trapframe *tf);
/*
 * Called for a page fault in kernel mode that could not be resolved: if it hit a
 * user-copy instruction, redirect tf to return -EFAULT from the copy and return true.
 */
bool uaccess_fixup(struct trapframe *tf);

#endif
