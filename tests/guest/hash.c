/*
 * Digests and HMACs on /dev/cryptodevN (done by the guest kernel's crypto
 * API): published vectors (FIPS 180-4 / RFC 6234, RFC 1321, RFC 2202,
 * RFC 4231), then OpenSSL (EVP_Digest, HMAC) as the oracle for random
 * messages, multi-part operations, RESET, CIOCCPHASH and threads.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define PAGE 4096
#define MAX_DIGEST 64

struct alg {
	uint32_t mac;
	const char *name;	/* the kernel's cra_name */
	bool hmac;
	size_t len;
	const char *md;		/* OpenSSL's name */
};

static const struct alg algs[] = {
	{ CRYPTO_MD5, "md5", false, 16, "MD5" },
	{ CRYPTO_SHA1, "sha1", false, 20, "SHA1" },
	{ CRYPTO_RIPEMD160, "rmd160", false, 20, "RIPEMD160" },
	{ CRYPTO_SHA2_224, "sha224", false, 28, "SHA224" },
	{ CRYPTO_SHA2_256, "sha256", false, 32, "SHA256" },
	{ CRYPTO_SHA2_384, "sha384", false, 48, "SHA384" },
	{ CRYPTO_SHA2_512, "sha512", false, 64, "SHA512" },
	{ CRYPTO_MD5_HMAC, "hmac(md5)", true, 16, "MD5" },
	{ CRYPTO_SHA1_HMAC, "hmac(sha1)", true, 20, "SHA1" },
	{ CRYPTO_RIPEMD160_HMAC, "hmac(rmd160)", true, 20, "RIPEMD160" },
	{ CRYPTO_SHA2_224_HMAC, "hmac(sha224)", true, 28, "SHA224" },
	{ CRYPTO_SHA2_256_HMAC, "hmac(sha256)", true, 32, "SHA256" },
	{ CRYPTO_SHA2_384_HMAC, "hmac(sha384)", true, 48, "SHA384" },
	{ CRYPTO_SHA2_512_HMAC, "hmac(sha512)", true, 64, "SHA512" },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

static const struct alg *alg_of(uint32_t mac)
{
	for (size_t i = 0; i < NALGS; i++)
		if (algs[i].mac == mac)
			return &algs[i];
	abort();
}

/* The digest or HMAC of data by OpenSSL, of the length a says. */
static void oracle_hash(const struct alg *a, const uint8_t *key, size_t keylen,
			const uint8_t *data, size_t len, uint8_t *out)
{
	if (oracle_digest(a->md, a->hmac, key, keylen, data, len, out) != a->len) {
		fprintf(stderr, "OpenSSL %s: not %zu bytes\n", a->name, a->len);
		abort();
	}
}

/* Whether /proc/crypto lists an algorithm of that cra_name. */
static bool kernel_has(const char *name)
{
	FILE *f = fopen("/proc/crypto", "r");
	char line[256], want[128];
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), "name         : %s\n", name);
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(line, want);
	fclose(f);
	return found;
}

/*
 * A session of a (reported only when it fails), or false after reporting
 * why not. A kernel without the
 * algorithm answers EINVAL (as cryptodev-linux); that is reported as passing
 * only when /proc/crypto confirms the kernel lacks it.
 */
static bool open_alg(int fd, const struct alg *a, const uint8_t *key,
		     size_t keylen, uint32_t *ses, const char *check)
{
	int err = cdev_hash_session(fd, a->mac, key, (uint32_t)keylen, ses);

	if (err == EINVAL && !kernel_has(a->name)) {
		report(true, check, "%s: EINVAL, and /proc/crypto has no %s",
		       a->name, a->name);
		return false;
	}
	if (err)
		report(false, check, "%s session: %s", a->name, cdev_errname(err));
	return err == 0;
}

/* cdev_open(), reporting a failure as group's. */
static int open_dev(const char *group)
{
	int fd = cdev_open();

	if (fd < 0)
		report(false, group, "open %s: %s", cdev_path, cdev_errname(errno));
	return fd;
}

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* One-shot digest of data on a new session, compared to expect (hex). */
static void known_one(int fd, uint32_t mac, const char *keyhex,
		      const uint8_t *data, size_t len, const char *expect,
		      const char *check)
{
	const struct alg *a = alg_of(mac);
	uint8_t key[200], want[MAX_DIGEST], got[MAX_DIGEST];
	size_t keylen = keyhex ? hex_decode(keyhex, key, sizeof(key)) : 0;
	char hex[2 * MAX_DIGEST + 1];
	uint32_t ses;
	int err;

	if (!open_alg(fd, a, key, keylen, &ses, check))
		return;
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, 0, data, (uint32_t)len, got);
	hex_of(got, a->len, hex);
	report(err == 0 && hex_decode(expect, want, sizeof(want)) == a->len &&
	       !memcmp(got, want, a->len), check, "%s: %s, %s", a->name,
	       cdev_errname(err), hex);
	cdev_free(fd, ses);
}

