/*
 * Every cipher of cryptodev's list, offloaded or done by the guest kernel:
 * published vectors, random round trips and WRITE_IV chaining against
 * OpenSSL, CIOCGSESSINFO, refusals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define MAX_KEYS 3

static const struct cipher {
	uint32_t id;
	const char *name;	/* the kernel's */
	size_t keylens[MAX_KEYS];
	const char *evp[MAX_KEYS];	/* OpenSSL's, per key length */
	size_t block, ivlen;
	bool chains;		/* WRITE_IV gives the next operation's IV */
	bool until_6_7;		/* Linux 6.7 removed the mode */
} ciphers[] = {
	{ CRYPTO_DES_CBC, "cbc(des)", { 8 }, { "DES-CBC" }, 8, 8, true, false },
	{ CRYPTO_3DES_CBC, "cbc(des3_ede)", { 24 }, { "DES-EDE3-CBC" }, 8, 8, true, false },
	{ CRYPTO_BLF_CBC, "cbc(blowfish)", { 16 }, { "BF-CBC" }, 8, 8, true, false },
	{ CRYPTO_CAST_CBC, "cbc(cast5)", { 16 }, { "CAST5-CBC" }, 8, 8, true, false },
	{ CRYPTO_AES_CBC, "cbc(aes)", { 16, 24, 32 },
	  { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" }, 16, 16, true, false },
	{ CRYPTO_AES_CTR, "ctr(aes)", { 16, 24, 32 },
	  { "AES-128-CTR", "AES-192-CTR", "AES-256-CTR" }, 1, 16, true, false },
	{ CRYPTO_AES_ECB, "ecb(aes)", { 16, 24, 32 },
	  { "AES-128-ECB", "AES-192-ECB", "AES-256-ECB" }, 16, 0, false, false },
	{ CRYPTO_AES_XTS, "xts(aes)", { 32, 64 }, { "AES-128-XTS", "AES-256-XTS" },
	  16, 16, false, false },
	{ CRYPTO_AES_CFB, "cfb(aes)", { 16, 24, 32 },
	  { "AES-128-CFB", "AES-192-CFB", "AES-256-CFB" }, 1, 16, true, true },
	{ CRYPTO_AES_OFB, "ofb(aes)", { 16, 24, 32 },
	  { "AES-128-OFB", "AES-192-OFB", "AES-256-OFB" }, 1, 16, true, true },
	{ CRYPTO_CAMELLIA_CBC, "cbc(camellia)", { 16, 24, 32 },
	  { "CAMELLIA-128-CBC", "CAMELLIA-192-CBC", "CAMELLIA-256-CBC" }, 16, 16,
	  true, false },
};
#define NCIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

static bool oracle_ready, have_legacy;

/* OpenSSL 3 keeps DES, Blowfish and CAST5 in its legacy provider. */
static void oracle_init(void)
{
	if (oracle_ready)
		return;
	oracle_ready = true;
	have_legacy = oracle_legacy();
	printf("note: OpenSSL legacy provider %s\n", have_legacy ?
	       "loaded (DES, Blowfish, CAST5 checked against OpenSSL)" :
	       "unavailable: DES checked against 3DES with K1=K2=K3, Blowfish "
	       "and CAST5 against their published vectors and by round trips only");
}

/*
 * OpenSSL's output for c with key length index k, without padding. DES
 * falls back to EDE3 with three equal keys. false: no oracle for c here.
 */
static bool oracle(const struct cipher *c, int k, bool encrypt, const uint8_t *key,
		   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	const char *name = c->evp[k];
	uint8_t key3[24];

	oracle_init();
	if (!have_legacy && c->id == CRYPTO_DES_CBC) {
		for (int i = 0; i < 3; i++)
			memcpy(key3 + 8 * i, key, 8);
		key = key3;
		name = "DES-EDE3-CBC";
	}
	if (!oracle_has_cipher(name))
		return false;
	oracle_cipher(name, encrypt, key, iv, in, out, len);
	return true;
}

static size_t nkeys(const struct cipher *c)
{
	size_t n = 0;

	while (n < MAX_KEYS && c->keylens[n])
		n++;
	return n;
}

/* Whether this kernel must have c (Debian builds every one as a module). */
static bool expected(const struct cipher *c)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (!c->until_6_7)
		return true;
	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major < 6 || (major == 6 && minor < 7);
}

/* A session of c, or false (reported) when it cannot be had. */
static bool session(int fd, const struct cipher *c, const uint8_t *key,
		    size_t keylen, uint32_t *ses, const char *check)
{
	int err = cdev_session(fd, c->id, key, (uint32_t)keylen, ses);

	if (err == EINVAL && !expected(c)) {
		printf("note: %s: EINVAL, this kernel has no %s (removed in 6.7)\n",
		       check, c->name);
		return false;
	}
	report(err == 0, check, "CIOCGSESSION %s, %zu-byte key: %s", c->name,
	       keylen, cdev_errname(err));
	return err == 0;
}

static const struct {
	uint32_t id;
	const char *what, *key, *iv, *pt, *ct;
} vectors[] = {
	{ CRYPTO_AES_CFB, "SP 800-38A F.3.13 CFB128-AES128",
	  "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
	  "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6" },
	{ CRYPTO_AES_OFB, "SP 800-38A F.4.1 OFB-AES128",
	  "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
	  "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e" },
	{ CRYPTO_AES_CTR, "SP 800-38A F.5.1 CTR-AES128",
	  "2b7e151628aed2a6abf7158809cf4f3c", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	  "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee" },
	{ CRYPTO_AES_ECB, "SP 800-38A F.1.1 ECB-AES128",
	  "2b7e151628aed2a6abf7158809cf4f3c", NULL,
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
	  "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf" },
	{ CRYPTO_AES_XTS, "IEEE 1619 XTS-AES-128 vector 1",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "00000000000000000000000000000000",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e" },
	{ CRYPTO_AES_XTS, "IEEE 1619 XTS-AES-128 vector 2",
	  "1111111111111111111111111111111122222222222222222222222222222222",
	  "33333333330000000000000000000000",
	  "4444444444444444444444444444444444444444444444444444444444444444",
	  "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0" },
	{ CRYPTO_3DES_CBC, "SP 800-67 TDEA example, block 1",
	  "0123456789abcdef23456789abcdef01456789abcdef0123", "0000000000000000",
	  "5468652071756663", "a826fd8ce53b855f" },
	{ CRYPTO_DES_CBC, "FIPS 81 DES-CBC example", "0123456789abcdef",
	  "1234567890abcdef", "4e6f77206973207468652074696d6520666f7220616c6c20",
	  "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6" },
	{ CRYPTO_BLF_CBC, "Schneier's Blowfish vector 1 (one block)", "0000000000000000",
	  "0000000000000000", "0000000000000000", "4ef997456198dd78" },
	{ CRYPTO_CAST_CBC, "RFC 2144 B.1 CAST5-128 (one block)",
	  "0123456712345678234567893456789a", "0000000000000000",
	  "0123456789abcdef", "238b4fe5847e44b2" },
	{ CRYPTO_CAMELLIA_CBC, "RFC 3713 Camellia-128 (one block)",
	  "0123456789abcdeffedcba9876543210", "00000000000000000000000000000000",
	  "0123456789abcdeffedcba9876543210", "67673138549669730857065648eabe43" },
	{ CRYPTO_CAMELLIA_CBC, "RFC 3713 Camellia-192 (one block)",
	  "0123456789abcdeffedcba98765432100011223344556677",
	  "00000000000000000000000000000000",
	  "0123456789abcdeffedcba9876543210", "b4993401b3e996f84ee5cee7d79b09b9" },
	{ CRYPTO_CAMELLIA_CBC, "RFC 3713 Camellia-256 (one block)",
	  "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff",
	  "00000000000000000000000000000000",
	  "0123456789abcdeffedcba9876543210", "9acc237dff16d76c20ef7c919e3a7509" },
};

static const struct cipher *find(uint32_t id)
{
	for (size_t i = 0; i < NCIPHERS; i++)
		if (ciphers[i].id == id)
			return &ciphers[i];
	return NULL;
}

void test_cipher_vectors(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "cipher-vectors open", "%s: %s", cdev_path,
		    fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		const struct cipher *c = find(vectors[v].id);
		uint8_t key[64], iv[16] = { 0 }, iv2[16], pt[64], ct[64], out[64];
		size_t keylen = hex_decode(vectors[v].key, key, sizeof(key));
		size_t len = hex_decode(vectors[v].pt, pt, sizeof(pt));
		char check[96];
		uint32_t ses;
		int err;

		hex_decode(vectors[v].ct, ct, sizeof(ct));
		if (vectors[v].iv)
			hex_decode(vectors[v].iv, iv, sizeof(iv));
		snprintf(check, sizeof(check), "cipher-vectors %s", vectors[v].what);
		if (!session(fd, c, key, keylen, &ses, check))
			continue;
		memcpy(iv2, iv, sizeof(iv));
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, (uint32_t)len,
				 vectors[v].iv ? iv2 : NULL);
		report(!err && !memcmp(out, ct, len), check, "encrypt: %s, %s",
		       cdev_errname(err), memcmp(out, ct, len) ? "differs" : "matches");
		memcpy(iv2, iv, sizeof(iv));
		err = cdev_crypt(fd, ses, COP_DECRYPT, 0, ct, out, (uint32_t)len,
				 vectors[v].iv ? iv2 : NULL);
		report(!err && !memcmp(out, pt, len), check, "decrypt: %s, %s",
		       cdev_errname(err), memcmp(out, pt, len) ? "differs" : "matches");
		cdev_free(fd, ses);
	}
	close(fd);
}

