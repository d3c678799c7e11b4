// host-test-sources: kern/namei.c
/*
 * Host test of path lookup (kern/namei.c) over a small file system of the
 * test's own: directories with named children, symbolic links, a regular file,
 * and a second file system mounted on /mnt. Each case resolves a path and
 * checks the vnode or the error Linux would give; every reference taken is
 * given back (counted per node), and kmalloc failing is an error, not a crash.
 *
 *   /            a/  b/ c(file)  up -> ..   self -> self   abs -> /a/b
 *   /a/b/        f(file)  back -> ../..   dangling -> nowhere   dirlink -> /a
 *   /mnt         (covered by the root of fs 2, which holds x/)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inc/errno.h>
#include <inc/stat.h>
#include <kern/kmalloc.h>
#include <kern/vnode.h>

#include "check.h"

#define MAXCHILD 8

struct node {
	struct vnode vn;	/* first, so that a vnode pointer is a node pointer */
	const char *name;
	struct node *parent;
	struct node *child[MAXCHILD];
	int nchild;
	const char *target;	/* symbolic links */
};

static int kmalloc_fail;

void *kmalloc(size_t size)
{
	return kmalloc_fail ? NULL : malloc(size);
}

void kfree(void *p)
{
	free(p);
}

struct vnode *vn_hold(struct vnode *vn)
{
	vn->ref++;
	return vn;
}

void vn_put(struct vnode *vn)
{
	CHECK(vn->ref > 0);
	vn->ref--;
}

static int fake_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct node *d = (struct node *)dir;

	if (len == 2 && memcmp(name, "..", 2) == 0) {
		*out = vn_hold(&d->parent->vn);
		return 0;
	}
	for (int i = 0; i < d->nchild; i++) {
		if (strlen(d->child[i]->name) == len && memcmp(d->child[i]->name, name, len) == 0) {
			*out = vn_hold(&d->child[i]->vn);
			return 0;
		}
	}
	return -ENOENT;
}

static int fake_readlink(struct vnode *vn, char *buf, size_t size)
{
	const char *t = ((struct node *)vn)->target;
	size_t len = strlen(t);

	if (len <= size)
		memcpy(buf, t, len);
	return (int)len;
}

static const struct vnode_ops fake_ops = { .lookup = fake_lookup, .readlink = fake_readlink };

static struct node nodes[32];
static int nnodes;

/* A new node called name in parent (NULL: a root, its own parent). */
static struct node *mk(struct node *parent, const char *name, uint32_t mode, const char *target)
{
	struct node *n = &nodes[nnodes++];

	n->vn.ops = &fake_ops;
	n->vn.mode = mode;
	n->name = name;
	n->target = target;
	n->parent = parent ? parent : n;
	if (parent)
		parent->child[parent->nchild++] = n;
	return n;
}

static struct node *root, *a, *b, *c, *f, *filelink, *mnt, *root2, *x;

static void build(void)
{
	root = mk(NULL, "/", S_IFDIR | 0755, NULL);
	a = mk(root, "a", S_IFDIR | 0755, NULL);
	b = mk(a, "b", S_IFDIR | 0755, NULL);
	c = mk(root, "c", S_IFREG | 0644, NULL);
	mk(root, "up", S_IFLNK | 0777, "..");
	mk(root, "self", S_IFLNK | 0777, "self");
	mk(root, "abs", S_IFLNK | 0777, "/a/b");
	f = mk(b, "f", S_IFREG | 0644, NULL);
	mk(b, "back", S_IFLNK | 0777, "../..");
	mk(b, "dangling", S_IFLNK | 0777, "nowhere");
	mk(b, "dirlink", S_IFLNK | 0777, "/a");
	filelink = mk(b, "filelink", S_IFLNK | 0777, "f");
	mnt = mk(root, "mnt", S_IFDIR | 0755, NULL);
	root2 = mk(NULL, "/", S_IFDIR | 0755, NULL);
	x = mk(root2, "x", S_IFDIR | 0755, NULL);
	mnt->vn.mounted = &root2->vn;
	root2->vn.covered = &mnt->vn;
}

/* No reference is left over after a lookup's result was put back. */
static void check_no_refs(int line)
{
	for (int i = 0; i < nnodes; i++)
		check(nodes[i].vn.ref == 0, __FILE__, line, nodes[i].name);
}

/* Resolve path from start; it must give want (a node) or the error err. */
static void lookup_is(struct node *start, const char *path, int flags, struct node *want,
		      int err, int line)
{
	struct vnode *got = NULL;
	int r = namei(&root->vn, &start->vn, path, flags, &got);
	char what[5000];

	snprintf(what, sizeof(what), "namei(%.4000s) = %d, want %d", path, r, err);
	check(r == err, __FILE__, line, what);
	if (r == 0) {
		snprintf(what, sizeof(what), "namei(%.4000s) gave %s", path,
			 ((struct node *)got)->name);
		check(got == &want->vn, __FILE__, line, what);
		vn_put(got);
	}
	check_no_refs(line);
}

#define IS(start, path, flags, want) lookup_is(start, path, flags, want, 0, __LINE__)
#define FAILS(start, path, flags, err) lookup_is(start, path, flags, NULL, err, __LINE__)