/* The million 'a's of FIPS 180-4, in 10000-byte UPDATEs and a FINAL. */
static void million_a(int fd, uint32_t mac, const char *expect)
{
	const struct alg *a = alg_of(mac);
	uint8_t chunk[10000], want[MAX_DIGEST], got[MAX_DIGEST];
	char check[64], hex[2 * MAX_DIGEST + 1];
	uint32_t ses;
	int err = 0;

	snprintf(check, sizeof(check), "hash-vectors %s million a", a->name);
	if (!open_alg(fd, a, NULL, 0, &ses, check))
		return;
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 100 && !err; i++)
		err = cdev_hash(fd, ses, COP_FLAG_UPDATE, chunk, sizeof(chunk), NULL);
	memset(got, 0, sizeof(got));
	if (!err)
		err = cdev_hash(fd, ses, COP_FLAG_FINAL, NULL, 0, got);
	hex_of(got, a->len, hex);
	hex_decode(expect, want, sizeof(want));
	report(err == 0 && !memcmp(got, want, a->len), check, "%s, %s",
	       cdev_errname(err), hex);
	cdev_free(fd, ses);
}

static const char *const abc = "abc";
static const char *const m448 =
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

/* FIPS 180-4 examples (as in RFC 6234), RFC 1321, RIPEMD-160's paper. */
static const struct {
	uint32_t mac;
	const char *abc, *m448, *million;
} digests[] = {
	{ CRYPTO_MD5, "900150983cd24fb0d6963f7d28e17f72", NULL, NULL },
	{ CRYPTO_RIPEMD160, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc", NULL, NULL },
	{ CRYPTO_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	  "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
	{ CRYPTO_SHA2_224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
	  "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525",
	  "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67" },
	{ CRYPTO_SHA2_256,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	{ CRYPTO_SHA2_384,
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	  "8086072ba1e7cc2358baeca134c825a7",
	  "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
	  "b0455a8520bc4e6f5fe95b1fe3c8452b",
	  "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
	  "07b8b3dc38ecc4ebae97ddd87f3d8985" },
	{ CRYPTO_SHA2_512,
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
	  "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
	  "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	  "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
};

void test_hash_vectors(void)
{
	int fd = cdev_open();
	char check[64];

	if (!report(fd >= 0, "hash-vectors open", "%s", cdev_errname(fd < 0 ? errno : 0)))
		return;
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		snprintf(check, sizeof(check), "hash-vectors %s \"abc\"",
			 alg_of(digests[i].mac)->name);
		known_one(fd, digests[i].mac, NULL, (const uint8_t *)abc, 3,
			  digests[i].abc, check);
		if (!digests[i].m448)
			continue;
		snprintf(check, sizeof(check), "hash-vectors %s 448-bit message",
			 alg_of(digests[i].mac)->name);
		known_one(fd, digests[i].mac, NULL, (const uint8_t *)m448,
			  strlen(m448), digests[i].m448, check);
		million_a(fd, digests[i].mac, digests[i].million);
	}
	close(fd);
}

/*
 * RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-2) test cases. The key is keyhex,
 * or keylen bytes of keybyte (RFC 2202's MD5 keys are shorter: md5_keylen);
 * the data is text, or datalen bytes of databyte.
 */
struct hmac_case {
	const char *name;
	const char *keyhex;
	uint8_t keybyte;
	size_t keylen, md5_keylen;
	const char *text;
	uint8_t databyte;
	size_t datalen;
};

static const char *const big_key_text =
	"Test Using Larger Than Block-Size Key - Hash Key First";
static const char *const key25 = "0102030405060708090a0b0c0d0e0f10111213141516171819";

static const struct hmac_case rfc2202[] = {
	{ "1", NULL, 0x0b, 20, 16, "Hi There", 0, 0 },
	{ "2", "4a656665", 0, 0, 0, "what do ya want for nothing?", 0, 0 },
	{ "3", NULL, 0xaa, 20, 16, NULL, 0xdd, 50 },
	{ "4", key25, 0, 0, 0, NULL, 0xcd, 50 },
	{ "5", NULL, 0x0c, 20, 16, "Test With Truncation", 0, 0 },
	{ "6", NULL, 0xaa, 80, 80, big_key_text, 0, 0 },
	{ "7", NULL, 0xaa, 80, 80, "Test Using Larger Than Block-Size Key and "
	  "Larger Than One Block-Size Data", 0, 0 },
};

static const char *const rfc2202_md5[] = {
	"9294727a3638bb1c13f48ef8158bfc9d", "750c783e6ab0b503eaa86e310a5db738",
	"56be34521d144c88dbb8c733f0e8b3f6", "697eaf0aca3a3aea3a75164746ffaa79",
	"56461ef2342edc00f9bab995690efd4c", "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
	"6f630fad67cda0ee1fb1f562db3aa53e",
};

static const char *const rfc2202_sha1[] = {
	"b617318655057264e28bc0b6fb378c8ef146be00",
	"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
	"125d7342b9ac11cd91a39af48aa17b4f63f175d3",
	"4c9007f4026250c6bc8414f9bf50c86c2d7235da",
	"4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
	"aa4ae5e15272d00e95705637ce8a3b55ed402112",
	"e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
};

/* Test case 5 is truncated to 128 bits: left out. */
static const struct hmac_case rfc4231[] = {
	{ "1", NULL, 0x0b, 20, 0, "Hi There", 0, 0 },
	{ "2", "4a656665", 0, 0, 0, "what do ya want for nothing?", 0, 0 },
	{ "3", NULL, 0xaa, 20, 0, NULL, 0xdd, 50 },
	{ "4", key25, 0, 0, 0, NULL, 0xcd, 50 },
	{ "6", NULL, 0xaa, 131, 0, big_key_text, 0, 0 },
	{ "7", NULL, 0xaa, 131, 0, "This is a test using a larger than block-size "
	  "key and a larger than block-size data. The key needs to be hashed "
	  "before being used by the HMAC algorithm.", 0, 0 },
};

static const char *const rfc4231_out[][4] = {
	{ "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ "7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	  "2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ "6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	  "6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	  "a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

static void hmac_case(int fd, uint32_t mac, const char *rfc,
		      const struct hmac_case *c, const char *expect)
{
	char check[80], keyhex[2 * 200 + 1];
	size_t keylen = mac == CRYPTO_MD5_HMAC ? c->md5_keylen : c->keylen;
	uint8_t key[200], data[200];
	size_t len;

	if (!c->keyhex) {
		memset(key, c->keybyte, keylen);
		hex_of(key, keylen, keyhex);
	}
	if (c->text) {
		len = strlen(c->text);
		memcpy(data, c->text, len);
	} else {
		len = c->datalen;
		memset(data, c->databyte, len);
	}
	snprintf(check, sizeof(check), "hmac-vectors %s case %s %s", rfc, c->name,
		 alg_of(mac)->name);
	known_one(fd, mac, c->keyhex ? c->keyhex : keyhex, data, len, expect, check);
}

void test_hmac_vectors(void)
{
	static const uint32_t sha2[4] = { CRYPTO_SHA2_224_HMAC, CRYPTO_SHA2_256_HMAC,
					  CRYPTO_SHA2_384_HMAC, CRYPTO_SHA2_512_HMAC };
	int fd = open_dev("hmac-vectors");

	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof(rfc2202) / sizeof(rfc2202[0]); i++) {
		hmac_case(fd, CRYPTO_MD5_HMAC, "RFC 2202", &rfc2202[i],
			  rfc2202_md5[i]);
		hmac_case(fd, CRYPTO_SHA1_HMAC, "RFC 2202", &rfc2202[i],
			  rfc2202_sha1[i]);
	}
	for (size_t i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++)
		for (int h = 0; h < 4; h++)
			hmac_case(fd, sha2[h], "RFC 4231", &rfc4231[i],
				  rfc4231_out[i][h]);
	close(fd);
}

/* A random key for a (none for a plain hash), 0..512 bytes. */
static size_t random_key(const struct alg *a, uint8_t *key)
{
	size_t n = a->hmac ? rng_range(0, CRYPTO_HMAC_MAX_KEY_LEN) : 0;

	rng_fill(key, n);
	return n;
}

/* One-shot digest of len random bytes at offset off against OpenSSL. */
static bool random_one(int fd, const struct alg *a, size_t len, size_t off)
{
	uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN], want[MAX_DIGEST], got[MAX_DIGEST];
	size_t keylen = random_key(a, key);
	uint8_t *buf = buf_alloc(len, off);
	char check[64];
	uint32_t ses;
	int err;
	bool ok;

	snprintf(check, sizeof(check), "hash-random %s", a->name);
	if (!buf)
		return report(false, check, "mmap failed");
	if (!open_alg(fd, a, key, keylen, &ses, check)) {
		buf_free(buf, off, len);
		return false;
	}
	rng_fill(buf, len);
	oracle_hash(a, key, keylen, buf, len, want);
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, 0, buf, (uint32_t)len, got);
	ok = err == 0 && !memcmp(got, want, a->len);
	if (!ok)
		report(false, check, "len %zu at offset %zu, key %zu B: %s, %s",
		       len, off, keylen, cdev_errname(err), err ? "" : "digest differs");
	cdev_free(fd, ses);
	buf_free(buf, off, len);
	return ok;
}

void test_hash_random(void)
{
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 111, 112, 127,
				       128, 129, 4095, 4096, 4097, 65535, 65537 };
	int fd = open_dev("hash-random");

	if (fd < 0)
		return;
	for (size_t i = 0; i < NALGS; i++) {
		const struct alg *a = &algs[i];
		unsigned int n = 0, ok = 0;
		uint32_t ses;

		if (!open_alg(fd, a, NULL, 0, &ses, "hash-random available"))
			continue;
		cdev_free(fd, ses);
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++, n++)
			ok += random_one(fd, a, lens[l], rng_range(0, PAGE - 1));
		for (int r = 0; r < 4; r++, n++)
			ok += random_one(fd, a, rng_range(0, 1 << 20),
					 rng_range(0, PAGE - 1));
		ok += random_one(fd, a, 1 << 20, rng_range(1, PAGE - 1));
		n++;
		report(ok == n, "hash-random", "%s: %u/%u messages of 0..1 MiB, "
		       "unaligned, equal to OpenSSL", a->name, ok, n);
	}
	close(fd);
}

