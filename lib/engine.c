/*
 * The engine layer: picks a backend from a spec string, checks arguments
 * once for every backend, falls back to OpenSSL for what a device cannot
 * do, and chains IVs across operations longer than one backend call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vcrypto/cryptodev.h>

#include "internal.h"

struct vc_engine {
	struct vc_cryptodev *dev;	/* NULL: OpenSSL */
	int verbose;
	unsigned noted;		/* algorithms already reported, by bit */
	char desc[300];
};

static const char *const auto_paths[] = { "/dev/cryptodev0", "/dev/crypto" };

static int open_cryptodev(struct vc_engine *e, const char *path)
{
	int r = vc_cryptodev_open(&e->dev, path);

	if (r == 0)
		snprintf(e->desc, sizeof(e->desc), "%s",
			 vc_cryptodev_describe(e->dev));
	return r;
}

static void use_openssl(struct vc_engine *e)
{
	snprintf(e->desc, sizeof(e->desc), "openssl (%s)", vc_openssl_version());
}

int vc_engine_open(struct vc_engine **out, const char *spec, int verbose)
{
	struct vc_engine *e = calloc(1, sizeof(*e));
	int r = 0;

	if (!e)
		return vc_error(-ENOMEM, "out of memory");
	e->verbose = verbose;
	if (!spec)
		spec = "auto";
	if (strcmp(spec, "openssl") == 0) {
		use_openssl(e);
	} else if (strcmp(spec, "cryptodev") == 0) {
		r = open_cryptodev(e, "/dev/crypto");
	} else if (strncmp(spec, "cryptodev:", 10) == 0 && spec[10]) {
		r = open_cryptodev(e, spec + 10);
	} else if (strcmp(spec, "auto") == 0) {
		for (size_t i = 0; i < sizeof(auto_paths) / sizeof(*auto_paths); i++) {
			if (open_cryptodev(e, auto_paths[i]) == 0)
				break;
			if (verbose)
				fprintf(stderr, "libvcrypto: auto: %s\n",
					vc_last_error());
		}
		if (!e->dev)
			use_openssl(e);
	} else {
		r = vc_error(-EINVAL, "unknown engine '%s' (expected %s)", spec,
			     VC_ENGINE_SPECS);
	}
	if (r) {
		free(e);
		return r;
	}
	if (verbose)
		fprintf(stderr, "libvcrypto: engine %s\n", e->desc);
	*out = e;
	return 0;
}

void vc_engine_close(struct vc_engine *e)
{
	if (!e)
		return;
	vc_cryptodev_close(e->dev);
	free(e);
}

const char *vc_engine_describe(const struct vc_engine *e)
{
	return e->desc;
}

int vc_engine_is_hardware(const struct vc_engine *e)
{
	return e->dev && vc_cryptodev_is_hardware(e->dev);
}

/* Bits of e->noted: ciphers, then MACs, then digests. */
enum { NOTE_CIPHER = 0, NOTE_MAC = 8, NOTE_HASH = 16 };

/*
 * Say once per algorithm where its sessions on a device node run: where
 * (the backend's description), or on OpenSSL after it refused (where NULL).
 */
static void note(struct vc_engine *e, unsigned bit, const char *what,
		 const char *where)
{
	if (!e->verbose || (__atomic_fetch_or(&e->noted, 1u << bit,
					      __ATOMIC_RELAXED) & (1u << bit)))
		return;
	if (where)
		fprintf(stderr, "libvcrypto: %s runs on %s\n", what, where);
	else
		fprintf(stderr, "libvcrypto: %s falls back to openssl (%s)\n",
			what, vc_last_error());
}

static const char *const cipher_names[] = {
	[VC_AES_CBC] = "AES-CBC", [VC_AES_CTR] = "AES-CTR",
	[VC_AES_ECB] = "AES-ECB",
};

int vc_cipher_new(struct vc_engine *e, struct vc_cipher **out,
		  enum vc_cipher_alg alg, const void *key, size_t keylen)
{
	int r;

	if ((unsigned)alg > VC_AES_ECB)
		return vc_error(-EINVAL, "unknown cipher %d", (int)alg);
	if (!key || (keylen != 16 && keylen != 24 && keylen != 32))
		return vc_error(-EINVAL, "%s: bad key length %zu (16, 24 or 32)",
				cipher_names[alg], keylen);
	if (e->dev) {
		r = vc_cryptodev_cipher_new(e->dev, out, alg, key, keylen);
		if (r != -EOPNOTSUPP)
			goto out;
		note(e, NOTE_CIPHER + alg, cipher_names[alg], NULL);
	}
	r = vc_openssl_cipher_new(out, alg, key, keylen);
out:
	if (r == 0 && e->dev)
		note(e, NOTE_CIPHER + alg, cipher_names[alg], (*out)->where);
	return r;
}

/* Add n to the 128-bit big-endian counter ctr. */
static void ctr_add(uint8_t *ctr, uint64_t n)
{
	for (int i = VC_IV_LEN - 1; i >= 0 && n; i--) {
		n += ctr[i];
		ctr[i] = (uint8_t)n;
		n >>= 8;
	}
}

