/*
 * libvcrypto: one small crypto API, several engines behind it.
 *
 * Every function that can fail returns 0 on success and a negative errno
 * value on failure; vc_last_error() then describes the failure (one line, no
 * newline). Nothing here aborts or prints on bad input. Engines, sessions and
 * vc_last_error() are safe to use from several threads at once.
 */
#ifndef VCRYPTO_VCRYPTO_H
#define VCRYPTO_VCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define VC_AES_BLOCK	16
#define VC_IV_LEN	16
#define VC_MAX_KEY_LEN	64	/* cipher keys */
#define VC_MAX_MAC_KEY	512	/* HMAC keys */
#define VC_MAX_TAG	32	/* largest MAC output (HMAC-SHA256) */
#define VC_MAX_DIGEST	64	/* largest digest (SHA-512) */

enum vc_cipher_alg {
	VC_AES_CBC,	/* keys of 16, 24 or 32 bytes; len a multiple of 16 */
	VC_AES_CTR,	/* keys of 16, 24 or 32 bytes; any len; 128-bit BE counter */
	VC_AES_ECB,	/* keys of 16, 24 or 32 bytes; len a multiple of 16 */
};

enum vc_mac_alg {
	VC_HMAC_SHA1,	/* 20-byte tag */
	VC_HMAC_SHA256,	/* 32-byte tag */
};

enum vc_hash_alg {
	VC_SHA1,	/* 20-byte digest */
	VC_SHA256,	/* 32-byte digest */
	VC_SHA512,	/* 64-byte digest */
};

enum vc_dir {
	VC_ENCRYPT,
	VC_DECRYPT,
};

/* Engine spec strings accepted by vc_engine_open(). */
#define VC_ENGINE_SPECS "auto, openssl, cryptodev, cryptodev:PATH"

struct vc_engine;
struct vc_cipher;
struct vc_mac;
struct vc_hash;

struct vc_buf {
	const void *p;
	size_t len;
};

/*
 * Open an engine by spec: "openssl"; "cryptodev" (/dev/crypto);
 * "cryptodev:PATH"; "auto" (the first of /dev/cryptodev0 and /dev/crypto that
 * opens and can make an AES-CBC session, otherwise OpenSSL); NULL means
 * "auto". An engine that was asked for by name and cannot be opened is an
 * error, never a silent fallback. With verbose set, the engine reports its
 * choices on stderr: which node, and for each algorithm on its first session
 * where it runs (the driver, and whether it is offloaded) or that it falls
 * back to OpenSSL.
 */
int vc_engine_open(struct vc_engine **out, const char *spec, int verbose);

/* Close an engine; every session made from it must be freed first. NULL ok. */
void vc_engine_close(struct vc_engine *e);

/*
 * Describe the engine in one line, e.g. "openssl (OpenSSL 3.0.19)" or
 * "cryptodev:/dev/cryptodev0 (driver virtio_cryptodev-cbc-aes, offloaded)".
 */
const char *vc_engine_describe(const struct vc_engine *e);

/* Nonzero when the engine is a cryptodev node whose driver reports offload
 * (SIOP_FLAG_KERNEL_DRIVER_ONLY) for AES-CBC. */
int vc_engine_is_hardware(const struct vc_engine *e);

/*
 * Make a cipher session. When the engine's device cannot do this algorithm or
 * key size, the session falls back to OpenSSL (said on stderr when verbose).
 * -EINVAL: bad key length or algorithm.
 */
int vc_cipher_new(struct vc_engine *e, struct vc_cipher **out,
		  enum vc_cipher_alg alg, const void *key, size_t keylen);

/*
 * Encrypt or decrypt len bytes from in to out (in == out allowed) with the
 * given 16-byte IV (ignored for ECB). When next_iv is not NULL it receives the
 * IV that chains the next operation (CBC: the last ciphertext block; CTR: the
 * counter after the last block used). -EINVAL: len not valid for the mode.
 */
int vc_cipher_crypt(struct vc_cipher *c, enum vc_dir dir, const uint8_t *iv,
		    const void *in, void *out, size_t len, uint8_t *next_iv);

/* One piece of a scattered stream: len bytes from in to out. */
struct vc_piece {
	const void *in;
	void *out;		/* in == out allowed */
	size_t len;
};