/* UPDATE msg[0, cut) then FINAL msg[cut, len): the one-shot digest. */
static int split_digest(int fd, uint32_t ses, const uint8_t *msg, size_t len,
			size_t cut, uint8_t *out)
{
	int err = cdev_hash(fd, ses, COP_FLAG_UPDATE, msg, (uint32_t)cut, NULL);

	return err ? err : cdev_hash(fd, ses, COP_FLAG_FINAL, msg + cut,
				     (uint32_t)(len - cut), out);
}

static void multipart_alg(int fd, uint32_t mac)
{
	const struct alg *a = alg_of(mac);
	size_t len = 3 * PAGE + 100, off = 17, bad = 0, tried = 0;
	uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN], want[MAX_DIGEST], got[MAX_DIGEST];
	uint8_t *msg = buf_alloc(len, off);
	size_t keylen = random_key(a, key), first = 0;
	char check[64];
	uint32_t ses;
	int err = 0;

	snprintf(check, sizeof(check), "hash-multipart %s", a->name);
	if (!msg || !open_alg(fd, a, key, keylen, &ses, check)) {
		buf_free(msg, off, len);
		return;
	}
	rng_fill(msg, len);
	/* Every cut of a 400-byte message, and cuts around each page edge. */
	oracle_hash(a, key, keylen, msg, 400, want);
	for (size_t cut = 1; cut < 400; cut++, tried++) {
		err = split_digest(fd, ses, msg, 400, cut, got);
		if (err || memcmp(got, want, a->len)) {
			if (!bad++)
				first = cut;
		}
	}
	oracle_hash(a, key, keylen, msg, len, want);
	for (size_t page = PAGE - off; page < len; page += PAGE) {
		for (size_t cut = page - 2; cut <= page + 2; cut++, tried++) {
			err = split_digest(fd, ses, msg, len, cut, got);
			if (err || memcmp(got, want, a->len)) {
				if (!bad++)
					first = cut;
			}
		}
	}
	report(bad == 0, check, "%zu splits (UPDATE, FINAL) equal to OpenSSL's "
	       "one-shot digest; %zu differ (first at %zu, %s)", tried, bad,
	       first, cdev_errname(err));

	/* Many small UPDATEs across the page edges, then an empty FINAL. */
	err = 0;
	for (size_t at = 0; at < len && !err; at += 333)
		err = cdev_hash(fd, ses, COP_FLAG_UPDATE, msg + at,
				(uint32_t)(len - at < 333 ? len - at : 333), NULL);
	memset(got, 0, sizeof(got));
	if (!err)
		err = cdev_hash(fd, ses, COP_FLAG_FINAL, NULL, 0, got);
	report(!err && !memcmp(got, want, a->len), check,
	       "333-byte UPDATEs, empty FINAL: %s", cdev_errname(err));

	/* cryptodev-linux: an UPDATE of no data finalizes, too. */
	cdev_hash(fd, ses, COP_FLAG_UPDATE, msg, 400, NULL);
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, COP_FLAG_UPDATE, NULL, 0, got);
	oracle_hash(a, key, keylen, msg, 400, want);
	report(!err && !memcmp(got, want, a->len), check,
	       "an UPDATE of 0 bytes writes the digest: %s", cdev_errname(err));
	cdev_free(fd, ses);
	buf_free(msg, off, len);
}

