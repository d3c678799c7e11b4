/* Reading and writing files through their page cache (see pagecache.h). */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/string.h>
#include <kern/pagecache.h>
#include <kern/pmap.h>
#include <kern/uaccess.h>
#include <kern/vmobj.h>

/* What a hole reads as. */
static const uint8_t zeros[PGSIZE];

/* Copy n bytes from src to dst, dst in user memory if user: 0 or -EFAULT. */
static int copy_out(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_to_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

/* The same from src, in user memory if user, into dst. */
static int copy_in(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_from_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

int64_t pagecache_read(struct vmobj *obj, void *buf, size_t n, uint64_t off, bool user)
{
	uint64_t size = vmobj_file_size(obj);
	size_t done = 0;

	if (off >= size)
		return 0;
	n = MIN(n, size - off);
	while (done < n) {
		uint64_t pos = off + done;
		size_t in_page = pos % PGSIZE, k = MIN(n - done, PGSIZE - in_page);
		struct page *pp = vmobj_file_page(obj, pos / PGSIZE, false);
		const uint8_t *src = pp ? (const uint8_t *)page2kva(pp) + in_page : zeros;
		int r = copy_out((char *)buf + done, src, k, user);
		if (pp)
			page_decref(pp);
		if (r < 0)
			return done ? (int64_t)done : -EFAULT;
		done += k;
	}
	return (int64_t)done;
}

int64_t pagecache_write(struct vmobj *obj, const void *buf, size_t n, uint64_t off, bool user)
{
	size_t done = 0;
	int64_t err = 0;

	if (off >= PAGECACHE_MAXSIZE)
		return -EFBIG;
	n = MIN(n, PAGECACHE_MAXSIZE - off);
	if (off + n > vmobj_file_size(obj))
		vmobj_file_zero_tail(obj);
	while (done < n) {
		uint64_t pos = off + done;
		size_t in_page = pos % PGSIZE, k = MIN(n - done, PGSIZE - in_page);
		struct page *pp = vmobj_file_page(obj, pos / PGSIZE, true);
		if (!pp) {
			err = -ENOSPC;
			break;
		}
		int r = copy_in((uint8_t *)page2kva(pp) + in_page, (const char *)buf + done, k, user);
		page_decref(pp);
		if (r < 0) {
			err = -EFAULT;
			break;
		}
		done += k;
		vmobj_file_extend(obj, pos + k);
	}
	return done ? (int64_t)done : err;
}
