/* Reading newc cpio archives (see cpio.h). */
#include <inc/errno.h>
#include <inc/string.h>
#include <kern/cpio.h>

#define HEADER_SIZE 110
#define FIELDS 13	/* eight hex digits each, after the six-byte magic */
#define TRAILER "TRAILER!!!"

/* The header's fields, in order. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

/* The eight hex digits at s as a number in *v; false if one is not a hex digit. */
static bool hex8(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

/* n rounded up to a multiple of 4, as newc pads names and data. */
static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~3ULL;
}

int cpio_next(const void *base, size_t size, size_t *pos, struct cpio_entry *e)
{
	const char *a = base, *h;
	uint32_t f[FIELDS];

	if (*pos > size || size - *pos < HEADER_SIZE)
		return -EINVAL;
	h = a + *pos;
	if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
		return -EINVAL;
	for (int i = 0; i < FIELDS; i++)
		if (!hex8(h + 6 + 8 * i, &f[i]))
			return -EINVAL;
	uint64_t name_at = *pos + HEADER_SIZE, namesize = f[F_NAMESIZE];
	uint64_t data_at = pad4(name_at + namesize), end = pad4(data_at + f[F_FILESIZE]);
	if (namesize == 0 || name_at + namesize > size || a[name_at + namesize - 1] != '\0' ||
	    strlen(a + name_at) != namesize - 1 || data_at + f[F_FILESIZE] > size)
		return -EINVAL;
	if (strcmp(a + name_at, TRAILER) == 0)
		return 0;
	e->name = a + name_at;
	e->mode = f[F_MODE];
	e->rdev_major = f[F_RDEVMAJOR];
	e->rdev_minor = f[F_RDEVMINOR];
	e->mtime = f[F_MTIME];
	e->data = a + data_at;
	e->size = f[F_FILESIZE];
	*pos = MIN(end, size);
	return 1;
}