/*
 * Encrypts and decrypts len random bytes (src at so, dst at dof within their
 * pages, or in place) and checks both against OpenSSL, or just the round
 * trip when OpenSSL lacks c. Returns NULL or what went wrong.
 */
static const char *trip(int fd, const struct cipher *c, int k, size_t len,
			size_t so, size_t dof, bool in_place, bool *oracled)
{
	static char why[128];
	size_t keylen = c->keylens[k];
	uint8_t key[64], iv[16], iv2[16];
	uint8_t *pt = malloc(len), *want = malloc(len);
	uint8_t *src = buf_alloc(len, so);
	uint8_t *dst = in_place ? src : buf_alloc(len, dof);
	const char *msg = NULL;
	uint32_t ses;
	int err;

	if (!pt || !want || !src || !dst) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(key, keylen);
	rng_fill(iv, sizeof(iv));
	rng_fill(pt, len);
	err = cdev_session(fd, c->id, key, (uint32_t)keylen, &ses);
	if (err) {
		snprintf(why, sizeof(why), "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	*oracled = oracle(c, k, true, key, iv, pt, want, len);
	memcpy(src, pt, len);
	memcpy(iv2, iv, sizeof(iv));
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, dst, (uint32_t)len,
			 c->ivlen ? iv2 : NULL);
	if (err || (*oracled && memcmp(dst, want, len)) ||
	    (!*oracled && !memcmp(dst, pt, len))) {
		snprintf(why, sizeof(why), "encrypt: %s", err ? cdev_errname(err) :
			 *oracled ? "differs from OpenSSL" : "left the plaintext");
		msg = why;
		goto free;
	}
	if (!in_place && memcmp(src, pt, len)) {
		msg = "encrypt changed its source";
		goto free;
	}
	if (!in_place)
		memcpy(src, dst, len);
	memcpy(iv2, iv, sizeof(iv));
	err = cdev_crypt(fd, ses, COP_DECRYPT, 0, src, dst, (uint32_t)len,
			 c->ivlen ? iv2 : NULL);
	if (err || memcmp(dst, pt, len)) {
		snprintf(why, sizeof(why), "decrypt: %s", err ? cdev_errname(err) :
			 "differs from the plaintext");
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	if (!in_place)
		buf_free(dst, dof, len);
	buf_free(src, so, len);
	free(pt);
	free(want);
	return msg;
}

void test_cipher_random(void)
{
	static const size_t sizes[] = { 16, 48, 4096, 4112, 65536, 65552, 200000 };
	int fd = cdev_open();

	if (!report(fd >= 0, "cipher-random open", "%s: %s", cdev_path,
		    fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t i = 0; i < NCIPHERS; i++) {
		const struct cipher *c = &ciphers[i];
		unsigned int done = 0, failed = 0;
		bool oracled = false;
		char check[96];
		uint32_t ses;
		uint8_t key[64] = { 0 };

		snprintf(check, sizeof(check), "cipher-random %s", c->name);
		rng_fill(key, c->keylens[0]);
		if (!session(fd, c, key, c->keylens[0], &ses, check))
			continue;
		cdev_free(fd, ses);
		for (size_t k = 0; k < nkeys(c); k++) {
			for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				/* stream modes also get lengths of no whole block */
				size_t len = sizes[s] - (c->block == 1 ? s % 3 : 0);
				size_t so = rng_range(0, 4095), dof = rng_range(0, 4095);
				const char *msg;

				len -= len % c->block;
				msg = trip(fd, c, (int)k, len, so, dof, s % 2, &oracled);
				done++;
				if (msg && ++failed <= 3)
					report(false, check, "%zu-byte key, %zu B, src+%zu "
					       "dst+%zu%s: %s", c->keylens[k], len, so, dof,
					       s % 2 ? " in place" : "", msg);
			}
		}
		/* 1 MiB, unaligned, in place */
		if (trip(fd, c, (int)nkeys(c) - 1, 1 << 20, 4081, 0, true, &oracled))
			failed++;
		done++;
		report(failed == 0, check, "%u of %u round trips right (16 B..1 MiB, "
		       "unaligned, in place) %s", done - failed, done,
		       oracled ? "against OpenSSL" : "(no OpenSSL oracle here)");
	}
	close(fd);
}

void test_cipher_write_iv(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "cipher-write-iv open", "%s: %s", cdev_path,
		    fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t i = 0; i < NCIPHERS; i++) {
		const struct cipher *c = &ciphers[i];
		uint8_t key[64], iv[16], iv2[16], pt[4096], ct[4096], want[4096];
		size_t cut[] = { 0, 16, 16 + 4000 - 4000 % 16, sizeof(pt) };
		char check[96];
		uint32_t ses;
		int err = 0;

		if (!c->chains)
			continue;
		snprintf(check, sizeof(check), "cipher-write-iv %s", c->name);
		rng_fill(key, c->keylens[0]);
		rng_fill(iv, sizeof(iv));
		rng_fill(pt, sizeof(pt));
		if (!session(fd, c, key, c->keylens[0], &ses, check))
			continue;
		if (!oracle(c, 0, true, key, iv, pt, want, sizeof(pt))) {
			printf("note: %s: no OpenSSL oracle, skipped\n", check);
			cdev_free(fd, ses);
			continue;
		}
		/* three operations chained by WRITE_IV give one OpenSSL stream */
		memcpy(iv2, iv, sizeof(iv));
		for (int p = 0; p < 3 && !err; p++)
			err = cdev_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV,
					 pt + cut[p], ct + cut[p],
					 (uint32_t)(cut[p + 1] - cut[p]), iv2);
		report(!err && !memcmp(ct, want, sizeof(pt)), check,
		       "encrypt in 3 parts: %s, %s", cdev_errname(err),
		       memcmp(ct, want, sizeof(pt)) ? "differs from OpenSSL" : "matches OpenSSL");
		memcpy(iv2, iv, sizeof(iv));
		for (int p = 0; p < 3 && !err; p++)
			err = cdev_crypt(fd, ses, COP_DECRYPT, COP_FLAG_WRITE_IV,
					 want + cut[p], ct + cut[p],
					 (uint32_t)(cut[p + 1] - cut[p]), iv2);
		report(!err && !memcmp(ct, pt, sizeof(pt)), check,
		       "decrypt in 3 parts: %s, %s", cdev_errname(err),
		       memcmp(ct, pt, sizeof(pt)) ? "differs" : "gives the plaintext");
		/* without an iv the session continues from the last operation */
		memcpy(iv2, iv, sizeof(iv));
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, 16, iv2);
		if (!err)
			err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt + 16, ct + 16,
					 sizeof(pt) - 16, NULL);
		report(!err && !memcmp(ct, want, sizeof(pt)), check,
		       "continued without an iv: %s, %s", cdev_errname(err),
		       memcmp(ct, want, sizeof(pt)) ? "differs from OpenSSL" : "matches OpenSSL");
		cdev_free(fd, ses);
	}
	close(fd);
}

