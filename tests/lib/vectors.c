/*
 * Known-answer tests through libvcrypto: NIST SP 800-38A (AES ECB, CBC, CTR
 * with 128/192/256-bit keys, encrypt and decrypt, whole and chained) and
 * RFC 4231 HMAC-SHA256 / RFC 2202 HMAC-SHA1, FIPS 180-4 SHA-1/256/512, and RFC 7748 X25519 (sections
 * 5.2 and 6.1; X25519 runs on OpenSSL whatever the engine).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../report.h"
#include "testlib.h"

static const char *const plaintext =
	"6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";

static const struct {
	const char *name;
	enum vc_cipher_alg alg;
	const char *key, *iv, *ct;
} sp800_38a[] = {
	{ "F.1.1 ECB-AES128", VC_AES_ECB, "2b7e151628aed2a6abf7158809cf4f3c", NULL,
	  "3ad77bb40d7a3660a89ecaf32466ef97" "f5d3d58503b9699de785895a96fdbaaf"
	  "43b1cd7f598ece23881b00e3ed030688" "7b0c785e27e8ad3f8223207104725dd4" },
	{ "F.1.3 ECB-AES192", VC_AES_ECB,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", NULL,
	  "bd334f1d6e45f25ff712a214571fa5cc" "974104846d0ad3ad7734ecb3ecee4eef"
	  "ef7afd2270e2e60adce0ba2face6444e" "9a4b41ba738d6c72fb16691603c18e0e" },
	{ "F.1.5 ECB-AES256", VC_AES_ECB,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", NULL,
	  "f3eed1bdb5d2a03c064b5a7e3db181f8" "591ccb10d410ed26dc5ba74a31362870"
	  "b6ed21b99ca6f4f9f153e7b1beafed1d" "23304b7a39f9f3ff067d8d8f9e24ecc7" },
	{ "F.2.1 CBC-AES128", VC_AES_CBC, "2b7e151628aed2a6abf7158809cf4f3c",
	  "000102030405060708090a0b0c0d0e0f",
	  "7649abac8119b246cee98e9b12e9197d" "5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e22229516" "3ff1caa1681fac09120eca307586e1a7" },
	{ "F.2.3 CBC-AES192", VC_AES_CBC,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "000102030405060708090a0b0c0d0e0f",
	  "4f021db243bc633d7178183a9fa071e8" "b4d9ada9ad7dedf4e5e738763f69145a"
	  "571b242012fb7ae07fa9baac3df102e0" "08b0e27988598881d920a9e64f5615cd" },
	{ "F.2.5 CBC-AES256", VC_AES_CBC,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd6" "9cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461" "b2eb05e2c39be9fcda6c19078c6a9d1b" },
	{ "F.5.1 CTR-AES128", VC_AES_CTR, "2b7e151628aed2a6abf7158809cf4f3c",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
	  "5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee" },
	{ "F.5.3 CTR-AES192", VC_AES_CTR,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "1abc932417521ca24f2b0459fe7e6e0b" "090339ec0aa6faefd5ccc2c6f4ce8e94"
	  "1e36b26bd1ebc670d1bd1d665620abf7" "4f78a7f6d29809585a97daec58c6b050" },
	{ "F.5.5 CTR-AES256", VC_AES_CTR,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "601ec313775789a5b7a7f504bbf3d228" "f443e3ca4d62b59aca84e990cacaf5c5"
	  "2b0930daa23de94ce87017ba2d84988d" "dfc9c58db67aada613c2dd08457941a6" },
};

static const struct {
	const char *name;
	enum vc_mac_alg alg;
	const char *key;	/* hex, or NULL: keylen bytes of keybyte */
	uint8_t keybyte;
	size_t keylen;
	const char *data;	/* text, or NULL: datalen bytes of databyte */
	uint8_t databyte;
	size_t datalen;
	const char *tag;	/* may be truncated (RFC 4231 case 5) */
} hmac_vectors[] = {
	{ "RFC 4231 1", VC_HMAC_SHA256, NULL, 0x0b, 20, "Hi There", 0, 0,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 2", VC_HMAC_SHA256, "4a656665", 0, 0,
	  "what do ya want for nothing?", 0, 0,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 3", VC_HMAC_SHA256, NULL, 0xaa, 20, NULL, 0xdd, 50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 4", VC_HMAC_SHA256,
	  "0102030405060708090a0b0c0d0e0f10111213141516171819", 0, 0,
	  NULL, 0xcd, 50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 5", VC_HMAC_SHA256, NULL, 0x0c, 20, "Test With Truncation",
	  0, 0, "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 6", VC_HMAC_SHA256, NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 7", VC_HMAC_SHA256, NULL, 0xaa, 131,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being "
	  "used by the HMAC algorithm.", 0, 0,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	{ "RFC 2202 1", VC_HMAC_SHA1, NULL, 0x0b, 20, "Hi There", 0, 0,
	  "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ "RFC 2202 2", VC_HMAC_SHA1, "4a656665", 0, 0,
	  "what do ya want for nothing?", 0, 0,
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
};

static void test_cipher(struct vc_engine *e, const struct test_opts *o,
			size_t i)
{
	uint8_t key[32], iv[16] = { 0 }, pt[64], ct[64], out[64], next[16];
	size_t keylen = hex_decode(sp800_38a[i].key, key, sizeof(key));
	const char *name = sp800_38a[i].name;
	struct vc_cipher *c;
	int r;

	hex_decode(plaintext, pt, sizeof(pt));
	hex_decode(sp800_38a[i].ct, ct, sizeof(ct));
	if (sp800_38a[i].iv)
		hex_decode(sp800_38a[i].iv, iv, sizeof(iv));
	r = vc_cipher_new(e, &c, sp800_38a[i].alg, key, keylen);
	if (!CHECK(r == 0, "%s: session: %s", name, vc_last_error()))
		return;
	CHECK(sp800_38a[i].alg != VC_AES_CBC ||
	      on_expected_engine(o, e, vc_cipher_engine(c)),
	      "%s: ran on %s, not the device", name, vc_cipher_engine(c));
	printf("%s: %s\n", name, vc_cipher_engine(c));

	r = vc_cipher_crypt(c, VC_ENCRYPT, iv, pt, out, 64, NULL);
	CHECK(r == 0 && memcmp(out, ct, 64) == 0, "%s: encrypt", name);
	r = vc_cipher_crypt(c, VC_DECRYPT, iv, ct, out, 64, NULL);
	CHECK(r == 0 && memcmp(out, pt, 64) == 0, "%s: decrypt", name);

	/* Two halves chained through next_iv give the same result. */
	r = vc_cipher_crypt(c, VC_ENCRYPT, iv, pt, out, 32, next);
	r |= vc_cipher_crypt(c, VC_ENCRYPT, next, pt + 32, out + 32, 32, NULL);
	CHECK(r == 0 && memcmp(out, ct, 64) == 0, "%s: chained encrypt", name);
	memcpy(out, ct, 64);
	r = vc_cipher_crypt(c, VC_DECRYPT, iv, out, out, 32, next);
	r |= vc_cipher_crypt(c, VC_DECRYPT, next, out + 32, out + 32, 32, NULL);
	CHECK(r == 0 && memcmp(out, pt, 64) == 0,
	      "%s: chained in-place decrypt", name);
	vc_cipher_free(c);
}

static void test_hmac(struct vc_engine *e, size_t i)
{
	uint8_t key[200], data[200], want[32], tag[32];
	const char *name = hmac_vectors[i].name;
	size_t keylen, datalen, taglen;
	struct vc_mac *m;
	struct vc_buf buf;

	if (hmac_vectors[i].key) {
		keylen = hex_decode(hmac_vectors[i].key, key, sizeof(key));
	} else {
		keylen = hmac_vectors[i].keylen;
		memset(key, hmac_vectors[i].keybyte, keylen);
	}
	if (hmac_vectors[i].data) {
		datalen = strlen(hmac_vectors[i].data);
		memcpy(data, hmac_vectors[i].data, datalen);
	} else {
		datalen = hmac_vectors[i].datalen;
		memset(data, hmac_vectors[i].databyte, datalen);
	}
	taglen = hex_decode(hmac_vectors[i].tag, want, sizeof(want));
	if (!CHECK(vc_mac_new(e, &m, hmac_vectors[i].alg, key, keylen) == 0,
		   "%s: session: %s", name, vc_last_error()))
		return;
	printf("%s: %s\n", name, vc_mac_engine(m));
	buf = (struct vc_buf){ data, datalen };
	CHECK(vc_mac_compute(m, &buf, 1, tag) == 0 &&
	      memcmp(tag, want, taglen) == 0, "%s: tag", name);

	/* The same data in three pieces gives the same tag. */
	struct vc_buf parts[3] = {
		{ data, 3 }, { data + 3, 0 }, { data + 3, datalen - 3 },
	};
	memset(tag, 0, sizeof(tag));
	CHECK(vc_mac_compute(m, parts, 3, tag) == 0 &&
	      memcmp(tag, want, taglen) == 0, "%s: tag over pieces", name);
	vc_mac_free(m);
}

/* FIPS 180-4's examples (as in RFC 6234): "abc", the empty message, and
 * the 448-bit one. */
static const struct {
	const char *name;
	enum vc_hash_alg alg;
	const char *msg, *digest;
} hash_vectors[] = {
	{ "FIPS 180-4 SHA-1 abc", VC_SHA1, "abc",
	  "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "FIPS 180-4 SHA-1 448 bits", VC_SHA1,
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ "FIPS 180-4 SHA-256 abc", VC_SHA256, "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "FIPS 180-4 SHA-256 empty", VC_SHA256, "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "FIPS 180-4 SHA-256 448 bits", VC_SHA256,
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "FIPS 180-4 SHA-512 abc", VC_SHA512, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
};

static void test_hash(struct vc_engine *e, size_t i)
{
	const char *name = hash_vectors[i].name, *msg = hash_vectors[i].msg;
	uint8_t want[VC_MAX_DIGEST], got[VC_MAX_DIGEST];
	size_t len = hex_decode(hash_vectors[i].digest, want, sizeof(want));
	struct vc_buf parts[3] = {
		{ msg, strlen(msg) / 2 }, { msg, 0 },
		{ msg + strlen(msg) / 2, strlen(msg) - strlen(msg) / 2 },
	};
	struct vc_buf whole = { msg, strlen(msg) };
	struct vc_hash *h;

	if (!CHECK(vc_hash_new(e, &h, hash_vectors[i].alg) == 0,
		   "%s: session: %s", name, vc_last_error()))
		return;
	printf("%s: %s\n", name, vc_hash_engine(h));
	CHECK(vc_hash_len(h) == len, "%s: length %zu", name, vc_hash_len(h));
	CHECK(vc_hash_compute(h, &whole, 1, got) == 0 && !memcmp(got, want, len),
	      "%s: digest", name);
	memset(got, 0, sizeof(got));
	CHECK(vc_hash_compute(h, parts, 3, got) == 0 && !memcmp(got, want, len),
	      "%s: digest over pieces", name);
	vc_hash_free(h);
}

/* RFC 7748 section 5.2: scalar, u coordinate, result. */
static const char *const x25519_52[][3] = {
	{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
	{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
};

static void test_x25519(void)
{
	static const char *const iter1 =
		"422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079";
	static const char *const iter1000 =
		"684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51";
	uint8_t k[32], u[32], out[32], want[32], a[32], b[32], apub[32],
		bpub[32], s1[32], s2[32];
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(x25519_52) / sizeof(*x25519_52); i++) {
		hex_decode(x25519_52[i][0], k, 32);
		hex_decode(x25519_52[i][1], u, 32);
		hex_decode(x25519_52[i][2], want, 32);
		CHECK(vc_x25519(k, u, out) == 0 && memcmp(out, want, 32) == 0,
		      "RFC 7748 5.2 vector %zu: %s", i + 1, vc_last_error());
	}
	/* The iterated test: k, u = X25519(k, u), k, from k = u = 9. */
	memset(k, 0, 32);
	k[0] = 9;
	memcpy(u, k, 32);
	for (i = 1; i <= 1000 && r == 0; i++) {
		r = vc_x25519(k, u, out);
		memcpy(u, k, 32);
		memcpy(k, out, 32);
		if (i == 1) {
			hex_decode(iter1, want, 32);
			CHECK(r == 0 && memcmp(k, want, 32) == 0,
			      "RFC 7748 5.2 after 1 iteration");
		}
	}
	hex_decode(iter1000, want, 32);
	CHECK(r == 0 && memcmp(k, want, 32) == 0,
	      "RFC 7748 5.2 after 1000 iterations");

	/* Section 6.1: Alice and Bob. */
	hex_decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	hex_decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	CHECK(vc_x25519_public(a, apub) == 0 && vc_x25519_public(b, bpub) == 0,
	      "RFC 7748 6.1 public keys: %s", vc_last_error());
	hex_decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", want, 32);
	CHECK(memcmp(apub, want, 32) == 0, "RFC 7748 6.1 Alice's public key");
	hex_decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", want, 32);
	CHECK(memcmp(bpub, want, 32) == 0, "RFC 7748 6.1 Bob's public key");
	hex_decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want, 32);
	CHECK(vc_x25519(a, bpub, s1) == 0 && vc_x25519(b, apub, s2) == 0 &&
	      memcmp(s1, want, 32) == 0 && memcmp(s2, want, 32) == 0,
	      "RFC 7748 6.1 shared secret");

	/* Points of small order give an all-zero secret: refused. */
	memset(u, 0, 32);
	CHECK(vc_x25519(a, u, out) == -EINVAL, "u = 0 refused");
	u[0] = 1;
	CHECK(vc_x25519(a, u, out) == -EINVAL, "u = 1 refused");
	CHECK(strstr(vc_last_error(), "small order") != NULL,
	      "small-order message: %s", vc_last_error());

	/* Fresh key pairs: distinct, and they agree. */
	CHECK(vc_x25519_keygen(a, apub) == 0 && vc_x25519_keygen(b, bpub) == 0,
	      "keygen: %s", vc_last_error());
	CHECK(memcmp(a, b, 32) != 0 && memcmp(apub, bpub, 32) != 0,
	      "two key pairs differ");
	CHECK(vc_x25519_public(a, out) == 0 && memcmp(out, apub, 32) == 0,
	      "keygen's public key is X25519(priv, 9)");
	CHECK(vc_x25519(a, bpub, s1) == 0 && vc_x25519(b, apub, s2) == 0 &&
	      memcmp(s1, s2, 32) == 0, "fresh pairs agree");
	printf("X25519 (RFC 7748 5.2, 6.1): openssl\n");
}

int main(int argc, char **argv)
{
	struct test_opts o;
	struct vc_engine *e = test_open(argc, argv, &o);

	for (size_t i = 0; i < sizeof(sp800_38a) / sizeof(*sp800_38a); i++)
		test_cipher(e, &o, i);
	for (size_t i = 0; i < sizeof(hmac_vectors) / sizeof(*hmac_vectors); i++)
		test_hmac(e, i);
	for (size_t i = 0; i < sizeof(hash_vectors) / sizeof(*hash_vectors); i++)
		test_hash(e, i);
	test_x25519();
	vc_engine_close(e);
	return report_finish("vectors");
}
