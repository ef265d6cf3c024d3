#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "rng.h"

static __thread uint64_t rng_state[2];

void rng_seed(uint64_t seed)
{
	/* splitmix64 spreads any seed, even 0, over both state words */
	for (int i = 0; i < 2; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rng_state[i] = z ^ (z >> 31);
	}
}

uint64_t rng_fresh_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		perror("getrandom");
		abort();
	}
	return seed;
}

uint64_t rng_next(void)
{
	uint64_t s1 = rng_state[0];
	const uint64_t s0 = rng_state[1];
	const uint64_t r = s0 + s1;

	rng_state[0] = s0;
	s1 ^= s1 << 23;
	rng_state[1] = s1 ^ s0 ^ (s1 >> 18) ^ (s0 >> 5);
	return r;
}

uint64_t rng_range(uint64_t lo, uint64_t hi)
{
	return lo + rng_next() % (hi - lo + 1);
}

void rng_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t r = rng_next();

		memcpy(p, &r, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t r = rng_next();

		memcpy(p, &r, len);
	}
}
