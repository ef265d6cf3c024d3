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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_alg.h>
#include <openssl/evp.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

struct alg {
	int tfm, op;
};

static int alg_open(struct alg *a, const char *driver, const uint8_t *key,
		    size_t keylen)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };

	strcpy((char *)sa.salg_type, "skcipher");
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", driver);
	a->tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (a->tfm < 0 || bind(a->tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(a->tfm, SOL_ALG, ALG_SET_KEY, key, (socklen_t)keylen)) {
		fprintf(stderr, "vcryptod-afalg: %s: %s\n", driver, strerror(errno));
		return -1;
	}
	a->op = accept4(a->tfm, NULL, 0, SOCK_CLOEXEC);
	if (a->op < 0) {
		fprintf(stderr, "vcryptod-afalg: accept: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void alg_close(struct alg *a)
{
	close(a->op);
	close(a->tfm);
}

static int alg_crypt(struct alg *a, int encrypt, const uint8_t *iv,
		     const uint8_t *in, uint8_t *out, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + 16)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)in, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct af_alg_iv *aiv;
	size_t got = 0;

	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_OP;
	cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(cm) = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	cm = CMSG_NXTHDR(&mh, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_IV;
	cm->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + 16);
	aiv = (struct af_alg_iv *)CMSG_DATA(cm);
	aiv->ivlen = 16;
	memcpy(aiv->iv, iv, 16);
	if (sendmsg(a->op, &mh, 0) != (ssize_t)len) {
		fprintf(stderr, "vcryptod-afalg: sendmsg: %s\n", strerror(errno));
		return -1;
	}
	while (got < len) {
		ssize_t n = read(a->op, out + got, len - got);

		if (n <= 0) {
			fprintf(stderr, "vcryptod-afalg: read: %s\n",
				n ? strerror(errno) : "end of file");
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static int openssl_cbc(int encrypt, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	const EVP_CIPHER *c = keylen == 16 ? EVP_aes_128_cbc() :
			      keylen == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, c, NULL, key, iv, encrypt) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &n1, in, (int)len) &&
	     EVP_CipherFinal_ex(ctx, out + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static void fill_random(void *p, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, p, len) != (ssize_t)len) {
		perror("vcryptod-afalg: /dev/urandom");
		exit(1);
	}
	close(fd);
}

static int check(const char *driver)
{
	static const size_t sizes[] = { 16, 32, 64, 256, 1024, 4096, 4112, 16384, 65536 };
	static const size_t keylens[] = { 16, 24, 32 };
	uint8_t key[32], iv[16], *pt = malloc(65536), *ct = malloc(65536),
		*want = malloc(65536), *back = malloc(65536);
	unsigned int k, s, bad = 0, n = 0;

	for (k = 0; k < 3; k++) {
		struct alg a;

		fill_random(key, sizeof(key));
		if (alg_open(&a, driver, key, keylens[k]))
			return 1;
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t len = sizes[s];

			fill_random(iv, 16);
			fill_random(pt, len);
			n++;
			if (alg_crypt(&a, 1, iv, pt, ct, len) ||
			    openssl_cbc(1, key, keylens[k], iv, pt, want, len) ||
			    memcmp(ct, want, len) ||
			    alg_crypt(&a, 0, iv, ct, back, len) || memcmp(back, pt, len)) {
				printf("FAIL AES-%zu-CBC %zu bytes: differs from OpenSSL\n",
				       keylens[k] * 8, len);
				bad++;
			}
		}
		alg_close(&a);
	}
	printf("vcryptod-afalg check %s: %u of %u encrypt+decrypt round trips "
	       "match OpenSSL\n", driver, n - bad, n);
	return bad ? 1 : 0;
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
	struct alg a;
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
	alg_close(&a);
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
