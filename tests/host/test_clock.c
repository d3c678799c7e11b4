// host-test-sources:
/*
 * Host test of the page-out's clock (kern/clock.h) over a model address space:
 * pages of areas with page-table entries whose accessed bits the test sets.
 * Checked: one run with no limit gives every mapped page exactly one turn
 * (once round from any hand, wrapping at the top); accessed pages lose the bit
 * and stay, the rest are taken; a run that stops early leaves the hand where
 * the next run goes on, so that runs of a few pages take pages in address
 * order round and round; a page refused because a step was full gets its turn
 * in the next step; and a long random sequence of runs against those rules.
 */
#include <stdlib.h>
#include <string.h>

#include <kern/clock.h>

#include "check.h"

#define NPAGES 256
#define MAXAREAS 8

struct model {
	int nareas;
	uintptr_t start[MAXAREAS], end[MAXAREAS];	/* page numbers * PGSIZE, sorted */
	uint64_t pte[NPAGES];			/* PTE_P and PTE_A only */
	int turns[NPAGES];			/* turns given in the current run */
	int taken_order[NPAGES * 4];		/* pages taken, in order, over runs */
	int ntaken;
	size_t want, taken_run;			/* this run's limit and count */
	int batch;				/* pages a step takes at most */
	bool twice;				/* some page had two turns in one run */
};

static bool m_next_area(void *arg, uintptr_t at, uintptr_t *start, uintptr_t *end)
{
	struct model *m = arg;
	for (int i = 0; i < m->nareas; i++)
		if (m->end[i] > at) {
			*start = m->start[i];
			*end = m->end[i];
			return true;
		}
	return false;
}

static uintptr_t m_scan(void *arg, uintptr_t from, uintptr_t to)
{
	struct model *m = arg;
	int in_step = 0;

	for (uintptr_t va = from; va < to; va += PGSIZE) {
		int p = (int)(va / PGSIZE);
		if (!(m->pte[p] & PTE_P))
			continue;
		bool aged = clock_second_chance(&m->pte[p]);
		if (!aged && in_step == m->batch)
			return va;	/* refused: no turn taken */
		if (m->turns[p]++)
			m->twice = true;
		if (aged)
			continue;
		m->pte[p] = 0;
		m->taken_order[m->ntaken++ % (NPAGES * 4)] = p;
		m->taken_run++;
		in_step++;
	}
	return to;
}

static bool m_done(void *arg)
{
	struct model *m = arg;
	return m->taken_run >= m->want;
}

static const struct clock_ops model_ops = { m_next_area, m_scan, m_done };

/* Areas [s, e) in pages, every page mapped, none accessed. */
static void model_init(struct model *m, int nareas, const int *s, const int *e)
{
	memset(m, 0, sizeof(*m));
	m->nareas = nareas;
	for (int i = 0; i < nareas; i++) {
		m->start[i] = (uintptr_t)s[i] * PGSIZE;
		m->end[i] = (uintptr_t)e[i] * PGSIZE;
		for (int p = s[i]; p < e[i]; p++)
			m->pte[p] = PTE_P;
	}
	m->batch = NPAGES;
}

static uintptr_t run(struct model *m, uintptr_t hand, size_t want)
{
	memset(m->turns, 0, sizeof(m->turns));
	m->want = want;
	m->taken_run = 0;
	m->twice = false;
	return clock_run(hand, &model_ops, m);
}

/* Once round from every hand: each mapped page one turn; accessed ones stay, without the bit. */
static void test_once_round(void)
{
	static const int s[] = { 3, 40, 100 }, e[] = { 10, 60, 101 };
	for (int h = 0; h < 120; h += 7) {
		struct model m;
		model_init(&m, 3, s, e);
		for (int p = 0; p < NPAGES; p += 2)
			m.pte[p] |= m.pte[p] & PTE_P ? PTE_A : 0;
		run(&m, (uintptr_t)h * PGSIZE, (size_t)-1);
		CHECK(!m.twice);
		for (int p = 0; p < NPAGES; p++) {
			bool mapped = (p >= 3 && p < 10) || (p >= 40 && p < 60) || p == 100;
			CHECK_EQ(m.turns[p], mapped ? 1 : 0);
			CHECK_EQ(m.pte[p], mapped && p % 2 == 0 ? PTE_P : 0);
		}
		CHECK_EQ(m.ntaken, 4 + 10 + 0);	/* 3,5,7,9; 41..59 odd; 100 is even */
	}
}