void test_cipher_sessinfo(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "cipher-sessinfo open", "%s: %s", cdev_path,
		    fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t i = 0; i < NCIPHERS; i++) {
		const struct cipher *c = &ciphers[i];
		struct session_info_op si;
		uint8_t key[64];
		char check[96];
		uint32_t ses;
		bool offloaded;
		int err;

		snprintf(check, sizeof(check), "cipher-sessinfo %s", c->name);
		rng_fill(key, c->keylens[0]);
		if (!session(fd, c, key, c->keylens[0], &ses, check))
			continue;
		memset(&si, 0xa5, sizeof(si));
		si.ses = ses;
		err = ioctl(fd, CIOCGSESSINFO, &si) == 0 ? 0 : errno;
		si.cipher_info.cra_name[63] = si.cipher_info.cra_driver_name[63] = 0;
		offloaded = strstr(si.cipher_info.cra_driver_name, "virtio") != NULL;
		report(!err && !strcmp(si.cipher_info.cra_name, c->name) &&
		       si.cipher_info.cra_driver_name[0] &&
		       !!(si.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY) == offloaded, check,
		       "%s: \"%s\" by \"%s\", flags 0x%x (KERNEL_DRIVER_ONLY iff offloaded)",
		       cdev_errname(err), si.cipher_info.cra_name,
		       si.cipher_info.cra_driver_name, si.flags);
		cdev_free(fd, ses);
	}
	close(fd);
}

