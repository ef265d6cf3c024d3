/*
 * AEAD on CIOCAUTHCRYPT (AES-GCM, AES-CCM, done by the guest kernel): the
 * GCM specification's and RFC 3610's vectors, random messages against
 * OpenSSL, forgeries, refusals and CIOCGSESSINFO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define PAGE 4096

static const struct aead {
	uint32_t id;
	const char *name;
	const char *evp[3];	/* per key length 16, 24, 32 */
	/* Of the random messages. CCM's 11 bytes leave a 4-byte length (L). */
	size_t nonce;
	uint32_t tags[4];	/* tag lengths both take */
} aeads[] = {
	{ CRYPTO_AES_GCM, "gcm(aes)", { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" },
	  12, { 16, 12, 8, 4 } },
	{ CRYPTO_AES_CCM, "ccm(aes)", { "AES-128-CCM", "AES-192-CCM", "AES-256-CCM" },
	  11, { 16, 12, 8, 4 } },
};
#define NAEADS (sizeof(aeads) / sizeof(aeads[0]))

/* The kernel's CCM iv for a nonce of n bytes: L' = 14 - n, nonce, counter 0. */
static void ccm_iv(uint8_t iv[16], const uint8_t *nonce, size_t n)
{
	memset(iv, 0, 16);
	iv[0] = (uint8_t)(14 - n);
	memcpy(iv + 1, nonce, n);
}

/* The iv to hand the device for a nonce of n bytes (GCM: the nonce). */
static void dev_iv(const struct aead *a, uint8_t iv[16], const uint8_t *nonce,
		   size_t n)
{
	if (a->id == CRYPTO_AES_CCM) {
		ccm_iv(iv, nonce, n);
	} else {
		memset(iv, 0, 16);
		memcpy(iv, nonce, n);
	}
}

/* OpenSSL's ciphertext || tag of pt. */
static void oracle(const struct aead *a, size_t keylen, const uint8_t *key,
		   const uint8_t *nonce, size_t nlen, const uint8_t *aad, size_t alen,
		   const uint8_t *pt, size_t len, size_t tag, uint8_t *out)
{
	oracle_aead(a->evp[keylen / 8 - 2], key, nonce, nlen, aad, alen, pt, len,
		    tag, out);
}

static struct crypt_auth_op auth_op(uint32_t ses, uint16_t dir, const void *aad,
				    uint32_t alen, const void *src, void *dst,
				    uint32_t len, uint32_t tag, void *iv)
{
	struct crypt_auth_op op = {
		.ses = ses, .op = dir, .len = len, .auth_len = alen,
		.auth_src = (void *)aad, .src = (void *)src, .dst = dst,
		.tag_len = tag, .iv = iv, .iv_len = 16,
	};
	return op;
}

static const struct {
	uint32_t id;
	const char *what, *key, *nonce, *aad, *pt, *ct;	/* ct: with the tag */
} vectors[] = {
	{ CRYPTO_AES_GCM, "GCM spec test case 2", "00000000000000000000000000000000",
	  "000000000000000000000000", "", "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf" },
	{ CRYPTO_AES_GCM, "GCM spec test case 4", "feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ CRYPTO_AES_CCM, "RFC 3610 packet vector 1", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
	  "00000003020100a0a1a2a3a4a5", "0001020304050607",
	  "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
	  "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0" },
};

static const struct aead *find(uint32_t id)
{
	for (size_t i = 0; i < NAEADS; i++)
		if (aeads[i].id == id)
			return &aeads[i];
	abort();
}

void test_aead_vectors(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "aead-vectors", "open %s", cdev_path))
		return;
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		uint8_t key[32], nonce[16], aad[64], pt[64], ct[96], out[96], iv[16];
		size_t klen = hex_decode(vectors[v].key, key, sizeof(key));
		size_t nlen = hex_decode(vectors[v].nonce, nonce, sizeof(nonce));
		size_t alen = hex_decode(vectors[v].aad, aad, sizeof(aad));
		size_t plen = hex_decode(vectors[v].pt, pt, sizeof(pt));
		size_t clen = hex_decode(vectors[v].ct, ct, sizeof(ct));
		uint32_t tag = (uint32_t)(clen - plen), ses;
		const struct aead *a = find(vectors[v].id);
		struct crypt_auth_op op;
		int err;

		err = cdev_session(fd, a->id, key, (uint32_t)klen, &ses);
		if (!report(!err, "aead-vectors", "%s: CIOCGSESSION: %s",
			    vectors[v].what, cdev_errname(err)))
			continue;
		dev_iv(a, iv, nonce, nlen);
		op = auth_op(ses, COP_ENCRYPT, aad, (uint32_t)alen, pt, out,
			     (uint32_t)plen, tag, iv);
		err = cdev_authcrypt(fd, &op);
		report(!err && op.len == clen && !memcmp(out, ct, clen) &&
		       op.tag == out + plen, "aead-vectors",
		       "%s: encrypt: %s, len %u, tag at dst+%td", vectors[v].what,
		       err ? cdev_errname(err) : memcmp(out, ct, clen) ? "differs" : "ok",
		       op.len, op.tag - out);
		memset(out, 0xa5, sizeof(out));
		op = auth_op(ses, COP_DECRYPT, aad, (uint32_t)alen, ct, out,
			     (uint32_t)clen, tag, iv);
		err = cdev_authcrypt(fd, &op);
		report(!err && op.len == plen && !memcmp(out, pt, plen), "aead-vectors",
		       "%s: decrypt: %s, len %u", vectors[v].what,
		       err ? cdev_errname(err) : memcmp(out, pt, plen) ? "differs" : "ok",
		       op.len);
		cdev_free(fd, ses);
	}
	close(fd);
}