void test_hash_multipart(void)
{
	int fd = open_dev("hash-multipart");

	if (fd < 0)
		return;
	multipart_alg(fd, CRYPTO_SHA1);
	multipart_alg(fd, CRYPTO_SHA2_256);
	multipart_alg(fd, CRYPTO_SHA2_512);
	multipart_alg(fd, CRYPTO_SHA2_256_HMAC);
	multipart_alg(fd, CRYPTO_MD5_HMAC);
	close(fd);
}

static void reset_alg(int fd, uint32_t mac)
{
	const struct alg *a = alg_of(mac);
	uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN], msg[300], junk[77];
	uint8_t want[MAX_DIGEST], got[MAX_DIGEST];
	size_t keylen = random_key(a, key);
	char check[64];
	uint32_t ses;
	int err;

	snprintf(check, sizeof(check), "hash-reset %s", a->name);
	if (!open_alg(fd, a, key, keylen, &ses, check))
		return;
	rng_fill(msg, sizeof(msg));
	rng_fill(junk, sizeof(junk));
	oracle_hash(a, key, keylen, msg, sizeof(msg), want);

	cdev_hash(fd, ses, COP_FLAG_UPDATE, junk, sizeof(junk), NULL);
	err = cdev_hash(fd, ses, COP_FLAG_RESET | COP_FLAG_UPDATE, msg, 100, NULL);
	if (!err)
		err = cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 100, 200, got);
	report(!err && !memcmp(got, want, a->len), check,
	       "RESET|UPDATE drops what came before: %s", cdev_errname(err));

	cdev_hash(fd, ses, COP_FLAG_UPDATE, junk, sizeof(junk), NULL);
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, COP_FLAG_RESET, msg, sizeof(msg), got);
	report(!err && !memcmp(got, want, a->len), check,
	       "RESET alone: a one-shot digest: %s", cdev_errname(err));

	cdev_hash(fd, ses, COP_FLAG_UPDATE, junk, sizeof(junk), NULL);
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, 0, msg, sizeof(msg), got);
	report(!err && !memcmp(got, want, a->len), check,
	       "no flag after an UPDATE: one-shot: %s", cdev_errname(err));

	/* After a FINAL the next message starts afresh (cryptodev-linux #34). */
	cdev_hash(fd, ses, COP_FLAG_UPDATE, junk, sizeof(junk), NULL);
	cdev_hash(fd, ses, COP_FLAG_FINAL, junk, 5, got);
	err = cdev_hash(fd, ses, COP_FLAG_UPDATE, msg, 150, NULL);
	memset(got, 0, sizeof(got));
	if (!err)
		err = cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 150, 150, got);
	report(!err && !memcmp(got, want, a->len), check,
	       "a FINAL starts the next message afresh: %s", cdev_errname(err));
	cdev_free(fd, ses);
}

