/*
 * execve: load a program from the initrd into a fresh address space and build its
 * initial stack in the System V x86-64 layout:
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
#include <inc/errno.h>
#include <inc/mman.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/trap.h>
#include <inc/x86.h>
#include <kern/elf.h>
#include <kern/initrd.h>
#include <kern/kmalloc.h>
#include <kern/pmap.h>
#include <kern/proc.h>
#include <kern/ramdisk.h>
#include <kern/uaccess.h>

#define MAXARG 32		/* arguments, and separately environment strings */
#define ARGSTRMAX 3072		/* bytes of argument and environment strings */
#define PATHMAX 256

#define AT_NULL   0
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_RANDOM 25

/* Argument vectors copied into the kernel: what execve carries across images. */
struct exec_args {
	char *argv[MAXARG + 1];
	char *envp[MAXARG + 1];
	char strings[ARGSTRMAX];
	size_t used;
};

/* Map [va, va+len) of fresh zeroed pages with perm. 0 or -ENOMEM. */
static int map_zeroed(uint64_t *pml4, uintptr_t va, size_t len, uint64_t perm)
{
	for (uintptr_t a = ROUNDDOWN(va, PGSIZE); a < va + len; a += PGSIZE) {
		if (page_lookup(pml4, a, NULL))
			continue;
		struct page *pp = page_alloc(PAGE_ZERO);
		if (!pp)
			return -ENOMEM;
		if (page_insert(pml4, pp, a, perm) < 0) {
			page_free(pp);
			return -ENOMEM;
		}
	}
	return 0;
}

static uint64_t segment_perm(int prot)
{
	return PTE_U | ((prot & PROT_WRITE) ? PTE_W : 0) | ((prot & PROT_EXEC) ? 0 : PTE_NX);
}

/* Load every segment of img (file bytes at data) into pml4. 0 or -ENOMEM. */
static int load_segments(uint64_t *pml4, const struct elf_image *img, const uint8_t *data)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		int r = map_zeroed(pml4, s->vaddr, s->memsz, segment_perm(s->prot));
		if (r < 0)
			return r;
		r = pml4_write(pml4, s->vaddr, data + s->offset, s->filesz);
		if (r < 0)
			return -ENOMEM;
	}
	return 0;
}

static size_t count_strings(char *const v[])
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

/*
 * Write argc, argv, envp, auxv and the strings at the top of the stack in pml4;
 * returns the initial rsp, or 0 if they do not fit (the caller checked sizes).
 */
static uintptr_t build_stack(uint64_t *pml4, char *const argv[], char *const envp[],
			     const struct elf_image *img)
{
	size_t argc = count_strings(argv), envc = count_strings(envp);
	uintptr_t strp = USTACKTOP;
	uint64_t uargv[MAXARG + 1], uenvp[MAXARG + 1];

	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : envp[i - argc];
		size_t len = strlen(s) + 1;
		strp -= len;
		if (pml4_write(pml4, strp, s, len) < 0)
			return 0;
		if (i < argc)
			uargv[i] = strp;
		else
			uenvp[i - argc] = strp;
	}
	uargv[argc] = uenvp[envc] = 0;

	uint64_t random[2] = { rdtsc() * 0x9e3779b97f4a7c15UL, (uint64_t)img->entry ^ rdtsc() };
	strp = ROUNDDOWN(strp - sizeof(random), 16);
	uintptr_t random_at = strp;
	if (pml4_write(pml4, random_at, random, sizeof(random)) < 0)
		return 0;

	uint64_t auxv[] = {
		AT_PAGESZ, PGSIZE, AT_ENTRY, img->entry, AT_RANDOM, random_at, AT_NULL, 0,
	};
	size_t words = 1 + (argc + 1) + (envc + 1) + ARRAY_SIZE(auxv);
	uintptr_t sp = ROUNDDOWN(strp - words * 8, 16);
	uintptr_t p = sp;
	uint64_t argc64 = argc;

	if (pml4_write(pml4, p, &argc64, 8) < 0 ||
	    pml4_write(pml4, p += 8, uargv, (argc + 1) * 8) < 0 ||
	    pml4_write(pml4, p += (argc + 1) * 8, uenvp, (envc + 1) * 8) < 0 ||
	    pml4_write(pml4, p + (envc + 1) * 8, auxv, sizeof(auxv)) < 0)
		return 0;
	return sp;
}

/* The last component of path: what the process is called. */
static const char *basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int exec_load(struct proc *p, const char *path, char *const argv[], char *const envp[])
{
	const char *name = basename(path);
	const struct initrd_file *f = ramdisk_lookup(name);
	struct elf_image img;
	const char *why;

	if (!f)
		return -ENOENT;
	const uint8_t *data = ramdisk_data(f);
	if (elf_parse(data, f->size, UMIN, USTACKTOP - USTACKSIZE - PGSIZE, &img, &why) < 0) {
		cprintf("elk: exec %s: %s\n", name, why);
		return -ENOEXEC;
	}

	uint64_t *pml4 = pml4_create();
	if (!pml4)
		return -ENOMEM;
	uintptr_t sp = 0;
	if (load_segments(pml4, &img, data) < 0 ||
	    map_zeroed(pml4, USTACKTOP - USTACKSIZE, USTACKSIZE, PTE_U | PTE_W | PTE_NX) < 0 ||
	    !(sp = build_stack(pml4, argv, envp, &img))) {
		pml4_destroy(pml4);
		return -ENOMEM;
	}

	/* Commit: from here on the old image is gone. */
	uint64_t *old = p->pml4;
	push_cli();
	p->pml4 = pml4;
	if (p == myproc())
		lcr3(paddr(pml4));
	pop_cli();
	if (old)
		pml4_destroy(old);
	p->stack_bottom = USTACKTOP - USTACKSIZE;
	strlcpy(p->name, name, sizeof(p->name));
	strlcpy(p->thread->name, name, sizeof(p->thread->name));

	struct trapframe *tf = p->thread->tf;
	memset(tf, 0, sizeof(*tf));
	tf->rip = img.entry;
	tf->rsp = sp;
	tf->cs = GD_UT | 3;
	tf->ss = GD_UD | 3;
	tf->rflags = FL_IF;
	thread_reset_fpu(p->thread);
	return 0;
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
		if (n == MAXARG)
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
	char path[PATHMAX];
	int64_t r = strncpy_from_user(path, upath, sizeof(path));

	if (r < 0)
		return r;
	struct exec_args *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (uargv)
		r = copy_vector(a, uargv, a->argv);
	if (r >= 0 && uenvp)
		r = copy_vector(a, uenvp, a->envp);
	if (r >= 0)
		r = exec_load(myproc(), path, a->argv, a->envp);
	kfree(a);
	return r;
}
