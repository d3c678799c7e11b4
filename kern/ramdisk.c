/* Where the initrd lives in memory; the format itself is kern/initrd.c's business. */
#include <inc/stdio.h>
#include <kern/boot.h>
#include <kern/initrd.h>
#include <kern/pmap.h>
#include <kern/ramdisk.h>

static const void *rd_base;
static size_t rd_size;

bool ramdisk_init(void)
{
	if (bootinfo.initrd_end == 0) {
		cprintf("elk: cannot start init: no initrd module was loaded\n");
		return false;
	}
	const void *base = kva(bootinfo.initrd_start);
	size_t size = bootinfo.initrd_end - bootinfo.initrd_start;
	if (initrd_check(base, size) < 0) {
		cprintf("elk: cannot start init: the initrd module is not an elk initrd archive\n");
		return false;
	}
	/* Programs' pages are mapped straight from the initrd, so they must sit on pages. */
	if (bootinfo.initrd_start % PGSIZE) {
		cprintf("elk: cannot start init: the initrd is not page-aligned in memory\n");
		return false;
	}
	/* The ramdisk's own reference: mapping and unmapping never frees these pages. */
	for (physaddr_t pa = bootinfo.initrd_start; pa < bootinfo.initrd_end; pa += PGSIZE)
		page_incref(pa2page(pa));
	rd_base = base;
	rd_size = size;
	return true;
}

const struct initrd_file *ramdisk_lookup(const char *name)
{
	return rd_base ? initrd_lookup(rd_base, name) : NULL;
}

const uint8_t *ramdisk_data(const struct initrd_file *f)
{
	return initrd_data(rd_base, f);
}

size_t ramdisk_count(void)
{
	return rd_base ? initrd_count(rd_base) : 0;
}
