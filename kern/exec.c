/*
 * execve: lay out a program file in a fresh address space and build its
 * initial stack in the System V x86-64 layout. Nothing of the program is copied:
 * its pages are mapped from the file's page cache by page faults as it touches
 * them, copy-on-write.
 *
 *   USTACKTOP -> +--------------------------+
 *                | argument and env strings |
 *                | 16 random bytes (AT_RANDOM) |
 *                | padding to 16 bytes      |
 *                | auxv pairs, AT_NULL last |
 *                | NULL, envp[n-1] .. [0]   |
 *                | NULL, argv[n-1] .. [0]   |
 *         rsp -> | argc                     |
 *                +--------------------------+
 *
 * The new image is built completely before the old one is dropped, so a failed
 * exec leaves the caller as it was.
 */
#include <inc/elf.h>
#include <inc/errno.h>
#include <inc/mman.h>
#include <inc/stat.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <kern/elf.h>
#include <kern/file.h>
#include <kern/kmalloc.h>
#include <kern/pagecache.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/random.h>
#include <kern/uaccess.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <kern/vmobj.h>

#define ARGSTRMAX 3072		/* bytes of argument and environment strings */

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_RANDOM 25
#define AUXV_WORDS 14	/* the most fill_auxv writes: six pairs and AT_NULL's */

/* Argument vectors copied into the kernel: what execve carries across images. */
struct exec_args {
	char *argv[EXEC_MAXARG + 1];
	char *envp[EXEC_MAXARG + 1];
	char strings[ARGSTRMAX];
	size_t used;
};

/*
 * Give the partial last file page of a segment whose bss begins inside it a
 * private copy holding the file's bytes and then zeros: the rest of that file
 * page is other sections' bytes, which bss must not show. 0 or -ENOMEM.
 */
