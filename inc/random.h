/* getrandom's flags, with Linux's values. */
#ifndef ELK_INC_RANDOM_H
#define ELK_INC_RANDOM_H

#define GRND_NONBLOCK 0x0001	/* never wait for the pool (elk's never waits) */
#define GRND_RANDOM   0x0002	/* the "blocking" pool: the same generator on Linux today */
#define GRND_INSECURE 0x0004	/* even before the pool is ready */

/* The most bytes one getrandom call returns, as on Linux. */
#define GRND_MAX 33554431

#endif