/*
 * One random message: encrypt against OpenSSL, decrypt back, both at the
 * given placement (in place or not, so and dof bytes into a page). NULL on
 * success, else why.
 */
static const char *trip(int fd, const struct aead *a, size_t keylen,
			size_t len, size_t alen, uint32_t tag, size_t so,
			size_t dof, bool in_place)
{
	static char why[128];
	uint8_t key[32], nonce[16], iv[16], *aad = malloc(alen + 1);
	uint8_t *pt = malloc(len + 1), *want = malloc(len + tag);
	uint8_t *src = buf_alloc(len + tag, so);
	uint8_t *dst = in_place ? src : buf_alloc(len + tag, dof);
	const char *msg = NULL;
	struct crypt_auth_op op;
	uint32_t ses;
	int err;

	if (!aad || !pt || !want || !src || !dst) {
		msg = "out of memory";
		goto out;
	}
	rng_fill(key, keylen);
	rng_fill(nonce, a->nonce);
	rng_fill(aad, alen);
	rng_fill(pt, len);
	err = cdev_session(fd, a->id, key, (uint32_t)keylen, &ses);
	if (err) {
		snprintf(why, sizeof(why), "CIOCGSESSION: %s", cdev_errname(err));
		msg = why;
		goto out;
	}
	oracle(a, keylen, key, nonce, a->nonce, aad, alen, pt, len, tag, want);
	memcpy(src, pt, len);
	dev_iv(a, iv, nonce, a->nonce);
	op = auth_op(ses, COP_ENCRYPT, aad, (uint32_t)alen, src, dst,
		     (uint32_t)len, tag, iv);
	err = cdev_authcrypt(fd, &op);
	if (err || op.len != len + tag || memcmp(dst, want, len + tag)) {
		snprintf(why, sizeof(why), "encrypt: %s (len %u)", err ?
			 cdev_errname(err) : "differs from OpenSSL", op.len);
		msg = why;
		goto free;
	}
	if (!in_place && memcmp(src, pt, len)) {
		msg = "encrypt changed its source";
		goto free;
	}
	if (!in_place) {
		memcpy(src, dst, len + tag);
		memset(dst, 0, len);
	}
	op = auth_op(ses, COP_DECRYPT, aad, (uint32_t)alen, src, dst,
		     (uint32_t)(len + tag), tag, iv);
	err = cdev_authcrypt(fd, &op);
	if (err || op.len != len || memcmp(dst, pt, len)) {
		snprintf(why, sizeof(why), "decrypt: %s (len %u)", err ?
			 cdev_errname(err) : "differs from the plaintext", op.len);
		msg = why;
	}
free:
	cdev_free(fd, ses);
out:
	if (!in_place)
		buf_free(dst, dof, len + tag);
	buf_free(src, so, len + tag);
	free(aad);
	free(pt);
	free(want);
	return msg;
}

