/*
 * efault: every call that takes a pointer must answer a bad one with -EFAULT,
 * on both trap paths, and never fault or crash the kernel. The bad pointers:
 * NULL, an unmapped user address, a kernel address, and a buffer that starts in
 * the program's last mapped page and runs into the unmapped page after it.
 */
#include <inc/lib.h>
#include <inc/mmu.h>

/*
 * A "common" symbol is laid out after all ordinary bss, so this page-aligned
 * page is the last of the program image and the page after it is unmapped.
 */
char image_last_page[PGSIZE] __attribute__((common, aligned(PGSIZE)));

enum bad_kind { BAD_NULL, BAD_UNMAPPED, BAD_KERNEL, BAD_STRADDLE, NBAD_KINDS };

static const char *const bad_kind_names[NBAD_KINDS] = {
	"NULL", "unmapped address", "kernel address", "buffer straddling into unmapped page",
};

/* A bad pointer of the given kind for an object of size bytes. */
static void *bad_pointer(enum bad_kind kind, size_t size)
{
	switch (kind) {
	case BAD_NULL:     return NULL;
	case BAD_UNMAPPED: return (void *)0x7000000000UL;
	case BAD_KERNEL:   return (void *)0xffffffff80100000UL;
	case BAD_STRADDLE:
	default:           return image_last_page + PGSIZE - size / 2;
	}
}

static long try_write(trap_fn trap, void *p)
{
	return trap(SYS_write, 1, (long)p, 16, 0, 0, 0);
}

static long try_read(trap_fn trap, void *p)
{
	return trap(SYS_read, 0, (long)p, 16, 0, 0, 0);
}

static long try_clock_gettime(trap_fn trap, void *p)
{
	return trap(SYS_clock_gettime, CLOCK_MONOTONIC, (long)p, 0, 0, 0, 0);
}

static long try_nanosleep(trap_fn trap, void *p)
{
	return trap(SYS_nanosleep, (long)p, 0, 0, 0, 0, 0);
}

/* wait4 only stores the status once a child has exited, so give it one. */
static long try_wait4(trap_fn trap, void *p)
{
	pid_t child = fork();
	if (child < 0)
		panic("fork: %d", child);
	if (child == 0)
		exit(0);
	long r = trap(SYS_wait4, child, (long)p, 0, 0, 0, 0);
	/* Reap the child in case the failed call left it a zombie. */
	wait4(child, NULL, 0, NULL);
	return r;
}

/*
 * The path must run into the unmapped page without a NUL, so the bytes before the
 * boundary are refilled each time: other calls may have stored data there.
 */
static long try_execve(trap_fn trap, void *p)
{
	char *argv[] = { "hello", NULL };
	memset(image_last_page + PGSIZE - 16, 'x', 16);
	return trap(SYS_execve, (long)p, (long)argv, (long)environ, 0, 0, 0);
}

#define ALL_KINDS ((1 << NBAD_KINDS) - 1)

/*
 * kinds says which bad pointers each call must refuse. wait4 takes NULL to mean
 * "no status wanted". read, like Linux's, waits for input before it copies, so
 * with no one typing only a pointer outside user space can be refused at once.
 */
static const struct {
	const char *name;
	long (*attempt)(trap_fn trap, void *p);
	size_t size;	/* of the object the pointer refers to */
	unsigned kinds;	/* bit (1 << kind) for each bad_kind tried */
} calls[] = {
	{ "write",         try_write,         16,                      ALL_KINDS },
	{ "clock_gettime", try_clock_gettime, sizeof(struct timespec), ALL_KINDS },
	{ "nanosleep",     try_nanosleep,     sizeof(struct timespec), ALL_KINDS },
	{ "wait4",         try_wait4,         sizeof(int),             ALL_KINDS & ~(1 << BAD_NULL) },
	{ "execve",        try_execve,        16,                      ALL_KINDS },
	{ "read",          try_read,          16,                      1 << BAD_KERNEL },
};

int main(int argc, char **argv)
{
	int failures = 0;

	for (size_t c = 0; c < ARRAY_SIZE(calls); c++) {
		for (size_t t = 0; t < NTRAP_PATHS; t++) {
			for (int kind = 0; kind < NBAD_KINDS; kind++) {
				if (!(calls[c].kinds & (1 << kind)))
					continue;
				void *p = bad_pointer(kind, calls[c].size);
				long r = calls[c].attempt(trap_paths[t].call, p);
				if (r == -EFAULT)
					continue;
				printf("efault: FAIL %s via %s with %s %p: got %ld, expected %d\n",
				       calls[c].name, trap_paths[t].name, bad_kind_names[kind], p, r,
				       -EFAULT);
				failures++;
			}
		}
	}
	return test_verdict(failures);
}
