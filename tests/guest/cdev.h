/*
 * Helpers for the in-guest tests of /dev/cryptodevN: the raw cryptodev
 * ioctls, OpenSSL as the oracle, a reproducible PRNG, buffer placement and
 * one-line-per-check reporting.
 */
#ifndef VCRYPTO_TESTS_GUEST_CDEV_H
#define VCRYPTO_TESTS_GUEST_CDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hex.h"

#include <vcrypto/cryptodev.h>

#define AES_BLOCK 16

/* The device under test (set by main from --device). */
extern const char *cdev_path;

/*
 * Prints "ok   CHECK: detail" when ok, else "FAIL CHECK: detail" and counts
 * the failure; returns ok. Safe from several threads.
 */
__attribute__((format(printf, 3, 4)))
bool report(bool ok, const char *check, const char *fmt, ...);

/* Failures reported so far, in this process. */
unsigned int report_failures(void);

/* Opens cdev_path read-write; returns the fd or -1 with errno set. */
int cdev_open(void);

/* Creates a cipher session; returns 0 (id in *ses) or an errno value. */
int cdev_session(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		 uint32_t *ses);

/* CIOCCRYPT; returns 0 or an errno value. */
int cdev_crypt(int fd, uint32_t ses, uint16_t op, uint16_t flags,
	       const void *src, void *dst, uint32_t len, void *iv);

/* CIOCCRYPT on a chained (cipher and MAC) session, MAC to mac; 0 or errno. */
int cdev_crypt_mac(int fd, uint32_t ses, uint16_t op, uint16_t flags,
		   const void *src, void *dst, uint32_t len, void *iv, void *mac);

/* CIOCGSESSION with every key field given; 0 (id in *ses) or an errno value. */
int cdev_session_op(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		    uint32_t mac, const void *mackey, uint32_t mackeylen,
		    uint32_t *ses);

/*
 * Creates a hash (key NULL, keylen 0) or HMAC session: mac is a cryptodev
 * algorithm, cipher 0. Returns 0 (id in *ses) or an errno value.
 */
int cdev_hash_session(int fd, uint32_t mac, const void *key, uint32_t keylen,
		      uint32_t *ses);

/* CIOCCRYPT on a hash session: len bytes of src, digest to mac. 0 or errno. */
int cdev_hash(int fd, uint32_t ses, uint16_t flags, const void *src,
	      uint32_t len, void *mac);

/* CIOCFSESSION; returns 0 or an errno value. */
int cdev_free(int fd, uint32_t ses);

/*
 * OpenSSL's cipher of that name (e.g. "AES-128-CBC", "DES-EDE3-CBC") without
 * padding: len bytes of in to out (they may be equal). Aborts if OpenSSL
 * fails (a broken oracle).
 */
void oracle_cipher(const char *name, bool encrypt, const uint8_t *key,
		   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len);

/*
 * OpenSSL's digest md (e.g. "SHA256") of len bytes of data, or its HMAC
 * under key; returns its length. Aborts if OpenSSL fails.
 */
unsigned int oracle_digest(const char *md, bool hmac, const uint8_t *key,
			   size_t keylen, const uint8_t *data, size_t len,
			   uint8_t *out);

/* AES-CBC by oracle_cipher(), for a key of 16, 24 or 32 bytes. */
void oracle_cbc(bool encrypt, const uint8_t *key, size_t keylen,
		const uint8_t iv[AES_BLOCK], const uint8_t *in, uint8_t *out,
		size_t len);

/* Seeds this thread's PRNG; the same seed gives the same stream. */
void rng_seed(uint64_t seed);

/* The process-wide seed chosen by main (printed so failures reproduce). */
extern uint64_t rng_base_seed;

/* Next 64 pseudo-random bits of this thread's stream. */
uint64_t rng_next(void);

/* A pseudo-random number in [lo, hi]. */
uint64_t rng_range(uint64_t lo, uint64_t hi);

/* Fills buf with pseudo-random bytes. */
void rng_fill(void *buf, size_t len);

/*
 * A buffer of len bytes starting offset bytes into fresh page-aligned
 * anonymous memory (so offset 4090 spans a page boundary). Returns NULL
 * with errno set on failure. Free with buf_free(p, offset, len).
 */
uint8_t *buf_alloc(size_t len, size_t offset);

/* Frees a buffer from buf_alloc(). NULL ok. */
void buf_free(uint8_t *p, size_t offset, size_t len);


/* "EFAULT"-style name of an errno value (or its number). */
const char *errname(int err);

#endif
