/*
 * Random numbers: a ChaCha20 generator with fast key erasure.
 *
 * The 256-bit key is seeded at first use from RDRAND where the CPU has it and
 * always from the TSC and the CMOS clock's time at boot; each request mixes in the TSC again.
 * Under random_lock a request runs one ChaCha20 block from the key: half of it
 * becomes the next key (so the key that made earlier output is gone) and half
 * the request's own key, from which its bytes are made outside the lock, a
 * block at a time. Under QEMU's emulation without RDRAND the seed comes from
 * timings a guest can guess at: good for hash seeds and stack canaries, not for
 * secrets. There is no entropy accounting: the pool counts as ready from boot,
 * so nothing ever blocks, as on a Linux whose pool is initialised.
 */
#include <inc/errno.h>
#include <inc/mmu.h>
#include <inc/random.h>
#include <inc/string.h>
#include <inc/x86.h>
#include <kern/random.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/time.h>
#include <kern/uaccess.h>

#define CHACHA_BLOCK 64		/* bytes of output per block */

static struct spinlock random_lock = SPINLOCK_INIT("random", LOCK_RANDOM);
static uint32_t key[8];		/* under random_lock */
static uint64_t requests;	/* under random_lock; the ratchet block's counter */
static bool seeded;		/* under random_lock */

static inline uint32_t rotl32(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QUARTER_ROUND(a, b, c, d)				\
	do {							\
		a += b; d ^= a; d = rotl32(d, 16);		\
		c += d; b ^= c; b = rotl32(b, 12);		\
		a += b; d ^= a; d = rotl32(d, 8);		\
		c += d; b ^= c; b = rotl32(b, 7);		\
	} while (0)

/* One ChaCha20 block (RFC 8439's layout) of k with a 64-bit counter and nonce. */
static void chacha20_block(const uint32_t k[8], uint64_t counter, uint64_t nonce,
			   uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,	/* "expand 32-byte k" */
		k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		(uint32_t)counter, (uint32_t)(counter >> 32), (uint32_t)nonce, (uint32_t)(nonce >> 32),
	};
	uint32_t *x = out;

	memcpy(x, in, sizeof(in));
	for (int i = 0; i < 10; i++) {
		QUARTER_ROUND(x[0], x[4], x[8], x[12]);
		QUARTER_ROUND(x[1], x[5], x[9], x[13]);
		QUARTER_ROUND(x[2], x[6], x[10], x[14]);
		QUARTER_ROUND(x[3], x[7], x[11], x[15]);
		QUARTER_ROUND(x[0], x[5], x[10], x[15]);
		QUARTER_ROUND(x[1], x[6], x[11], x[12]);
		QUARTER_ROUND(x[2], x[7], x[8], x[13]);
		QUARTER_ROUND(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] += in[i];
}

/* A 64-bit value from RDRAND, if the CPU has it and it delivers; else 0. */
static uint64_t rdrand64(void)
{
	uint32_t a, b, c, d;
	uint64_t v;
	uint8_t ok;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 30)))
		return 0;
	for (int tries = 0; tries < 10; tries++) {
		asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		if (ok)
			return v;
	}
	return 0;
}

/* Seed the key once. random_lock held. */
static void seed_locked(void)
{
	uint64_t words[4] = { rdrand64(), rdrand64(), (uint64_t)clock_boot_epoch(), rdtsc() };

	memcpy(key, words, sizeof(key));
	seeded = true;
}

/* A fresh key for one request, made under random_lock, ratcheting the shared key. */
static void request_key(uint32_t out[8])
{
	uint32_t block[16];

	spin_lock(&random_lock);
	if (!seeded)
		seed_locked();
	chacha20_block(key, requests++, rdtsc(), block);
	memcpy(key, block, sizeof(key));
	spin_unlock(&random_lock);
	memcpy(out, block + 8, 8 * sizeof(uint32_t));
	memset(block, 0, sizeof(block));
}

void random_bytes(void *buf, size_t n)
{
	uint32_t k[8], block[16];

	request_key(k);
	for (uint64_t i = 0; n > 0; i++) {
		size_t m = MIN(n, (size_t)CHACHA_BLOCK);
		chacha20_block(k, i, 0, block);
		memcpy(buf, block, m);
		buf = (char *)buf + m;
		n -= m;
	}
	memset(k, 0, sizeof(k));
	memset(block, 0, sizeof(block));
}

int64_t sys_getrandom(void *ubuf, size_t n, uint32_t flags)
{
	uint32_t k[8], block[16];
	size_t done = 0;

	if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	n = MIN(n, (size_t)GRND_MAX);
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	request_key(k);
	for (uint64_t i = 0; done < n; i++) {
		/* A long draw stops at a page boundary for a signal, as Linux's does. */
		if (done % PGSIZE == 0 && done && thread_interrupted())
			break;
		size_t m = MIN(n - done, (size_t)CHACHA_BLOCK);
		chacha20_block(k, i, 0, block);
		if (copy_to_user((char *)ubuf + done, block, m) < 0)
			break;
		done += m;
	}
	memset(k, 0, sizeof(k));
	memset(block, 0, sizeof(block));
	return done || n == 0 ? (int64_t)done : -EFAULT;
}