void test_aead_random(void)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 255, 4096, 4097, 65536,
				       65537, 1 << 20 };
	static const size_t alens[] = { 0, 1, 13, 20, 256, PAGE };
	int fd = cdev_open();

	if (!report(fd >= 0, "aead-random", "open %s", cdev_path))
		return;
	for (size_t i = 0; i < NAEADS; i++) {
		const struct aead *a = &aeads[i];
		unsigned int trips = 0, failed = 0;

		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			for (int r = 0; r < 3; r++) {
				size_t keylen = 16 + 8 * rng_range(0, 2);
				size_t alen = alens[rng_range(0, 5)];
				uint32_t tag = a->tags[rng_range(0, 3)];
				size_t so = rng_range(0, 1) ? 0 : rng_range(1, PAGE - 1);
				size_t dof = rng_range(0, 1) ? 0 : rng_range(1, PAGE - 1);
				bool in_place = r == 2;
				const char *why = trip(fd, a, keylen, lens[l], alen,
						       tag, so, dof, in_place);

				trips++;
				if (why) {
					failed++;
					report(false, "aead-random",
					       "%s %zu-byte key, %zu bytes, %zu AAD, "
					       "tag %u, src+%zu dst+%zu%s: %s", a->name,
					       keylen, lens[l], alen, tag, so, dof,
					       in_place ? " in place" : "", why);
				}
			}
		}
		report(!failed, "aead-random", "%s: %u round trips vs OpenSSL, "
		       "0 B..1 MiB, AAD 0..4096, tags 4..16, placements: %u failed",
		       a->name, trips, failed);
	}
	close(fd);
}

/*
 * A forged message (ciphertext, tag or AAD changed) gives EBADMSG and
 * leaves dst as it was, in place too.
 */
void test_aead_forged(void)
{
	static const char *const what[] = { "ciphertext", "tag", "AAD" };
	int fd = cdev_open();

	if (!report(fd >= 0, "aead-forged", "open %s", cdev_path))
		return;
	for (size_t i = 0; i < NAEADS; i++) {
		const struct aead *a = &aeads[i];
		uint8_t key[16], nonce[16], iv[16], aad[32], pt[200], ct[216];
		uint8_t out[216], before[216];
		struct crypt_auth_op op;
		uint32_t ses;
		int err;

		rng_fill(key, sizeof(key));
		rng_fill(nonce, sizeof(nonce));
		rng_fill(aad, sizeof(aad));
		rng_fill(pt, sizeof(pt));
		err = cdev_session(fd, a->id, key, sizeof(key), &ses);
		if (!report(!err, "aead-forged", "%s: CIOCGSESSION: %s", a->name,
			    cdev_errname(err)))
			continue;
		oracle(a, sizeof(key), key, nonce, a->nonce, aad, sizeof(aad), pt,
		       sizeof(pt), 16, ct);
		dev_iv(a, iv, nonce, a->nonce);
		for (int w = 0; w < 3; w++) {
			for (int in_place = 0; in_place < 2; in_place++) {
				uint8_t *buf = in_place ? out : ct;
				size_t at = w == 0 ? rng_range(0, sizeof(pt) - 1) :
					    w == 1 ? sizeof(pt) + rng_range(0, 15) :
						     rng_range(0, sizeof(aad) - 1);
				uint8_t *flip = w == 2 ? aad + at : buf + at;

				if (in_place)
					memcpy(out, ct, sizeof(ct));
				else
					rng_fill(out, sizeof(out));
				*flip ^= 0x01;
				memcpy(before, out, sizeof(out));
				op = auth_op(ses, COP_DECRYPT, aad, sizeof(aad), buf, out,
					     sizeof(ct), 16, iv);
				err = cdev_authcrypt(fd, &op);
				report(err == EBADMSG && !memcmp(out, before, sizeof(out)),
				       "aead-forged", "%s: %s bit flipped%s: %s, dst %s",
				       a->name, what[w], in_place ? ", in place" : "",
				       cdev_errname(err), memcmp(out, before, sizeof(out)) ?
				       "written" : "untouched");
				*flip ^= 0x01;
			}
		}
		/* The same message, unforged, still opens. */
		op = auth_op(ses, COP_DECRYPT, aad, sizeof(aad), ct, out, sizeof(ct),
			     16, iv);
		err = cdev_authcrypt(fd, &op);
		report(!err && !memcmp(out, pt, sizeof(pt)), "aead-forged",
		       "%s: the original opens: %s", a->name, cdev_errname(err));
		cdev_free(fd, ses);
	}
	close(fd);
}

