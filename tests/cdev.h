/*
 * The raw cryptodev ioctls (include/vcrypto/cryptodev.h) on a node such as
 * /dev/cryptodev0 or /dev/crypto, one call each: the wrappers fill the
 * structures and answer 0 or the errno value, so a check can compare it.
 */
#ifndef VCRYPTO_TESTS_CDEV_H
#define VCRYPTO_TESTS_CDEV_H

#include <stdint.h>

#include <vcrypto/cryptodev.h>

/* The node cdev_open() opens (default /dev/cryptodev0). */
extern const char *cdev_path;

/* Opens cdev_path read-write; returns the fd or -1 with errno set. */
int cdev_open(void);

/* CIOCGSESSION with every key field given; 0 (id in *ses) or an errno value. */
int cdev_session_op(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		    uint32_t mac, const void *mackey, uint32_t mackeylen,
		    uint32_t *ses);

/* Creates a cipher session; returns 0 (id in *ses) or an errno value. */
int cdev_session(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		 uint32_t *ses);

/*
 * Creates a hash (key NULL, keylen 0) or HMAC session: mac is a cryptodev
 * algorithm, cipher 0. Returns 0 (id in *ses) or an errno value.
 */
int cdev_hash_session(int fd, uint32_t mac, const void *key, uint32_t keylen,
		      uint32_t *ses);

/* CIOCCRYPT; returns 0 or an errno value. */
int cdev_crypt(int fd, uint32_t ses, uint16_t op, uint16_t flags,
	       const void *src, void *dst, uint32_t len, void *iv);

/* CIOCCRYPT on a chained (cipher and MAC) session, MAC to mac; 0 or errno. */
int cdev_crypt_mac(int fd, uint32_t ses, uint16_t op, uint16_t flags,
		   const void *src, void *dst, uint32_t len, void *iv, void *mac);

/* CIOCCRYPT on a hash session: len bytes of src, digest to mac. 0 or errno. */
int cdev_hash(int fd, uint32_t ses, uint16_t flags, const void *src,
	      uint32_t len, void *mac);

/* CIOCAUTHCRYPT; 0 or an errno value. op is left as the kernel left it. */
int cdev_authcrypt(int fd, struct crypt_auth_op *op);

/* CIOCFSESSION; returns 0 or an errno value. */
int cdev_free(int fd, uint32_t ses);

/*
 * A wrapper's answer for a check's detail: "success" for 0, else the errno
 * value's name ("EINVAL"), or "errno N" when it has none (in a buffer of
 * the calling thread's, good until its next such call).
 */
const char *cdev_errname(int err);

#endif
