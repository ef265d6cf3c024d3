/*
 * vcryptod-recover DEVICE: one open file and one AES-128-CBC session across
 * a back-end restart, for the restart test with the driver's recover=1.
 * Encrypts and decrypts (both device sessions) and checks every result
 * against OpenSSL. Prints "ready" after 100 good operations, then goes on
 * until the device fails a request; retries on the same file and session
 * while requests time out or the device is being reset (ETIMEDOUT, EAGAIN);
 * once one succeeds, 500 more must succeed. Exit 0 recovered, 1 mismatch
 * or no recovery, 2 usage, 3 another error.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <vcrypto/cryptodev.h>

#define LEN 4096
#define AFTER 500
/* A device that never comes back fails the run instead of hanging it. */
#define MAX_TIMEOUTS 10
#define MAX_RECOVERY_SECONDS 120

static uint8_t key[16];

static void random_bytes(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static int openssl_cbc(int enc, const uint8_t *iv, const uint8_t *in,
		       uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;

	ok = c && EVP_CipherInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_CipherUpdate(c, out, &n1, in, LEN) &&
	     EVP_CipherFinal_ex(c, out + n1, &n2);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/*
 * One operation in direction enc on session ses: 0 and the result equals
 * OpenSSL's, -1 with errno from the device, 1 on a mismatch.
 */
static int one(int fd, uint32_t ses, int enc)
{
	static uint8_t in[LEN], out[LEN], want[LEN];
	struct crypt_op op;
	uint8_t iv[16];

	random_bytes(iv, sizeof(iv));
	random_bytes(in, sizeof(in));
	memset(&op, 0, sizeof(op));
	op.ses = ses;
	op.op = enc ? COP_ENCRYPT : COP_DECRYPT;
	op.len = LEN;
	op.src = in;
	op.dst = out;
	op.iv = iv;
	if (ioctl(fd, CIOCCRYPT, &op))
		return -1;
	if (openssl_cbc(enc, iv, in, want) || memcmp(out, want, LEN))
		return 1;
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long good = 0, timeouts = 0, again = 0;
	struct session_op s;
	double start;
	int fd, r;

	if (argc != 2) {
		fprintf(stderr, "usage: vcryptod-recover DEVICE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srand((unsigned int)getpid());
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("error: %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	random_bytes(key, sizeof(key));
	memset(&s, 0, sizeof(s));
	s.cipher = CRYPTO_AES_CBC;
	s.keylen = 16;
	s.key = key;
	if (ioctl(fd, CIOCGSESSION, &s)) {
		printf("error: CIOCGSESSION: %s\n", strerror(errno));
		return 3;
	}
	while ((r = one(fd, s.ses, good & 1)) == 0)
		if (++good == 100)
			printf("ready\n");
	if (r > 0)
		goto mismatch;
	printf("failed after %lu operations: %s\n", good, strerror(errno));

	start = now();
	while ((r = one(fd, s.ses, good & 1)) < 0) {
		if (errno == ETIMEDOUT)
			timeouts++;
		else if (errno == EAGAIN)
			again++;
		else
			break;
		if (timeouts > MAX_TIMEOUTS ||
		    now() - start > MAX_RECOVERY_SECONDS) {
			printf("no recovery: %lu timeouts, %lu EAGAIN\n",
			       timeouts, again);
			return 1;
		}
		if (errno == EAGAIN)
			sched_yield();
	}
	if (r < 0) {
		printf("error: CIOCCRYPT while recovering: %s\n",
		       strerror(errno));
		return 3;
	}
	if (r > 0)
		goto mismatch;
	printf("recovered on the same file and session (%lu more timeouts, %lu EAGAIN)\n",
	       timeouts, again);
	for (good = 1; good < AFTER; good++) {
		r = one(fd, s.ses, good & 1);
		if (r > 0)
			goto mismatch;
		if (r < 0) {
			printf("error: CIOCCRYPT after recovery, %lu operations: %s\n",
			       good, strerror(errno));
			return 3;
		}
	}
	printf("same file: %d operations after recovery = OpenSSL\n", AFTER);
	return 0;

mismatch:
	printf("MISMATCH: a result differs from OpenSSL\n");
	return 1;
}
