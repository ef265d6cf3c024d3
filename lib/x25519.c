/* X25519 key agreement through OpenSSL's EVP_PKEY interface. */
#include <errno.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "internal.h"

static int x_error(const char *what)
{
	char buf[160];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	ERR_clear_error();
	return vc_error(-EIO, "openssl: X25519 %s: %s", what, buf);
}

/* pub = X25519(priv, 9): OpenSSL derives it when loading the raw key. */
static int public_of(EVP_PKEY *k, uint8_t pub[VC_X25519_LEN])
{
	size_t len = VC_X25519_LEN;

	if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 ||
	    len != VC_X25519_LEN)
		return x_error("public key");
	return 0;
}

int vc_x25519_public(const uint8_t priv[VC_X25519_LEN],
		     uint8_t pub[VC_X25519_LEN])
{
	EVP_PKEY *k;
	int rc;

	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					 VC_X25519_LEN);
	if (!k)
		return x_error("private key");
	rc = public_of(k, pub);
	EVP_PKEY_free(k);
	return rc;
}

int vc_x25519_keygen(uint8_t priv[VC_X25519_LEN], uint8_t pub[VC_X25519_LEN])
{
	int rc = vc_random(priv, VC_X25519_LEN);

	if (rc == 0)
		rc = vc_x25519_public(priv, pub);
	if (rc != 0)
		vc_wipe(priv, VC_X25519_LEN);
	return rc;
}

int vc_x25519(const uint8_t priv[VC_X25519_LEN],
	      const uint8_t peer[VC_X25519_LEN], uint8_t shared[VC_X25519_LEN])
{
	static const uint8_t zero[VC_X25519_LEN];
	EVP_PKEY *mine, *theirs = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = VC_X25519_LEN;
	int rc = 0;

	mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					    VC_X25519_LEN);
	if (mine)
		theirs = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL,
						     peer, VC_X25519_LEN);
	if (theirs)
		ctx = EVP_PKEY_CTX_new(mine, NULL);
	if (!ctx) {
		rc = x_error("keys");
	} else if (EVP_PKEY_derive_init(ctx) != 1 ||
		   EVP_PKEY_derive_set_peer(ctx, theirs) != 1) {
		rc = x_error("derive setup");
	} else if (EVP_PKEY_derive(ctx, shared, &len) != 1 ||
		   len != VC_X25519_LEN ||
		   !vc_memneq(shared, zero, VC_X25519_LEN)) {
		/* OpenSSL refuses an all-zero result itself; the check above
		 * does not depend on that. */
		ERR_clear_error();
		vc_wipe(shared, VC_X25519_LEN);
		rc = vc_error(-EINVAL,
			      "X25519: the peer's key is of small order (all-zero shared secret)");
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(theirs);
	EVP_PKEY_free(mine);
	return rc;
}
