/*
 * cdev-speed: AES-128-CBC throughput inside the guest, one request at a
 * time, through /dev/cryptodevN (the cryptodev ioctls) or through Linux's
 * own crypto API via AF_ALG. Each size runs for a fixed time after one
 * request checked against OpenSSL. Prints "SIZE OPS SECONDS" per size.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_alg.h>
#include <openssl/evp.h>

#include <vcrypto/cryptodev.h>

#define MAX_SIZE (1 << 20)

struct path {
	bool afalg;
	int fd;		/* cryptodev: the node; AF_ALG: the operation socket */
	uint32_t ses;
};

static const uint8_t key[16] = "0123456789abcdef";
static const uint8_t iv[16] = "fedcba9876543210";

static int open_cryptodev(struct path *p, const char *dev)
{
	struct session_op s = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
				.key = (uint8_t *)key };

	p->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		fprintf(stderr, "cdev-speed: %s: %s\n", dev, strerror(errno));
		return -1;
	}
	if (ioctl(p->fd, CIOCGSESSION, &s)) {
		fprintf(stderr, "cdev-speed: %s: CIOCGSESSION: %s\n", dev, strerror(errno));
		return -1;
	}
	p->ses = s.ses;
	return 0;
}

static int open_afalg(struct path *p, const char *driver)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "skcipher" };
	int tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", driver);
	if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key))) {
		fprintf(stderr, "cdev-speed: AF_ALG skcipher %s: %s\n", driver,
			strerror(errno));
		return -1;
	}
	p->fd = accept(tfm, NULL, 0);
	if (p->fd < 0) {
		fprintf(stderr, "cdev-speed: AF_ALG accept: %s\n", strerror(errno));
		return -1;
	}
	p->afalg = true;
	return 0;
}

static int afalg_encrypt(int fd, const uint8_t *in, uint8_t *out, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + 16)] = { 0 };
	struct iovec io = { .iov_base = (void *)in, .iov_len = len };
	struct msghdr msg = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
			      .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	struct af_alg_iv *aiv;
	uint32_t op = ALG_OP_ENCRYPT;
	size_t got = 0;

	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(op));
	memcpy(CMSG_DATA(c), &op, sizeof(op));
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*aiv) + 16);
	aiv = (struct af_alg_iv *)CMSG_DATA(c);
	aiv->ivlen = 16;
	memcpy(aiv->iv, iv, 16);
	if (sendmsg(fd, &msg, 0) != (ssize_t)len)
		return -1;
	while (got < len) {
		ssize_t n = read(fd, out + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int run_op(const struct path *p, const uint8_t *in, uint8_t *out, size_t len)
{
	struct crypt_op c = { .ses = p->ses, .op = COP_ENCRYPT, .len = (uint32_t)len,
			      .src = (uint8_t *)in, .dst = out, .iv = (uint8_t *)iv };

	if (p->afalg)
		return afalg_encrypt(p->fd, in, out, len);
	return ioctl(p->fd, CIOCCRYPT, &c);
}

static bool matches_openssl(const uint8_t *in, const uint8_t *out, size_t len)
{
	static uint8_t want[MAX_SIZE];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;
	bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv) &&
		  EVP_CIPHER_CTX_set_padding(ctx, 0) &&
		  EVP_EncryptUpdate(ctx, want, &n, in, (int)len) && (size_t)n == len &&
		  memcmp(want, out, len) == 0;

	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: cdev-speed [--device PATH | --afalg DRIVER] [--seconds S] SIZE...\n"
		"AES-128-CBC, one request at a time, S seconds per size (default 1).\n"
		"Prints \"SIZE OPS SECONDS\" per size.\n"
		"  -d, --device PATH    cryptodev node (default /dev/cryptodev0)\n"
		"  -a, --afalg DRIVER   AF_ALG skcipher instead, e.g. virtio_crypto_aes_cbc\n"
		"  -s, --seconds S      measuring time per size\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "afalg", required_argument, NULL, 'a' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static uint8_t in[MAX_SIZE], out[MAX_SIZE];
	const char *dev = "/dev/cryptodev0", *alg = NULL;
	struct path p = { 0 };
	double secs = 1;
	int c;

	while ((c = getopt_long(argc, argv, "d:a:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'a':
			alg = optarg;
			break;
		case 's':
			secs = atof(optarg);
			if (secs <= 0) {
				fprintf(stderr, "cdev-speed: bad --seconds '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("cdev-speed 1");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (alg ? open_afalg(&p, alg) : open_cryptodev(&p, dev))
		return 1;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 31 + 7);
	for (int a = optind; a < argc; a++) {
		long size = strtol(argv[a], NULL, 10);
		unsigned long ops = 0;
		double start, end;

		if (size < 16 || size > MAX_SIZE || size % 16) {
			fprintf(stderr, "cdev-speed: bad size '%s' (16..%d, multiple of 16)\n",
				argv[a], MAX_SIZE);
			return 2;
		}
		if (run_op(&p, in, out, (size_t)size)) {
			fprintf(stderr, "cdev-speed: %ld B: %s\n", size, strerror(errno));
			return 1;
		}
		if (!matches_openssl(in, out, (size_t)size)) {
			fprintf(stderr, "cdev-speed: %ld B: output differs from OpenSSL\n", size);
			return 1;
		}
		start = now();
		do {
			/* check the clock every 16 requests: cheap, still fine-grained */
			for (int k = 0; k < 16; k++, ops++)
				if (run_op(&p, in, out, (size_t)size)) {
					fprintf(stderr, "cdev-speed: %ld B: %s\n", size,
						strerror(errno));
					return 1;
				}
			end = now();
		} while (end - start < secs);
		printf("%ld %lu %.6f\n", size, ops, end - start);
		fflush(stdout);
	}
	return 0;
}
