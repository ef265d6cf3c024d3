/*
 * CIOCAUTHCRYPT's TLS and SRTP forms on cipher and MAC sessions, checked
 * against OpenSSL's cipher and HMAC and RFC 3711's AES-CM keystream:
 * random records both ways, forgeries (EBADMSG, the buffer untouched), the
 * IV chained between records, and every refusal's errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define TLS_MAX (64 * 1024)

static const struct suite {
	const char *name;
	uint32_t cipher, mac;	/* mac 0 with a CRYPTO_TLS1x_* cipher */
	const char *evp, *md;
	size_t keylen, block, mackeylen;	/* mackeylen: the digest's too */
} tls_suites[] = {
	{ "AES-128-CBC+HMAC-SHA1", CRYPTO_AES_CBC, CRYPTO_SHA1_HMAC,
	  "AES-128-CBC", "SHA1", 16, 16, 20 },
	{ "AES-256-CBC+HMAC-SHA256", CRYPTO_AES_CBC, CRYPTO_SHA2_256_HMAC,
	  "AES-256-CBC", "SHA256", 32, 16, 32 },
	{ "3DES-CBC+HMAC-SHA1", CRYPTO_3DES_CBC, CRYPTO_SHA1_HMAC,
	  "DES-EDE3-CBC", "SHA1", 24, 8, 20 },
	{ "AES-128-CTR+HMAC-SHA384", CRYPTO_AES_CTR, CRYPTO_SHA2_384_HMAC,
	  "AES-128-CTR", "SHA384", 16, 1, 48 },
	{ "TLS11_AES_CBC_HMAC_SHA1", CRYPTO_TLS11_AES_CBC_HMAC_SHA1, 0,
	  "AES-128-CBC", "SHA1", 16, 16, 20 },
	{ "TLS12_AES_CBC_HMAC_SHA256", CRYPTO_TLS12_AES_CBC_HMAC_SHA256, 0,
	  "AES-256-CBC", "SHA256", 32, 16, 32 },
}, srtp_suites[] = {
	{ "AES-128-CTR+HMAC-SHA1", CRYPTO_AES_CTR, CRYPTO_SHA1_HMAC,
	  "AES-128-CTR", "SHA1", 16, 1, 20 },
	{ "AES-256-CTR+HMAC-SHA256", CRYPTO_AES_CTR, CRYPTO_SHA2_256_HMAC,
	  "AES-256-CTR", "SHA256", 32, 1, 32 },
};
#define NTLS (sizeof(tls_suites) / sizeof(tls_suites[0]))
#define NSRTP (sizeof(srtp_suites) / sizeof(srtp_suites[0]))

struct keys {
	uint8_t key[32], mackey[64], iv[16];
};

static void cipher_oracle(const struct suite *c, const struct keys *k,
			  const uint8_t *in, uint8_t *out, size_t len)
{
	oracle_cipher(c->evp, true, k->key, k->iv, in, out, len);
}

/* OpenSSL's HMAC of a || b; returns its length. */
static unsigned int mac_oracle(const struct suite *c, const struct keys *k,
			       const uint8_t *a, size_t alen, const uint8_t *b,
			       size_t blen, uint8_t *mac)
{
	uint8_t *both = malloc(alen + blen + 1);
	unsigned int n;

	if (!both)
		abort();
	memcpy(both, a, alen);
	memcpy(both + alen, b, blen);
	n = oracle_digest(c->md, true, k->mackey, c->mackeylen, both, alen + blen,
			  mac);
	free(both);
	return n;
}

static int open_suite(int fd, const struct suite *c, const struct keys *k,
		      uint32_t *ses)
{
	return cdev_session_op(fd, c->cipher, k->key, (uint32_t)c->keylen, c->mac,
			       k->mackey, (uint32_t)c->mackeylen, ses);
}

static struct crypt_auth_op tls_op(uint32_t ses, uint16_t dir, const void *aad,
				   uint32_t alen, void *buf, uint32_t len,
				   uint32_t tag, void *iv)
{
	struct crypt_auth_op op = {
		.ses = ses, .op = dir, .flags = COP_FLAG_AEAD_TLS_TYPE,
		.len = len, .auth_len = alen, .auth_src = (void *)aad,
		.src = buf, .dst = buf, .tag_len = tag, .iv = iv, .iv_len = 16,
	};
	return op;
}

