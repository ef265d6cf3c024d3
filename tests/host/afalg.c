/*
 * vcryptod-afalg: drive Linux's crypto API through AF_ALG from a guest.
 *   vcryptod-afalg check DRIVER   random keys (128/192/256), IVs and data of
 *                                 16 B..64 KiB: encrypt and decrypt through
 *                                 DRIVER (e.g. virtio_crypto_aes_cbc) must
 *                                 match OpenSSL; exit 0 when all match.
 *   vcryptod-afalg bench DRIVER SIZE SECONDS
 *                                 one request at a time; prints
 *                                 "afalg SIZE OPS_PER_S MB_PER_S".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../afalg.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

/* afalg_open() with a complaint; 0 or -1. */
static int alg_open(struct afalg *a, const char *driver, const uint8_t *key,
		    size_t keylen)
{
	int err = afalg_open(a, driver, key, keylen);

	if (err)
		fprintf(stderr, "vcryptod-afalg: %s: %s\n", driver, strerror(err));
	return err ? -1 : 0;
}

/* afalg_crypt() of AES-CBC with a complaint; 0 or -1. */
static int alg_crypt(struct afalg *a, int encrypt, const uint8_t *iv,
		     const uint8_t *in, uint8_t *out, size_t len)
{
	int err = afalg_crypt(a, encrypt, iv, 16, in, out, len);

	if (err)
		fprintf(stderr, "vcryptod-afalg: %zu bytes: %s\n", len,
			strerror(err));
	return err ? -1 : 0;
}

static int check(const char *driver)
{
	static const size_t sizes[] = { 16, 32, 64, 256, 1024, 4096, 4112, 16384, 65536 };
	static const size_t keylens[] = { 16, 24, 32 };
	static uint8_t pt[65536], ct[65536], want[65536], back[65536];
	uint8_t key[32], iv[16];
	unsigned int k, s;
	char name[48];
	uint64_t seed = rng_fresh_seed();

	printf("seed %llu\n", (unsigned long long)seed);
	rng_seed(seed);
	for (k = 0; k < 3; k++) {
		struct afalg a;

		rng_fill(key, sizeof(key));
		if (alg_open(&a, driver, key, keylens[k]))
			return 1;
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t len = sizes[s];

			rng_fill(iv, 16);
			rng_fill(pt, len);
			oracle_aes("CBC", true, key, keylens[k], iv, pt, want, len);
			snprintf(name, sizeof(name), "AES-%zu-CBC %zu bytes",
				 keylens[k] * 8, len);
			report(!alg_crypt(&a, 1, iv, pt, ct, len) &&
			       !memcmp(ct, want, len) &&
			       !alg_crypt(&a, 0, iv, ct, back, len) &&
			       !memcmp(back, pt, len), name,
			       "encrypt and decrypt through %s = OpenSSL", driver);
		}
		afalg_close(&a);
	}
	return report_finish("vcryptod-afalg check");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(const char *driver, size_t size, double seconds)
{
	uint8_t key[16] = { 1 }, iv[16] = { 2 }, *buf = malloc(size), *out = malloc(size);
	struct afalg a;
	unsigned long ops = 0;
	double t0, t;

	if (!buf || !out || alg_open(&a, driver, key, 16))
		return 1;
	memset(buf, 0x5a, size);
	t0 = now();
	do {
		if (alg_crypt(&a, 1, iv, buf, out, size))
			return 1;
		ops++;
		t = now() - t0;
	} while (t < seconds);
	printf("afalg %zu %.0f %.2f\n", size, ops / t, ops * (double)size / t / 1e6);
	afalg_close(&a);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "check"))
		return check(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "bench")) {
		long size = atol(argv[3]);
		double secs = atof(argv[4]);

		if (size < 16 || size % 16 || size > (1 << 20) || secs <= 0) {
			fprintf(stderr, "vcryptod-afalg: bad size or seconds\n");
			return 2;
		}
		return bench(argv[2], (size_t)size, secs);
	}
	fprintf(stderr, "usage: vcryptod-afalg check DRIVER | bench DRIVER SIZE SECONDS\n");
	return 2;
}
