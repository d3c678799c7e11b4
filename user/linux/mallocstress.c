/*
 * mallocstress: musl's malloc, free and realloc under load, from several
 * threads at once (so on more than one CPU when there are), over the kernel's
 * brk, mmap and munmap. Each thread keeps a table of blocks of many sizes,
 * from 1 byte to a few hundred KiB (beyond musl's mmap threshold), each filled with a pattern of its own; it frees them in a
 * random order, grows and shrinks them with realloc, and checks every byte of
 * every block before it lets it go. Blocks are also handed to another thread
 * to be freed there. Everything is freed at the end, so that the kernel's
 * memory comes back as it was (the case runs it under leakcheck). It prints
 * "mallocstress: ok" and exits 0, on elk as on Linux.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 4
#define NBLOCKS 64		/* blocks a thread holds at once */
#define ROUNDS 1500		/* operations per thread */
#define HANDOFF 32		/* blocks each thread frees for its neighbour */

struct block {
	unsigned char *p;
	size_t size;
	uint32_t seed;		/* the pattern's */
};

struct worker {
	pthread_t thread;
	uint64_t rng;
	struct block blocks[NBLOCKS];
	struct block handoff[HANDOFF];	/* made by this thread, freed by the next */
	int failures;
};

static struct worker workers[NTHREADS];
static pthread_barrier_t made_handoffs;

/* xorshift64: the thread's own random numbers, the same on every run. */
static uint64_t next(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

/* A size from 1 byte to 384 KiB, small ones far more often, as programs ask. */
static size_t pick_size(struct worker *w)
{
	switch (next(w) % 16) {
	case 0:
		return 64 * 1024 + next(w) % (320 * 1024);
	case 1: case 2:
		return 4096 + next(w) % (60 * 1024);
	default:
		return 1 + next(w) % 512;
	}
}

/* The byte at offset i of a block whose pattern is seed. */
static unsigned char pattern(uint32_t seed, size_t i)
{
	return (unsigned char)((seed + i * 2654435761u) >> 13);
}

static void fill(struct block *b, size_t from)
{
	for (size_t i = from; i < b->size; i++)
		b->p[i] = pattern(b->seed, i);
}

/* Whether the first n bytes of b still hold its pattern. */
static int intact(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != pattern(b->seed, i))
			return 0;
	return 1;
}

static void fail(struct worker *w, const char *what, size_t size)
{
	printf("mallocstress: FAIL thread %d: %s (size %zu)\n", (int)(w - workers), what, size);
	w->failures++;
}

/* A new block of a random size with a new pattern, or size 0 if malloc failed. */
static void make(struct worker *w, struct block *b)
{
	b->size = pick_size(w);
	b->seed = (uint32_t)next(w);
	b->p = malloc(b->size);
	if (!b->p) {
		fail(w, "malloc returned NULL", b->size);
		b->size = 0;
		return;
	}
	if ((uintptr_t)b->p % 16 != 0)
		fail(w, "malloc's block is not 16-byte aligned", b->size);
	fill(b, 0);
}

static void release(struct worker *w, struct block *b)
{
	if (b->p && !intact(b, b->size))
		fail(w, "a block's contents changed before free", b->size);
	free(b->p);
	b->p = NULL;
	b->size = 0;
}

/* realloc b to a new size: the old contents up to the smaller size must survive. */
static void resize(struct worker *w, struct block *b)
{
	size_t size = pick_size(w), kept = size < b->size ? size : b->size;
	unsigned char *p = realloc(b->p, size);
	if (!p) {
		fail(w, "realloc returned NULL", size);
		return;
	}
	b->p = p;
	if (!intact(b, kept))
		fail(w, "realloc lost the block's contents", size);
	b->size = size;
	fill(b, kept);
}

static void *work(void *arg)
{
	struct worker *w = arg, *neighbour = &workers[(w - workers + 1) % NTHREADS];

	for (int i = 0; i < HANDOFF; i++)
		make(w, &w->handoff[i]);
	for (int i = 0; i < NBLOCKS; i++)
		make(w, &w->blocks[i]);
	pthread_barrier_wait(&made_handoffs);
	/* The neighbour's blocks, freed here while it and the others allocate. */
	for (int i = 0; i < HANDOFF; i++)
		release(w, &neighbour->handoff[HANDOFF - 1 - i]);

	for (int round = 0; round < ROUNDS; round++) {
		struct block *b = &w->blocks[next(w) % NBLOCKS];
		switch (next(w) % 3) {
		case 0:
			release(w, b);
			make(w, b);
			break;
		case 1:
			resize(w, b);
			break;
		default:
			if (b->p && !intact(b, b->size))
				fail(w, "a block's contents changed", b->size);
		}
	}
	/* Everything goes, in a random order. */
	for (int left = NBLOCKS; left > 0; left--) {
		int k = (int)(next(w) % (uint64_t)left);
		release(w, &w->blocks[k]);
		w->blocks[k] = w->blocks[left - 1];
		w->blocks[left - 1].p = NULL;
	}
	return NULL;
}

int main(void)
{
	int failures = 0;

	pthread_barrier_init(&made_handoffs, NULL, NTHREADS);
	for (int t = 0; t < NTHREADS; t++) {
		workers[t].rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(t + 1);
		if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
			printf("mallocstress: FAIL pthread_create\n");
			return 1;
		}
	}
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(workers[t].thread, NULL);
		failures += workers[t].failures;
	}
	pthread_barrier_destroy(&made_handoffs);
	printf("mallocstress: %d threads, %d operations each, sizes 1 byte to 384 KiB\n",
	       NTHREADS, ROUNDS);
	printf(failures ? "mallocstress: %d failures\n" : "mallocstress: ok\n", failures);
	return failures != 0;
}
