/*
 * A seeded pseudo-random stream per thread (xorshift128+, seeded through
 * splitmix64), so that a printed seed reproduces a failing run. Not for keys
 * that must be secret: for test data, keys, lengths and placements.
 */
#ifndef VCRYPTO_TESTS_RNG_H
#define VCRYPTO_TESTS_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Seeds this thread's stream; the same seed gives the same stream. */
void rng_seed(uint64_t seed);

/* A seed from getrandom() (aborts if there is none); print it, then rng_seed(). */
uint64_t rng_fresh_seed(void);

/* Next 64 pseudo-random bits of this thread's stream. */
uint64_t rng_next(void);

/* A pseudo-random number in [lo, hi]. */
uint64_t rng_range(uint64_t lo, uint64_t hi);

/* Fills buf with len pseudo-random bytes. */
void rng_fill(void *buf, size_t len);

#endif