int vc_cipher_crypt(struct vc_cipher *c, enum vc_dir dir, const uint8_t *iv,
		    const void *in, void *out, size_t len, uint8_t *next_iv)
{
	static const uint8_t zero_iv[VC_IV_LEN];
	uint8_t chain[VC_IV_LEN], last[VC_IV_LEN];
	const uint8_t *src = in;
	uint8_t *dst = out;
	int r;

	if (!c || (len && (!in || !out)) || (unsigned)dir > VC_DECRYPT)
		return vc_error(-EINVAL, "crypt: bad arguments");
	if (c->alg != VC_AES_CTR && len % VC_AES_BLOCK)
		return vc_error(-EINVAL, "%s: length %zu is not a multiple of %d",
				cipher_names[c->alg], len, VC_AES_BLOCK);
	if (c->alg == VC_AES_ECB || !iv)
		iv = zero_iv;
	if (c->alg != VC_AES_ECB && iv == zero_iv)
		return vc_error(-EINVAL, "%s: no IV", cipher_names[c->alg]);
	memcpy(chain, iv, sizeof(chain));
	while (len > 0) {
		size_t n = len < VC_CHUNK ? len : VC_CHUNK;

		/* CBC decryption chains on ciphertext that in-place work overwrites. */
		if (c->alg == VC_AES_CBC && dir == VC_DECRYPT)
			memcpy(last, src + n - VC_AES_BLOCK, VC_AES_BLOCK);
		r = c->ops->crypt(c, dir, chain, src, dst, n);
		if (r)
			return r;
		if (c->alg == VC_AES_CBC)
			memcpy(chain, dir == VC_DECRYPT ? last : dst + n - VC_AES_BLOCK,
			       VC_AES_BLOCK);
		else if (c->alg == VC_AES_CTR)
			ctr_add(chain, (n + VC_AES_BLOCK - 1) / VC_AES_BLOCK);
		src += n;
		dst += n;
		len -= n;
	}
	if (next_iv)
		memcpy(next_iv, chain, VC_IV_LEN);
	return 0;
}

int vc_cipher_crypt_pieces(struct vc_cipher *c, enum vc_dir dir,
			   const uint8_t *iv, const struct vc_piece *p,
			   size_t n, uint8_t *next_iv)
{
	static const uint8_t zero_iv[VC_IV_LEN];
	uint8_t chain[VC_IV_LEN], last[VC_IV_LEN];
	const struct vc_piece *end = NULL;
	uint64_t blocks = 0;
	int whole = 1, r;

	if (!c || (n && !p) || (unsigned)dir > VC_DECRYPT)
		return vc_error(-EINVAL, "crypt: bad arguments");
	for (size_t i = 0; i < n; i++) {
		if (p[i].len && (!p[i].in || !p[i].out))
			return vc_error(-EINVAL, "crypt: piece %zu: bad arguments", i);
		if (p[i].len % VC_AES_BLOCK && (i + 1 < n || c->alg != VC_AES_CTR))
			return vc_error(-EINVAL, "%s: piece %zu of %zu bytes is not "
					"a multiple of %d", cipher_names[c->alg], i,
					p[i].len, VC_AES_BLOCK);
		if (p[i].len > VC_CHUNK)
			whole = 0;
		if (p[i].len)
			end = &p[i];
		blocks += (p[i].len + VC_AES_BLOCK - 1) / VC_AES_BLOCK;
	}
	if (c->alg == VC_AES_ECB || !iv)
		iv = zero_iv;
	if (c->alg != VC_AES_ECB && iv == zero_iv)
		return vc_error(-EINVAL, "%s: no IV", cipher_names[c->alg]);
	memcpy(chain, iv, sizeof(chain));
	if (!c->ops->crypt_pieces || !whole) {
		for (size_t i = 0; i < n; i++) {
			r = p[i].len ? vc_cipher_crypt(c, dir, chain, p[i].in,
						       p[i].out, p[i].len, chain) : 0;
			if (r)
				return r;
		}
		goto out;
	}
	if (!end)
		goto out;
	/* CBC decryption chains on ciphertext that in-place work overwrites. */
	if (c->alg == VC_AES_CBC && dir == VC_DECRYPT)
		memcpy(last, (const uint8_t *)end->in + end->len - VC_AES_BLOCK,
		       VC_AES_BLOCK);
	r = c->ops->crypt_pieces(c, dir, chain, p, n);
	if (r)
		return r;
	if (c->alg == VC_AES_CBC)
		memcpy(chain, dir == VC_DECRYPT ? last :
		       (const uint8_t *)end->out + end->len - VC_AES_BLOCK,
		       VC_AES_BLOCK);
	else if (c->alg == VC_AES_CTR)
		ctr_add(chain, blocks);
out:
	if (next_iv)
		memcpy(next_iv, chain, VC_IV_LEN);
	return 0;
}

