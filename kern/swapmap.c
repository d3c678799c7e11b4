/* The swap area's slot bitmap (see swapmap.h). */
#include <inc/string.h>
#include <kern/swapmap.h>

void swapmap_init(struct swapmap *m, uint64_t *bits, uint64_t nslots)
{
	m->bits = bits;
	m->nslots = nslots;
	m->nfree = nslots;
	m->cursor = 0;
	memset(bits, 0, swapmap_words(nslots) * sizeof(*bits));
	/* The bits past the last slot count as used, so that no search hands them out. */
	if (nslots % 64)
		bits[nslots / 64] = ~0ull << (nslots % 64);
}

/* The first free slot in [from, to) (word-aligned ends, or the map's end), or -1. */
static int64_t first_free(const struct swapmap *m, uint64_t from, uint64_t to)
{
	for (uint64_t s = from; s < to;) {
		uint64_t w = ~m->bits[s / 64] & (~0ull << (s % 64));
		if (w)
			return (int64_t)(s / 64 * 64 + (uint64_t)__builtin_ctzll(w));
		s = (s / 64 + 1) * 64;
	}
	return -1;
}

int64_t swapmap_alloc(struct swapmap *m)
{
	if (m->nfree == 0)
		return -1;
	int64_t s = first_free(m, m->cursor, m->nslots);
	if (s < 0)
		s = first_free(m, 0, m->cursor);
	m->bits[s / 64] |= 1ull << (s % 64);
	m->nfree--;
	m->cursor = (uint64_t)s + 1 == m->nslots ? 0 : (uint64_t)s + 1;
	return s;
}

bool swapmap_in_use(const struct swapmap *m, uint64_t slot)
{
	return slot < m->nslots && (m->bits[slot / 64] >> (slot % 64) & 1);
}

bool swapmap_free(struct swapmap *m, uint64_t slot)
{
	if (!swapmap_in_use(m, slot))
		return false;
	m->bits[slot / 64] &= ~(1ull << (slot % 64));
	m->nfree++;
	return true;
}
