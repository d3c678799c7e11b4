/*
 * The initial ramdisk archive. initrd_check validates the whole archive once, at
 * boot, so that lookups afterwards can trust every offset and name in it.
 */
#include <inc/errno.h>
#include <inc/string.h>
#include <kern/initrd.h>

/* The entry table, which follows the header. */
static const struct initrd_file *table(const void *base)
{
	return (const struct initrd_file *)((const struct initrd_header *)base + 1);
}

/* True if entry f describes data inside an archive of size bytes, under a proper name. */
static bool file_ok(const struct initrd_file *f, size_t size)
{
	uint64_t end;
	size_t namelen = strnlen(f->name, INITRD_NAMELEN);

	return namelen > 0 && namelen < INITRD_NAMELEN && f->offset % INITRD_ALIGN == 0 &&
	       !__builtin_add_overflow(f->offset, f->size, &end) && end <= size;
}

int initrd_check(const void *base, size_t size)
{
	const struct initrd_header *h = base;
	uint64_t tableend;
	uint32_t i;

	/* The entries hold 64-bit fields, read in place. */
	if ((uintptr_t)base % _Alignof(struct initrd_file) != 0 || size < sizeof(*h))
		return -EINVAL;
	if (memcmp(h->magic, INITRD_MAGIC, sizeof(h->magic)) != 0)
		return -EINVAL;
	/* nfiles is 32 bits, so the table's end cannot overflow 64 bits. */
	tableend = sizeof(*h) + (uint64_t)h->nfiles * sizeof(struct initrd_file);
	if (tableend > size)
		return -EINVAL;
	for (i = 0; i < h->nfiles; i++)
		if (!file_ok(&table(base)[i], size))
			return -EINVAL;
	return 0;
}

uint32_t initrd_count(const void *base)
{
	return ((const struct initrd_header *)base)->nfiles;
}

const struct initrd_file *initrd_file_at(const void *base, uint32_t i)
{
	return i < initrd_count(base) ? &table(base)[i] : NULL;
}

const struct initrd_file *initrd_lookup(const void *base, const char *name)
{
	uint32_t i;

	while (*name == '/')
		name++;
	for (i = 0; i < initrd_count(base); i++)
		if (strcmp(table(base)[i].name, name) == 0)
			return &table(base)[i];
	return NULL;
}

const void *initrd_data(const void *base, const struct initrd_file *f)
{
	return (const char *)base + f->offset;
}
