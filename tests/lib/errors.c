/*
 * Every error path of the libvcrypto API: each bad call returns the
 * documented negative errno and leaves a message, and nothing aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../report.h"
#include "testlib.h"

static void engine_specs(void)
{
	struct vc_engine *e = NULL;
	int r;

	r = vc_engine_open(&e, "rot13", 0);
	CHECK(r == -EINVAL && strstr(vc_last_error(), "rot13"),
	      "unknown spec: %d %s", r, vc_last_error());
	r = vc_engine_open(&e, "cryptodev:", 0);
	CHECK(r == -EINVAL, "empty cryptodev path: %d", r);
	r = vc_engine_open(&e, "cryptodev:/nonexistent/crypto", 0);
	CHECK(r == -ENOENT && strstr(vc_last_error(), "/nonexistent/crypto"),
	      "missing node: %d %s", r, vc_last_error());
	r = vc_engine_open(&e, "cryptodev:/dev/null", 0);
	CHECK(r < 0, "a node that is not cryptodev must fail: %d", r);

	/* Asked-for engines never fall back silently. */
	if (access("/dev/crypto", F_OK) != 0) {
		r = vc_engine_open(&e, "cryptodev", 0);
		CHECK(r == -ENOENT, "cryptodev without /dev/crypto: %d", r);
	}
	if (access("/dev/crypto", F_OK) != 0 &&
	    access("/dev/cryptodev0", F_OK) != 0) {
		r = vc_engine_open(&e, "auto", 0);
		CHECK(r == 0 && strncmp(vc_engine_describe(e), "openssl", 7) == 0,
		      "auto without devices is openssl: %d", r);
		if (r == 0)
			vc_engine_close(e);
	}
	vc_engine_close(NULL);
}

static void cipher_args(struct vc_engine *e)
{
	static const size_t bad_keys[] = { 0, 1, 15, 17, 31, 33, 64 };
	uint8_t key[64] = { 1 }, iv[16] = { 2 }, buf[64] = { 0 };
	struct vc_cipher *c;
	int r;

	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(*bad_keys); i++) {
		r = vc_cipher_new(e, &c, VC_AES_CBC, key, bad_keys[i]);
		CHECK(r == -EINVAL, "CBC key length %zu: %d", bad_keys[i], r);
	}
	CHECK(vc_cipher_new(e, &c, VC_AES_CBC, NULL, 16) == -EINVAL, "NULL key");
	CHECK(vc_cipher_new(e, &c, (enum vc_cipher_alg)7, key, 16) == -EINVAL,
	      "unknown cipher");
	CHECK(vc_cipher_new(e, &c, (enum vc_cipher_alg)-1, key, 16) == -EINVAL,
	      "negative cipher");

	if (!CHECK(vc_cipher_new(e, &c, VC_AES_CBC, key, 16) == 0, "CBC"))
		return;
	CHECK(vc_cipher_crypt(c, VC_ENCRYPT, iv, buf, buf, 15, NULL) == -EINVAL,
	      "CBC length 15");
	CHECK(vc_cipher_crypt(c, VC_ENCRYPT, iv, buf, buf, 17, NULL) == -EINVAL,
	      "CBC length 17");
	CHECK(vc_cipher_crypt(c, VC_ENCRYPT, NULL, buf, buf, 16, NULL) == -EINVAL,
	      "CBC without IV");
	CHECK(vc_cipher_crypt(c, (enum vc_dir)5, iv, buf, buf, 16, NULL) == -EINVAL,
	      "bad direction");
	CHECK(vc_cipher_crypt(c, VC_ENCRYPT, iv, NULL, buf, 16, NULL) == -EINVAL,
	      "NULL input");
	CHECK(vc_cipher_crypt(c, VC_ENCRYPT, iv, buf, buf, 0, NULL) == 0,
	      "empty input is a no-op");
	CHECK(vc_cipher_crypt(NULL, VC_ENCRYPT, iv, buf, buf, 16, NULL) == -EINVAL,
	      "NULL session");
	vc_cipher_free(c);
	vc_cipher_free(NULL);

	if (!CHECK(vc_cipher_new(e, &c, VC_AES_ECB, key, 32) == 0, "ECB"))
		return;
	CHECK(vc_cipher_crypt(c, VC_DECRYPT, NULL, buf, buf, 24, NULL) == -EINVAL,
	      "ECB length 24");
	CHECK(vc_cipher_crypt(c, VC_DECRYPT, NULL, buf, buf, 32, NULL) == 0,
	      "ECB needs no IV");
	vc_cipher_free(c);
}

static void mac_args(struct vc_engine *e)
{
	uint8_t key[600] = { 3 }, tag[32];
	struct vc_buf b = { NULL, 5 };
	struct vc_mac *m;

	CHECK(vc_mac_new(e, &m, VC_HMAC_SHA256, key, 0) == -EINVAL, "empty key");
	CHECK(vc_mac_new(e, &m, VC_HMAC_SHA256, key, 513) == -EINVAL,
	      "513-byte key");
	CHECK(vc_mac_new(e, &m, VC_HMAC_SHA256, NULL, 16) == -EINVAL, "NULL key");
	CHECK(vc_mac_new(e, &m, (enum vc_mac_alg)9, key, 16) == -EINVAL,
	      "unknown MAC");
	if (!CHECK(vc_mac_new(e, &m, VC_HMAC_SHA256, key, 512) == 0,
		   "512-byte key: %s", vc_last_error()))
		return;
	CHECK(vc_mac_len(m) == 32, "tag length");
	CHECK(vc_mac_compute(m, &b, 1, tag) == -EINVAL, "NULL buffer");
	CHECK(vc_mac_compute(m, NULL, 1, tag) == -EINVAL, "NULL buffer list");
	CHECK(vc_mac_compute(m, NULL, 0, NULL) == -EINVAL, "NULL tag");
	vc_mac_free(m);
	vc_mac_free(NULL);
}