void test_cipher_errors(void)
{
	static const struct {
		uint32_t id;
		uint32_t keylen;
	} bad_keys[] = {
		{ CRYPTO_DES_CBC, 7 }, { CRYPTO_DES_CBC, 16 }, { CRYPTO_3DES_CBC, 16 },
		{ CRYPTO_3DES_CBC, 25 }, { CRYPTO_BLF_CBC, 57 }, { CRYPTO_CAST_CBC, 17 },
		{ CRYPTO_AES_XTS, 16 }, { CRYPTO_AES_XTS, 33 }, { CRYPTO_AES_XTS, 65 },
		{ CRYPTO_AES_CTR, 20 }, { CRYPTO_AES_ECB, 0 }, { CRYPTO_CAMELLIA_CBC, 20 },
		{ CRYPTO_CAMELLIA_CBC, 64 },
	};
	static const struct {
		uint32_t id;
		uint32_t len;
	} bad_lens[] = {
		{ CRYPTO_DES_CBC, 12 }, { CRYPTO_3DES_CBC, 7 }, { CRYPTO_AES_XTS, 24 },
		{ CRYPTO_AES_XTS, 8 }, { CRYPTO_CAMELLIA_CBC, 20 }, { CRYPTO_AES_ECB, 17 },
	};
	uint8_t key[128] = { 0 }, buf[64] = { 0 }, out[64], iv[16] = { 0 };
	char check[96];
	uint32_t ses;
	int fd = cdev_open(), err;

	if (!report(fd >= 0, "cipher-errors open", "%s: %s", cdev_path,
		    fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	rng_fill(key, sizeof(key));
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		const struct cipher *c = find(bad_keys[i].id);

		snprintf(check, sizeof(check), "cipher-errors %s key of %u bytes",
			 c->name, bad_keys[i].keylen);
		err = cdev_session(fd, c->id, key, bad_keys[i].keylen, &ses);
		report(err == EINVAL, check, "%s (want EINVAL)", cdev_errname(err));
		if (!err)
			cdev_free(fd, ses);
	}
	for (size_t i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++) {
		const struct cipher *c = find(bad_lens[i].id);

		snprintf(check, sizeof(check), "cipher-errors %s len %u", c->name,
			 bad_lens[i].len);
		if (!session(fd, c, key, c->keylens[0], &ses, check))
			continue;
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, out, bad_lens[i].len,
				 c->ivlen ? iv : NULL);
		report(err == EINVAL, check, "not a multiple of %zu: %s (want EINVAL)",
		       c->block, cdev_errname(err));
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, out, 0, c->ivlen ? iv : NULL);
		snprintf(check, sizeof(check), "cipher-errors %s len 0", c->name);
		report(err == EINVAL, check, "%s (want EINVAL)", cdev_errname(err));
		cdev_free(fd, ses);
	}
	/* cryptodev-linux refuses these too (ARC4: no one-shot kernel mode) */
	for (size_t i = 0; i < 2; i++) {
		uint32_t id = i ? CRYPTO_ARC4 : CRYPTO_SKIPJACK_CBC;

		snprintf(check, sizeof(check), "cipher-errors cipher %u", id);
		err = cdev_session(fd, id, key, 16, &ses);
		report(err == EINVAL, check, "%s (want EINVAL)", cdev_errname(err));
	}
	close(fd);
}

