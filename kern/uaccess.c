/* Checked copies between kernel and user memory (see uaccess.h). */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/trap.h>
#include <kern/uaccess.h>

extern int copy_user_raw(void *dst, const void *src, size_t n);
extern int64_t strncpy_user_raw(char *dst, const char *src, size_t max);

/* A fault at an instruction in [start, end) resumes at resume. */
struct fixup {
	uint64_t start, end, resume;
};
extern const struct fixup uaccess_fixups[], uaccess_fixups_end[];

bool user_range_ok(const void *uaddr, size_t n)
{
	uintptr_t a = (uintptr_t)uaddr, end;
	return !__builtin_add_overflow(a, n, &end) && end <= USER_END;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return copy_user_raw(dst, usrc, n);
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return copy_user_raw(udst, src, n);
}

int64_t strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	if ((uintptr_t)usrc >= USER_END)
		return -EFAULT;
	/* Stop at the end of user space: the copy must never read kernel memory. */
	size_t limit = MIN(max, USER_END - (uintptr_t)usrc);
	int64_t r = strncpy_user_raw(dst, usrc, limit);
	if (r == -ENAMETOOLONG && limit < max)
		return -EFAULT;
	return r;
}

/* The fixup entry for a user-copy instruction at rip, or NULL. */
static const struct fixup *find_fixup(uint64_t rip)
{
	for (const struct fixup *f = uaccess_fixups; f < uaccess_fixups_end; f++)
		if (rip >= f->start && rip < f->end)
			return f;
	return NULL;
}

bool uaccess_is_copy(const struct trapframe *tf)
{
	return find_fixup(tf->rip) != NULL;
}

bool uaccess_fixup(struct trapframe *tf)
{
	const struct fixup *f = find_fixup(tf->rip);
	if (f)
		tf->rip = f->resume;
	return f != NULL;
}