int vc_cipher_batch(struct vc_cipher *c, struct vc_cipher_op *ops, size_t n)
{
	int r = 0;

	if (!c || (n && !ops))
		return vc_error(-EINVAL, "batch: bad arguments");
	for (size_t i = 0; i < n; i++) {
		const struct vc_cipher_op *op = &ops[i];

		if ((unsigned)op->dir > VC_DECRYPT || op->len > UINT32_MAX ||
		    (op->len && (!op->in || !op->out)) ||
		    (c->alg != VC_AES_ECB && !op->iv))
			return vc_error(-EINVAL, "batch: operation %zu: bad arguments",
					i);
		if (c->alg != VC_AES_CTR && op->len % VC_AES_BLOCK)
			return vc_error(-EINVAL, "%s: operation %zu: length %zu is not "
					"a multiple of %d", cipher_names[c->alg], i,
					op->len, VC_AES_BLOCK);
	}
	if (c->ops->batch)
		return c->ops->batch(c, ops, n);
	for (size_t i = 0; i < n; i++) {
		ops[i].result = ops[i].len ? c->ops->crypt(c, ops[i].dir, ops[i].iv,
							  ops[i].in, ops[i].out,
							  ops[i].len) : 0;
		if (ops[i].result && !r)
			r = ops[i].result;
	}
	return r;
}

const char *vc_cipher_engine(const struct vc_cipher *c)
{
	return c->ops->engine;
}

void vc_cipher_free(struct vc_cipher *c)
{
	if (c)
		c->ops->free(c);
}

static const struct vc_md mds[] = {
	[VC_SHA1] = { "SHA1", CRYPTO_SHA1, CRYPTO_SHA1_HMAC, 20 },
	[VC_SHA256] = { "SHA256", CRYPTO_SHA2_256, CRYPTO_SHA2_256_HMAC, 32 },
	[VC_SHA512] = { "SHA512", CRYPTO_SHA2_512, CRYPTO_SHA2_512_HMAC, 64 },
};

/* A MAC (key set) or digest session of md on e, or on OpenSSL. */
static int md_new(struct vc_engine *e, struct vc_mac **out, unsigned bit,
		  const char *what, const struct vc_md *md, const void *key,
		  size_t keylen)
{
	int r;

	if (e->dev) {
		r = vc_cryptodev_mac_new(e->dev, out, md, key, keylen);
		if (r != -EOPNOTSUPP)
			goto out;
		note(e, bit, what, NULL);
	}
	r = vc_openssl_mac_new(out, md, key, keylen);
out:
	if (r == 0 && e->dev)
		note(e, bit, what, (*out)->where);
	return r;
}

int vc_mac_new(struct vc_engine *e, struct vc_mac **out, enum vc_mac_alg alg,
	       const void *key, size_t keylen)
{
	const char *name = alg == VC_HMAC_SHA1 ? "HMAC-SHA1" : "HMAC-SHA256";

	if ((unsigned)alg > VC_HMAC_SHA256)
		return vc_error(-EINVAL, "unknown MAC %d", (int)alg);
	if (!key || keylen == 0 || keylen > VC_MAX_MAC_KEY)
		return vc_error(-EINVAL, "%s: bad key length %zu (1 to %d)",
				name, keylen, VC_MAX_MAC_KEY);
	return md_new(e, out, NOTE_MAC + alg, name,
		      &mds[alg == VC_HMAC_SHA1 ? VC_SHA1 : VC_SHA256], key,
		      keylen);
}

size_t vc_mac_len(const struct vc_mac *m)
{
	return m->len;
}

int vc_mac_compute(struct vc_mac *m, const struct vc_buf *bufs, size_t n,
		   uint8_t *tag)
{
	if (!m || !tag || (n && !bufs))
		return vc_error(-EINVAL, "mac: bad arguments");
	for (size_t i = 0; i < n; i++)
		if (bufs[i].len && !bufs[i].p)
			return vc_error(-EINVAL, "mac: buffer %zu is NULL", i);
	return m->ops->compute(m, bufs, n, tag);
}

const char *vc_mac_engine(const struct vc_mac *m)
{
	return m->ops->engine;
}

void vc_mac_free(struct vc_mac *m)
{
	if (m)
		m->ops->free(m);
}

int vc_hash_new(struct vc_engine *e, struct vc_hash **out,
		enum vc_hash_alg alg)
{
	struct vc_hash *h;
	int r;

	if ((unsigned)alg > VC_SHA512)
		return vc_error(-EINVAL, "unknown digest %d", (int)alg);
	h = calloc(1, sizeof(*h));
	if (!h)
		return vc_error(-ENOMEM, "out of memory");
	r = md_new(e, &h->mac, NOTE_HASH + alg, mds[alg].name, &mds[alg], NULL,
		   0);
	if (r) {
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

size_t vc_hash_len(const struct vc_hash *h)
{
	return h->mac->len;
}

int vc_hash_compute(struct vc_hash *h, const struct vc_buf *bufs, size_t n,
		    uint8_t *digest)
{
	if (!h)
		return vc_error(-EINVAL, "hash: bad arguments");
	return vc_mac_compute(h->mac, bufs, n, digest);
}

const char *vc_hash_engine(const struct vc_hash *h)
{
	return vc_mac_engine(h->mac);
}

void vc_hash_free(struct vc_hash *h)
{
	if (!h)
		return;
	vc_mac_free(h->mac);
	free(h);
}
