/*
 * A client of Linux's crypto API through AF_ALG sockets, for ciphers with an
 * IV ("skcipher": e.g. cbc(aes), or a driver name such as
 * virtio_crypto_aes_cbc), one request at a time.
 */
#ifndef VCRYPTO_TESTS_AFALG_H
#define VCRYPTO_TESTS_AFALG_H

#include <stdbool.h>
#include <stddef.h>

struct afalg {
	int tfm;	/* the bound transform socket */
	int op;		/* its operation socket */
};

/*
 * Binds a skcipher of that name (algorithm or driver) and sets its key;
 * returns 0 or an errno value (nothing left open then).
 */
int afalg_open(struct afalg *a, const char *name, const void *key,
	       size_t keylen);

/*
 * Encrypts or decrypts len bytes of in to out under an iv of ivlen bytes
 * (at most 32); returns 0 or an errno value (EIO: a short answer).
 */
int afalg_crypt(const struct afalg *a, bool encrypt, const void *iv,
		size_t ivlen, const void *in, void *out, size_t len);

/* Closes both sockets. */
void afalg_close(struct afalg *a);

#endif