void test_aead_errors(void)
{
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[256] = { 0 }, aad[PAGE + 1];
	int fd = cdev_open();
	struct crypt_auth_op op;
	uint32_t gcm, ccm, cbc, ses;
	int err;

	if (!report(fd >= 0, "aead-errors", "open %s", cdev_path))
		return;
	memset(aad, 0, sizeof(aad));
	err = cdev_session(fd, CRYPTO_AES_GCM, key, 20, &ses);
	report(err == EINVAL, "aead-errors", "GCM with a 20-byte key: %s", cdev_errname(err));
	err = cdev_session_op(fd, CRYPTO_AES_GCM, key, 16, CRYPTO_SHA1_HMAC, key, 16,
			      &ses);
	report(err == EINVAL, "aead-errors", "GCM with a MAC: %s", cdev_errname(err));
	if (cdev_session(fd, CRYPTO_AES_GCM, key, 16, &gcm) ||
	    cdev_session(fd, CRYPTO_AES_CCM, key, 16, &ccm) ||
	    cdev_session(fd, CRYPTO_AES_CBC, key, 16, &cbc)) {
		report(false, "aead-errors", "sessions: %s", cdev_errname(errno));
		close(fd);
		return;
	}
	enum { NO_IV = 1, BAD_DST = 2, BAD_AAD = 4, CCM = 8, CBC = 16, UNKNOWN = 32,
	       CCM_L0 = 64 };
	static const struct {
		const char *what;
		int want;
		uint16_t op, flags;
		uint32_t len, alen, tag, how;
	} cases[] = {
		{ "op 2", EINVAL, 2, 0, 16, 0, 16, 0 },
		{ "no iv", EINVAL, COP_ENCRYPT, 0, 16, 0, 16, NO_IV },
		{ "tag of 17 bytes", EINVAL, COP_ENCRYPT, 0, 16, 0, 17, 0 },
		{ "GCM tag of 5 bytes", EINVAL, COP_ENCRYPT, 0, 16, 0, 5, 0 },
		{ "CCM tag of 5 bytes", EINVAL, COP_ENCRYPT, 0, 16, 0, 5, CCM },
		{ "AAD over a page", EINVAL, COP_ENCRYPT, 0, 16, PAGE + 1, 16, 0 },
		{ "decrypt shorter than its tag", EINVAL, COP_DECRYPT, 0, 15, 0, 16, 0 },
		{ "TLS flag", EINVAL, COP_ENCRYPT, COP_FLAG_AEAD_TLS_TYPE, 16, 0, 16, 0 },
		{ "SRTP flag", EINVAL, COP_ENCRYPT, COP_FLAG_AEAD_SRTP_TYPE, 16, 0, 16, 0 },
		{ "len over 64 MiB", EINVAL, COP_ENCRYPT, 0, (64u << 20) + 1, 0, 16, 0 },
		{ "unmapped dst", EFAULT, COP_ENCRYPT, 0, 16, 0, 16, BAD_DST },
		{ "unmapped AAD", EFAULT, COP_ENCRYPT, 0, 16, 16, 16, BAD_AAD },
		{ "CCM iv with L' 0", EINVAL, COP_ENCRYPT, 0, 16, 0, 16, CCM | CCM_L0 },
		{ "a CBC session", EINVAL, COP_ENCRYPT, 0, 16, 0, 16, CBC },
		{ "an unknown session", EINVAL, COP_ENCRYPT, 0, 16, 0, 16, UNKNOWN },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t how = cases[i].how;
		uint32_t s = how & CCM ? ccm : how & CBC ? cbc : gcm;

		if (how & UNKNOWN)
			s = gcm ^ ccm ^ cbc ^ 0x5a5a5a5a;
		/* iv[0] is CCM's L' - 1: 0 is refused. GCM takes any nonce. */
		iv[0] = how & CCM_L0 ? 0 : 1;
		op = auth_op(s, cases[i].op, how & BAD_AAD ? (void *)8 : aad,
			     cases[i].alen, buf, how & BAD_DST ? (void *)8 : buf,
			     cases[i].len, cases[i].tag, how & NO_IV ? NULL : iv);
		op.flags = cases[i].flags;
		err = cdev_authcrypt(fd, &op);
		report(err == cases[i].want, "aead-errors", "%s: %s (want %s)",
		       cases[i].what, cdev_errname(err), cdev_errname(cases[i].want));
	}
	err = cdev_crypt(fd, gcm, COP_ENCRYPT, 0, buf, buf, 16, iv);
	report(err == EINVAL, "aead-errors", "CIOCCRYPT on a GCM session: %s",
	       cdev_errname(err));
	/* After every refusal the session still works (GCM, 4-byte tag). */
	iv[0] = 1;
	op = auth_op(gcm, COP_ENCRYPT, NULL, 0, buf, buf, 16, 4, iv);
	err = cdev_authcrypt(fd, &op);
	report(!err && op.len == 20, "aead-errors", "then a good operation: %s, len %u",
	       cdev_errname(err), op.len);
	cdev_free(fd, gcm);
	cdev_free(fd, ccm);
	cdev_free(fd, cbc);
	close(fd);
}

