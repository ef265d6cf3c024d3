/*
 * kapi: the driver's skciphers in the kernel crypto API, through AF_ALG.
 *   kapi check DRIVER [ROUNDS]  random keys (16/24/32), IVs and sizes (to
 *                               past the device's 64 KiB chunks), encrypt
 *                               and decrypt, in place and not: OpenSSL's
 *                               results; DRIVER's mode from its name.
 *   kapi hold DRIVER            binds DRIVER and checks one request, prints
 *                               "held", waits for a line on stdin, then
 *                               tries once more: prints "after: ok" (right
 *                               result) or "after: ERRNO_NAME".
 *   kapi load DRIVER            prints "load running" after one right
 *                               request, then sends 64 KiB requests until
 *                               one fails: "load ended: ERRNO_NAME after N,
 *                               W wrong", and keeps the socket bound
 *                               until stdin ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../afalg.h"
#include "../check.h"

#define BLOCK 16
#define MAX_LEN (200 * 1024)

static const char *mode_of(const char *driver)
{
	if (!strncmp(driver, "ctr-", 4))
		return "ctr";
	if (!strncmp(driver, "ecb-", 4))
		return "ecb";
	return "cbc";
}

static const EVP_CIPHER *ossl_cipher(const char *mode, size_t keylen)
{
	char name[32];

	snprintf(name, sizeof(name), "aes-%zu-%s", keylen * 8, mode);
	return EVP_get_cipherbyname(name);
}

/* OpenSSL's result: the oracle. */
static int ossl_crypt(const char *mode, int enc, const uint8_t *key,
		      size_t keylen, const uint8_t *iv, const uint8_t *in,
		      uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, ossl_cipher(mode, keylen), NULL,
				      key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &n, in, (int)len) && (size_t)n == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static void fill_random(void *p, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, p, len) != (ssize_t)len) {
		perror("kapi: /dev/urandom");
		exit(1);
	}
	close(fd);
}

static size_t random_len(const char *mode, unsigned round)
{
	/* a block, a page, a device chunk and across chunks */
	static const size_t fixed[] = { 16, 4096, 65536, 65536 + 16, MAX_LEN };
	uint32_t r;
	size_t len;

	if (round < sizeof(fixed) / sizeof(fixed[0]))
		return fixed[round];
	fill_random(&r, sizeof(r));
	len = 1 + r % MAX_LEN;
	return strcmp(mode, "ctr") ? (len + BLOCK - 1) / BLOCK * BLOCK : len;
}

static int cmd_check(const char *driver, unsigned rounds)
{
	static const size_t keylens[] = { 16, 24, 32 };
	static uint8_t in[MAX_LEN], out[MAX_LEN], want[MAX_LEN], back[MAX_LEN];
	const char *mode = mode_of(driver);
	unsigned round;

	for (round = 0; round < rounds; round++) {
		size_t keylen = keylens[round % 3];
		size_t len = random_len(mode, round);
		uint8_t key[32], iv[BLOCK];
		int tfm, op;

		fill_random(key, keylen);
		fill_random(iv, sizeof(iv));
		fill_random(in, len);
		op = afalg_open(driver, key, keylen, &tfm);
		if (!CHECK(op >= 0, "%s: bind/setkey/accept: %s", driver,
			   strerror(errno)))
			return check_exit("kapi check");
		if (!CHECK(!ossl_crypt(mode, 1, key, keylen, iv, in, want, len),
			   "OpenSSL %s", mode))
			break;
		CHECK(!afalg_crypt(op, 1, iv, in, out, len) &&
		      !memcmp(out, want, len),
		      "%s encrypt key %zu len %zu: %s", driver, keylen, len,
		      strerror(errno));
		CHECK(!afalg_crypt(op, 0, iv, out, back, len) &&
		      !memcmp(back, in, len),
		      "%s decrypt key %zu len %zu: %s", driver, keylen, len,
		      strerror(errno));
		/* in place: AF_ALG's source and destination the same pages */
		memcpy(back, in, len);
		CHECK(!afalg_crypt(op, 1, iv, back, back, len) &&
		      !memcmp(back, want, len),
		      "%s in-place encrypt key %zu len %zu: %s", driver,
		      keylen, len, strerror(errno));
		close(op);
		close(tfm);
	}
	return check_exit("kapi check");
}

/*
 * A socket on driver with a random key (AES-256) and iv, random in and
 * OpenSSL's encryption of it in want; the operation socket or -1.
 */
static int open_known(const char *driver, uint8_t *iv, uint8_t *in,
		      uint8_t *want, size_t len, int *tfm)
{
	uint8_t key[32];
	int op;

	fill_random(key, sizeof(key));
	fill_random(iv, BLOCK);
	fill_random(in, len);
	if (ossl_crypt(mode_of(driver), 1, key, sizeof(key), iv, in, want,
		       len)) {
		fprintf(stderr, "kapi: OpenSSL %s failed\n", mode_of(driver));
		return -1;
	}
	op = afalg_open(driver, key, sizeof(key), tfm);
	if (op < 0)
		fprintf(stderr, "kapi: %s: %s\n", driver, strerror(errno));
	return op;
}

static int cmd_hold(const char *driver)
{
	uint8_t iv[BLOCK], in[4096], out[4096], want[4096];
	char line[64];
	int tfm, op;

	op = open_known(driver, iv, in, want, sizeof(in), &tfm);
	if (op < 0)
		return 1;
	if (afalg_crypt(op, 1, iv, in, out, sizeof(in)) ||
	    memcmp(out, want, sizeof(out))) {
		fprintf(stderr, "kapi: %s: first request wrong\n", driver);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (afalg_crypt(op, 1, iv, in, out, sizeof(in)))
		printf("after: %s\n", strerrorname_np(errno));
	else
		printf("after: %s\n", memcmp(out, want, sizeof(out)) ?
				      "wrong" : "ok");
	close(op);
	close(tfm);
	return 0;
}

static int cmd_load(const char *driver)
{
	static uint8_t in[65536], out[65536], want[65536];
	unsigned long n = 0, wrong = 0;
	uint8_t iv[BLOCK];
	char line[64];
	int tfm, op, err;

	op = open_known(driver, iv, in, want, sizeof(in), &tfm);
	if (op < 0)
		return 1;
	for (;;) {
		memset(out, 0, sizeof(out));
		if (afalg_crypt(op, 1, iv, in, out, sizeof(in))) {
			err = errno;
			break;
		}
		if (memcmp(out, want, sizeof(out)))
			wrong++;
		if (!n++) {
			printf("load running\n");
			fflush(stdout);
		}
	}
	printf("load ended: %s after %lu, %lu wrong\n", strerrorname_np(err),
	       n, wrong);
	fflush(stdout);
	/* the socket stays bound until the caller is done with its checks */
	while (fgets(line, sizeof(line), stdin))
		;
	close(op);
	close(tfm);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kapi check DRIVER [ROUNDS] | kapi hold DRIVER |"
		" kapi load DRIVER\n"
		"AF_ALG on the crypto API driver DRIVER against OpenSSL.\n"
		"Exit: 0 all checks passed, 1 a check failed, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kapi 1\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 2 && argc <= 3 && !strcmp(argv[0], "check"))
		return cmd_check(argv[1], argc == 3 ? (unsigned)atoi(argv[2]) : 24);
	if (argc == 2 && !strcmp(argv[0], "hold"))
		return cmd_hold(argv[1]);
	if (argc == 2 && !strcmp(argv[0], "load"))
		return cmd_load(argv[1]);
	usage(stderr);
	return 2;
}
