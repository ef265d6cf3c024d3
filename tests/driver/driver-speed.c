/*
 * driver-speed: CIOCCRYPT operations per second on one session, for
 * comparing completion modes of virtio_cryptodev.ko. A measurement, not a
 * test: it only fails when an operation fails or its result differs from
 * OpenSSL's.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vcrypto/cryptodev.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: driver-speed [--device PATH] SIZE OPS\n"
		"Encrypts SIZE bytes (a multiple of 16) OPS times in place with\n"
		"AES-128-CBC and prints operations per second.\n"
		"Exit: 0 measured, 1 an operation failed, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char key[16] = "0123456789abcdef";
	const char *device = "/dev/cryptodev0";
	unsigned char iv[16] = { 0 }, *buf, *want;
	struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
				  .key = key };
	struct crypt_op cop = { .op = COP_ENCRYPT };
	unsigned long ops, i;
	EVP_CIPHER_CTX *ctx;
	double t0, t;
	size_t size;
	int c, fd, n;

	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("driver-speed 1\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	size = strtoul(argv[optind], NULL, 0);
	ops = strtoul(argv[optind + 1], NULL, 0);
	if (!size || size % 16 || size > (1 << 24) || !ops) {
		usage(stderr);
		return 2;
	}
	buf = calloc(1, size);
	want = calloc(1, size);
	fd = open(device, O_RDWR);
	if (!buf || !want || fd < 0) {
		fprintf(stderr, "driver-speed: %s: %s\n", device,
			strerror(errno));
		return 1;
	}
	if (ioctl(fd, CIOCGSESSION, &sop)) {
		fprintf(stderr, "driver-speed: CIOCGSESSION: %s\n",
			strerror(errno));
		return 1;
	}
	cop.ses = sop.ses;
	cop.len = (uint32_t)size;
	cop.src = buf;
	cop.dst = buf;
	cop.iv = iv;
	cop.flags = COP_FLAG_WRITE_IV;
	t0 = now();
	for (i = 0; i < ops; i++) {
		if (ioctl(fd, CIOCCRYPT, &cop)) {
			fprintf(stderr, "driver-speed: CIOCCRYPT %lu: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	t = now() - t0;

	/* ops chained CBC encryptions of zeros from a zero IV, in place. */
	ctx = EVP_CIPHER_CTX_new();
	memset(iv, 0, sizeof(iv));
	if (!ctx || !EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
		fprintf(stderr, "driver-speed: OpenSSL setup failed\n");
		return 1;
	}
	for (i = 0; i < ops; i++)
		if (!EVP_EncryptUpdate(ctx, want, &n, want, (int)size)) {
			fprintf(stderr, "driver-speed: OpenSSL failed\n");
			return 1;
		}
	EVP_CIPHER_CTX_free(ctx);
	if (memcmp(buf, want, size)) {
		fprintf(stderr, "driver-speed: result differs from OpenSSL\n");
		return 1;
	}
	printf("driver-speed %s: %zu B x %lu in %.3f s: %.0f ops/s, %.2f MB/s\n",
	       device, size, ops, t, (double)ops / t,
	       (double)ops * (double)size / t / 1e6);
	close(fd);
	return 0;
}
