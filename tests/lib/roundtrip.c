/*
 * Random operations through libvcrypto checked against OpenSSL's EVP
 * interface used directly (the oracle): every mode and key size, lengths from
 * 0 to 1 MiB, unaligned and in-place buffers, scattered pieces, batches,
 * and one session shared by eight threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../oracle.h"
#include "../report.h"
#include "../rng.h"
#include "testlib.h"

#define MAX_LEN (1 << 20)

/* OpenSSL's name of the mode of alg. */
static const char *mode(enum vc_cipher_alg alg)
{
	return alg == VC_AES_CBC ? "CBC" : alg == VC_AES_CTR ? "CTR" : "ECB";
}

static size_t random_len(enum vc_cipher_alg alg, size_t max)
{
	size_t len;

	len = (size_t)rng_next();
	/* Mostly small, sometimes up to max. */
	len %= (len & 1) ? max + 1 : 4097;
	return alg == VC_AES_CTR ? len : len & ~(size_t)15;
}

static void roundtrip(struct vc_engine *e, enum vc_cipher_alg alg,
		      size_t keylen, int rounds, uint8_t *buf, uint8_t *want,
		      uint8_t *got)
{
	uint8_t key[32], iv[16];
	struct vc_cipher *c;

	rng_fill(key, sizeof(key));
	if (!CHECK(vc_cipher_new(e, &c, alg, key, keylen) == 0,
		   "alg %d key %zu: %s", alg, keylen, vc_last_error()))
		return;
	for (int i = 0; i < rounds; i++) {
		size_t len = i == 0 ? MAX_LEN : random_len(alg, MAX_LEN - 64);
		size_t off = (size_t)rng_range(0, 60);	/* unaligned on purpose */
		int enc = (int)rng_range(0, 1), inplace = (int)rng_range(0, 1);
		enum vc_dir dir = enc ? VC_ENCRYPT : VC_DECRYPT;
		uint8_t *in = buf + off, *out = inplace ? in : got + 3;
		int r;

		rng_fill(iv, sizeof(iv));
		rng_fill(in, len);
		oracle_aes(mode(alg), enc, key, keylen, iv, in, want, len);
		r = vc_cipher_crypt(c, dir, iv, in, out, len, NULL);
		if (!CHECK(r == 0 && memcmp(out, want, len) == 0,
			   "alg %d key %zu %s len %zu off %zu %s: %s", alg, keylen,
			   enc ? "enc" : "dec", len, off,
			   inplace ? "in place" : "", r ? vc_last_error() : "wrong data"))
			break;
	}
	vc_cipher_free(c);
}

static void mac_roundtrip(struct vc_engine *e, enum vc_mac_alg alg, int rounds,
			  uint8_t *buf)
{
	const char *digest = alg == VC_HMAC_SHA1 ? "SHA1" : "SHA256";
	uint8_t key[200], want[64], tag[32];
	size_t keylen, len, wantlen = 0;
	struct vc_mac *m;

	for (int i = 0; i < rounds; i++) {
		keylen = (size_t)rng_range(1, sizeof(key));
		rng_fill(key, keylen);
		len = random_len(VC_AES_CTR, 70000);
		rng_fill(buf, len);
		if (!CHECK(vc_mac_new(e, &m, alg, key, keylen) == 0,
			   "mac session: %s", vc_last_error()))
			return;
		struct vc_buf b = { buf, len };
		wantlen = oracle_digest(digest, true, key, keylen, buf, len, want);
		CHECK(wantlen == vc_mac_len(m) &&
		      vc_mac_compute(m, &b, 1, tag) == 0 &&
		      memcmp(tag, want, wantlen) == 0,
		      "HMAC-%s key %zu len %zu", digest, keylen, len);
		vc_mac_free(m);
	}
}

/*
 * Batches of 0 to 100 operations on one session: each its own direction,
 * IV, length, placement and buffers (one also in place), checked one by one
 * against the oracle.
 */