/* Every page accessed: a run only ages; the next takes the page at the hand. */
static void test_second_chance(void)
{
	static const int s[] = { 10 }, e[] = { 20 };
	struct model m;
	model_init(&m, 1, s, e);
	m.batch = 1;
	for (int p = 10; p < 20; p++)
		m.pte[p] |= PTE_A;
	uintptr_t hand = run(&m, 14 * PGSIZE, 1);
	CHECK_EQ(m.ntaken, 0);
	for (int p = 10; p < 20; p++)
		CHECK_EQ(m.turns[p], 1);
	hand = run(&m, hand, 1);
	CHECK_EQ(m.ntaken, 1);
	CHECK(m.taken_order[0] >= 10 && m.taken_order[0] < 20);
	/* The page touched again after its turn is passed over once more. */
	m.pte[m.taken_order[0] == 19 ? 10 : m.taken_order[0] + 1] |= PTE_A;
	run(&m, hand, 1);
	CHECK_EQ(m.ntaken, 2);
	CHECK(m.taken_order[1] != m.taken_order[0] + 1);
}

/* Runs of 3 pages with steps of 2 take every page in address order, round from the hand. */
static void test_resume(void)
{
	static const int s[] = { 5, 30 }, e[] = { 12, 34 };
	struct model m;
	model_init(&m, 2, s, e);
	m.batch = 2;
	uintptr_t hand = 8 * PGSIZE;
	while (m.ntaken < 11)
		hand = run(&m, hand, 3);
	static const int order[] = { 8, 9, 10, 11, 30, 31, 32, 33, 5, 6, 7 };
	for (int i = 0; i < 11; i++)
		CHECK_EQ(m.taken_order[i], order[i]);
	CHECK_EQ(run(&m, hand, 3), hand);	/* nothing left: the hand goes once round and stays */
	CHECK_EQ(m.ntaken, 11);
}

/* Nothing mapped, hands at 0 and elsewhere: the run ends. */
static void test_empty(void)
{
	struct model m;
	model_init(&m, 0, NULL, NULL);
	CHECK_EQ(run(&m, 0, 5), 0);
	run(&m, 77 * PGSIZE, 5);
	CHECK_EQ(m.ntaken, 0);
}

/* Random areas, bits, limits and steps against the rules above. */
static void test_random(void)
{
	for (int round = 0; round < 2000; round++) {
		struct model m;
		int s[MAXAREAS], e[MAXAREAS], n = (int)(next_random() % MAXAREAS), at = 0;
		for (int i = 0; i < n && at < NPAGES - 2; i++) {
			s[i] = at + (int)(next_random() % 20);
			e[i] = s[i] + 1 + (int)(next_random() % 30);
			if (e[i] > NPAGES) {
				n = i;
				break;
			}
			at = e[i];
		}
		model_init(&m, n, s, e);
		m.batch = 1 + (int)(next_random() % 8);
		uintptr_t hand = (next_random() % NPAGES) * PGSIZE;
		for (int r = 0; r < 6; r++) {
			int mapped = 0, accessed = 0;
			uint64_t before[NPAGES];
			for (int p = 0; p < NPAGES; p++) {
				if ((m.pte[p] & PTE_P) && next_random() % 3 == 0)
					m.pte[p] |= PTE_A;
				mapped += (m.pte[p] & PTE_P) != 0;
				accessed += (m.pte[p] & PTE_A) != 0;
				before[p] = m.pte[p];
			}
			size_t want = next_random() % 40;
			int start = m.ntaken;
			hand = run(&m, hand, want);
			CHECK(!m.twice);
			CHECK(m.taken_run < want + (size_t)m.batch);	/* a step may finish past want */
			for (int i = start; i < m.ntaken; i++)
				CHECK(before[m.taken_order[i]] == PTE_P);	/* only unaccessed pages go */
			if (m.taken_run < want) {
				/* Stopped for want of pages: it went once round. */
				CHECK_EQ(m.taken_run, (size_t)(mapped - accessed));
				for (int p = 0; p < NPAGES; p++)
					CHECK_EQ(m.turns[p], (before[p] & PTE_P) ? 1 : 0);
			}
		}
	}
}

int main(void)
{
	test_once_round();
	test_second_chance();
	test_resume();
	test_empty();
	test_random();
	return check_summary("test_clock");
}
