#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include "oracle.h"

static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;
static bool have_legacy;

static void load_legacy(void)
{
	have_legacy = OSSL_PROVIDER_load(NULL, "legacy") != NULL;
	if (!OSSL_PROVIDER_load(NULL, "default")) {
		fprintf(stderr, "OpenSSL's default provider does not load\n");
		abort();
	}
}

bool oracle_legacy(void)
{
	pthread_once(&legacy_once, load_legacy);
	return have_legacy;
}

bool oracle_has_cipher(const char *name)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);

	EVP_CIPHER_free(c);
	return c != NULL;
}

static void broken(const char *what, const char *name, size_t len)
{
	fprintf(stderr, "OpenSSL %s%s failed (len %zu)\n", what, name, len);
	abort();
}

void oracle_cipher(const char *name, bool encrypt, const uint8_t *key,
		   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, m = 0;

	if (!c || !ctx || !EVP_CipherInit_ex2(ctx, c, key, iv, encrypt, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + n, &m) || (size_t)(n + m) != len)
		broken("", name, len);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
}

void oracle_aes(const char *mode, bool encrypt, const uint8_t *key,
		size_t keylen, const uint8_t *iv, const uint8_t *in, uint8_t *out,
		size_t len)
{
	char name[32];

	if (keylen != 16 && keylen != 24 && keylen != 32) {
		fprintf(stderr, "oracle_aes: key of %zu bytes\n", keylen);
		abort();
	}
	snprintf(name, sizeof(name), "AES-%zu-%s", keylen * 8, mode);
	oracle_cipher(name, encrypt, key, iv, in, out, len);
}

void oracle_aead(const char *name, const uint8_t *key, const uint8_t *nonce,
		 size_t nlen, const uint8_t *aad, size_t alen, const uint8_t *pt,
		 size_t len, size_t tag, uint8_t *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	bool ccm = c && EVP_CIPHER_get_mode(c) == EVP_CIPH_CCM_MODE;
	int n, ok;

	ok = c && ctx && EVP_EncryptInit_ex2(ctx, c, NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nlen, NULL) &&
	     (!ccm || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag, NULL)) &&
	     EVP_EncryptInit_ex2(ctx, NULL, key, nonce, NULL) &&
	     /* CCM wants the length of the data before the AAD */
	     (!ccm || EVP_EncryptUpdate(ctx, NULL, &n, NULL, (int)len)) &&
	     (!alen || EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)alen)) &&
	     /* Even with no data: CCM computes its tag there. */
	     EVP_EncryptUpdate(ctx, out, &n, pt, (int)len) &&
	     EVP_EncryptFinal_ex(ctx, out + len, &n) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag, out + len);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	if (!ok)
		broken("", name, len);
}

unsigned int oracle_digest(const char *md, bool hmac, const uint8_t *key,
			   size_t keylen, const uint8_t *data, size_t len,
			   uint8_t *out)
{
	const EVP_MD *m = EVP_get_digestbyname(md);
	unsigned int n = 0;
	bool ok;

	if (hmac)
		ok = m && HMAC(m, key, (int)keylen, data, len, out, &n);
	else
		ok = m && EVP_Digest(data, len, out, &n, m, NULL);
	if (!ok)
		broken(hmac ? "HMAC-" : "", md, len);
	return n;
}
