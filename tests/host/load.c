/*
 * vcryptod-load DEVICE N: up to N AES-CBC operations (4 KiB, a fresh session
 * every 50) on a cryptodev node, for fault tests. Every result is checked
 * against OpenSSL: a wrong one exits 1 ("MISMATCH"). Prints "ready" after 100
 * good operations; the first error from the device ends the run with exit 3
 * ("error: ..."); N good operations end it with exit 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cdev.h"
#include "../oracle.h"
#include "../rng.h"

#define LEN 4096

int main(int argc, char **argv)
{
	static uint8_t in[LEN], out[LEN], want[LEN];
	uint8_t key[16], iv[16];
	unsigned long good = 0, limit;
	int fd, err, have_ses = 0, uses = 0;
	uint32_t ses = 0;

	if (argc != 3 || (limit = strtoul(argv[2], NULL, 10)) < 100) {
		fprintf(stderr, "usage: vcryptod-load DEVICE OPERATIONS (>= 100)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng_seed((uint64_t)getpid());
	cdev_path = argv[1];
	fd = cdev_open();
	if (fd < 0) {
		printf("error: %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	while (good < limit) {
		if (!have_ses || uses >= 50) {
			if (have_ses)
				cdev_free(fd, ses);
			rng_fill(key, sizeof(key));
			have_ses = 0;
			err = cdev_session(fd, CRYPTO_AES_CBC, key, sizeof(key), &ses);
			if (err) {
				printf("error: CIOCGSESSION after %lu operations: %s\n",
				       good, strerror(err));
				return 3;
			}
			have_ses = 1;
			uses = 0;
		}
		rng_fill(iv, sizeof(iv));
		rng_fill(in, sizeof(in));
		oracle_aes("CBC", true, key, sizeof(key), iv, in, want, LEN);
		uses++;
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, in, out, LEN, iv);
		if (err) {
			printf("error: CIOCCRYPT after %lu operations: %s\n", good,
			       strerror(err));
			return 3;
		}
		if (memcmp(out, want, LEN)) {
			printf("MISMATCH: a result differs from OpenSSL\n");
			return 1;
		}
		if (++good == 100)
			printf("ready\n");
	}
	printf("no error in %lu operations\n", good);
	return 0;
}