void test_hash_reset(void)
{
	int fd = open_dev("hash-reset");

	if (fd < 0)
		return;
	reset_alg(fd, CRYPTO_SHA2_256);
	reset_alg(fd, CRYPTO_SHA1_HMAC);
	reset_alg(fd, CRYPTO_SHA2_384_HMAC);
	close(fd);
}

static int cphash(int fd, uint32_t dst, uint32_t src)
{
	struct cphash_op op = { .dst_ses = dst, .src_ses = src };

	return ioctl(fd, CIOCCPHASH, &op) == 0 ? 0 : errno;
}

static void cphash_alg(int fd, uint32_t mac)
{
	const struct alg *a = alg_of(mac);
	uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN], msg[2][5000], junk[33];
	uint8_t want[2][MAX_DIGEST], got[2][MAX_DIGEST];
	size_t keylen = random_key(a, key), cut = rng_range(1, 4999);
	uint32_t orig, copy;
	char check[64];
	int err, e0, e1;

	snprintf(check, sizeof(check), "cphash %s", a->name);
	if (!open_alg(fd, a, key, keylen, &orig, check))
		return;
	if (!open_alg(fd, a, key, keylen, &copy, check)) {
		cdev_free(fd, orig);
		return;
	}
	rng_fill(msg, sizeof(msg));
	rng_fill(junk, sizeof(junk));
	/* Both messages share the prefix msg[0][0, cut). */
	memcpy(msg[1], msg[0], cut);
	oracle_hash(a, key, keylen, msg[0], sizeof(msg[0]), want[0]);
	oracle_hash(a, key, keylen, msg[1], sizeof(msg[1]), want[1]);

	/* copy holds a state of its own, which the copy must replace */
	cdev_hash(fd, copy, COP_FLAG_UPDATE, junk, sizeof(junk), NULL);
	err = cdev_hash(fd, orig, COP_FLAG_UPDATE, msg[0], (uint32_t)cut, NULL);
	if (!err)
		err = cphash(fd, copy, orig);
	if (!report(err == 0, check, "UPDATE of %zu bytes, CIOCCPHASH: %s", cut,
		    cdev_errname(err)))
		goto out;
	memset(got, 0, sizeof(got));
	e1 = cdev_hash(fd, copy, COP_FLAG_FINAL, msg[1] + cut,
		       (uint32_t)(sizeof(msg[1]) - cut), got[1]);
	e0 = cdev_hash(fd, orig, COP_FLAG_FINAL, msg[0] + cut,
		       (uint32_t)(sizeof(msg[0]) - cut), got[0]);
	report(!e1 && !memcmp(got[1], want[1], a->len), check,
	       "the copy continues with its own suffix: %s", cdev_errname(e1));
	report(!e0 && !memcmp(got[0], want[0], a->len), check,
	       "the original continues unchanged: %s", cdev_errname(e0));