static void test_plain(void)
{
	IS(root, "/", 0, root);
	IS(root, "///", 0, root);
	IS(root, "/a/b", 0, b);
	IS(root, "//a/./b/../b", 0, b);
	IS(root, "a/b/f", 0, f);
	IS(b, "f", 0, f);
	IS(b, ".", 0, b);
	IS(b, "..", 0, a);
	IS(b, "../../..", 0, root);
	IS(root, "/..", 0, root);
	IS(a, "/c", 0, c);
	FAILS(root, "", 0, -ENOENT);
	FAILS(root, "/nope", 0, -ENOENT);
	FAILS(root, "/a/nope/b", 0, -ENOENT);
}

static void test_slashes_and_files(void)
{
	IS(root, "/a/", 0, a);
	IS(root, "/a//b//", 0, b);
	FAILS(root, "/c/", 0, -ENOTDIR);
	FAILS(root, "/c/x", 0, -ENOTDIR);
	FAILS(root, "/c/.", 0, -ENOTDIR);
	FAILS(root, "/a/b/f/..", 0, -ENOTDIR);
}

static void test_lengths(void)
{
	char name[NAME_MAX + 2], path[PATH_MAX + 10];

	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	FAILS(root, name, 0, -ENOENT);		/* NAME_MAX bytes is a name */
	strcat(name, "n");
	FAILS(root, name, 0, -ENAMETOOLONG);
	/* PATH_MAX - 1 bytes fit; PATH_MAX do not. */
	memset(path, '/', PATH_MAX - 2);
	strcpy(path + PATH_MAX - 2, "a");
	IS(root, path, 0, a);
	memset(path, '/', PATH_MAX - 1);
	strcpy(path + PATH_MAX - 1, "a");
	FAILS(root, path, 0, -ENAMETOOLONG);
}

static void test_links(void)
{
	IS(root, "/abs", NAMEI_FOLLOW, b);
	IS(root, "/abs/f", 0, f);
	IS(root, "/up", NAMEI_FOLLOW, root);
	IS(root, "/a/b/back/c", 0, c);
	IS(b, "back/a/b/filelink", NAMEI_FOLLOW, f);
	IS(b, "dirlink/b/dirlink/b/f", 0, f);
	/* A link as the last component is itself unless followed or slashed. */
	IS(b, "filelink", 0, filelink);
	IS(b, "dirlink/", 0, a);
	FAILS(b, "filelink/", 0, -ENOTDIR);
	FAILS(b, "dangling", NAMEI_FOLLOW, -ENOENT);
	FAILS(root, "/self", NAMEI_FOLLOW, -ELOOP);
	FAILS(root, "/self/x", 0, -ELOOP);
}

static void test_mounts(void)
{
	IS(root, "/mnt", 0, root2);
	IS(root, "/mnt/x", 0, x);
	IS(root, "/mnt/x/..", 0, root2);
	IS(root, "/mnt/x/../..", 0, root);
	IS(x, "../../a", 0, a);
	IS(root2, "..", 0, root);
}

/* With kmalloc failing, a lookup fails with -ENOMEM and holds nothing. */
static void test_no_memory(void)
{
	kmalloc_fail = 1;
	FAILS(root, "/a/b", 0, -ENOMEM);
	kmalloc_fail = 0;
}

/* Parent lookups: the directory and the last name, trailing slash noted. */
static void parent_is(const char *path, struct node *dir, const char *name, bool slash,
		      int line)
{
	struct vnode *got;
	char last[NAME_MAX + 1];
	bool s;
	int r = namei_parent(&root->vn, &root->vn, path, &got, last, &s);

	check(r == 0, __FILE__, line, path);
	if (r == 0) {
		check(got == &dir->vn, __FILE__, line, "directory");
		check(strcmp(last, name) == 0, __FILE__, line, last);
		check(s == slash, __FILE__, line, "trailing slash");
		vn_put(got);
	}
	check_no_refs(line);
}

static void test_parent(void)
{
	struct vnode *got;
	char last[NAME_MAX + 1];
	bool s;

	parent_is("/a/b/new", b, "new", false, __LINE__);
	parent_is("/a/b/new//", b, "new", true, __LINE__);
	parent_is("newtop", root, "newtop", false, __LINE__);
	parent_is("/abs/x", b, "x", false, __LINE__);	/* links before the last are followed */
	parent_is("/a/b/dangling", b, "dangling", false, __LINE__);	/* the last is not */
	parent_is("/a/..", a, "..", false, __LINE__);
	parent_is("//", root, ".", false, __LINE__);
	CHECK_EQ(namei_parent(&root->vn, &root->vn, "/c/x", &got, last, &s), -ENOTDIR);
	CHECK_EQ(namei_parent(&root->vn, &root->vn, "/nope/x", &got, last, &s), -ENOENT);
	check_no_refs(__LINE__);
}

int main(void)
{
	build();
	test_plain();
	test_slashes_and_files();
	test_lengths();
	test_links();
	test_mounts();
	test_no_memory();
	test_parent();
	return check_summary("test_namei");
}
