// host-test-sources: kern/cpio.c
/*
 * Host test of the newc cpio reader (kern/cpio.c). Archives are written here
 * into buffers of exactly their own size (so AddressSanitizer sees any read
 * past the end): a good archive of a directory, a file and a symbolic link
 * reads back entry by entry; then each kind of damage (a header cut short,
 * bad magic, a bad hex digit, a name without its NUL or running past the end,
 * a file size far past the end, no trailer) is -EINVAL, never a read outside
 * the archive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inc/errno.h>
#include <inc/stat.h>
#include <kern/cpio.h>

#include "check.h"

#define HEADER 110

/* An archive being written: grows as entries are added. */
struct archive {
	char *buf;
	size_t len;
};

static void put(struct archive *ar, const void *p, size_t n)
{
	ar->buf = realloc(ar->buf, ar->len + n);
	memcpy(ar->buf + ar->len, p, n);
	ar->len += n;
}

static void pad(struct archive *ar)
{
	static const char zeros[4];
	put(ar, zeros, (4 - ar->len % 4) % 4);
}

/*
 * One entry: a header claiming namesize and filesize (normally strlen(name) + 1
 * and size), the name with its NUL, padding, size bytes of data, padding.
 */
static void entry_raw(struct archive *ar, const char *magic, const char *name,
		      unsigned mode, unsigned namesize, unsigned filesize,
		      const void *data, size_t size)
{
	char h[HEADER + 1];

	snprintf(h, sizeof(h), "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", magic,
		 7u, mode, 0u, 0u, 1u, 1700000000u, filesize, 0u, 0u, 1u, 3u, namesize, 0u);
	put(ar, h, HEADER);
	put(ar, name, strlen(name) + 1);
	pad(ar);
	put(ar, data, size);
	pad(ar);
}

static void entry(struct archive *ar, const char *name, unsigned mode, const char *data)
{
	entry_raw(ar, "070701", name, mode, (unsigned)strlen(name) + 1, (unsigned)strlen(data),
		  data, strlen(data));
}

/* A copy of the archive's first len bytes in a buffer of exactly that size. */
static char *exact(const struct archive *ar, size_t len)
{
	char *p = malloc(len ? len : 1);
	memcpy(p, ar->buf, len);
	return p;
}

/* The result of reading the first entry of the first len bytes of ar. */
static int first(const struct archive *ar, size_t len)
{
	char *p = exact(ar, len);
	size_t pos = 0;
	struct cpio_entry e;
	int r = cpio_next(p, len, &pos, &e);
	free(p);
	return r;
}

/* ar's first entry must be refused; then ar is emptied for the next one. */
static void refused(struct archive *ar)
{
	CHECK_EQ(first(ar, ar->len), -EINVAL);
	free(ar->buf);
	*ar = (struct archive){ 0 };
}

static void test_good(void)
{
	struct archive ar = { 0 };
	entry(&ar, "bin", S_IFDIR | 0755, "");
	entry(&ar, "bin/hello", S_IFREG | 0644, "hello, world\n");
	entry(&ar, "bin/l", S_IFLNK | 0777, "hello");
	entry(&ar, "TRAILER!!!", 0, "");

	char *p = exact(&ar, ar.len);
	size_t pos = 0;
	struct cpio_entry e;
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 1);
	CHECK(strcmp(e.name, "bin") == 0);
	CHECK_EQ(e.mode, S_IFDIR | 0755);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(e.mtime, 1700000000);
	CHECK_EQ(pos % 4, 0);
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 1);
	CHECK(strcmp(e.name, "bin/hello") == 0);
	CHECK_EQ(e.mode, S_IFREG | 0644);
	CHECK_EQ(e.size, 13);
	CHECK(memcmp(e.data, "hello, world\n", 13) == 0);
	CHECK_EQ(e.rdev_major, 1);
	CHECK_EQ(e.rdev_minor, 3);
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 1);
	CHECK(strcmp(e.name, "bin/l") == 0);
	CHECK(S_ISLNK(e.mode));
	CHECK(e.size == 5 && memcmp(e.data, "hello", 5) == 0);
	size_t at_trailer = pos;
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 0);
	CHECK_EQ(pos, at_trailer);
	/* The 070702 (with checksums) magic reads the same. */
	memcpy(p, "070702", 6);
	pos = 0;
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 1);
	free(p);

	/* Every cut inside an entry is -EINVAL; cuts at an entry's end read on until the end. */
	for (size_t len = 0; len < ar.len; len++) {
		char *q = exact(&ar, len);
		size_t at = 0;
		int r;
		while ((r = cpio_next(q, len, &at, &e)) == 1)
			CHECK(at <= len);
		CHECK_EQ(r, -EINVAL);
		free(q);
	}
	free(ar.buf);
}

static void test_damaged(void)
{
	struct archive ar = { 0 };
	struct cpio_entry e;

	/* Bad magic. */
	entry_raw(&ar, "070707", "f", S_IFREG, 2, 1, "x", 1);
	refused(&ar);

	/* A header field that is not hex. */
	entry(&ar, "f", S_IFREG, "x");
	ar.buf[6 + 8 * 6 + 3] = 'g';	/* in the file size */
	refused(&ar);

	/* A name size past the end of the archive. */
	entry_raw(&ar, "070701", "f", S_IFREG, 0x7fffffff, 1, "x", 1);
	refused(&ar);

	/* A name size of 0, and one that leaves the NUL out. */
	entry_raw(&ar, "070701", "f", S_IFREG, 0, 1, "x", 1);
	refused(&ar);
	entry_raw(&ar, "070701", "file", S_IFREG, 2, 1, "x", 1);
	refused(&ar);

	/* A NUL inside the name: the name is shorter than its size says. */
	entry_raw(&ar, "070701", "ab", S_IFREG, 3, 1, "x", 1);
	ar.buf[HEADER + 1] = '\0';
	refused(&ar);

	/* File sizes far past the end, up to the largest the field holds. */
	unsigned sizes[] = { 0x10000, 0x7fffffff, 0xfffffffc, 0xffffffff };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		entry_raw(&ar, "070701", "f", S_IFREG, 2, sizes[i], "x", 1);
		entry(&ar, "TRAILER!!!", 0, "");
		refused(&ar);
	}

	/* No trailer: the end of the archive where a header should be. */
	entry(&ar, "f", S_IFREG, "x");
	char *p = exact(&ar, ar.len);
	size_t pos = 0;
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), 1);
	CHECK_EQ(pos, ar.len);
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), -EINVAL);
	/* A position past the end is refused, not read. */
	pos = ar.len + 1000;
	CHECK_EQ(cpio_next(p, ar.len, &pos, &e), -EINVAL);
	free(p);
	free(ar.buf);
}

int main(void)
{
	test_good();
	test_damaged();
	return check_summary("test_cpio");
}