out:
	cdev_free(fd, copy);
	cdev_free(fd, orig);
}

void test_cphash(void)
{
	int fd = open_dev("cphash");

	if (fd < 0)
		return;
	for (size_t i = 0; i < NALGS; i++)
		cphash_alg(fd, algs[i].mac);
	close(fd);
}

static void want_err(int err, int expected, const char *what)
{
	report(err == expected, "hash-errors", "%s: %s (want %s)", what,
	       cdev_errname(err), cdev_errname(expected));
}

/* CIOCGSESSION's errno; a session made is freed again. */
static int session_op(int fd, uint32_t cipher, uint32_t mac, const void *key,
		      uint32_t keylen, const void *mackey, uint32_t mackeylen)
{
	uint32_t ses;
	int err = cdev_session_op(fd, cipher, key, keylen, mac, mackey,
				  mackeylen, &ses);

	if (!err)
		cdev_free(fd, ses);
	return err;
}

/* A failed operation must leave the state as it was: FINAL still agrees. */
static void errors_keep_state(int fd, uint32_t ses, const uint8_t *msg)
{
	uint8_t want[MAX_DIGEST], got[MAX_DIGEST];
	uint8_t *gap = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	struct crypt_op c = { .ses = ses, .op = 2, .len = 10,
			      .src = (uint8_t *)msg, .mac = got };

	oracle_hash(alg_of(CRYPTO_SHA2_256), NULL, 0, msg, 200, want);
	want_err(cdev_hash(fd, ses, COP_FLAG_UPDATE, msg, 100, NULL), 0,
		 "UPDATE of the first 100 bytes");
	want_err(cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 100, 100, NULL), EFAULT,
		 "FINAL with mac NULL");
	want_err(cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 100, 100,
			   (void *)0xffff800000000000ULL), EFAULT,
		 "FINAL with mac at a kernel address");
	if (gap != MAP_FAILED) {
		want_err(cdev_hash(fd, ses, COP_FLAG_UPDATE, gap + PAGE, 64, NULL),
			 EFAULT, "UPDATE from PROT_NONE memory");
		mprotect(gap, PAGE, PROT_READ);
		want_err(cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 100, 100, gap),
			 EFAULT, "FINAL with mac in a read-only page");
		want_err(cdev_hash(fd, ses, COP_FLAG_UPDATE, gap + PAGE - 8, 64,
				   NULL), EFAULT, "UPDATE running into PROT_NONE");
	}
	want_err(cdev_hash(fd, ses, COP_FLAG_UPDATE, (void *)0xffff800000000000ULL,
			   64, NULL), EFAULT, "UPDATE from a kernel address");
	want_err(cdev_hash(fd, ses, COP_FLAG_UPDATE, msg, (64U << 20) + 1, NULL),
		 EINVAL, "UPDATE of 64 MiB + 1");
	want_err(ioctl(fd, CIOCCRYPT, &c) ? errno : 0, EINVAL, "op 2");
	memset(got, 0, sizeof(got));
	want_err(cdev_hash(fd, ses, COP_FLAG_FINAL, msg + 100, 100, got), 0,
		 "FINAL again, with a mac");
	report(!memcmp(got, want, 32), "hash-errors",
	       "the failed operations left the state alone: digest %s",
	       memcmp(got, want, 32) ? "differs" : "equals OpenSSL's");
	if (gap != MAP_FAILED)
		munmap(gap, 3 * PAGE);
}

