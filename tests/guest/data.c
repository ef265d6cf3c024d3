/* Data paths: round trips against OpenSSL and a mixed-size stress. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

enum placement { SEPARATE, IN_PLACE };

/*
 * One encrypt and one decrypt of len bytes with src at src_off and dst at
 * dst_off within their pages, checked against OpenSSL. Returns 0 or a
 * message.
 */
static const char *round_trip(int fd, size_t keylen, size_t len, size_t src_off,
			      size_t dst_off, enum placement where, char *why,
			      size_t whylen)
{
	uint8_t key[32], iv[16], iv2[16];
	uint8_t *pt = malloc(len), *want = malloc(len);
	uint8_t *src = buf_alloc(len, src_off);
	uint8_t *dst = where == IN_PLACE ? src : buf_alloc(len, dst_off);
	const char *msg = NULL;
	uint32_t ses = 0;
	int err;

	if (!pt || !want || !src || !dst) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(key, keylen);
	rng_fill(iv, 16);
	rng_fill(pt, len);
	oracle_aes("CBC", true, key, keylen, iv, pt, want, len);
	err = cdev_session(fd, CRYPTO_AES_CBC, key, (uint32_t)keylen, &ses);
	if (err) {
		snprintf(why, whylen, "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	memcpy(src, pt, len);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, dst, (uint32_t)len, iv2);
	if (err || memcmp(dst, want, len)) {
		snprintf(why, whylen, "encrypt: %s", err ? cdev_errname(err) :
			 "ciphertext differs from OpenSSL's");
		msg = why;
		goto free;
	}
	if (where == SEPARATE && memcmp(src, pt, len)) {
		msg = "encrypt changed its source";
		goto free;
	}
	if (where == SEPARATE)
		memcpy(src, want, len);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_DECRYPT, 0, src, dst, (uint32_t)len, iv2);
	if (err || memcmp(dst, pt, len)) {
		snprintf(why, whylen, "decrypt: %s", err ? cdev_errname(err) :
			 "plaintext differs from the original");
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	if (where == SEPARATE)
		buf_free(dst, dst_off, len);
	buf_free(src, src_off, len);
	free(pt);
	free(want);
	return msg;
}

void test_roundtrip(void)
{
	static const size_t sizes[] = { 16, 32, 48, 64, 496, 512, 4080, 4096,
		4112, 8192, 12304, 65520, 65536, 65552, 131072, 262160,
		1048560, 1048576 };
	static const struct {
		size_t src, dst;
		enum placement where;
		const char *name;
	} placements[] = {
		{ 0, 0, SEPARATE, "page-aligned" },
		{ 1, 7, SEPARATE, "unaligned" },
		{ 4090, 4093, SEPARATE, "page-spanning" },
		{ 0, 0, IN_PLACE, "in-place" },
		{ 4081, 0, IN_PLACE, "in-place unaligned page-spanning" },
	};
	char check[96], why[128];
	int fd = cdev_open();

	if (!report(fd >= 0, "roundtrip open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t p = 0; p < sizeof(placements) / sizeof(placements[0]); p++) {
		unsigned int done = 0, failed = 0;

		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t keylen = 16 + 8 * (s % 3);
			const char *msg = round_trip(fd, keylen, sizes[s], placements[p].src,
						     placements[p].dst, placements[p].where,
						     why, sizeof(why));
			done++;
			if (msg) {
				failed++;
				snprintf(check, sizeof(check), "roundtrip %s %zu B AES-%zu",
					 placements[p].name, sizes[s], keylen * 8);
				report(false, check, "%s", msg);
			}
		}
		/* random sizes and offsets on top of the fixed edges */
		for (int r = 0; r < 12; r++) {
			size_t len = 16 * rng_range(1, 65536 / 16 * (r < 10 ? 1 : 16));
			size_t keylen = 16 + 8 * rng_range(0, 2);
			size_t so = rng_range(0, 4095), dof = rng_range(0, 4095);
			const char *msg = round_trip(fd, keylen, len, so, dof,
						     placements[p].where, why, sizeof(why));
			done++;
			if (msg) {
				failed++;
				snprintf(check, sizeof(check),
					 "roundtrip %s random %zu B AES-%zu src+%zu dst+%zu",
					 placements[p].name, len, keylen * 8, so, dof);
				report(false, check, "%s", msg);
			}
		}
		snprintf(check, sizeof(check), "roundtrip %s", placements[p].name);
		report(failed == 0, check, "%u of %u sizes (16 B..1 MiB) match OpenSSL",
		       done - failed, done);
	}
	close(fd);
}

struct stress_arg {
	int fd;
	unsigned int id, ops, failed;
	char first[160];
};

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	char why[128];

	rng_seed(rng_base_seed + 1000 + a->id);
	for (unsigned int i = 0; i < a->ops; i++) {
		size_t len = 16 * (rng_next() % 4 == 0 ? rng_range(1, 16384) :
						       rng_range(1, 64));
		size_t so = rng_range(0, 4095), dof = rng_range(0, 4095);
		enum placement where = rng_next() % 3 ? SEPARATE : IN_PLACE;
		size_t keylen = 16 + 8 * rng_range(0, 2);
		const char *msg = round_trip(a->fd, keylen, len, so, dof, where,
					     why, sizeof(why));

		if (msg && a->failed++ == 0)
			snprintf(a->first, sizeof(a->first), "op %u, %zu B: %s", i, len, msg);
	}
	return NULL;
}

void test_stress(void)
{
	enum { THREADS = 4, OPS = 150 };
	struct stress_arg args[THREADS];
	pthread_t t[THREADS];
	bool started[THREADS];
	unsigned int failed = 0;
	int fd = cdev_open();

	if (!report(fd >= 0, "stress open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (unsigned int i = 0; i < THREADS; i++) {
		args[i] = (struct stress_arg){ .fd = fd, .id = i, .ops = OPS };
		started[i] = pthread_create(&t[i], NULL, stress_thread, &args[i]) == 0;
		if (!started[i])
			report(false, "stress", "pthread_create failed");
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		failed += args[i].failed;
		if (args[i].failed)
			report(false, "stress thread", "%u: %u failed, first: %s",
			       i, args[i].failed, args[i].first);
	}
	report(failed == 0, "stress", "%d threads x %d mixed-size ops (16 B..256 KiB, "
	       "any placement, one shared fd): %u failed", THREADS, OPS, failed);
	close(fd);
}
