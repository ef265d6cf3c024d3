/*
 * vcryptod-load DEVICE N: up to N AES-CBC operations (4 KiB, a fresh session
 * every 50) on a cryptodev node, for fault tests. Every result is checked
 * against OpenSSL: a wrong one exits 1 ("MISMATCH"). Prints "ready" after 100
 * good operations; the first error from the device ends the run with exit 3
 * ("error: ..."); N good operations end it with exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <vcrypto/cryptodev.h>

#define LEN 4096

static void random_bytes(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static int expected(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
		    uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;

	ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_EncryptUpdate(c, out, &n1, in, LEN) &&
	     EVP_EncryptFinal_ex(c, out + n1, &n2);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static uint8_t in[LEN], out[LEN], want[LEN];
	uint8_t key[16], iv[16];
	unsigned long good = 0, limit;
	int fd, have_ses = 0, uses = 0;
	struct session_op s;

	if (argc != 3 || (limit = strtoul(argv[2], NULL, 10)) < 100) {
		fprintf(stderr, "usage: vcryptod-load DEVICE OPERATIONS (>= 100)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srand((unsigned int)getpid());
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("error: %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	while (good < limit) {
		struct crypt_op op;

		if (!have_ses || uses >= 50) {
			if (have_ses)
				ioctl(fd, CIOCFSESSION, &s.ses);
			random_bytes(key, sizeof(key));
			memset(&s, 0, sizeof(s));
			s.cipher = CRYPTO_AES_CBC;
			s.keylen = 16;
			s.key = key;
			have_ses = 0;
			if (ioctl(fd, CIOCGSESSION, &s)) {
				printf("error: CIOCGSESSION after %lu operations: %s\n",
				       good, strerror(errno));
				return 3;
			}
			have_ses = 1;
			uses = 0;
		}
		random_bytes(iv, sizeof(iv));
		random_bytes(in, sizeof(in));
		memset(&op, 0, sizeof(op));
		op.ses = s.ses;
		op.op = COP_ENCRYPT;
		op.len = LEN;
		op.src = in;
		op.dst = out;
		op.iv = iv;
		uses++;
		if (ioctl(fd, CIOCCRYPT, &op)) {
			printf("error: CIOCCRYPT after %lu operations: %s\n", good,
			       strerror(errno));
			return 3;
		}
		if (expected(key, iv, in, want) || memcmp(out, want, LEN)) {
			printf("MISMATCH: a result differs from OpenSSL\n");
			return 1;
		}
		if (++good == 100)
			printf("ready\n");
	}
	printf("no error in %lu operations\n", good);
	return 0;
}