void test_hash_errors(void)
{
	static const uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN + 1];
	uint32_t sha1, sha256, sha256b, hmac, aes;
	uint8_t msg[PAGE], out[MAX_DIGEST];
	int fd = open_dev("hash-errors");

	if (fd < 0)
		return;
	rng_fill(msg, sizeof(msg));
	want_err(session_op(fd, 0, CRYPTO_MD5_KPDK, NULL, 0, NULL, 0), EINVAL,
		 "mac MD5_KPDK (9), not a hash cryptodev-linux has");
	want_err(session_op(fd, 0, 999, NULL, 0, NULL, 0), EINVAL, "mac 999");
	want_err(session_op(fd, 0, CRYPTO_AES_CBC, NULL, 0, NULL, 0), EINVAL,
		 "mac AES_CBC");
	want_err(session_op(fd, 0, CRYPTO_SHA2_256_HMAC, NULL, 0, key,
			    CRYPTO_HMAC_MAX_KEY_LEN + 1), EINVAL, "mackeylen 513");
	want_err(session_op(fd, 0, CRYPTO_SHA2_256_HMAC, NULL, 0, key, 0xffffffffU),
		 EINVAL, "mackeylen 0xffffffff");
	want_err(session_op(fd, 0, CRYPTO_SHA2_256, NULL, 0, key, 513), EINVAL,
		 "mackeylen 513 on a plain hash");
	want_err(session_op(fd, 0, CRYPTO_SHA2_256_HMAC, NULL, 0, key,
			    CRYPTO_HMAC_MAX_KEY_LEN), 0, "mackeylen 512");
	want_err(session_op(fd, 0, CRYPTO_SHA1_HMAC, NULL, 0, NULL, 20), EFAULT,
		 "mackey NULL, mackeylen 20");
	want_err(session_op(fd, 0, CRYPTO_SHA1_HMAC, NULL, 0,
			    (void *)0xffff800000000000ULL, 20), EFAULT,
		 "mackey at a kernel address");
	want_err(session_op(fd, 0, CRYPTO_SHA1_HMAC, NULL, 0, NULL, 0), 0,
		 "HMAC with an empty key");

	if (cdev_hash_session(fd, CRYPTO_SHA1, NULL, 0, &sha1) ||
	    cdev_hash_session(fd, CRYPTO_SHA2_256, NULL, 0, &sha256) ||
	    cdev_hash_session(fd, CRYPTO_SHA2_256, NULL, 0, &sha256b) ||
	    cdev_hash_session(fd, CRYPTO_SHA2_256_HMAC, key, 32, &hmac) ||
	    cdev_session(fd, CRYPTO_AES_CBC, key, 16, &aes)) {
		report(false, "hash-errors", "sessions: %s", strerror(errno));
		close(fd);
		return;
	}
	want_err(cdev_hash(fd, sha1, 0, msg, 64, NULL), EFAULT, "one-shot, mac NULL");
	want_err(cdev_hash(fd, sha1, 0, msg, 64, (void *)8), EFAULT,
		 "one-shot, mac 0x8");
	want_err(cdev_hash(fd, sha1, COP_FLAG_UPDATE, msg, 64, NULL), 0,
		 "UPDATE, mac NULL (nothing written)");
	want_err(cdev_hash(fd, sha1, COP_FLAG_AEAD_TLS_TYPE, msg, 64, out), EINVAL,
		 "COP_FLAG_AEAD_TLS_TYPE on CIOCCRYPT");
	errors_keep_state(fd, sha256, msg);

	want_err(cphash(fd, sha256, sha1), EINVAL, "CIOCCPHASH sha1 -> sha256");
	want_err(cphash(fd, sha256, hmac), EINVAL, "CIOCCPHASH hmac(sha256) -> sha256");
	want_err(cphash(fd, aes, sha256), EINVAL, "CIOCCPHASH sha256 -> a cipher");
	want_err(cphash(fd, sha256, aes), EINVAL, "CIOCCPHASH a cipher -> sha256");
	want_err(cphash(fd, sha256, 0), ENOENT, "CIOCCPHASH from an unknown id");
	want_err(cphash(fd, 0, sha256), ENOENT, "CIOCCPHASH to an unknown id");
	want_err(cphash(fd, sha256, sha256), EDEADLK,
		 "CIOCCPHASH onto itself (cryptodev-linux: EDEADLK)");
	want_err(cphash(fd, sha256b, sha256), 0, "CIOCCPHASH sha256 -> sha256");
	want_err(ioctl(fd, CIOCCPHASH, (void *)8) ? errno : 0, EFAULT,
		 "CIOCCPHASH argument at 0x8");
	cdev_free(fd, aes);
	cdev_free(fd, hmac);
	cdev_free(fd, sha256b);
	cdev_free(fd, sha256);
	cdev_free(fd, sha1);
	close(fd);
}

/* The driver named for cra_name in /proc/crypto (its first, any type). */
static bool proc_driver_of(const char *name, const char *driver)
{
	FILE *f = fopen("/proc/crypto", "r");
	char line[256], cur[256] = "", want[160];
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), "driver       : %s\n", driver);
	while (!found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "name         : ", 15))
			snprintf(cur, sizeof(cur), "%s", line + 15);
		else if (!strcmp(line, want))
			found = !strncmp(cur, name, strlen(name)) &&
				cur[strlen(name)] == '\n';
	}
	fclose(f);
	return found;
}

void test_hash_sessinfo(void)
{
	int fd = open_dev("hash-sessinfo");

	if (fd < 0)
		return;
	for (size_t i = 0; i < NALGS; i++) {
		const struct alg *a = &algs[i];
		struct session_info_op si;
		uint32_t ses;
		int err;

		if (!open_alg(fd, a, (const uint8_t *)"k", 1, &ses, "hash-sessinfo"))
			continue;
		memset(&si, 0xa5, sizeof(si));
		si.ses = ses;
		err = ioctl(fd, CIOCGSESSINFO, &si) ? errno : 0;
		report(!err && !strcmp(si.hash_info.cra_name, a->name) &&
		       proc_driver_of(a->name, si.hash_info.cra_driver_name) &&
		       si.cipher_info.cra_name[0] == 0 &&
		       !(si.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY), "hash-sessinfo",
		       "%s: %s, hash %.64s by %.64s (in /proc/crypto: %s), flags %#x "
		       "(software: no KERNEL_DRIVER_ONLY)", a->name, cdev_errname(err),
		       si.hash_info.cra_name, si.hash_info.cra_driver_name,
		       proc_driver_of(a->name, si.hash_info.cra_driver_name) ?
		       "yes" : "no", si.flags);
		cdev_free(fd, ses);
	}
	close(fd);
}

