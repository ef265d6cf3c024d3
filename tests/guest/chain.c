/*
 * Chained sessions: a cipher (the device's or the guest kernel's) and a MAC
 * (the guest kernel's) in one session on CIOCCRYPT, checked against
 * OpenSSL's cipher and its HMAC or digest of the plaintext.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

static const struct chain {
	uint32_t cipher, mac;
	const char *evp, *md;	/* OpenSSL's cipher and digest */
	size_t keylen, block, mackeylen;	/* mackeylen 0: a plain digest */
} chains[] = {
	{ CRYPTO_AES_CBC, CRYPTO_SHA2_256_HMAC, "AES-128-CBC", "SHA256", 16, 16, 32 },
	{ CRYPTO_AES_CBC, CRYPTO_SHA1, "AES-256-CBC", "SHA1", 32, 16, 0 },
	{ CRYPTO_AES_CTR, CRYPTO_SHA2_512_HMAC, "AES-192-CTR", "SHA512", 24, 1, 100 },
	{ CRYPTO_3DES_CBC, CRYPTO_SHA1_HMAC, "DES-EDE3-CBC", "SHA1", 24, 8, 20 },
	{ CRYPTO_CAMELLIA_CBC, CRYPTO_MD5_HMAC, "CAMELLIA-128-CBC", "MD5", 16, 16, 16 },
};
#define NCHAINS (sizeof(chains) / sizeof(chains[0]))

struct keys {
	uint8_t key[32], mackey[128], iv[16];
};

static void cipher_oracle(const struct chain *c, bool encrypt, const struct keys *k,
			  const uint8_t *in, uint8_t *out, size_t len)
{
	oracle_cipher(c->evp, encrypt, k->key, k->iv, in, out, len);
}

/* OpenSSL's HMAC, or digest, of the plaintext; returns its length. */
static unsigned int mac_oracle(const struct chain *c, const struct keys *k,
			       const uint8_t *pt, size_t len, uint8_t *mac)
{
	return oracle_digest(c->md, c->mackeylen, k->mackey, c->mackeylen, pt, len,
			     mac);
}

static int open_chain(int fd, const struct chain *c, const struct keys *k,
		      uint32_t *ses)
{
	return cdev_session_op(fd, c->cipher, k->key, (uint32_t)c->keylen, c->mac,
			       c->mackeylen ? k->mackey : NULL,
			       (uint32_t)c->mackeylen, ses);
}

