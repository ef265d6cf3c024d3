/*
 * OpenSSL backend. A session keeps one keyed context per direction as a
 * template; each operation works on a copy, so a session can be used from
 * many threads at once without a lock.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "internal.h"

struct openssl_cipher {
	struct vc_cipher base;
	EVP_CIPHER_CTX *tmpl[2];	/* indexed by enum vc_dir */
};

struct openssl_mac {
	struct vc_mac base;
	EVP_MAC_CTX *tmpl;	/* an HMAC's, keyed */
	EVP_MD *md;		/* a plain digest's */
};

static int ossl_error(const char *what)
{
	char buf[160];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	ERR_clear_error();
	return vc_error(-EIO, "openssl: %s: %s", what, buf);
}

const char *vc_openssl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

static const EVP_CIPHER *cipher_for(enum vc_cipher_alg alg, size_t keylen)
{
	static const EVP_CIPHER *(*const table[][3])(void) = {
		[VC_AES_CBC] = { EVP_aes_128_cbc, EVP_aes_192_cbc, EVP_aes_256_cbc },
		[VC_AES_CTR] = { EVP_aes_128_ctr, EVP_aes_192_ctr, EVP_aes_256_ctr },
		[VC_AES_ECB] = { EVP_aes_128_ecb, EVP_aes_192_ecb, EVP_aes_256_ecb },
	};

	return table[alg][(keylen - 16) / 8]();
}

static int openssl_crypt_pieces(struct vc_cipher *base, enum vc_dir dir,
				const uint8_t *iv, const struct vc_piece *p,
				size_t n)
{
	struct openssl_cipher *c = (struct openssl_cipher *)base;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, ret = 0;
	uint8_t tail[VC_AES_BLOCK];
	size_t i;

	if (!ctx)
		return vc_error(-ENOMEM, "openssl: out of memory");
	if (EVP_CIPHER_CTX_copy(ctx, c->tmpl[dir]) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1) != 1)
		ret = ossl_error("cipher");
	/* Whole blocks (and CTR's stream) come out as they go in. */
	for (i = 0; i < n && !ret; i++) {
		if (!p[i].len)
			continue;
		if (EVP_CipherUpdate(ctx, p[i].out, &outl, p[i].in,
				     (int)p[i].len) != 1)
			ret = ossl_error("cipher");
		else if ((size_t)outl != p[i].len)
			ret = vc_error(-EIO, "openssl: cipher produced %d of %zu "
				       "bytes", outl, p[i].len);
	}
	if (!ret && EVP_CipherFinal_ex(ctx, tail, &outl) != 1)
		ret = ossl_error("cipher");
	else if (!ret && outl != 0)
		ret = vc_error(-EIO, "openssl: cipher left %d bytes", outl);
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

static int openssl_crypt(struct vc_cipher *base, enum vc_dir dir,
			 const uint8_t *iv, const void *in, void *out, size_t len)
{
	const struct vc_piece one = { in, out, len };

	return openssl_crypt_pieces(base, dir, iv, &one, 1);
}

static void openssl_cipher_free(struct vc_cipher *base)
{
	struct openssl_cipher *c = (struct openssl_cipher *)base;

	EVP_CIPHER_CTX_free(c->tmpl[VC_ENCRYPT]);
	EVP_CIPHER_CTX_free(c->tmpl[VC_DECRYPT]);
	free(c);
}

static const struct vc_cipher_ops openssl_cipher_ops = {
	.engine = "openssl",
	.crypt = openssl_crypt,
	.crypt_pieces = openssl_crypt_pieces,
	.free = openssl_cipher_free,
};