struct hash_thread {
	int fd;
	uint32_t ses;
	uint64_t seed;
	unsigned int bad, done;
};

/* One-shot digests on a session shared with other threads. */
static void *hash_thread_run(void *arg)
{
	struct hash_thread *t = arg;
	uint8_t msg[3000], want[MAX_DIGEST], got[MAX_DIGEST];

	rng_seed(t->seed);
	for (int i = 0; i < 150; i++) {
		size_t len = rng_range(0, sizeof(msg));

		rng_fill(msg, len);
		oracle_hash(alg_of(CRYPTO_SHA2_256_HMAC), (const uint8_t *)"shared", 6,
			    msg, len, want);
		if (cdev_hash(t->fd, t->ses, 0, msg, (uint32_t)len, got) ||
		    memcmp(got, want, 32))
			t->bad++;
		t->done++;
	}
	return NULL;
}

void test_hash_threads(void)
{
	struct hash_thread t[6];
	bool started[6];
	pthread_t id[6];
	unsigned int bad = 0, done = 0;
	uint32_t ses;
	int fd = open_dev("hash-threads"), err;

	if (fd < 0)
		return;
	err = cdev_hash_session(fd, CRYPTO_SHA2_256_HMAC, "shared", 6, &ses);
	if (!report(err == 0, "hash-threads session", "%s", cdev_errname(err))) {
		close(fd);
		return;
	}
	for (int i = 0; i < 6; i++) {
		t[i] = (struct hash_thread){ .fd = fd, .ses = ses,
					     .seed = rng_next() };
		started[i] = !pthread_create(&id[i], NULL, hash_thread_run, &t[i]);
		if (!started[i])
			report(false, "hash-threads", "pthread_create failed");
	}
	for (int i = 0; i < 6; i++) {
		if (started[i])
			pthread_join(id[i], NULL);
		bad += t[i].bad;
		done += t[i].done;
	}
	report(bad == 0 && done == 900, "hash-threads",
	       "6 threads, one HMAC session: %u one-shot digests, %u wrong", done, bad);
	cdev_free(fd, ses);
	close(fd);
}

/*
 * A child hashing 16 MiB at a time on a session it shares with its parent
 * is killed: the parent's next digest on that session is right (the
 * session's lock was let go, nothing of the child's operation remains).
 */
void test_hash_kill(void)
{
	const size_t len = 16 << 20;
	uint8_t want[MAX_DIGEST], got[MAX_DIGEST], msg[1000], byte = 0;
	uint8_t *big = buf_alloc(len, 0);
	int fd = open_dev("hash-kill"), p[2], status = 0, err;
	uint32_t ses;
	pid_t pid;

	if (fd < 0 || !big || pipe(p)) {
		report(false, "hash-kill", "setup failed");
		goto out;
	}
	err = cdev_hash_session(fd, CRYPTO_SHA2_512, NULL, 0, &ses);
	if (!report(err == 0, "hash-kill", "session: %s", cdev_errname(err)))
		goto out_pipe;
	memset(big, 0x3c, len);
	pid = fork();
	if (pid == 0) {
		if (write(p[1], &byte, 1) != 1)
			_exit(1);
		for (;;)
			cdev_hash(fd, ses, 0, big, (uint32_t)len, got);
	}
	if (pid < 0 || read(p[0], &byte, 1) != 1) {
		report(false, "hash-kill", "fork or handshake failed");
		goto out_ses;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	report(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "hash-kill",
	       "the child hashing 16 MiB at a time was killed");
	rng_fill(msg, sizeof(msg));
	oracle_hash(alg_of(CRYPTO_SHA2_512), NULL, 0, msg, sizeof(msg), want);
	memset(got, 0, sizeof(got));
	err = cdev_hash(fd, ses, 0, msg, sizeof(msg), got);
	report(!err && !memcmp(got, want, 64), "hash-kill",
	       "the parent's digest on the shared session afterwards: %s, %s",
	       cdev_errname(err), memcmp(got, want, 64) ? "differs" : "equals OpenSSL's");
out_ses:
	cdev_free(fd, ses);
out_pipe:
	close(p[0]);
	close(p[1]);
out:
	buf_free(big, 0, len);
	if (fd >= 0)
		close(fd);
}
