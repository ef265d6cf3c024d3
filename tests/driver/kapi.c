/*
 * The driver's skciphers through AF_ALG (run in the guest):
 *   driver-kapi afalg NAME    NIST SP 800-38A vectors, random requests of
 *                             every key size up to 128 KiB (across the
 *                             driver's 64 KiB chunks) vs OpenSSL, refusals
 *   driver-kapi refused NAME  AF_ALG will not bind NAME: ENOENT
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../afalg.h"
#include "../hex.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

#define MAX_LEN (128 * 1024 + 48)

static const char *nist_pt = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const struct {
	const char *name, *key, *ct;
} nist[] = {
	{ "SP 800-38A F.2.1/F.2.2 CBC-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
	  "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7" },
	{ "SP 800-38A F.2.5/F.2.6 CBC-AES256",
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
};

static void check_nist(const char *alg)
{
	uint8_t key[32], pt[64], ct[64], iv[16], out[64];
	char name[128];
	struct afalg a;
	size_t keylen;
	unsigned int i;
	int err;

	for (i = 0; i < 16; i++)
		iv[i] = (uint8_t)i;
	hex_decode(nist_pt, pt, sizeof(pt));
	for (i = 0; i < sizeof(nist) / sizeof(nist[0]); i++) {
		keylen = hex_decode(nist[i].key, key, sizeof(key));
		hex_decode(nist[i].ct, ct, sizeof(ct));
		snprintf(name, sizeof(name), "%s via %s", nist[i].name, alg);
		err = afalg_open(&a, alg, key, keylen);
		if (!report_check(!err, name, "bind and key: %s", strerror(err)))
			continue;
		err = afalg_crypt(&a, true, iv, 16, pt, out, 64);
		report_check(!err && !memcmp(out, ct, 64), name,
			     "encrypt: %s", err ? strerror(err) : "wrong");
		err = afalg_crypt(&a, false, iv, 16, ct, out, 64);
		report_check(!err && !memcmp(out, pt, 64), name,
			     "decrypt: %s", err ? strerror(err) : "wrong");
		afalg_close(&a);
	}
}

static void check_random(const char *alg)
{
	static const size_t keylens[] = { 16, 24, 32 };
	static uint8_t in[MAX_LEN], out[MAX_LEN], expect[MAX_LEN];
	unsigned int k, i, bad = 0, runs = 0;
	uint8_t key[32], iv[16];
	char name[128];
	struct afalg a;
	bool encrypt;
	size_t len;
	int err;

	for (k = 0; k < 3; k++) {
		rng_fill(key, keylens[k]);
		err = afalg_open(&a, alg, key, keylens[k]);
		snprintf(name, sizeof(name), "AES-%zu-CBC via %s: 24 random requests vs OpenSSL",
			 keylens[k] * 8, alg);
		if (!report_check(!err, name, "bind and key: %s", strerror(err)))
			continue;
		for (i = 0; i < 24; i++) {
			/* the sizes around a chunk and the largest too */
			len = i < 4 ? (size_t[]){ 16, 65536, 65552, MAX_LEN }[i] :
			      16 * rng_range(1, MAX_LEN / 16);
			encrypt = rng_next() & 1;
			rng_fill(in, len);
			rng_fill(iv, sizeof(iv));
			oracle_aes("CBC", encrypt, key, keylens[k], iv, in, expect,
				   len);
			err = afalg_crypt(&a, encrypt, iv, 16, in, out, len);
			runs++;
			if (err || memcmp(out, expect, len)) {
				bad++;
				fprintf(stderr, "%s: %zu bytes, %s: %s\n", name, len,
					encrypt ? "encrypt" : "decrypt",
					err ? strerror(err) : "wrong result");
			}
		}
		report(!bad, name, NULL);
		afalg_close(&a);
	}

	rng_fill(key, 16);
	if (!afalg_open(&a, alg, key, 16)) {
		err = afalg_crypt(&a, true, iv, 16, in, out, 17);
		report_check(err == EINVAL, "a length not in blocks: EINVAL", "%s",
			     strerror(err));
		afalg_close(&a);
	}
	err = afalg_open(&a, alg, key, 20);
	report_check(err == EINVAL, "a 20-byte key: EINVAL", "%s", strerror(err));
	if (!err)
		afalg_close(&a);
}

int main(int argc, char **argv)
{
	uint64_t seed = rng_fresh_seed();
	struct afalg a;
	uint8_t key[16] = { 0 };
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: driver-kapi afalg|refused NAME\n");
		return 2;
	}
	printf("seed %" PRIu64 "\n", seed);
	rng_seed(seed);
	if (!strcmp(argv[1], "afalg")) {
		check_nist(argv[2]);
		check_random(argv[2]);
	} else if (!strcmp(argv[1], "refused")) {
		err = afalg_open(&a, argv[2], key, sizeof(key));
		report_check(err == ENOENT, "AF_ALG refuses to bind the driver: ENOENT",
			     "%s", err ? strerror(err) : "bound");
		if (!err)
			afalg_close(&a);
	} else {
		fprintf(stderr, "driver-kapi: unknown mode %s\n", argv[1]);
		return 2;
	}
	return report_finish("driver-kapi");
}