static void batch_args(struct vc_engine *e)
{
	uint8_t key[16] = { 5 }, iv[16] = { 0 }, buf[64] = { 0 };
	struct vc_cipher_op ops[2] = {
		{ VC_ENCRYPT, iv, buf, buf, 32, 1 }, { VC_ENCRYPT, iv, buf, buf, 17, 1 },
	};
	struct vc_cipher *c;

	if (!CHECK(vc_cipher_new(e, &c, VC_AES_CBC, key, 16) == 0, "batch session"))
		return;
	CHECK(vc_cipher_batch(c, ops, 2) == -EINVAL && ops[0].result == 1,
	      "batch with a 17-byte CBC operation: refused, nothing run");
	ops[1].len = 16;
	ops[1].iv = NULL;
	CHECK(vc_cipher_batch(c, ops, 2) == -EINVAL, "batch: CBC without an IV");
	ops[1].iv = iv;
	ops[1].dir = (enum vc_dir)5;
	CHECK(vc_cipher_batch(c, ops, 2) == -EINVAL, "batch: unknown direction");
	CHECK(vc_cipher_batch(c, NULL, 1) == -EINVAL, "batch: NULL operations");
	CHECK(vc_cipher_batch(NULL, ops, 0) == -EINVAL, "batch: NULL session");
	CHECK(vc_cipher_batch(c, NULL, 0) == 0, "an empty batch");
	ops[1].dir = VC_DECRYPT;
	CHECK(vc_cipher_batch(c, ops, 2) == 0 && !ops[0].result && !ops[1].result,
	      "a good batch: %s", vc_last_error());
	vc_cipher_free(c);
}

static void pieces_args(struct vc_engine *e)
{
	uint8_t key[16] = { 5 }, iv[16] = { 1 }, buf[64] = { 0 };
	struct vc_piece p[2] = { { buf, buf, 16 }, { buf + 16, NULL, 16 } };
	struct vc_cipher *c;

	if (!CHECK(vc_cipher_new(e, &c, VC_AES_CBC, key, 16) == 0, "pieces session"))
		return;
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, iv, p, 2, NULL) == -EINVAL,
	      "pieces: a NULL output");
	p[1].out = buf + 16;
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, NULL, p, 2, NULL) == -EINVAL,
	      "pieces: CBC without an IV");
	CHECK(vc_cipher_crypt_pieces(c, (enum vc_dir)5, iv, p, 2, NULL) == -EINVAL,
	      "pieces: unknown direction");
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, iv, NULL, 1, NULL) == -EINVAL,
	      "pieces: NULL pieces");
	CHECK(vc_cipher_crypt_pieces(NULL, VC_ENCRYPT, iv, p, 2, NULL) == -EINVAL,
	      "pieces: NULL session");
	p[1].len = 8;
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, iv, p, 2, NULL) == -EINVAL,
	      "pieces: CBC over 24 bytes");
	CHECK(vc_cipher_crypt_pieces(c, VC_ENCRYPT, iv, NULL, 0, NULL) == 0,
	      "no pieces");
	vc_cipher_free(c);
}

static void hash_args(struct vc_engine *e)
{
	uint8_t digest[VC_MAX_DIGEST];
	struct vc_buf b = { NULL, 5 };
	struct vc_hash *h;

	CHECK(vc_hash_new(e, &h, (enum vc_hash_alg)7) == -EINVAL, "unknown digest");
	if (!CHECK(vc_hash_new(e, &h, VC_SHA512) == 0, "SHA-512 session: %s",
		   vc_last_error()))
		return;
	CHECK(vc_hash_len(h) == 64, "SHA-512 digest length");
	CHECK(vc_hash_compute(h, &b, 1, digest) == -EINVAL, "hash: NULL buffer");
	CHECK(vc_hash_compute(h, NULL, 1, digest) == -EINVAL,
	      "hash: NULL buffer list");
	CHECK(vc_hash_compute(h, NULL, 0, NULL) == -EINVAL, "hash: NULL digest");
	CHECK(vc_hash_compute(NULL, NULL, 0, digest) == -EINVAL, "hash: NULL session");
	vc_hash_free(h);
	vc_hash_free(NULL);
}

static void helpers(void)
{
	uint8_t a[64] = { 0 }, b[64] = { 0 };

	CHECK(vc_memneq(a, b, sizeof(a)) == 0, "equal");
	for (size_t i = 0; i < sizeof(a); i += 9) {
		b[i] = 0x80;
		CHECK(vc_memneq(a, b, sizeof(a)) != 0, "differ at %zu", i);
		b[i] = 0;
	}
	CHECK(vc_random(a, sizeof(a)) == 0 && vc_random(b, sizeof(b)) == 0 &&
	      vc_memneq(a, b, sizeof(a)) != 0, "random");
	vc_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) == 0, "wipe");
}

int main(int argc, char **argv)
{
	struct test_opts o;
	struct vc_engine *e = test_open(argc, argv, &o);

	engine_specs();
	cipher_args(e);
	mac_args(e);
	hash_args(e);
	batch_args(e);
	pieces_args(e);
	helpers();
	vc_engine_close(e);
	return report_finish("errors");
}
