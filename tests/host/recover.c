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
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cdev.h"
#include "../oracle.h"
#include "../rng.h"

#define LEN 4096
#define AFTER 500
/* A device that never comes back fails the run instead of hanging it. */
#define MAX_TIMEOUTS 10
#define MAX_RECOVERY_SECONDS 120

static uint8_t key[16];

/*
 * One operation in direction enc on session ses: 0 and the result equals
 * OpenSSL's, -1 with errno from the device, 1 on a mismatch.
 */
static int one(int fd, uint32_t ses, int enc)
{
	static uint8_t in[LEN], out[LEN], want[LEN];
	uint8_t iv[16];
	int err;

	rng_fill(iv, sizeof(iv));
	rng_fill(in, sizeof(in));
	oracle_aes("CBC", enc, key, sizeof(key), iv, in, want, LEN);
	err = cdev_crypt(fd, ses, enc ? COP_ENCRYPT : COP_DECRYPT, 0, in, out,
			 LEN, iv);
	if (err) {
		errno = err;
		return -1;
	}
	return memcmp(out, want, LEN) ? 1 : 0;
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
	uint32_t ses;
	double start;
	int fd, r, err;

	if (argc != 2) {
		fprintf(stderr, "usage: vcryptod-recover DEVICE\n");
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
	rng_fill(key, sizeof(key));
	err = cdev_session(fd, CRYPTO_AES_CBC, key, sizeof(key), &ses);
	if (err) {
		printf("error: CIOCGSESSION: %s\n", strerror(err));
		return 3;
	}
	while ((r = one(fd, ses, good & 1)) == 0)
		if (++good == 100)
			printf("ready\n");
	if (r > 0)
		goto mismatch;
	printf("failed after %lu operations: %s\n", good, strerror(errno));

	start = now();
	while ((r = one(fd, ses, good & 1)) < 0) {
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
		r = one(fd, ses, good & 1);
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