/* A child killed inside big kernel-cipher operations on shared sessions. */
void test_cipher_kill(void)
{
	const size_t len = 16 << 20;
	const struct cipher *xts = find(CRYPTO_AES_XTS), *tdes = find(CRYPTO_3DES_CBC);
	uint8_t key[64], iv[16], pt[4096], want[4096], got[4096], byte = 0;
	uint8_t *big = buf_alloc(len, 0);
	uint32_t sx = 0, sd = 0;
	int fd = cdev_open(), p[2] = { -1, -1 }, status = 0, err;
	pid_t pid;

	if (fd < 0 || !big || pipe(p)) {
		report(false, "cipher-kill", "setup failed");
		goto out;
	}
	rng_fill(key, sizeof(key));
	if (!session(fd, xts, key, 64, &sx, "cipher-kill xts(aes)") ||
	    !session(fd, tdes, key, 24, &sd, "cipher-kill cbc(des3_ede)"))
		goto out;
	memset(big, 0x5a, len);
	rng_fill(iv, sizeof(iv));
	pid = fork();
	if (pid == 0) {
		if (write(p[1], &byte, 1) != 1)
			_exit(1);
		for (;;) {
			cdev_crypt(fd, sx, COP_ENCRYPT, 0, big, big, (uint32_t)len, iv);
			cdev_crypt(fd, sd, COP_ENCRYPT, 0, big, big, (uint32_t)len, NULL);
		}
	}
	if (pid < 0 || read(p[0], &byte, 1) != 1) {
		report(false, "cipher-kill", "fork or handshake failed");
		goto out;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	report(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "cipher-kill",
	       "the child encrypting 16 MiB at a time was killed");
	rng_fill(pt, sizeof(pt));
	oracle(xts, 1, true, key, iv, pt, want, sizeof(pt));
	err = cdev_crypt(fd, sx, COP_ENCRYPT, 0, pt, got, sizeof(pt), iv);
	report(!err && !memcmp(got, want, sizeof(pt)), "cipher-kill",
	       "XTS on the shared session afterwards: %s, %s", cdev_errname(err),
	       memcmp(got, want, sizeof(pt)) ? "differs" : "equals OpenSSL's");
	err = cdev_crypt(fd, sd, COP_ENCRYPT, 0, pt, got, sizeof(pt), NULL);
	report(!err, "cipher-kill", "3DES without an iv afterwards (the iv lock "
	       "was let go): %s", cdev_errname(err));
out:
	if (sx)
		cdev_free(fd, sx);
	if (sd)
		cdev_free(fd, sd);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	buf_free(big, 0, len);
	if (fd >= 0)
		close(fd);
}
