/*
 * The initial ramdisk: its entries become directories, files, symbolic links
 * and device nodes in the tmpfs at "/" (kern/cpio.c reads the format). Then the
 * archive's pages are freed: the files' bytes now live in their page caches.
 */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/stat.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/boot.h>
#include <kern/cpio.h>
#include <kern/kmalloc.h>
#include <kern/pagecache.h>
#include <kern/pmap.h>
#include <kern/ramdisk.h>
#include <kern/vfs.h>

/*
 * Make entry e at path (absolute, kernel memory): 0 or -errno. A directory
 * that exists already is fine (archives may name one twice).
 */
static int unpack_entry(const char *path, const struct cpio_entry *e)
{
	uint32_t rdev = MKDEV(e->rdev_major, e->rdev_minor);
	struct vnode *vn;
	int r;

	if (S_ISLNK(e->mode)) {
		char *target = kmalloc(e->size + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		r = e->size ? vfs_mknod(path, e->mode, 0, target, NULL) : -EINVAL;
		kfree(target);
		return r;
	}
	if (!S_ISDIR(e->mode) && !S_ISREG(e->mode) && !S_ISCHR(e->mode))
		return -EINVAL;
	r = vfs_mknod(path, e->mode, rdev, NULL, &vn);
	if (r == -EEXIST && S_ISDIR(e->mode))
		return 0;
	if (r < 0)
		return r;
	if (S_ISREG(e->mode) && e->size &&
	    pagecache_write(vn->pages, e->data, e->size, 0, false) != (int64_t)e->size)
		r = -ENOSPC;
	int64_t mtime = (int64_t)e->mtime * 1000000000L;
	vn->mtime = vn->atime = vn->ctime = mtime;
	vn_put(vn);
	return r;
}

/* Unpack every entry of the archive of size bytes at base: 0, or -errno naming the bad one. */
static int unpack(const void *base, size_t size, char *path)
{
	struct cpio_entry e;
	size_t pos = 0;
	int r;

	while ((r = cpio_next(base, size, &pos, &e)) == 1) {
		const char *name = e.name;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (!name[0] || strcmp(name, ".") == 0)
			continue;
		if (snprintf(path, PATH_MAX, "/%s", name) >= PATH_MAX)
			r = -ENAMETOOLONG;
		else
			r = unpack_entry(path, &e);
		if (r < 0) {
			cprintf("elk: initrd: cannot make %s (error %d)\n", e.name, r);
			return r;
		}
	}
	if (r < 0)
		cprintf("elk: initrd: malformed entry at byte %lu\n", pos);
	return r;
}

bool ramdisk_unpack(void)
{
	if (bootinfo.initrd_end == 0) {
		cprintf("elk: cannot start init: no initrd module was loaded\n");
		return false;
	}
	physaddr_t start = bootinfo.initrd_start, end = bootinfo.initrd_end;
	char *path = kmalloc(PATH_MAX);
	int r = path ? unpack(kva(start), end - start, path) : -ENOMEM;
	kfree(path);
	if (r < 0) {
		cprintf("elk: cannot start init: the initrd is not a newc cpio archive "
			"that fits in memory\n");
		return false;
	}
	/*
	 * The pages wholly inside the archive were never free (pmap.c kept them
	 * out of the allocator): they are now, but for any the boot information
	 * shares.
	 */
	for (physaddr_t pa = ROUNDUP(start, PGSIZE); pa + PGSIZE <= end; pa += PGSIZE)
		if (pa + PGSIZE <= ROUNDDOWN(bootinfo.info_start, PGSIZE) || pa >= bootinfo.info_end)
			page_free(pa2page(pa));
	return true;
}
