/*
 * Path lookup (see namei in kern/vnode.h). The walk is a loop over one buffer
 * holding what is left of the path: a symbolic link's target is spliced in
 * front of the rest, so links nest without recursion on the small kernel stack.
 * It uses only the vnodes' lookup and readlink operations and vn_hold/vn_put,
 * which the host test (tests/host/test_namei.c) provides with a file system of
 * its own.
 */
#include <inc/errno.h>
#include <inc/stat.h>
#include <inc/string.h>
#include <kern/kmalloc.h>
#include <kern/vnode.h>

/* A walk in progress: the path left, the directory reached, the links followed. */
struct walk {
	struct vnode *root;
	struct vnode *cur;	/* held */
	char *buf;		/* PATH_MAX bytes */
	char *rest;		/* in buf: what comes after the component being looked at */
	int links;
};

/* Make w->cur vn, which the caller holds, dropping the old one. */
static void walk_move(struct walk *w, struct vnode *vn)
{
	vn_put(w->cur);
	w->cur = vn;
}

/*
 * Replace the component just read with link's target: the buffer becomes the
 * target followed by w->rest, and the walk goes on from root if the target is
 * absolute. -ENOENT for an empty target, -ENAMETOOLONG if the two do not fit.
 */
static int splice_link(struct walk *w, struct vnode *link)
{
	if (++w->links > SYMLOOP_MAX)
		return -ELOOP;
	if (!link->ops->readlink)
		return -EINVAL;
	int len = link->ops->readlink(link, NULL, 0);
	size_t restlen = strlen(w->rest);
	if (len < 0)
		return len;
	if (len == 0)
		return -ENOENT;
	if ((size_t)len + restlen + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	memmove(w->buf + len, w->rest, restlen + 1);
	link->ops->readlink(link, w->buf, (size_t)len);
	w->rest = w->buf;
	if (w->buf[0] == '/')
		walk_move(w, vn_hold(w->root));
	return 0;
}

/* Step from w->cur to "..": root stays; a mounted root steps off its mount first. */
static int walk_dotdot(struct walk *w)
{
	struct vnode *up;

	if (w->cur == w->root)
		return 0;
	while (w->cur->covered)
		walk_move(w, vn_hold(w->cur->covered));
	int r = w->cur->ops->lookup(w->cur, "..", 2, &up);
	if (r == 0)
		walk_move(w, up);
	return r;
}

/*
 * The walk itself. With parent, stop before the last component and return it
 * in name; else resolve it too, following a link there if follow. On success
 * *out is the vnode reached (held).
 */
static int walk(struct vnode *root, struct vnode *start, const char *path, bool follow,
		bool parent, struct vnode **out, char *name, bool *slash)
{
	size_t n = strnlen(path, PATH_MAX);
	bool want_dir = false;
	int r = 0;

	if (n == 0)
		return -ENOENT;
	if (n == PATH_MAX)
		return -ENAMETOOLONG;
	struct walk w = { .root = root, .buf = kmalloc(PATH_MAX) };
	if (!w.buf)
		return -ENOMEM;
	memcpy(w.buf, path, n + 1);
	w.rest = w.buf;
	w.cur = vn_hold(path[0] == '/' ? root : start);
	if (parent) {
		memcpy(name, ".", 2);
		*slash = false;
	}
	for (;;) {
		char *comp = w.rest;
		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		size_t len = 0;
		while (comp[len] && comp[len] != '/')
			len++;
		w.rest = comp + len;
		const char *after = w.rest;
		while (*after == '/')
			after++;
		bool last = !*after, trailing = *w.rest == '/';
		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		if (!S_ISDIR(w.cur->mode)) {
			r = -ENOTDIR;
			break;
		}
		if (last && parent) {
			memcpy(name, comp, len);
			name[len] = '\0';
			*slash = trailing;
			break;
		}
		if (last)
			want_dir = trailing;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			if ((r = walk_dotdot(&w)) < 0)
				break;
			continue;
		}
		struct vnode *next;
		if ((r = w.cur->ops->lookup(w.cur, comp, len, &next)) < 0)
			break;
		while (next->mounted) {
			struct vnode *top = vn_hold(next->mounted);
			vn_put(next);
			next = top;
		}
		if (S_ISLNK(next->mode) && (!last || trailing || follow)) {
			r = splice_link(&w, next);
			vn_put(next);
			if (r < 0)
				break;
			continue;
		}
		walk_move(&w, next);
	}
	if (r == 0 && want_dir && !S_ISDIR(w.cur->mode))
		r = -ENOTDIR;
	kfree(w.buf);
	if (r < 0) {
		vn_put(w.cur);
		return r;
	}
	*out = w.cur;
	return 0;
}

int namei(struct vnode *root, struct vnode *start, const char *path, int flags,
	  struct vnode **out)
{
	return walk(root, start, path, flags & NAMEI_FOLLOW, false, out, NULL, NULL);
}

int namei_parent(struct vnode *root, struct vnode *start, const char *path,
		 struct vnode **dir, char *name, bool *slash)
{
	return walk(root, start, path, false, true, dir, name, slash);
}
