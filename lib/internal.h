/* libvcrypto internals: what the engine layer needs from each backend. */
#ifndef VCRYPTO_LIB_INTERNAL_H
#define VCRYPTO_LIB_INTERNAL_H

#include <vcrypto/vcrypto.h>

struct vc_cipher_ops {
	const char *engine;
	/* len is valid for the mode, nonzero and at most VC_CHUNK. */
	int (*crypt)(struct vc_cipher *c, enum vc_dir dir, const uint8_t *iv,
		     const void *in, void *out, size_t len);
	/* Optional: pieces checked, each len at most VC_CHUNK (0 is skipped). */
	int (*crypt_pieces)(struct vc_cipher *c, enum vc_dir dir,
			    const uint8_t *iv, const struct vc_piece *p,
			    size_t n);
	/* Optional: ops checked, each len nonzero; sets every result. */
	int (*batch)(struct vc_cipher *c, struct vc_cipher_op *ops, size_t n);
	void (*free)(struct vc_cipher *c);
};

/* Where a session runs, for verbose mode: "openssl", or the node's driver. */
#define VC_WHERE_LEN 200

struct vc_cipher {
	const struct vc_cipher_ops *ops;
	enum vc_cipher_alg alg;
	char where[VC_WHERE_LEN];
};

struct vc_mac_ops {
	const char *engine;
	int (*compute)(struct vc_mac *m, const struct vc_buf *bufs, size_t n,
		       uint8_t *tag);
	void (*free)(struct vc_mac *m);
};

/* A MAC session, or a digest one (no key): the same to a backend. */
struct vc_mac {
	const struct vc_mac_ops *ops;
	size_t len;
	char where[VC_WHERE_LEN];
};

struct vc_hash {
	struct vc_mac *mac;
};

/* A digest: OpenSSL's name, cryptodev's ids of it and of its HMAC. */
struct vc_md {
	const char *name;
	uint32_t hash_id, hmac_id;
	size_t len;
};

/* The largest single backend operation; longer ones are chained. */
#define VC_CHUNK ((size_t)1 << 30)

/* Record a failure message for vc_last_error(); returns err. */
int vc_error(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* OpenSSL backend: sessions never fail for supported algorithms. */
int vc_openssl_cipher_new(struct vc_cipher **out, enum vc_cipher_alg alg,
			  const void *key, size_t keylen);
/* key NULL: the plain digest md, else its HMAC. */
int vc_openssl_mac_new(struct vc_mac **out, const struct vc_md *md,
		       const void *key, size_t keylen);
const char *vc_openssl_version(void);

/* cryptodev backend over an open device node. */
struct vc_cryptodev;

/* Open and probe PATH (it must make an AES-CBC session). */
int vc_cryptodev_open(struct vc_cryptodev **out, const char *path);
void vc_cryptodev_close(struct vc_cryptodev *d);
const char *vc_cryptodev_describe(const struct vc_cryptodev *d);
int vc_cryptodev_is_hardware(const struct vc_cryptodev *d);

/* -EOPNOTSUPP: the device cannot do this algorithm or key size. */
int vc_cryptodev_cipher_new(struct vc_cryptodev *d, struct vc_cipher **out,
			    enum vc_cipher_alg alg, const void *key,
			    size_t keylen);
/* key NULL: the plain digest md, else its HMAC. */
int vc_cryptodev_mac_new(struct vc_cryptodev *d, struct vc_mac **out,
			 const struct vc_md *md, const void *key, size_t keylen);

#endif