/* One message both ways; NULL on success, else why. */
static const char *trip(int fd, const struct chain *c, size_t len, size_t so,
			bool in_place)
{
	static char why[96];
	uint8_t *pt = malloc(len), *want = malloc(len);
	uint8_t *src = buf_alloc(len, so), *dst = in_place ? src : buf_alloc(len, 0);
	uint8_t mac[64], want_mac[64], iv[16];
	const char *msg = NULL;
	struct keys k;
	unsigned int n;
	uint32_t ses;
	int err;

	if (!pt || !want || !src || !dst) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(&k, sizeof(k));
	rng_fill(pt, len);
	err = open_chain(fd, c, &k, &ses);
	if (err) {
		snprintf(why, sizeof(why), "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	cipher_oracle(c, true, &k, pt, want, len);
	n = mac_oracle(c, &k, pt, len, want_mac);
	memcpy(src, pt, len);
	memcpy(iv, k.iv, sizeof(iv));
	err = cdev_crypt_mac(fd, ses, COP_ENCRYPT, 0, src, dst, (uint32_t)len, iv, mac);
	if (err || memcmp(dst, want, len) || memcmp(mac, want_mac, n)) {
		snprintf(why, sizeof(why), "encrypt: %s", err ? cdev_errname(err) :
			 memcmp(dst, want, len) ? "ciphertext differs" : "MAC differs");
		msg = why;
		goto free;
	}
	if (!in_place)
		memcpy(src, dst, len);
	memset(mac, 0, sizeof(mac));
	memcpy(iv, k.iv, sizeof(iv));
	err = cdev_crypt_mac(fd, ses, COP_DECRYPT, 0, src, dst, (uint32_t)len, iv, mac);
	if (err || memcmp(dst, pt, len) || memcmp(mac, want_mac, n)) {
		snprintf(why, sizeof(why), "decrypt: %s", err ? cdev_errname(err) :
			 memcmp(dst, pt, len) ? "plaintext differs" : "MAC differs");
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	if (!in_place)
		buf_free(dst, 0, len);
	buf_free(src, so, len);
	free(pt);
	free(want);
	return msg;
}

void test_chain_random(void)
{
	static const size_t lens[] = { 48, 4096, 4144, 65536 + 48, 1 << 20 };
	int fd = cdev_open();

	if (!report(fd >= 0, "chain-random", "open %s", cdev_path))
		return;
	for (size_t i = 0; i < NCHAINS; i++) {
		unsigned int trips = 0, failed = 0;

		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			for (int r = 0; r < 2; r++) {
				size_t so = rng_range(0, 1) ? 0 : rng_range(1, 4095);
				const char *why = trip(fd, &chains[i], lens[l], so, r);

				trips++;
				if (why) {
					failed++;
					report(false, "chain-random", "%s+%s, %zu bytes at +%zu%s: %s",
					       chains[i].evp, chains[i].md, lens[l], so,
					       r ? " in place" : "", why);
				}
			}
		}
		report(!failed, "chain-random", "%s + %s%s: %u round trips vs OpenSSL "
		       "(cipher and MAC of the plaintext), %u failed", chains[i].evp,
		       chains[i].mackeylen ? "HMAC-" : "", chains[i].md, trips, failed);
	}
	close(fd);
}

/*
 * UPDATEs without an iv after the first continue both the cipher and the
 * MAC, and a FINAL of nothing gives the MAC of the whole; a refused
 * operation in between changes neither.
 */
void test_chain_multipart(void)
{
	enum { LEN = 3 * 4096 };
	int fd = cdev_open();

	if (!report(fd >= 0, "chain-multipart", "open %s", cdev_path))
		return;
	for (size_t i = 0; i < NCHAINS; i++) {
		const struct chain *c = &chains[i];
		uint8_t pt[LEN], ct[LEN], want[LEN], mac[64], want_mac[64], iv[16];
		size_t cut1 = 16 * rng_range(1, 100), cut2 = 16 * rng_range(101, 200);
		struct keys k;
		unsigned int n;
		uint32_t ses;
		int err, e1, e2, e3, bad;

		rng_fill(&k, sizeof(k));
		rng_fill(pt, sizeof(pt));
		err = open_chain(fd, c, &k, &ses);
		if (!report(!err, "chain-multipart", "%s+%s: CIOCGSESSION: %s", c->evp,
			    c->md, cdev_errname(err)))
			continue;
		cipher_oracle(c, true, &k, pt, want, LEN);
		n = mac_oracle(c, &k, pt, LEN, want_mac);
		memcpy(iv, k.iv, sizeof(iv));
		e1 = cdev_crypt_mac(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, pt, ct,
				    (uint32_t)cut1, iv, NULL);
		/* A length of no whole block, or (a stream cipher) no such op. */
		bad = cdev_crypt_mac(fd, ses, c->block > 1 ? COP_ENCRYPT : 2,
				     COP_FLAG_UPDATE, pt, ct, c->block > 1 ? 17 : 16,
				     NULL, NULL);
		e2 = cdev_crypt_mac(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, pt + cut1,
				    ct + cut1, (uint32_t)(cut2 - cut1), NULL, NULL);
		e3 = cdev_crypt_mac(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, pt + cut2,
				    ct + cut2, (uint32_t)(LEN - cut2), NULL, NULL);
		err = cdev_crypt_mac(fd, ses, COP_ENCRYPT, COP_FLAG_FINAL, NULL, NULL, 0,
				     NULL, mac);
		report(!e1 && !e2 && !e3 && !err && bad == EINVAL && !memcmp(ct, want, LEN) &&
		       !memcmp(mac, want_mac, n), "chain-multipart",
		       "%s+%s: UPDATEs at %zu and %zu, a refused length between (%s), "
		       "FINAL of nothing: %s%s", c->evp, c->md, cut1, cut2, cdev_errname(bad),
		       cdev_errname(e1 ? e1 : e2 ? e2 : e3 ? e3 : err),
		       memcmp(ct, want, LEN) ? ", ciphertext differs" :
		       memcmp(mac, want_mac, n) ? ", MAC differs" : "");
		cdev_free(fd, ses);
	}
	close(fd);
}

void test_chain_sessinfo(void)
{
	int fd = cdev_open();
	struct session_info_op si = { 0 };
	struct keys k = { 0 };
	uint32_t ses;
	int err;

	if (!report(fd >= 0, "chain-sessinfo", "open %s", cdev_path))
		return;
	err = open_chain(fd, &chains[0], &k, &ses);
	if (!report(!err, "chain-sessinfo", "CIOCGSESSION: %s", cdev_errname(err))) {
		close(fd);
		return;
	}
	si.ses = ses;
	err = ioctl(fd, CIOCGSESSINFO, &si) ? errno : 0;
	report(!err && !strcmp(si.cipher_info.cra_name, "cbc(aes)") &&
	       !strcmp(si.hash_info.cra_name, "hmac(sha256)") &&
	       !(si.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY), "chain-sessinfo",
	       "%s: '%s' by '%s', '%s' by '%s', flags %#x (the MAC is software)",
	       cdev_errname(err), si.cipher_info.cra_name, si.cipher_info.cra_driver_name,
	       si.hash_info.cra_name, si.hash_info.cra_driver_name, si.flags);
	err = cdev_session_op(fd, CRYPTO_AES_CBC, k.key, 16, 9999, k.mackey, 20, &ses);
	report(err == EINVAL, "chain-sessinfo", "AES-CBC with an unknown MAC: %s",
	       cdev_errname(err));
	err = cdev_session_op(fd, CRYPTO_AES_CBC, k.key, 16, CRYPTO_SHA1_HMAC, k.mackey,
			      513, &ses);
	report(err == EINVAL, "chain-sessinfo", "AES-CBC with a 513-byte MAC key: %s",
	       cdev_errname(err));
	close(fd);
}