/*
 * Encrypt or decrypt the pieces p[0..n) as one stream: what
 * vc_cipher_crypt() gives over their inputs gathered into one buffer, its
 * output scattered to their outputs in the same lengths. Every piece but the
 * last holds a whole number of blocks, the last too except in CTR; a piece's
 * out may overlap no later piece's in. The pieces share one cipher context,
 * so many small ones cost little more than one. next_iv as vc_cipher_crypt().
 * -EINVAL: a length not valid for the mode, or bad arguments.
 */
int vc_cipher_crypt_pieces(struct vc_cipher *c, enum vc_dir dir,
			   const uint8_t *iv, const struct vc_piece *p,
			   size_t n, uint8_t *next_iv);

/* One operation of a batch: its own IV (ignored for ECB), no chaining. */
struct vc_cipher_op {
	enum vc_dir dir;
	const uint8_t *iv;
	const void *in;
	void *out;		/* in == out allowed */
	size_t len;		/* valid for the mode, at most 4 GiB - 1 */
	int result;		/* out: 0 or a negative errno */
};

/*
 * Run n independent operations on one session. On a cryptodev node with
 * asynchronous operations (CIOCASYNCCRYPT) many are in flight at once, so
 * the device works on them together; elsewhere they run one after another.
 * Each operation's outcome is in its result. Returns 0 when every one
 * succeeded, else the first failure's errno (-EINVAL for bad arguments,
 * with no operation run).
 */
int vc_cipher_batch(struct vc_cipher *c, struct vc_cipher_op *ops, size_t n);

/* Which engine this session really runs on: "openssl" or "cryptodev". */
const char *vc_cipher_engine(const struct vc_cipher *c);

void vc_cipher_free(struct vc_cipher *c);

/* Make an HMAC session; falls back to OpenSSL like vc_cipher_new(). */
int vc_mac_new(struct vc_engine *e, struct vc_mac **out, enum vc_mac_alg alg,
	       const void *key, size_t keylen);

/* Tag length in bytes of this session's MAC (20 or 32). */
size_t vc_mac_len(const struct vc_mac *m);

/* MAC over the concatenation of n buffers; writes vc_mac_len() bytes. */
int vc_mac_compute(struct vc_mac *m, const struct vc_buf *bufs, size_t n,
		   uint8_t *tag);

const char *vc_mac_engine(const struct vc_mac *m);

void vc_mac_free(struct vc_mac *m);

/* Make a digest session; falls back to OpenSSL like vc_cipher_new(). */
int vc_hash_new(struct vc_engine *e, struct vc_hash **out,
		enum vc_hash_alg alg);

/* Digest length in bytes of this session's hash (20, 32 or 64). */
size_t vc_hash_len(const struct vc_hash *h);

/* Digest of the concatenation of n buffers; writes vc_hash_len() bytes. */
int vc_hash_compute(struct vc_hash *h, const struct vc_buf *bufs, size_t n,
		    uint8_t *digest);

const char *vc_hash_engine(const struct vc_hash *h);

void vc_hash_free(struct vc_hash *h);

/* Fill buf with len bytes from the kernel's CSPRNG. */
int vc_random(void *buf, size_t len);

/* Compare two byte strings in time that depends only on len: 0 if equal. */
int vc_memneq(const void *a, const void *b, size_t len);

/* Wipe memory in a way the compiler may not elide. */
void vc_wipe(void *p, size_t len);

/*
 * X25519 (RFC 7748) through OpenSSL, whatever the engine: keys and u
 * coordinates are 32-byte little-endian strings as in the RFC. Private keys
 * are clamped by the function, as X25519 specifies.
 */
#define VC_X25519_LEN	32

/* A fresh key pair: priv from the kernel CSPRNG, pub = X25519(priv, 9). */
int vc_x25519_keygen(uint8_t priv[VC_X25519_LEN], uint8_t pub[VC_X25519_LEN]);

/* pub = X25519(priv, 9): the public key of a given private key. */
int vc_x25519_public(const uint8_t priv[VC_X25519_LEN],
		     uint8_t pub[VC_X25519_LEN]);

/* shared = X25519(priv, peer). -EINVAL when the result is all zero (peer is
 * a point of small order: nothing secret would come out of it). */
int vc_x25519(const uint8_t priv[VC_X25519_LEN],
	      const uint8_t peer[VC_X25519_LEN],
	      uint8_t shared[VC_X25519_LEN]);

/* The message for the last failure in this thread. */
const char *vc_last_error(void);

#endif /* VCRYPTO_VCRYPTO_H */
