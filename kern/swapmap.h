/*
 * swapmap: which slots of a swap area (one page each) are in use. A bitmap in
 * memory the caller provides, a count of free slots, and a next-fit cursor:
 * a search starts where the last allocation ended, so successive page-outs
 * land on successive slots (sequential on the disk) and a freed slot is not
 * reused at once. The caller serializes every call on one map.
 */
#ifndef ELK_KERN_SWAPMAP_H
#define ELK_KERN_SWAPMAP_H

#include <inc/types.h>

struct swapmap {
	uint64_t *bits;		/* bit s set: slot s in use */
	uint64_t nslots;
	uint64_t nfree;
	uint64_t cursor;	/* where the next search starts */
};

/* The 64-bit words of bitmap a map of nslots needs. */
static inline uint64_t swapmap_words(uint64_t nslots)
{
	return (nslots + 63) / 64;
}

/* Make m a map of nslots free slots over bits (swapmap_words(nslots) words). */
void swapmap_init(struct swapmap *m, uint64_t *bits, uint64_t nslots);
/*
 * Take the first free slot at or after the cursor, wrapping around: its
 * number, or -1 if every slot is in use. The cursor moves past it.
 */
int64_t swapmap_alloc(struct swapmap *m);
/* Give back slot, which is in use: false (and nothing changes) if it is not. */
bool swapmap_free(struct swapmap *m, uint64_t slot);
/* Whether slot is in use. */
bool swapmap_in_use(const struct swapmap *m, uint64_t slot);

#endif