void test_aead_sessinfo(void)
{
	int fd = cdev_open();
	uint8_t key[16] = { 0 };

	if (!report(fd >= 0, "aead-sessinfo", "open %s", cdev_path))
		return;
	for (size_t i = 0; i < NAEADS; i++) {
		struct session_info_op si = { 0 };
		uint32_t ses;
		int err = cdev_session(fd, aeads[i].id, key, sizeof(key), &ses);

		if (!report(!err, "aead-sessinfo", "%s: CIOCGSESSION: %s",
			    aeads[i].name, cdev_errname(err)))
			continue;
		si.ses = ses;
		err = ioctl(fd, CIOCGSESSINFO, &si) ? errno : 0;
		report(!err && !strcmp(si.cipher_info.cra_name, aeads[i].name) &&
		       si.cipher_info.cra_driver_name[0] &&
		       !strstr(si.cipher_info.cra_driver_name, "virtio") &&
		       !(si.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY), "aead-sessinfo",
		       "%s: %s, '%s' by '%s', flags %#x (software: no "
		       "KERNEL_DRIVER_ONLY)", aeads[i].name, cdev_errname(err),
		       si.cipher_info.cra_name, si.cipher_info.cra_driver_name,
		       si.flags);
		cdev_free(fd, ses);
	}
	close(fd);
}

/*
 * Garbage on CIOCAUTHCRYPT: random fields and pointers (NULL, a kernel
 * address, a wrapping one, a read-only page, an unmapped one, anywhere in a
 * buffer followed by an unmapped page) on GCM and CCM sessions, and in the
 * TLS and SRTP forms on cipher+MAC sessions. Every call answers 0 or a clean
 * errno, and the sessions still give the spec's answer.
 */
