/*
 * lazy: memory costs pages only when touched. A 256 MiB mapping and 64 MiB of
 * brk each cost a handful of pages (one touched, plus page tables and indexes)
 * and give them back when unmapped; brk memory is writable even above a heap
 * page made read-only; MAP_FIXED replaces what was there; address hints are
 * taken when free (rounded down to a page); munmap of a middle part leaves
 * both ends usable.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define BIG (256UL << 20)
#define SMALL_COST 8	/* pages: the touched one, page tables, object indexes */

static long free_pages(void)
{
	return kstat(KSTAT_FREE_PAGES);
}

static void big_mapping(void)
{
	long before = free_pages();
	char *p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(!ptr_failed(p), "mmap 256 MiB");
	p[BIG / 2] = 1;
	long cost = before - free_pages();
	printf("lazy: 256 MiB mapped, one page touched: %ld pages\n", cost);
	check(cost >= 1 && cost <= SMALL_COST, "touching one page of 256 MiB costs about one page");
	check(munmap(p, BIG) == 0, "munmap 256 MiB");
	check(free_pages() == before, "munmap gives every page back");
}

static void big_brk(void)
{
	char *start = elk_sbrk(0);
	long before = free_pages();
	check(!ptr_failed(elk_sbrk(64 << 20)), "brk grows by 64 MiB");
	start[(64 << 20) - 1] = 1;
	long cost = before - free_pages();
	printf("lazy: brk grown by 64 MiB, one page touched: %ld pages\n", cost);
	check(cost >= 1 && cost <= SMALL_COST, "touching one page of the heap costs about one page");
	check(elk_brk(start) == start, "brk shrinks back");
	check(free_pages() == before, "shrinking the heap gives its pages back");
	check(!ptr_failed(elk_sbrk(4096)) && start[100] == 0, "regrown heap reads zero");
	elk_brk(start);
}

/*
 * In a child, make the last heap page prot, grow the heap and write the new
 * memory. Exits 0 if the write is survived (it must be: new brk memory is
 * read-write whatever the page below it became).
 */
static void grow_after_mprotect(int prot)
{
	char *page = (char *)ROUNDUP((uintptr_t)elk_sbrk(0), 4096);

	if (elk_brk(page + 4096) != page + 4096)
		exit(2);
	page[0] = 1;
	if (mprotect(page, 4096, prot) != 0)
		exit(3);
	char *more = elk_sbrk(4096);
	if (more != page + 4096)
		exit(4);
	more[0] = 1;
	exit(more[0] == 1 ? 0 : 5);
}

static void heap_after_mprotect(void)
{
	static const int prots[] = { PROT_READ, PROT_NONE };

	for (size_t i = 0; i < ARRAY_SIZE(prots); i++) {
		int status = -1;
		pid_t pid = fork();
		if (pid == 0)
			grow_after_mprotect(prots[i]);
		wait4(pid, &status, 0, NULL);
		check(status == 0, prots[i] == PROT_READ
		      ? "brk memory above a PROT_READ heap page is writable"
		      : "brk memory above a PROT_NONE heap page is writable");
	}
}

static void fixed_and_hints(void)
{
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 7, 4 * 4096);
	char *b = mmap(a + 4096, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(b == a + 4096 && b[0] == 0 && a[0] == 7 && a[2 * 4096] == 7,
	      "MAP_FIXED replaces one page in the middle, the rest stays");

	char *hint = (char *)0x50000000;
	char *c = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(c == hint, "a free hint is taken");
	char *d = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(!ptr_failed(d) && d != hint, "a taken hint is not");
	char *unaligned = hint + 0x10000 + 0x123;
	char *e = mmap(unaligned, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(e == hint + 0x10000, "an unaligned hint is rounded down to its page");
	check(sysret((long)mmap(unaligned, 4096, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0)) == -EINVAL, "MAP_FIXED at an unaligned address is -EINVAL");
	check(sysret((long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == -EINVAL,
	      "mmap of 0 bytes is -EINVAL");

	check(munmap(a + 2 * 4096, 4096) == 0, "munmap of a middle page");
	a[3 * 4096] = 1;
	a[0] = 2;
	check(a[0] == 2 && a[3 * 4096] == 1, "both ends stay usable");
	munmap(a, 4 * 4096);
	munmap(c, 4096);
	munmap(d, 4096);
	munmap(e, 4096);
}

static void shared_mapping(void)
{
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*shared = 1;
	pid_t pid = fork();
	if (pid == 0) {
		*shared = 42;
		exit(0);
	}
	wait4(pid, NULL, 0, NULL);
	check(*shared == 42, "a MAP_SHARED page is shared with the child");
	munmap(shared, 4096);
}

static void file_mapping(void)
{
	int fd = open("/bin/hello", O_RDONLY, 0);
	const char *elf = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	check(!ptr_failed(elf) && memcmp(elf, "\x7f" "ELF", 4) == 0, "a private file mapping shows the file");
	check(sysret((long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == -EACCES,
	      "a shared writable mapping of a file opened read-only is refused");
	close(fd);
	munmap((void *)elf, 8192);
}

/*
 * The kernel's own copies fault pages in for us: a read into a fresh mapping
 * fills it, a write copies a copy-on-write page first; after munmap, -EFAULT.
 */
static void kernel_copies(void)
{
	int fds[2];
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pipe(fds);
	write(fds[1], "lazy pages", 10);
	check(read(fds[0], p + 4096 - 5, 10) == 10 && memcmp(p + 4091, "lazy pages", 10) == 0,
	      "read into untouched pages across a page boundary");
	pid_t pid = fork();
	if (pid == 0) {
		write(fds[1], "child", 5);
		exit(read(fds[0], p + 2 * 4096, 5) == 5 && memcmp(p + 2 * 4096, "child", 5) == 0 ? 0 : 1);
	}
	int status;
	wait4(pid, &status, 0, NULL);
	check(status == 0, "a child reads into its copy-on-write page");
	check(p[2 * 4096] == 0, "the parent's page is untouched by the child's read");
	munmap(p, 3 * 4096);
	check(sysret(write(fds[1], p, 1)) == -EFAULT, "a buffer in unmapped memory is -EFAULT");
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	big_mapping();
	kernel_copies();
	big_brk();
	heap_after_mprotect();
	fixed_and_hints();
	shared_mapping();
	file_mapping();
	return test_verdict(test_failures);
}