/*
 * OpenSSL's TLS record of pt: HMAC(aad || pt) cut to tag bytes, the pad
 * (each byte its length less one), all encrypted. Returns its length.
 */
static size_t tls_oracle(const struct suite *c, const struct keys *k,
			 const uint8_t *aad, size_t alen, const uint8_t *pt,
			 size_t len, size_t tag, uint8_t *out)
{
	uint8_t *rec = malloc(len + 64 + 16), mac[64];
	size_t n = len;

	if (!rec)
		abort();
	memcpy(rec, pt, len);
	mac_oracle(c, k, aad, alen, pt, len, mac);
	memcpy(rec + n, mac, tag);
	n += tag;
	if (c->block > 1) {
		size_t pad = c->block - n % c->block;

		memset(rec + n, (int)(pad - 1), pad);
		n += pad;
	}
	cipher_oracle(c, k, rec, out, n);
	free(rec);
	return n;
}

/* One record both ways in place at offset so; NULL on success, else why. */
static const char *tls_trip(int fd, const struct suite *c, size_t len,
			    size_t alen, size_t tag, size_t so)
{
	static char why[128];
	size_t room = len + 64 + 16;
	uint8_t *pt = malloc(len + 1), *want = malloc(room);
	uint8_t *buf = buf_alloc(room, so), aad[64], iv[16];
	const char *msg = NULL;
	struct crypt_auth_op op;
	struct keys k;
	size_t n;
	uint32_t ses;
	int err;

	if (!pt || !want || !buf) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(&k, sizeof(k));
	rng_fill(pt, len);
	rng_fill(aad, sizeof(aad));
	err = open_suite(fd, c, &k, &ses);
	if (err) {
		snprintf(why, sizeof(why), "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	n = tls_oracle(c, &k, aad, alen, pt, len, tag ? tag : c->mackeylen, want);
	memcpy(buf, pt, len);
	memcpy(iv, k.iv, sizeof(iv));
	op = tls_op(ses, COP_ENCRYPT, aad, (uint32_t)alen, buf, (uint32_t)len,
		    (uint32_t)tag, iv);
	err = cdev_authcrypt(fd, &op);
	if (err || op.len != n || memcmp(buf, want, n)) {
		snprintf(why, sizeof(why), "encrypt %zu B: %s", len, err ? cdev_errname(err) :
			 op.len != n ? "wrong length" : "record differs");
		msg = why;
		goto free;
	}
	memcpy(iv, k.iv, sizeof(iv));
	op = tls_op(ses, COP_DECRYPT, aad, (uint32_t)alen, buf, (uint32_t)n,
		    (uint32_t)tag, iv);
	err = cdev_authcrypt(fd, &op);
	if (err || op.len != len || memcmp(buf, pt, len)) {
		snprintf(why, sizeof(why), "decrypt %zu B: %s", len, err ? cdev_errname(err) :
			 op.len != len ? "wrong length" : "plaintext differs");
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	buf_free(buf, so, room);
	free(pt);
	free(want);
	return msg;
}

void test_tls_random(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 255, 1000, 4096, 16384,
					16384 + 1024, TLS_MAX - 64 };
	int fd = cdev_open();

	if (!report(fd >= 0, "tls-random", "open %s", cdev_path))
		return;
	for (size_t s = 0; s < NTLS; s++) {
		const struct suite *c = &tls_suites[s];
		const char *why = NULL;
		unsigned int trips = 0;

		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !why; i++)
			for (int r = 0; r < 3 && !why; r++, trips++) {
				/* TLS's 13-byte header, none, or any AAD. */
				size_t alen = r == 0 ? 13 : r == 1 ? 0 : rng_range(1, 64);
				size_t tag = r == 2 ? rng_range(1, c->mackeylen) : 0;
				size_t so = r == 2 ? rng_range(1, 4095) : 0;

				why = tls_trip(fd, c, sizes[i], alen, tag, so);
			}
		report(!why, "tls-random", "%s: %u records 0 B..%d KiB vs OpenSSL%s%s",
		       c->name, trips, TLS_MAX / 1024, why ? ": " : "", why ? why : "");
	}
	close(fd);
}

/* Checks that one tampered record gives EBADMSG and leaves buf as it was. */
static void tls_tampered(int fd, uint32_t ses, const char *what, const uint8_t *aad,
			 size_t alen, uint8_t *buf, size_t n, const struct keys *k)
{
	uint8_t *before = malloc(n), iv[16];
	struct crypt_auth_op op;
	int err;

	if (!before)
		abort();
	memcpy(before, buf, n);
	memcpy(iv, k->iv, sizeof(iv));
	op = tls_op(ses, COP_DECRYPT, aad, (uint32_t)alen, buf, (uint32_t)n, 0, iv);
	err = cdev_authcrypt(fd, &op);
	report(err == EBADMSG && !memcmp(before, buf, n), "tls-forged",
	       "%s: %s, buffer %s", what, cdev_errname(err),
	       memcmp(before, buf, n) ? "CHANGED" : "untouched");
	free(before);
}

void test_tls_forged(void)
{
	const struct suite *c = &tls_suites[1];
	uint8_t pt[100], aad[13], rec[200], mac[64], work[200];
	int fd = cdev_open();
	struct keys k;
	uint32_t ses;
	size_t n;

	if (!report(fd >= 0, "tls-forged", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	rng_fill(pt, sizeof(pt));
	rng_fill(aad, sizeof(aad));
	if (!report(open_suite(fd, c, &k, &ses) == 0, "tls-forged", "session"))
		goto out;
	n = tls_oracle(c, &k, aad, sizeof(aad), pt, sizeof(pt), 32, rec);

	for (int i = 0; i < 24; i++) {
		size_t at = rng_range(0, n - 1);
		char what[64];

		memcpy(work, rec, n);
		work[at] ^= (uint8_t)(1u << rng_range(0, 7));
		snprintf(what, sizeof(what), "bit flipped at byte %zu of %zu", at, n);
		tls_tampered(fd, ses, what, aad, sizeof(aad), work, n, &k);
	}
	aad[3] ^= 1;
	memcpy(work, rec, n);
	tls_tampered(fd, ses, "AAD changed", aad, sizeof(aad), work, n, &k);
	aad[3] ^= 1;

	/* A right MAC under a wrong pad: OpenSSL encrypts it by hand. */
	memcpy(work, pt, sizeof(pt));
	mac_oracle(c, &k, aad, sizeof(aad), pt, sizeof(pt), mac);
	memcpy(work + sizeof(pt), mac, 32);
	memset(work + 132, 11, 12);	/* 12 bytes that say 11 ... */
	work[135] = 10;			/* ... but one says 10 */
	cipher_oracle(c, &k, work, rec, 144);
	memcpy(work, rec, 144);
	tls_tampered(fd, ses, "right MAC, bad pad byte", aad, sizeof(aad), work, 144, &k);
	memcpy(work, pt, sizeof(pt));
	memcpy(work + sizeof(pt), mac, 32);
	memset(work + 132, 200, 12);	/* a pad longer than the record */
	cipher_oracle(c, &k, work, rec, 144);
	memcpy(work, rec, 144);
	tls_tampered(fd, ses, "pad longer than the record", aad, sizeof(aad), work,
		     144, &k);
	cdev_free(fd, ses);
out:
	close(fd);
}

/* Records without an iv chain as TLS 1.0's: the last ciphertext block. */
void test_tls_iv(void)
{
	const struct suite *c = &tls_suites[0];
	uint8_t pt[3][48], buf[3][128], want[3][128], iv[16], wiv[16], aad[13];
	int fd = cdev_open();
	struct crypt_auth_op op;
	struct keys k;
	size_t n[3];
	uint32_t ses;
	int err = 0;
	bool same = true;

	if (!report(fd >= 0, "tls-iv", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	rng_fill(pt, sizeof(pt));
	rng_fill(aad, sizeof(aad));
	if (!report(open_suite(fd, c, &k, &ses) == 0, "tls-iv", "session"))
		goto out;
	memcpy(iv, k.iv, sizeof(iv));
	for (int r = 0; r < 3 && !err; r++) {
		n[r] = tls_oracle(c, &k, aad, sizeof(aad), pt[r], sizeof(pt[r]), 20,
				  want[r]);
		memcpy(k.iv, want[r] + n[r] - 16, 16);
		memcpy(buf[r], pt[r], sizeof(pt[r]));
		/* The first has an iv and WRITE_IV; the others none. */
		op = tls_op(ses, COP_ENCRYPT, aad, sizeof(aad), buf[r], sizeof(pt[r]), 0,
			    r ? NULL : iv);
		op.flags |= r ? 0 : COP_FLAG_WRITE_IV;
		err = cdev_authcrypt(fd, &op);
		same = same && !err && op.len == n[r] && !memcmp(buf[r], want[r], n[r]);
		if (!r)
			memcpy(wiv, iv, 16);
	}
	report(same, "tls-iv", "3 records, the last 2 without an iv: %s",
	       err ? cdev_errname(err) : same ? "OpenSSL's chain" : "differ");
	report(!memcmp(wiv, want[0] + n[0] - 16, 16), "tls-iv",
	       "WRITE_IV gives the record's last ciphertext block");
	cdev_free(fd, ses);
out:
	close(fd);
}

void test_tls_errors(void)
{
	const struct suite *c = &tls_suites[1];
	static uint8_t buf[TLS_MAX + 256], other[256], aad[8192];
	int fd = cdev_open();
	struct crypt_auth_op op;
	uint32_t ses, hses, tses;
	uint8_t iv[16] = { 0 };
	struct keys k;

	if (!report(fd >= 0, "tls-errors", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	if (!report(open_suite(fd, c, &k, &ses) == 0 &&
		    cdev_hash_session(fd, CRYPTO_SHA2_256_HMAC, k.mackey, 32, &hses) == 0,
		    "tls-errors", "sessions"))
		goto out;

#define WANT(e, what) do { int got_ = cdev_authcrypt(fd, &op); \
	report(got_ == (e), "tls-errors", "%s: %s (want %s)", what, cdev_errname(got_), \
	       cdev_errname(e)); } while (0)
	op = tls_op(ses, COP_ENCRYPT, aad, 13, buf, 64, 0, iv);
	op.dst = other;
	WANT(EINVAL, "src != dst");
	op = tls_op(ses, 7, aad, 13, buf, 64, 0, iv);
	WANT(EINVAL, "op 7");
	op = tls_op(hses, COP_ENCRYPT, aad, 13, buf, 64, 0, iv);
	WANT(EINVAL, "a session without a cipher");
	op = tls_op(ses, COP_ENCRYPT, aad, 4097, buf, 64, 0, iv);
	WANT(EINVAL, "AAD of 4097 bytes");
	op = tls_op(ses, COP_ENCRYPT, aad, 13, buf, 64, 33, iv);
	WANT(EINVAL, "tag of 33 bytes for HMAC-SHA256");
	op = tls_op(ses, COP_ENCRYPT, aad, 13, buf, TLS_MAX + 1, 0, iv);
	WANT(EINVAL, "record of 64 KiB + 1");
	op = tls_op(ses, COP_DECRYPT, aad, 13, buf, 0, 0, iv);
	WANT(EINVAL, "decrypt 0 bytes");
	op = tls_op(ses, COP_DECRYPT, aad, 13, buf, 40, 0, iv);
	WANT(EINVAL, "decrypt 40 bytes (not whole blocks)");
	op = tls_op(ses, COP_DECRYPT, aad, 13, buf, 16, 0, iv);
	WANT(EINVAL, "a 16-byte record, shorter than its 32-byte tag");
	op = tls_op(ses, COP_ENCRYPT, (void *)8, 13, buf, 64, 0, iv);
	WANT(EFAULT, "AAD at address 8");
	op = tls_op(ses, COP_ENCRYPT, aad, 13, (void *)8, 64, 0, iv);
	WANT(EFAULT, "record at address 8");
	op = tls_op(ses, COP_ENCRYPT, aad, 13, buf, 64, 0, (void *)8);
	WANT(EFAULT, "iv at address 8");
	op = tls_op(ses, COP_ENCRYPT, aad, 13, NULL, 64, 0, iv);
	WANT(EINVAL, "no buffer");

	/* The one-session TLS ciphers: CIOCAUTHCRYPT only, their own MAC. */
	if (report(cdev_session_op(fd, CRYPTO_TLS11_AES_CBC_HMAC_SHA1, k.key, 16, 0,
				   k.mackey, 20, &tses) == 0, "tls-errors",
		   "TLS11_AES_CBC_HMAC_SHA1 session")) {
		int got = cdev_crypt(fd, tses, COP_ENCRYPT, 0, buf, buf, 64, iv);

		report(got == EINVAL, "tls-errors", "TLS11 session on CIOCCRYPT: %s",
		       cdev_errname(got));
		op = tls_op(tses, COP_ENCRYPT, aad, 13, buf, 64, 0, iv);
		op.flags = COP_FLAG_AEAD_SRTP_TYPE;
		WANT(EINVAL, "TLS11 session in SRTP form");
		op.flags = 0;
		WANT(0, "TLS11 session without the TLS flag: a TLS record");
		report(op.len == 96, "tls-errors", "... of 64 + 20 + 12 bytes: %u",
		       op.len);
		cdev_free(fd, tses);
	}
	{
		int got = cdev_session_op(fd, CRYPTO_TLS12_AES_CBC_HMAC_SHA256, k.key,
					  32, CRYPTO_SHA1_HMAC, k.mackey, 32, &tses);

		report(got == EINVAL, "tls-errors", "TLS12 session with HMAC-SHA1: %s",
		       cdev_errname(got));
	}
#undef WANT
	cdev_free(fd, hses);
	cdev_free(fd, ses);
out:
	close(fd);
}

static struct crypt_auth_op srtp_op(uint32_t ses, uint16_t dir, uint8_t *pkt,
				    uint32_t header, uint32_t len, uint32_t auth,
				    uint8_t *tag, uint32_t tag_len, void *iv)
{
	struct crypt_auth_op op = {
		.ses = ses, .op = dir, .flags = COP_FLAG_AEAD_SRTP_TYPE,
		.len = len, .auth_len = auth, .auth_src = pkt,
		.src = pkt + header, .dst = pkt + header, .tag = tag,
		.tag_len = tag_len, .iv = iv, .iv_len = 16,
	};
	return op;
}

/*
 * RFC 3711 B.2: AES-CM's keystream for session key 2B7E...4F3C, salt
 * F0F1...FD, SSRC 0 and index 0 (the IV their XOR), as SRTP's cipher.
 */
void test_srtp_vectors(void)
{
	static const char *keystream =
		"e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab"
		"41e95b3bb0a2e8dd477901e4fca894c0";
	const struct suite *c = &srtp_suites[0];
	uint8_t salt[14], iv[16] = { 0 }, pkt[12 + 48], want[48], tag[10], mac[20];
	int fd = cdev_open();
	struct crypt_auth_op op;
	struct keys k;
	uint32_t ses;
	int err;

	if (!report(fd >= 0, "srtp-vectors", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", k.key, 16);
	hex_decode("f0f1f2f3f4f5f6f7f8f9fafbfcfd", salt, sizeof(salt));
	hex_decode(keystream, want, sizeof(want));
	memcpy(iv, salt, sizeof(salt));	/* XOR SSRC << 64, index << 16: both 0 */
	if (!report(open_suite(fd, c, &k, &ses) == 0, "srtp-vectors", "session"))
		goto out;
	rng_fill(pkt, 12);
	memset(pkt + 12, 0, 48);
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 48, sizeof(pkt), tag, 10, iv);
	err = cdev_authcrypt(fd, &op);
	report(!err && !memcmp(pkt + 12, want, 48), "srtp-vectors",
	       "RFC 3711 B.2 keystream: %s", err ? cdev_errname(err) :
	       memcmp(pkt + 12, want, 48) ? "differs" : "matches");
	mac_oracle(c, &k, pkt, sizeof(pkt), pkt, 0, mac);
	report(!err && !memcmp(tag, mac, 10), "srtp-vectors",
	       "80-bit tag is OpenSSL's HMAC-SHA1 of header and ciphertext");
	cdev_free(fd, ses);
out:
	close(fd);
}

/* One packet both ways; NULL on success, else why. */
static const char *srtp_trip(int fd, const struct suite *c, size_t header,
			     size_t len, size_t trailer, size_t tag_len, size_t so)
{
	static char why[128];
	size_t total = header + len + trailer;
	uint8_t *pkt = buf_alloc(total, so), *want = malloc(total);
	uint8_t iv[16], tag[64], mac[64];
	const char *msg = NULL;
	struct crypt_auth_op op;
	struct keys k;
	uint32_t ses;
	int err;

	if (!pkt || !want) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(&k, sizeof(k));
	rng_fill(want, total);
	memcpy(pkt, want, total);
	err = open_suite(fd, c, &k, &ses);
	if (err) {
		snprintf(why, sizeof(why), "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	cipher_oracle(c, &k, want + header, want + header, len);
	mac_oracle(c, &k, want, total, want, 0, mac);
	memcpy(iv, k.iv, 16);
	op = srtp_op(ses, COP_ENCRYPT, pkt, (uint32_t)header, (uint32_t)len,
		     (uint32_t)total, tag, (uint32_t)tag_len, iv);
	err = cdev_authcrypt(fd, &op);
	if (err || memcmp(pkt, want, total) || memcmp(tag, mac, tag_len)) {
		snprintf(why, sizeof(why), "encrypt %zu B: %s", len, err ? cdev_errname(err) :
			 memcmp(pkt, want, total) ? "packet differs" : "tag differs");
		msg = why;
		goto free;
	}
	memcpy(iv, k.iv, 16);
	op = srtp_op(ses, COP_DECRYPT, pkt, (uint32_t)header, (uint32_t)len,
		     (uint32_t)total, tag, (uint32_t)tag_len, iv);
	err = cdev_authcrypt(fd, &op);
	cipher_oracle(c, &k, want + header, want + header, len);	/* CTR: back */
	if (err || memcmp(pkt, want, total)) {
		snprintf(why, sizeof(why), "decrypt %zu B: %s", len, err ? cdev_errname(err) :
			 "packet differs");
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	buf_free(pkt, so, total);
	free(want);
	return msg;
}

void test_srtp_random(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "srtp-random", "open %s", cdev_path))
		return;
	for (size_t s = 0; s < NSRTP; s++) {
		const struct suite *c = &srtp_suites[s];
		const char *why = NULL;
		int n;

		for (n = 0; n < 40 && !why; n++) {
			/* RTP's 12-byte header with 0..15 CSRCs and an extension. */
			size_t header = n < 4 ? 12 : rng_range(12, 256);
			size_t tag = n % 3 == 0 ? 10 : n % 3 == 1 ? 4 : c->mackeylen;
			/* No shorter than the tag: see srtp-errors. */
			size_t len = n == 0 ? tag : n < 30 ? rng_range(tag, 1500) :
				     rng_range(tag, 256 * 1024);
			/* SRTP authenticates the ROC after the packet. */
			size_t trailer = n % 2 ? 4 : 0;

			why = srtp_trip(fd, c, header, len, trailer, tag,
					n % 5 ? 0 : rng_range(1, 4095));
		}
		report(!why, "srtp-random", "%s: %d packets vs OpenSSL%s%s", c->name, n,
		       why ? ": " : "", why ? why : "");
	}
	close(fd);
}

void test_srtp_forged(void)
{
	const struct suite *c = &srtp_suites[0];
	uint8_t pkt[12 + 160], work[sizeof(pkt)], tag[10], wtag[10], iv[16];
	int fd = cdev_open();
	struct crypt_auth_op op;
	struct keys k;
	uint32_t ses;

	if (!report(fd >= 0, "srtp-forged", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	rng_fill(pkt, sizeof(pkt));
	if (!report(open_suite(fd, c, &k, &ses) == 0, "srtp-forged", "session"))
		goto out;
	memcpy(iv, k.iv, 16);
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, sizeof(pkt), tag, 10, iv);
	if (!report(cdev_authcrypt(fd, &op) == 0, "srtp-forged", "encrypt"))
		goto free;
	for (int i = 0; i < 20; i++) {
		size_t at = rng_range(0, sizeof(pkt) + sizeof(tag) - 1);
		int err;

		memcpy(work, pkt, sizeof(pkt));
		memcpy(wtag, tag, sizeof(tag));
		if (at < sizeof(pkt))
			work[at] ^= 0x40;
		else
			wtag[at - sizeof(pkt)] ^= 0x40;
		memcpy(iv, k.iv, 16);
		op = srtp_op(ses, COP_DECRYPT, work, 12, 160, sizeof(work), wtag, 10, iv);
		err = cdev_authcrypt(fd, &op);
		/* Untouched: the forged packet is still there, bit and all. */
		if (at < sizeof(pkt))
			work[at] ^= 0x40;
		report(err == EBADMSG && !memcmp(work, pkt, sizeof(pkt)), "srtp-forged",
		       "bit flipped in %s byte %zu: %s, packet %s",
		       at < sizeof(pkt) ? "packet" : "tag", at, cdev_errname(err),
		       memcmp(work, pkt, sizeof(pkt)) ? "CHANGED" : "untouched");
	}
free:
	cdev_free(fd, ses);
out:
	close(fd);
}

void test_srtp_errors(void)
{
	static uint8_t pkt[1024], other[1024];
	uint8_t tag[32], iv[16] = { 0 };
	int fd = cdev_open();
	struct crypt_auth_op op;
	uint32_t ses, cbc;
	struct keys k;

	if (!report(fd >= 0, "srtp-errors", "open %s", cdev_path))
		return;
	rng_fill(&k, sizeof(k));
	if (!report(open_suite(fd, &srtp_suites[0], &k, &ses) == 0 &&
		    open_suite(fd, &tls_suites[0], &k, &cbc) == 0,
		    "srtp-errors", "sessions"))
		goto out;
#define WANT(e, what) do { int got_ = cdev_authcrypt(fd, &op); \
	report(got_ == (e), "srtp-errors", "%s: %s (want %s)", what, cdev_errname(got_), \
	       cdev_errname(e)); } while (0)
	op = srtp_op(cbc, COP_ENCRYPT, pkt, 12, 160, 172, tag, 10, iv);
	WANT(EINVAL, "a block cipher (AES-CBC)");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 257, 160, 417, tag, 10, iv);
	WANT(EINVAL, "payload 257 bytes into auth_src");
	op = srtp_op(ses, COP_ENCRYPT, pkt + 16, 0, 160, 172, tag, 10, iv);
	op.auth_src = pkt + 20;
	WANT(EINVAL, "payload before auth_src");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 0, 12, tag, 10, iv);
	WANT(EINVAL, "no payload");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, 0, tag, 10, iv);
	WANT(EINVAL, "no auth_len");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, 172, tag, 21, iv);
	WANT(EINVAL, "tag of 21 bytes for HMAC-SHA1");
	/* cryptodev-linux's check, though the tag is not in the payload. */
	op = srtp_op(ses, COP_DECRYPT, pkt, 12, 9, 21, tag, 10, iv);
	WANT(EINVAL, "decrypt a 9-byte payload with a 10-byte tag");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, 172, tag, 10, iv);
	op.dst = other;
	WANT(EINVAL, "src != dst");
	op = srtp_op(ses, 9, pkt, 12, 160, 172, tag, 10, iv);
	WANT(EINVAL, "op 9");
	op = srtp_op(ses, COP_DECRYPT, pkt, 12, 160, 172, (void *)8, 10, iv);
	WANT(EFAULT, "decrypt, tag at address 8");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, 172, (void *)8, 10, iv);
	WANT(EFAULT, "encrypt, tag at address 8");
	op = srtp_op(ses, COP_ENCRYPT, pkt, 12, 160, 172, tag, 10, (void *)8);
	WANT(EFAULT, "iv at address 8");
#undef WANT
	cdev_free(fd, cbc);
	cdev_free(fd, ses);
out:
	close(fd);
}
