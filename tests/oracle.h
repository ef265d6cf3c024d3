/*
 * OpenSSL as the reference the tests compare against, one helper per family
 * of algorithms, each named as OpenSSL names it ("AES-128-CBC", "SHA256").
 * A helper aborts when OpenSSL fails: a broken oracle must not pass or fail
 * a check by accident.
 */
#ifndef VCRYPTO_TESTS_ORACLE_H
#define VCRYPTO_TESTS_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Loads OpenSSL's legacy provider (DES, Blowfish, CAST5) next to the default
 * one, once; returns whether it is there. Aborts if the default one is not.
 */
bool oracle_legacy(void);

/* Whether OpenSSL has a cipher of that name (legacy ones: after oracle_legacy()). */
bool oracle_has_cipher(const char *name);

/*
 * The block or stream cipher of that name (e.g. "AES-128-CBC",
 * "DES-EDE3-CBC", "AES-256-XTS") without padding: len bytes of in to out
 * (they may be equal), key and iv as long as the cipher wants them.
 */
void oracle_cipher(const char *name, bool encrypt, const uint8_t *key,
		   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len);

/* oracle_cipher() of AES in mode ("CBC", "CTR", "ECB") with a 16, 24 or 32-byte key. */
void oracle_aes(const char *mode, bool encrypt, const uint8_t *key,
		size_t keylen, const uint8_t *iv, const uint8_t *in, uint8_t *out,
		size_t len);

/*
 * The AEAD of that name ("AES-128-GCM", "AES-256-CCM") sealing len bytes of
 * pt under a nonce of nlen bytes and alen bytes of aad: the ciphertext, then
 * a tag of tag bytes, to out (len + tag bytes).
 */
void oracle_aead(const char *name, const uint8_t *key, const uint8_t *nonce,
		 size_t nlen, const uint8_t *aad, size_t alen, const uint8_t *pt,
		 size_t len, size_t tag, uint8_t *out);

/*
 * The digest md (e.g. "SHA256", "MD5") of len bytes of data, or with hmac
 * its HMAC under keylen bytes of key, to out; returns its length.
 */
unsigned int oracle_digest(const char *md, bool hmac, const uint8_t *key,
			   size_t keylen, const uint8_t *data, size_t len,
			   uint8_t *out);

#endif
