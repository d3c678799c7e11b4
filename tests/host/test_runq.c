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

/*
 * A model of how kern/sched.c uses the two rules, to check the promise they
 * make together: no CPU idles while another CPU's queue holds a thread it may
 * run. CPUs run one thread each or idle; threads run, wait on a queue or sleep.
 * The model's events are the kernel's: a wakeup (placement, then an idle target
 * takes the thread at once, as the reschedule IPI makes it do), a sleep and a
 * yield (the CPU takes its next thread, stealing if its queue is empty), an
 * affinity change, and a timer tick (every idle CPU looks for a thread again).
 */
#define NT 24

enum { SLEEPING, QUEUED, RUNNING };

struct model {
	int n;			/* CPUs */
	int running[N];		/* thread, or -1: idle */
	int queue[N][NT], nq[N];
	int state[NT], cpu[NT];	/* cpu: where it runs or waits, else its last CPU or -1 */
	uint32_t aff[NT];
};

/* Take t off CPU c's queue. */
static void model_dequeue(struct model *m, int c, int t)
{
	for (int i = 0; i < m->nq[c]; i++)
		if (m->queue[c][i] == t) {
			for (int j = i; j + 1 < m->nq[c]; j++)
				m->queue[c][j] = m->queue[c][j + 1];
			m->nq[c]--;
			return;
		}
	CHECK(!"thread not on its queue");
}

/* Idle CPU c takes its next thread, as runq_take does: its own queue's first, else a stolen one. */
static void model_take(struct model *m, int c)
{
	int t = -1;

	if (m->nq[c] > 0) {
		t = m->queue[c][0];
	} else {
		uint32_t stealable = 0;
		int first[N];
		for (int v = 0; v < m->n; v++) {
			first[v] = -1;
			for (int i = 0; i < m->nq[v] && first[v] < 0; i++)
				if (m->aff[m->queue[v][i]] & (1U << c))
					first[v] = m->queue[v][i];
			if (v != c && first[v] >= 0)
				stealable |= 1U << v;
		}
		int v = runq_victim(m->nq, m->n, stealable, c);
		t = v >= 0 ? first[v] : -1;
	}
	if (t < 0)
		return;
	model_dequeue(m, m->cpu[t], t);
	m->running[c] = t;
	m->state[t] = RUNNING;
	m->cpu[t] = c;
}

/* t becomes runnable, made so by code on CPU self: make_runnable. */
static void model_make_runnable(struct model *m, int t, int self)
{
	int load[N];

	for (int i = 0; i < m->n; i++)
		load[i] = m->nq[i] + (m->running[i] >= 0);
	int c = runq_choose(load, m->n, m->aff[t], m->cpu[t], self);
	if (!CHECK(c >= 0))
		return;
	m->queue[c][m->nq[c]++] = t;
	m->state[t] = QUEUED;
	m->cpu[t] = c;
	if (m->running[c] < 0)
		model_take(m, c);	/* the IPI, or the idle loop the interrupt returns to */
}

/* CPU c's thread stops running: to sleep, or (yield) back to a queue. */
static void model_leave(struct model *m, int c, bool yield)
{
	int t = m->running[c];

	if (!yield) {
		m->state[t] = SLEEPING;
	} else if ((m->aff[t] & (1U << c)) && m->nq[c] == 0) {
		m->queue[c][m->nq[c]++] = t;	/* it runs on: nothing else waits here */
		m->state[t] = QUEUED;
	} else {
		model_make_runnable(m, t, c);	/* counted as running here: see yield */
	}
	m->running[c] = -1;
	model_take(m, c);
}

/* The promise: an idle CPU sees no queued thread it may run on any CPU. */
static bool model_balanced(const struct model *m)
{
	for (int c = 0; c < m->n; c++) {
		if (m->running[c] >= 0)
			continue;
		for (int v = 0; v < m->n; v++)
			for (int i = 0; i < m->nq[v]; i++)
				if (m->aff[m->queue[v][i]] & (1U << c))
					return false;
	}
	return true;
}

static void model_runs(void)
{
	for (int round = 0; round < 2000; round++) {
		struct model m = { .n = 1 + (int)(next_random() % N) };
		int nt = 1 + (int)(next_random() % NT);
		for (int c = 0; c < m.n; c++)
			m.running[c] = -1;
		for (int t = 0; t < nt; t++) {
			m.state[t] = SLEEPING;
			m.cpu[t] = -1;
			m.aff[t] = next_random() % 4 ? (1U << m.n) - 1 : 1U << (next_random() % m.n);
		}
		for (int step = 0; step < 400; step++) {
			int ev = (int)(next_random() % 10), t = (int)(next_random() % nt);
			int c = (int)(next_random() % m.n);
			if (ev < 4 && m.state[t] == SLEEPING) {
				model_make_runnable(&m, t, c);
			} else if (ev < 6 && m.running[c] >= 0) {
				model_leave(&m, c, ev == 5);
			} else if (ev == 6) {
				/*
				 * sched_setaffinity: a queued thread is placed again; a running
				 * one moves at once only if its CPU is no longer allowed.
				 */
				m.aff[t] = (uint32_t)next_random() & ((1U << m.n) - 1);
				if (m.aff[t] == 0)
					m.aff[t] = 1U << c;
				if (m.state[t] == QUEUED) {
					model_dequeue(&m, m.cpu[t], t);
					model_make_runnable(&m, t, c);
				} else if (m.state[t] == RUNNING && !(m.aff[t] & (1U << m.cpu[t]))) {
					model_leave(&m, m.cpu[t], true);
				}
			} else if (ev == 7) {
				/* A tick: each CPU in turn; a busy one yields, an idle one looks for work. */
				for (int i = 0; i < m.n; i++) {
					if (m.running[i] >= 0)
						model_leave(&m, i, true);
					else
						model_take(&m, i);
				}
			}
			if (!CHECK(model_balanced(&m)))
				break;
		}
	}
}

int main(void)
{
	choose_rules();
	victim_rules();
	random_choices();
	model_runs();
	return check_summary("test_runq");
}
