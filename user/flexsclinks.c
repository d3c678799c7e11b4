/*
 * flexsclinks: tags and linked entries on the syscall page (inc/flexsc.h).
 * A chain runs in order behind a leader that blocks, while an entry beside it
 * runs; a link that fails cancels the rest of its chain with -ECANCELED (an
 * exit_group among them too) and nothing else; tags come back as submitted
 * whatever order a batch completes in; entries posted and never waited for
 * complete; and a process that exits with a blocked chain and unwaited
 * entries on its page ends cleanly (leakcheck checks that every page and
 * thread comes back). No check depends on timing: a chain is held up by a
 * pipe read that only this program's own write ends.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <inc/flexsc.h>
#include <inc/lib.h>

static struct flexsc_ring ring;

/* A chain of n entries, each prepped from calls[k] = { sysnum, a0, a1, a2 }. */
static bool post_chain(struct flexsc_entry **chain, const long (*calls)[4], unsigned n)
{
	if (flexsc_get_chain(&ring, chain, n) < 0)
		return false;
	for (unsigned k = 0; k < n; k++)
		flexsc_prep(chain[k], calls[k][0], calls[k][1], calls[k][2], calls[k][3], 0, 0, 0);
	flexsc_submit_chain(chain, n);
	return true;
}

/*
 * A chain read(p0) -> write(p1, 'a') -> ... -> write(p1, 'h'): while the read
 * blocks, a getpid posted after the chain completes and no write has run; once
 * p0 is written, the writes run in their order.
 */
static void chain_in_order(void)
{
	int p0[2], p1[2];
	char c = 0, got[9] = { 0 };
	long calls[9][4];
	struct flexsc_entry *chain[9];

	pipe(p0);
	pipe(p1);
	calls[0][0] = SYS_read, calls[0][1] = p0[0], calls[0][2] = (long)&c, calls[0][3] = 1;
	for (int k = 1; k < 9; k++)
		calls[k][0] = SYS_write, calls[k][1] = p1[1], calls[k][2] = (long)&"abcdefgh"[k - 1],
		calls[k][3] = 1;
	check(post_chain(chain, (const long (*)[4])calls, 9), "nine consecutive entries for a chain");
	struct flexsc_entry *id = flexsc_post(&ring, SYS_getpid, 0, 0, 0, 0, 0, 0);
	check(flexsc_wait_for(id) == getpid(), "an entry beside a held-up chain runs");
	bool held = true;
	for (int k = 1; k < 9; k++)
		held &= chain[k]->status == FLEXSC_SUBMITTED;
	check(held, "a chain's followers wait while their leader blocks");
	write(p0[1], "r", 1);
	bool ok = flexsc_wait_for(chain[0]) == 1 && c == 'r';
	for (int k = 1; k < 9; k++)
		ok &= flexsc_wait_for(chain[k]) == 1;
	check(ok, "every link of the chain completes");
	check(read(p1[0], got, 8) == 8 && strcmp(got, "abcdefgh") == 0,
	      "linked writes run in their order");
	close(p0[0]), close(p0[1]), close(p1[0]), close(p1[1]);
}

/*
 * write(p, 'a') -> write(-1) -> write(p, 'b') -> exit_group(5) -> getpid, and
 * an unlinked write(p, 'c') after them: the failed link cancels the rest with
 * -ECANCELED, the exit_group among them, and nothing else.
 */
static void failed_link_cancels(void)
{
	int p[2];
	char got[4] = { 0 };
	const long calls[5][4] = {
		{ SYS_write, 0, (long)"a", 1 }, { SYS_write, -1, (long)"x", 1 },
		{ SYS_write, 0, (long)"b", 1 }, { SYS_exit_group, 5, 0, 0 },
		{ SYS_getpid, 0, 0, 0 },
	};
	long mine[5][4];
	struct flexsc_entry *chain[5];

	pipe(p);
	memcpy(mine, calls, sizeof(mine));
	mine[0][1] = mine[2][1] = p[1];
	check(post_chain(chain, (const long (*)[4])mine, 5), "five consecutive entries for a chain");
	struct flexsc_entry *after = flexsc_post(&ring, SYS_write, p[1], (long)"c", 1, 0, 0, 0);
	check(flexsc_wait_for(chain[0]) == 1, "the link before the failure runs");
	check(flexsc_wait_for(chain[1]) == -EBADF, "the failing link fails");
	bool cancelled = true;
	for (int k = 2; k < 5; k++)
		cancelled &= flexsc_wait_for(chain[k]) == -ECANCELED;
	check(cancelled, "the rest of the chain reads -ECANCELED, exit_group too");
	check(flexsc_wait_for(after) == 1, "an entry after the chain runs");
	close(p[1]);
	int n = (int)read(p[0], got, 3);
	check(n == 2 && (strcmp(got, "ac") == 0 || strcmp(got, "ca") == 0),
	      "only the link before the failure and the unlinked entry wrote");
	close(p[0]);
}

