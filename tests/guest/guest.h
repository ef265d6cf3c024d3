/*
 * cdev-abi's own helpers, next to the test library it uses (reporting, the
 * PRNG, OpenSSL as the oracle, the raw cryptodev ioctls): the seed, buffer
 * placement and errno names.
 */
#ifndef VCRYPTO_TESTS_GUEST_GUEST_H
#define VCRYPTO_TESTS_GUEST_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "../cdev.h"
#include "../hex.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

#define AES_BLOCK 16

/* The process-wide seed chosen by main (printed so failures reproduce). */
extern uint64_t rng_base_seed;

/*
 * A buffer of len bytes starting offset bytes into fresh page-aligned
 * anonymous memory (so offset 4090 spans a page boundary). Returns NULL
 * with errno set on failure. Free with buf_free(p, offset, len).
 */
uint8_t *buf_alloc(size_t len, size_t offset);

/* Frees a buffer from buf_alloc(). NULL ok. */
void buf_free(uint8_t *p, size_t offset, size_t len);


/*
 * A pointer for garbage: NULL, a kernel address, one that wraps, somewhere
 * in the read-only page ro or the unmapped page gone, or (most often)
 * anywhere in the span bytes at good.
 */
void *garbage_ptr(uint8_t *good, size_t span, uint8_t *ro, uint8_t *gone);

#endif
