/*
 * flexscgrow: pools that grow until kernel stacks run out, and grow again once
 * stacks come back. Each child posts READS pipe reads and then as many writes
 * to the same pipe: the reads block, each holding a syscall thread, so a child
 * finishes only once its pool has grown to READS + 1 threads, and the children
 * together want more kernel stacks than there can be (KSTAT_KSTACK_MAX). A
 * child whose pool cannot grow must hear so from flexsc_wait (-EAGAIN or
 * -ENOMEM) rather than sleep for ever; a call it then makes with flexsc_call
 * either runs or is taken back, never left behind. A child that has finished
 * holds its pool until the parent lets it go, so that every child is either
 * finished or refused before any stack comes back; then the finished ones exit,
 * and the refused ones must grow to finish.
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

#define READS 127
#define ENTRIES (2 * READS)
#define THREADS_NEEDED (READS + 1)
#define MAXKIDS 16

/* Tell the parent: 'A' + id finished, 'a' + id refused growth. */
static void tell(int notice, int id, bool finished)
{
	char c = (char)((finished ? 'A' : 'a') + id);
	write(notice, &c, 1);
}

/*
 * Child number id: post the reads and writes, wait (through refusals) until
 * all are DONE, check them, report, and hold the pool until released. A byte
 * on quit (non-blocking) while refused makes it give up: exit status 2. The
 * exit status.
 */
static int child(int id, int notice, int release, int quit)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[ENTRIES];
	char got[READS], c;
	int fds[2];
	bool refused = false;

	if (pipe(fds) < 0 || flexsc_setup(&ring, FLEXSC_MAX_PAGES, 1) < 0) {
		printf("flexscgrow: FAIL child %d cannot set up\n", id);
		return 1;
	}
	for (int i = 0; i < READS; i++)
		e[i] = flexsc_post(&ring, SYS_read, fds[0], (long)&got[i], 1, 0, 0, 0);
	for (int i = 0; i < READS; i++)
		e[READS + i] = flexsc_post(&ring, SYS_write, fds[1], (long)"x", 1, 0, 0, 0);
	for (int left = ENTRIES; left > 0;) {
		int r = flexsc_wait();
		if (r == -EAGAIN || r == -ENOMEM) {
			if (!refused) {
				tell(notice, id, false);
				/* One more call while refused: it runs or comes back unrun. */
				long pid = flexsc_call(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
				if (pid != getpid() && pid != -EAGAIN && pid != -ENOMEM) {
					printf("flexscgrow: FAIL child %d: a call while refused gave %ld\n",
					       id, pid);
					return 1;
				}
			}
			refused = true;
			if (read(quit, &c, 1) == 1)
				return 2;
			struct timespec ts = { 0, 2 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			continue;
		}
		if (r < 0) {
			printf("flexscgrow: FAIL child %d: flexsc_wait %d\n", id, r);
			return 1;
		}
		left = 0;
		for (int i = 0; i < ENTRIES; i++)
			left += !flexsc_done(e[i]);
	}
	int bad = 0, stray = 0;
	for (int i = 0; i < ENTRIES; i++)
		bad += flexsc_reap(e[i]) != 1 || (i < READS && got[i] != 'x');
	for (unsigned i = 0; i < ring.nentries; i++)
		stray += ring.entries[i].status != FLEXSC_FREE;
	if (bad || stray) {
		printf("flexscgrow: FAIL child %d: %d entries came back wrong, %d left behind\n", id,
		       bad, stray);
		return 1;
	}
	tell(notice, id, true);
	read(release, &c, 1);
	return 0;
}

/* The next notice: the child's id, and in *finished which kind; -1 at end of file. */
static int next_notice(int notice, int kids, bool *finished)
{
	char c;

	while (read(notice, &c, 1) == 1) {
		int id = c >= 'a' ? c - 'a' : c - 'A';
		*finished = c < 'a';
		if (id >= 0 && id < kids)
			return id;
	}
	return -1;
}

/* Let child k go and reap it: its exit status must be want. */
static void release_child(pid_t pid, int release, int want)
{
	int status = -1;

	if (want == 0)
		expect("release a child", write(release, "g", 1), 1);
	expect("wait4", wait4(pid, &status, 0, NULL), pid);
	expect("a child's exit status", WEXITSTATUS(status), want);
}

int main(int argc, char **argv)
{
	long max = kstat(KSTAT_KSTACK_MAX), used = kstat(KSTAT_KSTACKS);
	int kids = (int)((max - used) / THREADS_NEEDED) + 1;	/* together too many */
	int notice[2], release[MAXKIDS][2], quit[MAXKIDS][2];
	pid_t pid[MAXKIDS];

	if (kids > MAXKIDS || THREADS_NEEDED + 1 > max / 2) {
		printf("flexscgrow: FAIL %ld kernel stacks: run with 128 to 256 MiB\n", max);
		return 1;
	}
	expect("pipe", pipe(notice), 0);
	for (int k = 0; k < kids; k++) {
		expect("pipe", pipe(release[k]), 0);
		expect("pipe2", pipe2(quit[k], O_NONBLOCK), 0);
		if ((pid[k] = fork()) == 0)
			exit(child(k, notice[1], release[k][0], quit[k][0]));
		check(pid[k] > 0, "fork a child");
	}
	/*
	 * No stack comes back until every child has finished or been refused (a
	 * finished child holds its pool), so some must be refused.
	 */
	bool heard[MAXKIDS] = { false }, finished[MAXKIDS] = { false }, fin;
	int refused = 0, heard_from = 0, done = 0, gave_up = -1, id;
	while (heard_from < kids && (id = next_notice(notice[0], kids, &fin)) >= 0) {
		refused += !fin;
		finished[id] |= fin;
		heard_from += !heard[id];
		heard[id] = true;
	}
	expect("children heard from", heard_from, kids);
	check(refused > 0, "a child whose pool could not grow was told so");
	printf("flexscgrow: %d children wanted %d kernel stacks of %ld; %d were refused growth\n",
	       kids, kids * THREADS_NEEDED, max - used, refused);
	/*
	 * If every child was refused, the stacks are spread too thin for any to
	 * finish: one gives up. From then on each finished child is let go, and
	 * the refused must grow on the stacks that come back to finish.
	 */
	for (int k = 0; k < kids; k++)
		done += finished[k];
	if (done == 0) {
		gave_up = 0;
		expect("tell a child to give up", write(quit[0][1], "q", 1), 1);
		release_child(pid[0], release[0][1], 2);
		done++;
	}
	for (int k = 0; k < kids; k++) {
		if (finished[k])
			release_child(pid[k], release[k][1], 0);
	}
	while (done < kids && (id = next_notice(notice[0], kids, &fin)) >= 0) {
		if (!fin || id == gave_up)
			continue;
		release_child(pid[id], release[id][1], 0);
		done++;
	}
	expect("children finished or given up", done, kids);
	return test_verdict(test_failures);
}