static void batch_roundtrip(struct vc_engine *e, enum vc_cipher_alg alg,
			    int rounds)
{
	enum { MAX_OPS = 100, OP_MAX = 70000 };
	static uint8_t in[MAX_OPS][OP_MAX], out[MAX_OPS][OP_MAX];
	static uint8_t ivs[MAX_OPS][16];
	struct vc_cipher_op ops[MAX_OPS];
	uint8_t key[32];
	struct vc_cipher *c;

	rng_fill(key, sizeof(key));
	if (!CHECK(vc_cipher_new(e, &c, alg, key, 16) == 0, "batch session: %s",
		   vc_last_error()))
		return;
	for (int r = 0; r < rounds; r++) {
		size_t n = r == 0 ? 0 : r == 1 ? MAX_OPS : (size_t)rng_range(1, MAX_OPS);
		int ret, bad = 0;

		for (size_t i = 0; i < n; i++) {
			ops[i] = (struct vc_cipher_op){
				.dir = rng_next() & 1 ? VC_ENCRYPT : VC_DECRYPT,
				.iv = ivs[i], .in = in[i],
				.out = i % 7 == 3 ? in[i] : out[i],
				.len = random_len(alg, OP_MAX - 16), .result = 1,
			};
			rng_fill(ivs[i], 16);
			rng_fill(in[i], ops[i].len);
		}
		/* The oracle first: in place overwrites the input. */
		uint8_t (*wants)[OP_MAX] = malloc(n * sizeof(*wants) + 1);

		if (!CHECK(wants, "out of memory"))
			break;
		for (size_t i = 0; i < n; i++)
			oracle_aes(mode(alg), ops[i].dir == VC_ENCRYPT, key, 16, ivs[i],
				   in[i], wants[i], ops[i].len);
		ret = vc_cipher_batch(c, ops, n);
		for (size_t i = 0; i < n; i++)
			bad += ops[i].result != 0 ||
			       memcmp(ops[i].out, wants[i], ops[i].len) != 0;
		CHECK(ret == 0 && bad == 0, "batch of %zu, alg %d: %d wrong: %s", n, alg,
		      bad, ret ? vc_last_error() : "wrong data");
		free(wants);
	}
	vc_cipher_free(c);
}

/*
 * One stream cut into 0 to 40 pieces (empty ones too, every piece but the
 * last whole blocks), each at its own place in a scattered buffer or in
 * place: the same bytes and next IV as the oracle over the whole stream,
 * and the next IV chains a second call as the oracle's longer stream does.
 */
static void pieces_roundtrip(struct vc_engine *e, enum vc_cipher_alg alg,
			     int rounds)
{
	enum { MAX_PIECES = 40, STREAM = 70000 };
	static uint8_t in[STREAM + 16], want[STREAM + 16], area[2 * STREAM + 2048];
	struct vc_piece p[MAX_PIECES];
	uint8_t key[16], iv[16], next[16], more[16];
	struct vc_cipher *c;

	rng_fill(key, sizeof(key));
	if (!CHECK(vc_cipher_new(e, &c, alg, key, 16) == 0, "pieces session: %s",
		   vc_last_error()))
		return;
	for (int r = 0; r < rounds; r++) {
		size_t n = r == 0 ? 0 : (size_t)rng_range(1, MAX_PIECES);
		size_t len = 0, at = 0, last_len = 16;
		int enc = (int)rng_range(0, 1), inplace = r % 3 == 1, ret;
		enum vc_dir dir = enc ? VC_ENCRYPT : VC_DECRYPT;

		rng_fill(iv, sizeof(iv));
		rng_fill(area, sizeof(area));
		for (size_t i = 0; i < n; i++) {
			size_t l = 16 * (size_t)rng_range(0, 100);

			if (i + 1 == n && alg == VC_AES_CTR)
				l += (size_t)rng_range(0, 15);
			at += (size_t)rng_range(0, 20);	/* gaps, unaligned */
			p[i].in = area + at;
			p[i].out = inplace ? area + at : area + STREAM + 1024 + at;
			p[i].len = l;
			memcpy(in + len, area + at, l);
			len += l;
			at += l;
		}
		oracle_aes(mode(alg), enc, key, 16, iv, in, want, len);
		ret = vc_cipher_crypt_pieces(c, dir, iv, p, n, next);
		int bad = 0;
		for (size_t i = 0, off = 0; i < n; off += p[i].len, i++)
			bad |= memcmp(p[i].out, want + off, p[i].len) != 0;
		if (!CHECK(ret == 0 && !bad, "pieces: alg %d %s %zu pieces, %zu "
			   "bytes%s: %s", alg, enc ? "enc" : "dec", n, len,
			   inplace ? " in place" : "",
			   ret ? vc_last_error() : "wrong data"))
			break;
		/* The next IV goes on where the stream stopped (CTR: a block
		 * boundary, so a partial last block is no chain to test). */
		if (alg == VC_AES_ECB || len % 16)
			continue;
		rng_fill(in + len, last_len);
		oracle_aes(mode(alg), enc, key, 16, iv, in, want, len + last_len);
		CHECK(vc_cipher_crypt(c, dir, next, in + len, more, last_len,
				      NULL) == 0 &&
		      memcmp(more, want + len, last_len) == 0,
		      "pieces: alg %d %s: next IV does not chain", alg,
		      enc ? "enc" : "dec");
	}
	/* A partial block before the last piece is no stream. */
	p[0] = (struct vc_piece){ area, area, 20 };
	p[1] = (struct vc_piece){ area + 32, area + 32, 12 };
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, iv, p, 2, NULL) == -EINVAL,
	      "pieces: alg %d: a partial block first is not -EINVAL", alg);
	vc_cipher_free(c);
}