static int zero_tail(struct vmobj *obj, const struct elf_seg *s, struct vmobj *file)
{
	uintptr_t file_end = s->vaddr + s->filesz;
	uintptr_t page_va = ROUNDDOWN(file_end, PGSIZE);
	uint64_t page_off = ROUNDDOWN(s->offset, PGSIZE) + (page_va - ROUNDDOWN(s->vaddr, PGSIZE));
	struct page *pp = page_alloc(PAGE_ZERO);

	if (!pp)
		return -ENOMEM;
	pagecache_read(file, page2kva(pp), file_end - page_va, page_off, false);
	if (vmobj_insert_page(obj, page_off / PGSIZE, pp) < 0) {
		page_free(pp);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Map one segment into vs: its file pages as a private copy-on-write view of the
 * file (read lazily by page faults), its remaining bss pages anonymous. 0 or -ENOMEM.
 */
static int map_segment(struct vmspace *vs, const struct elf_seg *s, struct vmobj *file)
{
	uintptr_t start = ROUNDDOWN(s->vaddr, PGSIZE);
	uintptr_t file_pages_end = s->filesz ? ROUNDUP(s->vaddr + s->filesz, PGSIZE) : start;
	uintptr_t mem_end = ROUNDUP(s->vaddr + s->memsz, PGSIZE);
	int r = 0;

	if (file_pages_end > start) {
		struct vmobj *obj = vmobj_shadow_create(file);
		if (!obj)
			return -ENOMEM;
		r = vm_map(vs, start, file_pages_end - start, s->prot, MAP_PRIVATE, obj,
			   ROUNDDOWN(s->offset, PGSIZE));
		if (r == 0 && s->memsz > s->filesz && (s->vaddr + s->filesz) % PGSIZE)
			r = zero_tail(obj, s, file);
		vmobj_put(obj);
	}
	if (r == 0 && mem_end > file_pages_end) {
		struct vmobj *bss = vmobj_anon_create();
		if (!bss)
			return -ENOMEM;
		r = vm_map(vs, file_pages_end, mem_end - file_pages_end, s->prot, MAP_PRIVATE,
			   bss, 0);
		vmobj_put(bss);
	}
	return r;
}

/*
 * Lay out a new program in vs: its segments, the heap's start after the highest
 * one, the stack area (USTACKSIZE, or less if vs's stack may not grow that
 * far) and the guard page under it. 0 or -ENOMEM.
 */
static int map_image(struct vmspace *vs, const struct elf_image *img, struct vmobj *file)
{
	struct vmobj *stack = vmobj_anon_create();
	uintptr_t image_end = 0;
	int r = stack ? 0 : -ENOMEM;

	for (int i = 0; r == 0 && i < img->nsegs; i++) {
		r = map_segment(vs, &img->segs[i], file);
		image_end = MAX(image_end, ROUNDUP(img->segs[i].vaddr + img->segs[i].memsz, PGSIZE));
	}
	/* The stack's object offsets are its addresses, so that it can grow down. */
	uintptr_t stack_start = MAX(USTACKTOP - USTACKSIZE, vs->stack_floor);
	if (r == 0)
		r = vm_map(vs, stack_start, USTACKTOP - stack_start, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | VMA_STACK, stack, stack_start);
	if (r == 0)
		r = vm_map(vs, stack_start - PGSIZE, PGSIZE, PROT_NONE, MAP_PRIVATE | VMA_GUARD,
			   NULL, 0);
	vs->brk_start = vs->brk = image_end;
	if (stack)
		vmobj_put(stack);
	return r;
}

static size_t count_strings(char *const v[])
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

/*
 * Fill auxv (AUXV_WORDS words) with img's auxiliary vector, AT_NULL last, and
 * return its length in words. The program headers go in only when the image
 * loads them: a static libc (musl) walks AT_PHNUM headers from AT_PHDR.
 */
static size_t fill_auxv(uint64_t *auxv, const struct elf_image *img, uintptr_t random_at)
{
	size_t n = 0;

	if (img->phdr) {
		auxv[n++] = AT_PHDR;
		auxv[n++] = img->phdr;
		auxv[n++] = AT_PHENT;
		auxv[n++] = sizeof(Elf64_Phdr);
		auxv[n++] = AT_PHNUM;
		auxv[n++] = (uint64_t)img->phnum;
	}
	auxv[n++] = AT_PAGESZ;
	auxv[n++] = PGSIZE;
	auxv[n++] = AT_ENTRY;
	auxv[n++] = img->entry;
	auxv[n++] = AT_RANDOM;
	auxv[n++] = random_at;
	auxv[n++] = AT_NULL;
	auxv[n++] = 0;
	return n;
}

/*
 * Write argc, argv, envp, auxv and the strings at the top of the stack in vs;
 * returns the initial rsp, or 0 if they do not fit (the caller checked sizes).
 */
static uintptr_t build_stack(struct vmspace *vs, char *const argv[], char *const envp[],
			     const struct elf_image *img)
{
	size_t argc = count_strings(argv), envc = count_strings(envp);
	uintptr_t strp = USTACKTOP;
	uint64_t uargv[EXEC_MAXARG + 1], uenvp[EXEC_MAXARG + 1];

	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : envp[i - argc];
		size_t len = strlen(s) + 1;
		strp -= len;
		if (vm_write(vs, strp, s, len) < 0)
			return 0;
		if (i < argc)
			uargv[i] = strp;
		else
			uenvp[i - argc] = strp;
	}
	uargv[argc] = uenvp[envc] = 0;

	uint64_t random[2];
	random_bytes(random, sizeof(random));
	strp = ROUNDDOWN(strp - sizeof(random), 16);
	uintptr_t random_at = strp;
	if (vm_write(vs, random_at, random, sizeof(random)) < 0)
		return 0;

	uint64_t auxv[AUXV_WORDS];
	size_t auxv_words = fill_auxv(auxv, img, random_at);
	size_t words = 1 + (argc + 1) + (envc + 1) + auxv_words;
	uintptr_t sp = ROUNDDOWN(strp - words * 8, 16);
	uintptr_t p = sp;
	uint64_t argc64 = argc;

	if (vm_write(vs, p, &argc64, 8) < 0 ||
	    vm_write(vs, p += 8, uargv, (argc + 1) * 8) < 0 ||
	    vm_write(vs, p += (argc + 1) * 8, uenvp, (envc + 1) * 8) < 0 ||
	    vm_write(vs, p + (envc + 1) * 8, auxv, auxv_words * 8) < 0)
		return 0;
	return sp;
}

/* The last component of path: what the process is called. */
static const char *basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/*
 * Check that vn, of size bytes, is an executable regular file and parse its
 * ELF headers into *img, its segments below top: 0, -EACCES, -ENOEXEC (with a
 * message), -ENOMEM.
 */
static int read_image(struct vnode *vn, const char *name, uint64_t size, uintptr_t top,
		      struct elf_image *img)
{
	const char *why;

	if (!S_ISREG(vn->mode) || !(vn->mode & 0111))
		return -EACCES;
	size_t headlen = MIN(size, PGSIZE);
	uint8_t *head = kmalloc(PGSIZE);
	if (!head)
		return -ENOMEM;
	pagecache_read(vn->pages, head, headlen, 0, false);
	int r = elf_parse(head, headlen, size, UMIN, top, img, &why);
	kfree(head);
	if (r < 0)
		cprintf("elk: exec %s: %s\n", name, why);
	return r;
}

struct exec_image *exec_prepare(const char *path, char *const argv[], char *const envp[],
				int *err)
{
	const char *name = basename(path);
	struct elf_image img;
	struct vnode *vn;

	if ((*err = vfs_lookup(path, &vn)) < 0)
		return NULL;
	/* As on Linux, the stack limit at execve decides how far the new stack may grow. */
	uint64_t stack_limit = myproc() ? proc_limit(RLIMIT_STACK) : USTACK_LIMIT_DEFAULT;
	if ((*err = read_image(vn, name, S_ISREG(vn->mode) ? vmobj_file_size(vn->pages) : 0,
			       vm_stack_floor(stack_limit) - PGSIZE, &img)) < 0) {
		vn_put(vn);
		return NULL;
	}

	*err = -ENOMEM;
	struct exec_image *x = kzalloc(sizeof(*x));
	if (!x) {
		vn_put(vn);
		return NULL;
	}
	x->vs = vmspace_create();
	if (x->vs)
		vmspace_set_stack_limit(x->vs, stack_limit);
	if (!x->vs || map_image(x->vs, &img, vn->pages) < 0 ||
	    !(x->sp = build_stack(x->vs, argv, envp, &img))) {
		vn_put(vn);
		exec_discard(x);
		return NULL;
	}
	vn_put(vn);
	x->entry = img.entry;
	strlcpy(x->name, name, sizeof(x->name));
	return x;
}

void exec_discard(struct exec_image *x)
{
	if (x->vs)
		vmspace_destroy(x->vs);
	kfree(x);
}

void exec_commit(struct proc *p, struct exec_image *x)
{
	struct vmspace *old = p->vs;
	push_cli();
	p->vs = x->vs;
	if (p == myproc())
		vmspace_activate(x->vs);
	pop_cli();
	if (old)
		vmspace_destroy(old);
	strlcpy(p->name, x->name, sizeof(p->name));
	strlcpy(p->thread->name, x->name, sizeof(p->thread->name));
	spin_lock(&proc_lock);
	p->did_exec = true;
	spin_unlock(&proc_lock);

	struct trapframe *tf = p->thread->tf;
	memset(tf, 0, sizeof(*tf));
	tf->rip = x->entry;
	tf->rsp = x->sp;
	tf->cs = GD_UT | 3;
	tf->ss = GD_UD | 3;
	tf->rflags = FL_IF;
	if (p->files)
		fdtable_close_on_exec(p->files);
	thread_reset_fpu(p->thread);
	thread_set_segment_bases(p->thread, 0, 0);
	p->thread->clear_child_tid = NULL;
	signal_exec(p);
	kfree(x);
}

/* Copy the NULL-terminated user vector uv into a's strings; its pointers to out. */
static int copy_vector(struct exec_args *a, char *const *uv, char **out)
{
	size_t n = 0;

	for (;; n++) {
		char *us;
		if (copy_from_user(&us, &uv[n], sizeof(us)) < 0)
			return -EFAULT;
		if (!us)
			break;
		if (n == EXEC_MAXARG)
			return -E2BIG;
		int64_t len = strncpy_from_user(a->strings + a->used, us, ARGSTRMAX - a->used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return (int)len;
		out[n] = a->strings + a->used;
		a->used += (size_t)len + 1;
	}
	out[n] = NULL;
	return 0;
}

int64_t sys_execve(const char *upath, char *const *uargv, char *const *uenvp)
{
	char *path = kmalloc(PATH_MAX);
	int64_t r = path ? strncpy_from_user(path, upath, PATH_MAX) : -ENOMEM;
	struct exec_args *a = r < 0 ? NULL : kzalloc(sizeof(*a));

	if (!a) {
		kfree(path);
		return r < 0 ? r : -ENOMEM;
	}
	if (uargv)
		r = copy_vector(a, uargv, a->argv);
	if (r >= 0 && uenvp)
		r = copy_vector(a, uenvp, a->envp);
	struct exec_image *x = NULL;
	int err = (int)r;
	if (r >= 0)
		x = exec_prepare(path, a->argv, a->envp, &err);
	kfree(a);
	kfree(path);
	return x ? proc_exec(myproc(), x) : err;
}
