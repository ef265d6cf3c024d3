/*
 * test-library: checks of the test programs' own library (tests/report.c,
 * rng.c, oracle.c, cdev.c's errno names).
 *   test-library          the oracles against published answers, the PRNG
 *                         repeats a seed and keeps rng_range() in range,
 *                         cdev_errname() names errno values
 *   test-library format   two passing-and-failing report() lines and a
 *                         detail, for 03-test-library to hold against the
 *                         shell's check (exits 1: two checks fail)
 *   test-library threads  8 threads report 200 lines each
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../cdev.h"
#include "../hex.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

static bool same(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[64];

	return hex_decode(hex, want, sizeof(want)) == len &&
	       memcmp(got, want, len) == 0;
}

static void oracles(void)
{
	uint8_t key[16], iv[16], pt[16], out[32], zero[16] = { 0 };
	const char *abc = "abc", *jefe = "what do ya want for nothing?";

	/* SP 800-38A F.2.1 and F.5.1, first blocks */
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode("6bc1bee22e409f96e93d7e117393172a", pt, sizeof(pt));
	oracle_aes("CBC", true, key, 16, iv, pt, out, 16);
	report(same(out, "7649abac8119b246cee98e9b12e9197d", 16),
	       "oracle_aes CBC", "SP 800-38A F.2.1");
	oracle_cipher("AES-128-CBC", false, key, iv, out, out, 16);
	report(!memcmp(out, pt, 16), "oracle_cipher decrypts in place", NULL);
	hex_decode("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv, sizeof(iv));
	oracle_aes("CTR", true, key, 16, iv, pt, out, 16);
	report(same(out, "874d6191b620e3261bef6864990db6ce", 16),
	       "oracle_aes CTR", "SP 800-38A F.5.1");
	/* GCM specification, test case 2 */
	oracle_aead("AES-128-GCM", zero, zero, 12, NULL, 0, zero, 16, 16, out);
	report(same(out, "0388dace60b6a392f328c2b971b2fe78"
		    "ab6e47d42cec13bdf53a67b21257bddf", 32),
	       "oracle_aead GCM", "the GCM specification's test case 2");
	report(oracle_digest("SHA256", false, NULL, 0, (const uint8_t *)abc, 3,
			     out) == 32 &&
	       same(out, "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad", 32),
	       "oracle_digest SHA256", "FIPS 180-4 \"abc\"");
	report(oracle_digest("SHA256", true, (const uint8_t *)"Jefe", 4,
			     (const uint8_t *)jefe, strlen(jefe), out) == 32 &&
	       same(out, "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843", 32),
	       "oracle_digest HMAC-SHA256", "RFC 4231 test case 2");
	report(!oracle_has_cipher("NO-SUCH-CIPHER"), "oracle_has_cipher",
	       "an unknown name");
}

static void rng(void)
{
	uint64_t a[4], b[4], c;
	bool in_range = true, seen[3] = { false };

	rng_seed(42);
	for (int i = 0; i < 4; i++)
		a[i] = rng_next();
	rng_seed(42);
	for (int i = 0; i < 4; i++)
		b[i] = rng_next();
	rng_seed(43);
	c = rng_next();
	report(!memcmp(a, b, sizeof(a)) && c != a[0] && a[0] != a[1],
	       "rng_seed", "a seed repeats its stream, another differs");
	for (int i = 0; i < 1000; i++) {
		uint64_t r = rng_range(3, 5);

		in_range &= r >= 3 && r <= 5;
		if (r >= 3 && r <= 5)
			seen[r - 3] = true;
	}
	report(in_range && seen[0] && seen[1] && seen[2], "rng_range",
	       "1000 draws in [3, 5] give each value, no other");
}

static void errnames(void)
{
	report(!strcmp(cdev_errname(0), "success") &&
	       !strcmp(cdev_errname(EINVAL), "EINVAL") &&
	       !strcmp(cdev_errname(ENOSPC), "ENOSPC"),
	       "cdev_errname", "0, EINVAL and ENOSPC by name");
	report(!strcmp(cdev_errname(4095), "errno 4095"), "cdev_errname",
	       "a number with no name");
}

static void *reporter(void *arg)
{
	int t = (int)(intptr_t)arg;

	for (int i = 0; i < 200; i++)
		report(true, "thread", "%d line %d", t, i);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "format")) {
		report(true, "one check", NULL);
		report(false, "another check", NULL);
		report(false, "a third", "detail %d", 7);
		return report_finish("format");
	}
	if (argc == 2 && !strcmp(argv[1], "threads")) {
		pthread_t t[8];

		for (int i = 0; i < 8; i++)
			if (pthread_create(&t[i], NULL, reporter, (void *)(intptr_t)i))
				return 2;
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
		return report_finish("threads");
	}
	if (argc != 1) {
		fprintf(stderr, "usage: test-library [format | threads]\n");
		return 2;
	}
	oracles();
	rng();
	errnames();
	return report_finish("test-library");
}