static void hash_roundtrip(struct vc_engine *e, enum vc_hash_alg alg,
			   const char *digest, int rounds, uint8_t *buf)
{
	uint8_t want[EVP_MAX_MD_SIZE], got[VC_MAX_DIGEST];
	size_t len, wantlen = 0;
	struct vc_hash *h;

	if (!CHECK(vc_hash_new(e, &h, alg) == 0, "hash session: %s",
		   vc_last_error()))
		return;
	for (int i = 0; i < rounds; i++) {
		len = random_len(VC_AES_CTR, 70000);
		rng_fill(buf, len);
		struct vc_buf b[2] = { { buf, len / 3 }, { buf + len / 3, len - len / 3 } };
		wantlen = oracle_digest(digest, false, NULL, 0, buf, len, want);
		CHECK(wantlen == vc_hash_len(h) && vc_hash_compute(h, b, 2, got) == 0 &&
		      memcmp(got, want, wantlen) == 0, "%s len %zu", digest, len);
	}
	vc_hash_free(h);
}

struct worker {
	struct vc_cipher *c;
	const uint8_t *key;
	uint64_t seed;		/* of the thread's own stream */
	int failures;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint8_t iv[16], in[4096], want[4096], got[4096];

	rng_seed(w->seed);
	for (int i = 0; i < 300; i++) {
		size_t len = 16 * (1 + (size_t)i % 256);

		rng_fill(iv, sizeof(iv));
		rng_fill(in, len);
		oracle_aes("CBC", true, w->key, 16, iv, in, want, len);
		if (vc_cipher_crypt(w->c, VC_ENCRYPT, iv, in, got, len, NULL) ||
		    memcmp(got, want, len) != 0)
			w->failures++;
	}
	return NULL;
}

static void threads(struct vc_engine *e)
{
	struct worker w[8];
	pthread_t t[8];
	uint8_t key[16];
	struct vc_cipher *c;
	int failures = 0;

	rng_fill(key, sizeof(key));
	if (!CHECK(vc_cipher_new(e, &c, VC_AES_CBC, key, 16) == 0, "session"))
		return;
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){ .c = c, .key = key, .seed = rng_next() };
		CHECK(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0,
		      "pthread_create");
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	CHECK(failures == 0, "threads: %d of 2400 operations wrong", failures);
	vc_cipher_free(c);
}

int main(int argc, char **argv)
{
	static const size_t keylens[] = { 16, 24, 32 };
	struct test_opts o;
	struct vc_engine *e = test_open(argc, argv, &o);
	uint8_t *buf = malloc(MAX_LEN + 64), *want = malloc(MAX_LEN + 64),
		*got = malloc(MAX_LEN + 64);
	uint64_t seed = rng_fresh_seed();

	printf("seed %llu\n", (unsigned long long)seed);
	rng_seed(seed);
	for (int alg = VC_AES_CBC; alg <= VC_AES_ECB; alg++)
		for (size_t k = 0; k < 3; k++)
			roundtrip(e, alg, keylens[k], 40, buf, want, got);
	mac_roundtrip(e, VC_HMAC_SHA256, 40, buf);
	mac_roundtrip(e, VC_HMAC_SHA1, 10, buf);
	batch_roundtrip(e, VC_AES_CBC, 12);
	batch_roundtrip(e, VC_AES_CTR, 6);
	batch_roundtrip(e, VC_AES_ECB, 4);
	pieces_roundtrip(e, VC_AES_CBC, 30);
	pieces_roundtrip(e, VC_AES_CTR, 30);
	pieces_roundtrip(e, VC_AES_ECB, 10);
	hash_roundtrip(e, VC_SHA1, "SHA1", 10, buf);
	hash_roundtrip(e, VC_SHA256, "SHA256", 20, buf);
	hash_roundtrip(e, VC_SHA512, "SHA512", 10, buf);
	threads(e);
	free(buf);
	free(want);
	free(got);
	vc_engine_close(e);
	return report_finish("roundtrip");
}
