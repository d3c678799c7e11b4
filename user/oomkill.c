/*
 * oomkill [WORKERS MIB]: the out-of-memory victim. WORKERS processes (4) each
 * map MIB MiB (1), fill it with a pattern of their own, check it and unmap
 * it, again and again; then a hog touches page after page of 1 GiB, more
 * than memory and swap hold. The kernel must end the hog, the largest
 * process, with SIGKILL (and its one line), and no worker: they were
 * allocating too while memory ran out, waited for the hog's memory instead of
 * failing, and each finishes its last round with every page right.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <inc/lib.h>

#define PG 4096L
#define HOG_BYTES (1L << 30)
#define MAXWORKERS 16

/* The word at index i of page p in round r of the process with pid pid. */
static long pattern(long pid, long r, long p, long i)
{
	return (pid << 40 | r << 24 | p << 10 | i) * 0x9e3779b97f4a7c15L;
}

/* One worker round: map, fill, check and unmap mib MiB; whether every page was right. */
static bool round_ok(long mib, long r)
{
	long npages = mib * (1L << 20) / PG, pid = getpid();
	char *m = mmap(NULL, (size_t)(npages * PG), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_failed(m))
		return false;
	for (long p = 0; p < npages; p++)
		for (long i = 0; i < PG / 8; i += 64)
			((long *)(m + p * PG))[i] = pattern(pid, r, p, i);
	bool ok = true;
	for (long p = 0; p < npages; p++)
		for (long i = 0; i < PG / 8; i += 64)
			ok &= ((long *)(m + p * PG))[i] == pattern(pid, r, p, i);
	munmap(m, (size_t)(npages * PG));
	return ok;
}

/* A worker: rounds until *hog_gone is set, then one more; exits 0 if all were right. */
static void worker(long mib, volatile int *hog_gone)
{
	bool ok = true;
	long r = 0;
	while (!*hog_gone)
		ok &= round_ok(mib, r++);
	ok &= round_ok(mib, r);
	exit(ok ? 0 : 1);
}

/* The hog: touch a page after another of 1 GiB; the kernel kills it first. */
static void hog(void)
{
	char *m = mmap(NULL, HOG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (ptr_failed(m))
		exit(2);
	for (long off = 0; off < HOG_BYTES; off += PG)
		m[off] = 1;
	exit(3);	/* all of it fitted: the test is wrong for this machine */
}

int main(int argc, char **argv)
{
	int nworkers = argc > 1 ? atoi(argv[1]) : 4;
	long mib = argc > 2 ? atol(argv[2]) : 1;
	if (nworkers < 1 || nworkers > MAXWORKERS || mib < 1)
		panic("usage: oomkill [WORKERS(1-%d) MIB]", MAXWORKERS);

	volatile int *hog_gone = mmap(NULL, PG, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ptr_failed((void *)hog_gone))
		panic("mmap of the shared flag");
	pid_t workers[MAXWORKERS];
	for (int i = 0; i < nworkers; i++)
		if ((workers[i] = fork()) == 0)
			worker(mib, hog_gone);
	pid_t h = fork();
	if (h == 0)
		hog();

	int status;
	expect("wait4 for the hog", wait4(h, &status, 0, NULL), h);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the hog is killed with SIGKILL");
	*hog_gone = 1;
	int good = 0;
	for (int i = 0; i < nworkers; i++)
		if (wait4(workers[i], &status, 0, NULL) == workers[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			good++;
	expect("workers that finished with every page right", good, nworkers);
	printf("oomkill: the hog (pid %d) was killed, %d workers finished right\n", h, good);
	munmap((void *)hog_gone, PG);
	return test_verdict(test_failures);
}
