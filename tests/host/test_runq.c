// host-test-sources:
/*
 * Host test of the run-queue policy in kern/runq.h: where a runnable thread
 * goes, and whom an idle CPU steals from. Fixed cases for each rule, then
 * random loads and masks checked against what the rules demand of any answer.
 */
#include <inc/types.h>
#include <kern/runq.h>

#include "check.h"

#define N 16

static void choose_rules(void)
{
	int idle[4] = { 0, 0, 0, 0 }, busy[4] = { 2, 1, 3, 1 };

	CHECK_EQ(runq_choose(idle, 4, 0xf, 2, 0), 2);	/* last CPU, idle: stay */
	CHECK_EQ(runq_choose(busy, 4, 0xf, 2, 0), 1);	/* last busy: least loaded... */
	CHECK_EQ(runq_choose(busy, 4, 0xf, 3, 0), 3);	/* ...its last CPU on a tie */
	CHECK_EQ(runq_choose(busy, 4, 0xf, 0, 3), 3);	/* ...else the waking CPU */
	CHECK_EQ(runq_choose(busy, 4, 0xf, -1, -1), 1);	/* ...else the lowest */
	CHECK_EQ(runq_choose(busy, 4, 0x5, 1, 1), 0);	/* affinity beats load */
	CHECK_EQ(runq_choose(idle, 4, 0x8, 0, 0), 3);	/* an idle last CPU it may not use */
	CHECK_EQ(runq_choose(idle, 4, 0x0, 0, 0), -1);	/* no CPU allowed */
	CHECK_EQ(runq_choose(idle, 4, 0x30, 0, 0), -1);	/* only CPUs that do not run */
	CHECK_EQ(runq_choose(idle, 1, ~0U, -1, 0), 0);	/* one CPU: that one */
}

static void victim_rules(void)
{
	int q[4] = { 0, 3, 5, 2 };

	CHECK_EQ(runq_victim(q, 4, 0xf, 0), 2);		/* the longest queue */
	CHECK_EQ(runq_victim(q, 4, 0xb, 0), 1);		/* of those with a thread for us */
	CHECK_EQ(runq_victim(q, 4, 0x4, 2), -1);	/* never ourselves */
	CHECK_EQ(runq_victim(q, 4, 0x1, 3), -1);	/* an empty queue is no victim */
	CHECK_EQ(runq_victim(q, 4, 0x0, 0), -1);
}

/* Random loads and masks: every answer must be allowed and no more loaded than any allowed CPU. */
static void random_choices(void)
{
	for (int round = 0; round < 100000; round++) {
		int load[N], n = 1 + (int)(next_random() % N);
		for (int i = 0; i < n; i++)
			load[i] = (int)(next_random() % 4);
		uint32_t allowed = (uint32_t)next_random() & ((1U << n) - 1);
		int last = (int)(next_random() % (n + 1)) - 1, self = (int)(next_random() % n);
		int c = runq_choose(load, n, allowed, last, self);
		if (allowed == 0) {
			CHECK_EQ(c, -1);
			continue;
		}
		if (!CHECK(c >= 0 && c < n && (allowed & (1U << c))))
			continue;
		if (last >= 0 && (allowed & (1U << last)) && load[last] == 0) {
			CHECK_EQ(c, last);
			continue;
		}
		for (int i = 0; i < n; i++)
			if (allowed & (1U << i))
				CHECK(load[c] <= load[i]);
		if (last >= 0 && (allowed & (1U << last)) && load[last] == load[c])
			CHECK_EQ(c, last);

		int q[N];
		for (int i = 0; i < n; i++)
			q[i] = load[i];
		int v = runq_victim(q, n, allowed, self);
		bool any = false;
		for (int i = 0; i < n; i++)
			any |= i != self && (allowed & (1U << i)) && q[i] > 0;
		if (!any) {
			CHECK_EQ(v, -1);
			continue;
		}
		if (!CHECK(v >= 0 && v != self && (allowed & (1U << v)) && q[v] > 0))
			continue;
		for (int i = 0; i < n; i++)
			if (i != self && (allowed & (1U << i)))
				CHECK(q[v] >= q[i]);
	}
}

int main(void)
{
	choose_rules();
	victim_rules();
	random_choices();
	return check_summary("test_runq");
}