int vc_openssl_cipher_new(struct vc_cipher **out, enum vc_cipher_alg alg,
			  const void *key, size_t keylen)
{
	const EVP_CIPHER *type = cipher_for(alg, keylen);
	struct openssl_cipher *c = calloc(1, sizeof(*c));
	int ret = 0;

	if (!c)
		return vc_error(-ENOMEM, "openssl: out of memory");
	c->base.ops = &openssl_cipher_ops;
	c->base.alg = alg;
	snprintf(c->base.where, sizeof(c->base.where), "openssl");
	for (int dir = VC_ENCRYPT; dir <= VC_DECRYPT; dir++) {
		c->tmpl[dir] = EVP_CIPHER_CTX_new();
		if (!c->tmpl[dir] ||
		    EVP_CipherInit_ex(c->tmpl[dir], type, NULL, key, NULL,
				      dir == VC_ENCRYPT) != 1 ||
		    EVP_CIPHER_CTX_set_padding(c->tmpl[dir], 0) != 1) {
			ret = ossl_error("cipher session");
			openssl_cipher_free(&c->base);
			return ret;
		}
	}
	*out = &c->base;
	return 0;
}

static EVP_MAC *hmac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static int openssl_mac_compute(struct vc_mac *base, const struct vc_buf *bufs,
			       size_t n, uint8_t *tag)
{
	struct openssl_mac *m = (struct openssl_mac *)base;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(m->tmpl);
	size_t outl = 0;
	int ret = 0;

	if (!ctx)
		return ossl_error("mac");
	for (size_t i = 0; i < n && ret == 0; i++)
		if (EVP_MAC_update(ctx, bufs[i].p, bufs[i].len) != 1)
			ret = ossl_error("mac update");
	if (ret == 0 && EVP_MAC_final(ctx, tag, &outl, VC_MAX_TAG) != 1)
		ret = ossl_error("mac final");
	EVP_MAC_CTX_free(ctx);
	return ret;
}

static void openssl_mac_free(struct vc_mac *base)
{
	struct openssl_mac *m = (struct openssl_mac *)base;

	EVP_MAC_CTX_free(m->tmpl);
	EVP_MD_free(m->md);
	free(m);
}

static const struct vc_mac_ops openssl_mac_ops = {
	.engine = "openssl",
	.compute = openssl_mac_compute,
	.free = openssl_mac_free,
};

static int openssl_digest_compute(struct vc_mac *base,
				  const struct vc_buf *bufs, size_t n,
				  uint8_t *digest)
{
	struct openssl_mac *m = (struct openssl_mac *)base;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = 0;

	if (!ctx)
		return vc_error(-ENOMEM, "openssl: out of memory");
	if (EVP_DigestInit_ex2(ctx, m->md, NULL) != 1)
		ret = ossl_error("digest");
	for (size_t i = 0; i < n && ret == 0; i++)
		if (EVP_DigestUpdate(ctx, bufs[i].p, bufs[i].len) != 1)
			ret = ossl_error("digest update");
	if (ret == 0 && EVP_DigestFinal_ex(ctx, digest, NULL) != 1)
		ret = ossl_error("digest final");
	EVP_MD_CTX_free(ctx);
	return ret;
}

static const struct vc_mac_ops openssl_digest_ops = {
	.engine = "openssl",
	.compute = openssl_digest_compute,
	.free = openssl_mac_free,
};

int vc_openssl_mac_new(struct vc_mac **out, const struct vc_md *md,
		       const void *key, size_t keylen)
{
	OSSL_PARAM params[2];
	struct openssl_mac *m;
	int ret;

	if (key) {
		pthread_once(&hmac_once, hmac_fetch);
		if (!hmac)
			return ossl_error("fetch HMAC");
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return vc_error(-ENOMEM, "openssl: out of memory");
	m->base.ops = key ? &openssl_mac_ops : &openssl_digest_ops;
	m->base.len = md->len;
	snprintf(m->base.where, sizeof(m->base.where), "openssl");
	if (!key) {
		m->md = EVP_MD_fetch(NULL, md->name, NULL);
		if (!m->md) {
			ret = ossl_error("fetch digest");
			openssl_mac_free(&m->base);
			return ret;
		}
		*out = &m->base;
		return 0;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)md->name, 0);
	params[1] = OSSL_PARAM_construct_end();
	m->tmpl = EVP_MAC_CTX_new(hmac);
	if (!m->tmpl || EVP_MAC_init(m->tmpl, key, keylen, params) != 1) {
		ret = ossl_error("mac session");
		openssl_mac_free(&m->base);
		return ret;
	}
	*out = &m->base;
	return 0;
}
