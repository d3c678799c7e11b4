/*
 * flexscgrow: pools that grow until kernel stacks run out. Several children
 * each post 255 pipe reads that block, and then a write; each read needs a
 * syscall thread of its own, so the pools grow until the children together want
 * more kernel stacks than there can be (KSTAT_KSTACK_MAX). A child whose pool
 * cannot grow must hear so from flexsc_wait (-EAGAIN or -ENOMEM), not sleep
 * for ever, and must get its calls done once stacks come back. Each child tells
 * the parent through a shared pipe when it is fully blocked (its write ran on
 * the page) or refused; once every child has, the parent feeds every read.
 */
#include <inc/lib.h>

#define ENTRIES 256
#define READS (ENTRIES - 1)
#define MAXKIDS 16

/*
 * Child number id: post the reads and the notice, then wait, through refusals,
 * until every entry is DONE; check what each returned. The exit status.
 */
static int child(int id, int data, int notice)
{
	struct flexsc_ring ring;
	struct flexsc_entry *e[ENTRIES];
	char got[READS];
	char blocked = 'A' + id, refused = 'a' + id;
	bool told = false;
	int refusals = 0;

	if (flexsc_setup(&ring, 4, 1) < 0) {
		printf("flexscgrow: FAIL child %d cannot register\n", id);
		return 1;
	}
	for (int i = 0; i < READS; i++)
		e[i] = flexsc_post(&ring, SYS_read, data, (long)&got[i], 1, 0, 0, 0);
	e[READS] = flexsc_post(&ring, SYS_write, notice, (long)&blocked, 1, 0, 0, 0);
	for (int left = ENTRIES; left > 0;) {
		int r = flexsc_wait();
		if (r == -EAGAIN || r == -ENOMEM) {
			if (!told)
				write(notice, &refused, 1);
			told = true;
			refusals++;
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
	int bad = 0;
	for (int i = 0; i < READS; i++)
		bad += e[i]->ret != 1 || got[i] != 'x';
	bad += e[READS]->ret != 1;
	if (bad) {
		printf("flexscgrow: FAIL child %d: %d entries came back wrong\n", id, bad);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long max = kstat(KSTAT_KSTACK_MAX), used = kstat(KSTAT_KSTACKS);
	int kids = (int)((max - used) / (ENTRIES + 1)) + 1;	/* together too many */
	int data[MAXKIDS][2], notice[2];
	pid_t pid[MAXKIDS];

	if (kids > MAXKIDS || ENTRIES + 1 > max / 2) {
		printf("flexscgrow: FAIL %ld kernel stacks: run with 128 to 512 MiB\n", max);
		return 1;
	}
	expect("pipe", pipe(notice), 0);
	for (int k = 0; k < kids; k++) {
		expect("pipe", pipe(data[k]), 0);
		if ((pid[k] = fork()) == 0)
			exit(child(k, data[k][0], notice[1]));
		check(pid[k] > 0, "fork a child");
	}
	bool heard[MAXKIDS] = { false };
	int heard_from = 0, refused = 0;
	while (heard_from < kids) {
		char c;
		if (read(notice[0], &c, 1) != 1)
			break;
		int id = c >= 'a' ? c - 'a' : c - 'A';
		if (id < 0 || id >= kids || heard[id])
			continue;
		heard[id] = true;
		heard_from++;
		refused += c >= 'a';
	}
	expect("children heard from", heard_from, kids);
	check(refused > 0, "a child whose pool could not grow was told so");
	printf("flexscgrow: %d children wanted %d kernel stacks of %ld; %d were refused growth\n",
	       kids, kids * (ENTRIES + 1), max - used, refused);
	char feed[READS];
	memset(feed, 'x', sizeof(feed));
	for (int k = 0; k < kids; k++)
		expect("feed a child's reads", write(data[k][1], feed, sizeof(feed)), sizeof(feed));
	for (int k = 0; k < kids; k++) {
		int status = -1;
		expect("wait4", wait4(pid[k], &status, 0, NULL), pid[k]);
		expect("a child's exit status", status, 0);
	}
	return test_verdict(test_failures);
}