/*
 * 24 writes of k bytes to /dev/null with tag k * 7919 + 3, reaped in whatever
 * order they are found DONE: each tag comes back with its own result.
 */
static void tags_come_back(void)
{
	int null = open("/dev/null", O_WRONLY, 0);
	static char buf[64];
	int left = 24, wrong = 0;

	for (int k = 1; k <= 24; k++) {
		struct flexsc_entry *e = flexsc_get_entry(&ring);
		flexsc_prep(e, SYS_write, null, (long)buf, k, 0, 0, 0);
		e->tag = (uint64_t)k * 7919 + 3;
		flexsc_submit(e);
	}
	while (left > 0) {
		if (flexsc_wait() < 0)
			break;
		for (unsigned i = 0; i < ring.nentries; i++) {
			struct flexsc_entry *e = &ring.entries[i];
			if (!flexsc_done(e))
				continue;
			uint64_t tag = e->tag;
			wrong += tag % 7919 != 3 || (uint64_t)flexsc_reap(e) != tag / 7919;
			left--;
		}
	}
	check(left == 0 && wrong == 0, "24 tags come back, each with its call's result");
	close(null);
}

/*
 * Writes posted and never waited for: one flexsc_wake, and the bytes arrive
 * in a pipe this thread reads on the trap path.
 */
static void unwaited_complete(void)
{
	int p[2];
	char got[8] = { 0 };
	struct flexsc_entry *e[6];

	pipe(p);
	for (int k = 0; k < 6; k++)
		e[k] = flexsc_post(&ring, SYS_write, p[1], (long)"uvwxyz" + k, 1, 0, 0, 0);
	flexsc_wake();
	int n = 0;
	while (n < 6) {
		long r = read(p[0], got + n, (size_t)(6 - n));
		if (r <= 0)
			break;
		n += (int)r;
	}
	check(n == 6, "entries posted and never waited for complete");
	for (int k = 0; k < 6; k++)
		while (!flexsc_done(e[k]))
			sched_yield();	/* the result lands after the byte */
	for (int k = 0; k < 6; k++)
		flexsc_reap(e[k]);
	close(p[0]), close(p[1]);
}

/*
 * A child leaves a blocked chain, a blocked read and unwaited writes on its
 * page and exits on the trap path: it ends with its own status, and the
 * chain's writes never run.
 */
static void exit_with_pending(void)
{
	int p0[2], p1[2];
	pipe(p0);
	pipe(p1);
	pid_t pid = fork();
	if (pid == 0) {
		struct flexsc_ring mine;
		char c;
		struct flexsc_entry *chain[3];
		close(p1[0]);
		flexsc_setup(&mine, 1, 2);
		ring = mine;
		const long calls[3][4] = { { SYS_read, p0[0], (long)&c, 1 },
					   { SYS_write, p1[1], (long)"L", 1 },
					   { SYS_write, p1[1], (long)"M", 1 } };
		post_chain(chain, calls, 3);
		flexsc_post(&mine, SYS_read, p0[0], (long)&c, 1, 0, 0, 0);
		for (int k = 0; k < 4; k++)
			flexsc_post(&mine, SYS_getppid, 0, 0, 0, 0, 0, 0);
		flexsc_wake();
		while (chain[0]->status != FLEXSC_BLOCKED)
			sched_yield();	/* the chain is held up: now leave */
		exit(6);
	}
	close(p1[1]);
	int status = -1;
	char buf[4];
	check(wait4(pid, &status, 0, NULL) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 6,
	      "a process exits with a blocked chain and unwaited entries on its page");
	check(read(p1[0], buf, sizeof(buf)) == 0, "the chain behind a blocked leader never ran");
	close(p0[0]), close(p0[1]), close(p1[0]);
}

int main(int argc, char **argv)
{
	if (flexsc_setup(&ring, 2, 4) < 0) {
		printf("flexsclinks: FAIL cannot register\n");
		return 1;
	}
	chain_in_order();
	failed_link_cancels();
	tags_come_back();
	unwaited_complete();
	exit_with_pending();
	return test_verdict(test_failures);
}