void test_aead_garbage(void)
{
	enum { SPAN = 32 * PAGE, CALLS = 3000 };
	static const int ok_errs[] = { 0, EINVAL, EFAULT, EBADMSG, ENOMEM };
	uint8_t *map = mmap(NULL, SPAN + 3 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t key[16] = { 0 }, iv[16] = { 0 }, out[32];
	unsigned int calls = 0, bad = 0, answers[5] = { 0 };
	/* The AEADs, then cipher+MAC sessions for the TLS and SRTP forms. */
	static const uint32_t chained[][2] = {
		{ CRYPTO_AES_CBC, CRYPTO_SHA1_HMAC }, { CRYPTO_AES_CTR, CRYPTO_SHA2_256_HMAC },
		{ CRYPTO_3DES_CBC, CRYPTO_MD5_HMAC }, { CRYPTO_TLS11_AES_CBC_HMAC_SHA1, 0 },
	};
	enum { NSES = NAEADS + sizeof(chained) / sizeof(chained[0]) };
	uint8_t mackey[20] = { 1 }, key24[24] = { 2 };
	uint32_t ses[NSES];
	int fd = cdev_open(), err;

	if (!report(fd >= 0 && map != MAP_FAILED, "aead-garbage", "open %s, map",
		    cdev_path))
		return;
	/* good: SPAN bytes, then an unmapped page; a read-only page; a gone one */
	uint8_t *good = map, *gone = map + SPAN, *ro = map + SPAN + PAGE;
	munmap(gone, PAGE);
	mprotect(ro, PAGE, PROT_READ);
	rng_fill(good, SPAN);
	for (size_t i = 0; i < NAEADS; i++) {
		err = cdev_session(fd, aeads[i].id, key, sizeof(key), &ses[i]);
		if (!report(!err, "aead-garbage", "%s: CIOCGSESSION: %s",
			    aeads[i].name, cdev_errname(err)))
			goto out;
	}
	for (size_t i = NAEADS; i < NSES; i++) {
		const uint32_t *c = chained[i - NAEADS];

		err = cdev_session_op(fd, c[0], key24, c[0] == CRYPTO_3DES_CBC ? 24 : 16,
				      c[1], mackey, sizeof(mackey), &ses[i]);
		if (!report(!err, "aead-garbage", "cipher %u + MAC %u: CIOCGSESSION: %s",
			    c[0], c[1], cdev_errname(err)))
			goto out;
	}
	for (calls = 0; calls < CALLS; calls++) {
		static const uint16_t forms[] = { COP_FLAG_AEAD_TLS_TYPE,
						  COP_FLAG_AEAD_SRTP_TYPE };
		size_t which = rng_range(0, NSES - 1);
		struct crypt_auth_op op;
		size_t e;

		rng_fill(&op, sizeof(op));
		op.ses = ses[which];
		op.op = (uint16_t)(rng_range(0, 9) ? rng_range(0, 1) : rng_next());
		op.flags = rng_range(0, 9) ? 0 : (uint16_t)rng_next();
		if (which >= NAEADS && rng_range(0, 9))
			op.flags = forms[rng_range(0, 1)] |
				   (uint16_t)(rng_range(0, 1) ? COP_FLAG_WRITE_IV : 0);
		op.len = rng_range(0, 3) ? (uint32_t)rng_range(0, SPAN + PAGE) :
					   (uint32_t)rng_next();
		op.auth_len = rng_range(0, 3) ? (uint32_t)rng_range(0, PAGE + 16) :
						(uint32_t)rng_next();
		op.tag_len = rng_range(0, 3) ? 4 * (uint32_t)rng_range(0, 4) :
					       (uint32_t)rng_next();
		op.auth_src = garbage_ptr(good, SPAN, ro, gone);
		op.src = garbage_ptr(good, SPAN, ro, gone);
		op.dst = garbage_ptr(good, SPAN, ro, gone);
		op.iv = garbage_ptr(good, SPAN, ro, gone);
		/* In place, as TLS and SRTP require, with auth_src just before. */
		if (which >= NAEADS && rng_range(0, 2)) {
			op.src = op.dst;
			op.auth_src = (uint8_t *)((uintptr_t)op.dst - rng_range(0, 300));
		}
		err = cdev_authcrypt(fd, &op);
		for (e = 0; e < 5 && ok_errs[e] != err; e++)
			;
		if (e == 5 && bad++ < 5)
			report(false, "aead-garbage", "call %u: %s", calls, cdev_errname(err));
		else if (e < 5)
			answers[e]++;
	}
	report(!bad, "aead-garbage", "%u calls of random fields and pointers: "
	       "%u succeeded, %u EINVAL, %u EFAULT, %u EBADMSG, %u ENOMEM, %u other",
	       calls, answers[0], answers[1], answers[2], answers[3], answers[4], bad);
	/* Afterwards GCM still gives the spec's test case 2 (tag first 16 bytes). */
	iv[0] = 0;
	uint8_t zero[16] = { 0 }, want[32];
	hex_decode(vectors[0].ct, want, sizeof(want));
	struct crypt_auth_op op = auth_op(ses[0], COP_ENCRYPT, NULL, 0, zero, out,
					  16, 16, iv);
	err = cdev_authcrypt(fd, &op);
	report(!err && !memcmp(out, want, 32), "aead-garbage",
	       "then GCM test case 2 on the same session: %s%s", cdev_errname(err),
	       !err && memcmp(out, want, 32) ? ", differs" : "");
out:
	close(fd);
	munmap(map, SPAN + 3 * PAGE);
}
