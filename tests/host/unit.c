/*
 * Unit tests of vcryptod's ring walker and request path over a fake guest
 * memory: NIST SP 800-38A and RFC 4231/2202 vectors through whole requests,
 * OpenSSL as the oracle for random data, and every malformed case of
 * security-lessons.md. Each case prints PASS or FAIL; exit 0 only if all pass.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <linux/virtio_crypto.h>

#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "../../host/device.h"
#include "../../host/stats.h"
#include "fake_guest.h"
#include "../hex.h"
#include "../oracle.h"
#include "../report.h"

#define W VRING_DESC_F_WRITE
#define N VRING_DESC_F_NEXT
#define I VRING_DESC_F_INDIRECT

static const char *current;



/* ---- building requests ---- */

struct rq {
	uint32_t opcode;
	uint64_t session;
	uint32_t op_type;
	uint32_t iv_len, src_len, dst_len;
	uint32_t cipher_start, len_to_cipher, hash_start, len_to_hash;
	uint32_t aad_len, hash_len;
	const uint8_t *iv, *aad, *src;
	uint32_t iv_bytes, aad_bytes, src_bytes;	/* bytes really present */
	uint32_t dst_bytes;				/* writable before status */
	uint32_t split;		/* cut src and dst into pieces of this size */
	int no_status;		/* leave out the status descriptor */
};

struct laid {
	uint64_t dst, status, hdr;
	uint32_t dst_bytes;
	uint16_t head;
	unsigned int ndesc;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void header(uint8_t *h, const struct rq *r)
{
	uint8_t *u = h + 24;

	memset(h, 0, 72);
	put32(h, r->opcode);
	put64(h + 8, r->session);
	put32(u, r->iv_len);
	put32(u + 4, r->src_len);
	put32(u + 8, r->dst_len);
	if (r->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		put32(u + 12, r->cipher_start);
		put32(u + 16, r->len_to_cipher);
		put32(u + 20, r->hash_start);
		put32(u + 24, r->len_to_hash);
		put32(u + 28, r->aad_len);
		put32(u + 32, r->hash_len);
	}
	put32(u + 40, r->op_type);
}

/* Lay r out as a direct chain starting at descriptor 0. */
static struct laid lay(struct fake_guest *g, const struct rq *r)
{
	struct { uint64_t a; uint32_t l; uint16_t f; } d[128];
	struct laid L = { 0 };
	unsigned int n = 0, i;
	uint32_t off, step;

	L.hdr = fg_alloc(g, 72, 0);
	header(fg_host(g, L.hdr), r);
	d[n].a = L.hdr; d[n].l = 72; d[n++].f = 0;
	if (r->iv_bytes) {
		d[n].a = fg_alloc(g, r->iv_bytes, 0);
		memcpy(fg_host(g, d[n].a), r->iv, r->iv_bytes);
		d[n].l = r->iv_bytes; d[n++].f = 0;
	}
	if (r->aad_bytes) {
		d[n].a = fg_alloc(g, r->aad_bytes, 0);
		memcpy(fg_host(g, d[n].a), r->aad, r->aad_bytes);
		d[n].l = r->aad_bytes; d[n++].f = 0;
	}
	step = r->split ? r->split : 0xffffffffu;
	if (r->src_bytes) {
		uint64_t src = fg_alloc(g, r->src_bytes, 0);

		memcpy(fg_host(g, src), r->src, r->src_bytes);
		for (off = 0; off < r->src_bytes; off += step) {
			uint32_t l = r->src_bytes - off < step ? r->src_bytes - off : step;

			d[n].a = src + off; d[n].l = l; d[n++].f = 0;
		}
	}
	L.dst_bytes = r->dst_bytes;
	if (r->dst_bytes) {
		L.dst = fg_alloc(g, r->dst_bytes, 0xaa);
		for (off = 0; off < r->dst_bytes; off += step) {
			uint32_t l = r->dst_bytes - off < step ? r->dst_bytes - off : step;

			d[n].a = L.dst + off; d[n].l = l; d[n++].f = W;
		}
	}
	if (!r->no_status) {
		L.status = fg_alloc(g, 1, 0xee);
		d[n].a = L.status; d[n].l = 1; d[n++].f = W;
	}
	for (i = 0; i < n; i++)
		fg_desc(g, i, d[i].a, d[i].l, d[i].f | (i + 1 < n ? N : 0),
			(uint16_t)(i + 1));
	L.ndesc = n;
	L.head = 0;
	return L;
}

static uint64_t new_session(struct fake_guest *g, uint32_t alg, const uint8_t *key,
			    uint32_t keylen, uint8_t dir)
{
	struct sym_session_params p = { 0 };
	uint64_t id = 0;

	p.cipher_alg = alg;
	p.key_len = keylen;
	p.key = key;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	p.direction = dir;
	if (sym_session_create(&g->st, g->engine, &p, &id, NULL))
		return 0;
	return id;
}

static uint64_t chain_session(struct fake_guest *g, const uint8_t *key,
			      uint8_t dir, uint8_t order, uint32_t mac,
			      const uint8_t *akey, uint32_t akeylen, uint32_t hlen)
{
	struct sym_session_params p = { 0 };
	uint64_t id = 0;

	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	p.key_len = 16;
	p.key = key;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	p.direction = dir;
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	p.hash_alg = mac;
	p.auth_key = akey;
	p.auth_key_len = akeylen;
	p.hash_result_len = hlen;
	p.chain_order = order;
	if (sym_session_create(&g->st, g->engine, &p, &id, NULL))
		return 0;
	return id;
}

/* Serve the request laid out at descriptor 0; check the used element. */
static int serve_laid(struct fake_guest *g, const struct laid *L, int want_status,
		      uint32_t want_len)
{
	uint32_t id = 0xffff, len = 0xffff;
	int status = -2;

	fg_post(g, L->head);
	REQUIRE(current, fg_serve(g, &id, &len, &status) == 1, "nothing popped");
	REQUIRE(current, id == L->head, "used id %u, want %u", id, L->head);
	REQUIRE(current, status == want_status, "status %d, want %d", status, want_status);
	REQUIRE(current, len == want_len, "used len %u, want %u", len, want_len);
	if (want_status >= 0)
		REQUIRE(current, *fg_host(g, L->status) == want_status, "status byte %u",
		      *fg_host(g, L->status));
	else if (L->status)
		REQUIRE(current, *fg_host(g, L->status) == 0xee, "status byte written");
	/* Nothing is popped twice, and the ring is still usable. */
	REQUIRE(current, fg_serve(g, &id, &len, &status) == 0, "ring not empty afterwards");
	return 0;
}

/* ---- vectors ---- */

static const char *pt_hex =
	"6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";

static const struct vec {
	const char *name;
	uint32_t alg;
	const char *key, *iv, *ct;
} vecs[] = {
	{ "F.1.1 ECB-AES128", VIRTIO_CRYPTO_CIPHER_AES_ECB,
	  "2b7e151628aed2a6abf7158809cf4f3c", "",
	  "3ad77bb40d7a3660a89ecaf32466ef97" "f5d3d58503b9699de785895a96fdbaaf"
	  "43b1cd7f598ece23881b00e3ed030688" "7b0c785e27e8ad3f8223207104725dd4" },
	{ "F.1.3 ECB-AES192", VIRTIO_CRYPTO_CIPHER_AES_ECB,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", "",
	  "bd334f1d6e45f25ff712a214571fa5cc" "974104846d0ad3ad7734ecb3ecee4eef"
	  "ef7afd2270e2e60adce0ba2face6444e" "9a4b41ba738d6c72fb16691603c18e0e" },
	{ "F.1.5 ECB-AES256", VIRTIO_CRYPTO_CIPHER_AES_ECB,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "",
	  "f3eed1bdb5d2a03c064b5a7e3db181f8" "591ccb10d410ed26dc5ba74a31362870"
	  "b6ed21b99ca6f4f9f153e7b1beafed1d" "23304b7a39f9f3ff067d8d8f9e24ecc7" },
	{ "F.2.1 CBC-AES128", VIRTIO_CRYPTO_CIPHER_AES_CBC,
	  "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
	  "7649abac8119b246cee98e9b12e9197d" "5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e22229516" "3ff1caa1681fac09120eca307586e1a7" },
	{ "F.2.3 CBC-AES192", VIRTIO_CRYPTO_CIPHER_AES_CBC,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "000102030405060708090a0b0c0d0e0f",
	  "4f021db243bc633d7178183a9fa071e8" "b4d9ada9ad7dedf4e5e738763f69145a"
	  "571b242012fb7ae07fa9baac3df102e0" "08b0e27988598881d920a9e64f5615cd" },
	{ "F.2.5 CBC-AES256", VIRTIO_CRYPTO_CIPHER_AES_CBC,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd6" "9cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461" "b2eb05e2c39be9fcda6c19078c6a9d1b" },
	{ "F.5.1 CTR-AES128", VIRTIO_CRYPTO_CIPHER_AES_CTR,
	  "2b7e151628aed2a6abf7158809cf4f3c", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
	  "5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee" },
	{ "F.5.3 CTR-AES192", VIRTIO_CRYPTO_CIPHER_AES_CTR,
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "1abc932417521ca24f2b0459fe7e6e0b" "090339ec0aa6faefd5ccc2c6f4ce8e94"
	  "1e36b26bd1ebc670d1bd1d665620abf7" "4f78a7f6d29809585a97daec58c6b050" },
	{ "F.5.5 CTR-AES256", VIRTIO_CRYPTO_CIPHER_AES_CTR,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "601ec313775789a5b7a7f504bbf3d228" "f443e3ca4d62b59aca84e990cacaf5c5"
	  "2b0930daa23de94ce87017ba2d84988d" "dfc9c58db67aada613c2dd08457941a6" },
};

/* One vector both ways, whole and split into odd-sized descriptors. */
static int t_vector(struct fake_guest *g, const struct vec *v, uint32_t split)
{
	uint8_t key[32], iv[16] = { 0 }, pt[64], ct[64];
	size_t klen = hex_decode(v->key, key, sizeof(key));
	size_t ivlen = hex_decode(v->iv, iv, sizeof(iv));
	int dir;

	hex_decode(pt_hex, pt, sizeof(pt));
	hex_decode(v->ct, ct, sizeof(ct));
	for (dir = 0; dir < 2; dir++) {
		uint64_t s = new_session(g, v->alg, key, (uint32_t)klen,
					 dir ? VIRTIO_CRYPTO_OP_DECRYPT : VIRTIO_CRYPTO_OP_ENCRYPT);
		struct rq r = { 0 };
		struct laid L;

		REQUIRE(current, s, "session");
		r.opcode = dir ? VIRTIO_CRYPTO_CIPHER_DECRYPT : VIRTIO_CRYPTO_CIPHER_ENCRYPT;
		r.session = s;
		r.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
		r.iv_len = r.iv_bytes = (uint32_t)ivlen;
		r.iv = iv;
		r.src_len = r.dst_len = r.src_bytes = r.dst_bytes = 64;
		r.src = dir ? ct : pt;
		r.split = split;
		L = lay(g, &r);
		if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, 65))
			return 1;
		REQUIRE(current, !memcmp(fg_host(g, L.dst), dir ? pt : ct, 64), "%s output differs",
		      dir ? "decrypt" : "encrypt");
		REQUIRE(current, sym_session_close(&g->st, s) == 0, "close");
	}
	return 0;
}

/* Random data of many lengths against OpenSSL EVP directly. */
static int t_random_vs_openssl(struct fake_guest *g)
{
	static const uint32_t lens[] = { 16, 32, 48, 1008, 4096, 65536 };
	static const uint32_t algs[] = { VIRTIO_CRYPTO_CIPHER_AES_CBC,
		VIRTIO_CRYPTO_CIPHER_AES_CTR, VIRTIO_CRYPTO_CIPHER_AES_ECB };
	uint8_t key[32], iv[16];
	unsigned int a, l;

	for (a = 0; a < 3; a++) {
		for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			uint32_t len = lens[l] + (algs[a] == VIRTIO_CRYPTO_CIPHER_AES_CTR ? 5 : 0);
			uint8_t *src = malloc(len), *want = malloc(len + 16);
			const char *mode = algs[a] == VIRTIO_CRYPTO_CIPHER_AES_CBC ? "CBC" :
				algs[a] == VIRTIO_CRYPTO_CIPHER_AES_CTR ? "CTR" : "ECB";
			struct rq r = { 0 };
			struct laid L;
			int n1;
			uint64_t s;

			vc_random(key, sizeof(key));
			vc_random(iv, sizeof(iv));
			vc_random(src, len);
			oracle_aes(mode, true, key, sizeof(key), iv, src, want, len);
			s = new_session(g, algs[a], key, 32, VIRTIO_CRYPTO_OP_ENCRYPT);
			r.opcode = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
			r.session = s;
			r.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
			r.iv_len = r.iv_bytes = 16;
			r.iv = iv;
			r.src_len = r.dst_len = r.src_bytes = r.dst_bytes = len;
			r.src = src;
			r.split = 4096;
			g->heap = FG_GPA + FG_HEAP;
			L = lay(g, &r);
			if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, len + 1)) {
				free(src); free(want);
				return 1;
			}
			n1 = memcmp(fg_host(g, L.dst), want, len);
			free(src);
			free(want);
			REQUIRE(current, n1 == 0, "alg %u len %u differs from OpenSSL", algs[a], len);
			sym_session_close(&g->st, s);
		}
	}
	return 0;
}

/* ---- chaining: RFC 4231 / RFC 2202 through the aad, and encrypt-then-MAC ---- */

static int t_hmac_vectors(struct fake_guest *g)
{
	static const struct { uint32_t mac, hlen; const char *key, *data, *tag; } v[] = {
		{ VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32,
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, "4a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 16,	/* RFC 4231 4.6: truncated */
		  "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
		  "546573742057697468205472756e636174696f6e",
		  "a3b6167473100ee06e0c796c2955552b" },
		{ VIRTIO_CRYPTO_MAC_HMAC_SHA1, 20,	/* RFC 2202 case 1 */
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b617318655057264e28bc0b6fb378c8ef146be00" },
	};
	uint8_t key[16] = { 0 }, akey[64], data[64], tag[32], iv[16] = { 0 };
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t alen = hex_decode(v[i].key, akey, sizeof(akey));
		size_t dlen = hex_decode(v[i].data, data, sizeof(data));
		struct rq r = { 0 };
		struct laid L;
		uint64_t s;

		hex_decode(v[i].tag, tag, sizeof(tag));
		s = chain_session(g, key, VIRTIO_CRYPTO_OP_ENCRYPT,
				  VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH,
				  v[i].mac, akey, (uint32_t)alen, v[i].hlen);
		REQUIRE(current, s, "chain session %u", i);
		r.opcode = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
		r.session = s;
		r.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
		r.iv_len = r.iv_bytes = 16;
		r.iv = iv;
		/* The message is all aad: no byte to cipher, none of src hashed. */
		r.aad_len = r.aad_bytes = (uint32_t)dlen;
		r.aad = data;
		r.hash_len = v[i].hlen;
		r.dst_bytes = v[i].hlen;
		L = lay(g, &r);
		if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, v[i].hlen + 1))
			return 1;
		REQUIRE(current, !memcmp(fg_host(g, L.dst), tag, v[i].hlen), "vector %u tag differs", i);
		sym_session_close(&g->st, s);
	}
	return 0;
}

static int t_encrypt_then_mac(struct fake_guest *g)
{
	uint8_t key[16], iv[16], pt[64], ct[64], akey[32], tag[32];
	struct rq r = { 0 };
	struct laid L;
	uint64_t s;
	int dir;

	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode(pt_hex, pt, sizeof(pt));
	hex_decode("7649abac8119b246cee98e9b12e9197d" "5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e22229516" "3ff1caa1681fac09120eca307586e1a7", ct, sizeof(ct));
	memset(akey, 0x5a, sizeof(akey));
	oracle_digest("SHA256", true, akey, 32, ct, 64, tag);
	for (dir = 0; dir < 2; dir++) {
		/* Encrypt then MAC the ciphertext; MAC the ciphertext then decrypt. */
		s = chain_session(g, key, dir ? VIRTIO_CRYPTO_OP_DECRYPT : VIRTIO_CRYPTO_OP_ENCRYPT,
				  dir ? VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER :
				  VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH,
				  VIRTIO_CRYPTO_MAC_HMAC_SHA_256, akey, 32, 32);
		REQUIRE(current, s, "chain session");
		memset(&r, 0, sizeof(r));
		r.opcode = dir ? VIRTIO_CRYPTO_CIPHER_DECRYPT : VIRTIO_CRYPTO_CIPHER_ENCRYPT;
		r.session = s;
		r.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
		r.iv_len = r.iv_bytes = 16;
		r.iv = iv;
		r.src_len = r.dst_len = r.src_bytes = 64;
		r.src = dir ? ct : pt;
		r.len_to_cipher = 64;
		r.len_to_hash = 64;
		r.hash_len = 32;
		r.dst_bytes = 64 + 32;
		r.split = 24;
		L = lay(g, &r);
		if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, 64 + 32 + 1))
			return 1;
		REQUIRE(current, !memcmp(fg_host(g, L.dst), dir ? pt : ct, 64), "data differs");
		REQUIRE(current, !memcmp(fg_host(g, L.dst) + 64, tag, 32), "tag differs");
		sym_session_close(&g->st, s);
	}
	return 0;
}

/* ---- well-formed variations ---- */

static uint8_t k16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static uint8_t zero_iv[16], buf64[1024];

/* A valid CBC encrypt request of 64 bytes on a fresh session. */
static struct rq cbc_rq(struct fake_guest *g)
{
	struct rq r = { 0 };

	r.opcode = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
	r.session = new_session(g, VIRTIO_CRYPTO_CIPHER_AES_CBC, k16, 16,
				VIRTIO_CRYPTO_OP_ENCRYPT);
	r.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	r.iv_len = r.iv_bytes = 16;
	r.iv = zero_iv;
	r.src_len = r.dst_len = r.src_bytes = r.dst_bytes = 64;
	r.src = buf64;
	return r;
}

static int t_extra_descriptor_bytes(struct fake_guest *g)
{
	/* Like Linux's driver: more bytes than the lengths; use exactly those. */
	struct rq r = cbc_rq(g);
	struct laid L;
	uint8_t want[64];
	unsigned int i;

	r.src_bytes = 100;
	r.dst_bytes = 100;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, 65))
		return 1;
	{
		struct vc_cipher *c;

		vc_cipher_new(g->engine, &c, VC_AES_CBC, k16, 16);
		vc_cipher_crypt(c, VC_ENCRYPT, zero_iv, buf64, want, 64, NULL);
		vc_cipher_free(c);
	}
	REQUIRE(current, !memcmp(fg_host(g, L.dst), want, 64), "output differs");
	for (i = 64; i < 100; i++)
		REQUIRE(current, fg_host(g, L.dst)[i] == 0xaa, "byte %u past dst_data_len written", i);
	return 0;
}

static int t_zero_length(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.src_len = r.dst_len = r.src_bytes = r.dst_bytes = 0;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_OK, 1);
}

static int t_indirect_ok(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);
	uint64_t table = fg_alloc(g, 16 * L.ndesc, 0);
	unsigned int i;

	/* Move the direct chain into an indirect table. */
	for (i = 0; i < L.ndesc; i++) {
		struct vring_desc d;

		memcpy(&d, g->mem + FG_DESC + 16 * i, 16);
		fg_idesc(g, table, i, d.addr, d.len, d.flags, d.next);
	}
	fg_desc(g, 5, table, 16 * L.ndesc, I, 0);
	L.head = 5;
	return serve_laid(g, &L, VIRTIO_CRYPTO_OK, 65);
}

/* Descriptors are copied when popped: rewriting them afterwards (as a hostile
 * guest racing the device would) changes nothing that is served. */
static int t_toctou(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);
	uint8_t want[64];
	struct vc_cipher *c;
	uint32_t len;
	int status;
	unsigned int i;

	fg_post(g, L.head);
	REQUIRE(current, vring_pop(&g->vr, &g->mt, &g->c) == 1, "pop");
	for (i = 0; i < L.ndesc; i++)
		fg_desc(g, i, FG_GPA + FG_SIZE - 8, 0xffffffffu, W | N, (uint16_t)i);
	len = request_serve(&g->st, &g->c, &g->sc, &status);
	REQUIRE(current, status == VIRTIO_CRYPTO_OK && len == 65, "status %d len %u", status, len);
	vc_cipher_new(g->engine, &c, VC_AES_CBC, k16, 16);
	vc_cipher_crypt(c, VC_ENCRYPT, zero_iv, buf64, want, 64, NULL);
	vc_cipher_free(c);
	REQUIRE(current, !memcmp(fg_host(g, L.dst), want, 64), "output differs");
	return 0;
}

/* ---- malformed requests: the right status, the element always returned ---- */

static int t_header_short(struct fake_guest *g)
{
	struct laid L = { 0 };
	uint64_t h = fg_alloc(g, 40, 0);

	L.status = fg_alloc(g, 1, 0xee);
	fg_desc(g, 0, h, 40, N, 1);
	fg_desc(g, 1, L.status, 1, W, 0);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_length_overflow(struct fake_guest *g)
{
	/* iv + src + dst would wrap 32 bits; also each alone is absurd. */
	struct rq r = cbc_rq(g);
	struct laid L;

	r.iv_len = 0xfffffff0u;
	r.src_len = r.dst_len = 0x20u;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	r = cbc_rq(g);
	r.src_len = r.dst_len = 0xffffffffu;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_dst_ne_src(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;
	unsigned int i;

	r.dst_len = 48;	/* CVE-2023-3180 */
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	for (i = 0; i < 64; i++)
		REQUIRE(current, fg_host(g, L.dst)[i] == 0xaa, "dst byte %u written", i);
	r = cbc_rq(g);
	r.dst_len = 128;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_src_missing(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.src_bytes = 48;	/* header says 64 */
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_dst_short(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.dst_bytes = 63;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_missing_status(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.dst_bytes = 0;
	r.no_status = 1;
	L = lay(g, &r);
	return serve_laid(g, &L, -1, 0);
}

static int t_loop(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);

	/* The status descriptor points back to the header. */
	fg_desc(g, L.ndesc - 1, L.status, 1, W | N, 0);
	return serve_laid(g, &L, -1, 0);
}

static int t_self_loop(struct fake_guest *g)
{
	struct laid L = { 0 };

	fg_desc(g, 3, fg_alloc(g, 72, 0), 72, N, 3);
	L.head = 3;
	return serve_laid(g, &L, -1, 0);
}

static int t_next_out_of_range(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);

	fg_desc(g, 1, fg_alloc(g, 16, 0), 16, N, (uint16_t)g->num);
	return serve_laid(g, &L, -1, 0);
}

static int t_indirect_bad(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);
	uint64_t table = fg_alloc(g, 16 * 8, 0);

	L.head = 6;
	/* size not a multiple of 16 */
	fg_desc(g, 6, table, 20, I, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* empty */
	fg_desc(g, 6, table, 0, I, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* outside guest memory */
	fg_desc(g, 6, FG_GPA + FG_SIZE - 32, 64, I, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* INDIRECT together with NEXT */
	fg_desc(g, 6, table, 32, I | N, 7);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* nested indirect */
	fg_idesc(g, table, 0, table, 32, I, 0);
	fg_desc(g, 6, table, 32, I, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* a loop inside the table */
	fg_idesc(g, table, 0, L.hdr, 72, N, 1);
	fg_idesc(g, table, 1, L.status, 1, W | N, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* next out of the table's range */
	fg_idesc(g, table, 1, L.status, 1, W | N, 2);
	fg_desc(g, 6, table, 32, I, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	/* an indirect descriptor in the middle of a chain */
	fg_desc(g, 6, L.hdr, 72, N, 7);
	fg_desc(g, 7, table, 32, I, 0);
	return serve_laid(g, &L, -1, 0);
}

static int t_outside_memory(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);

	/* src (descriptor 2) outside: the status still says so */
	fg_desc(g, 2, FG_GPA + FG_SIZE + 4096, 64, N, 3);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* src straddling the end of the region */
	L = lay(g, &r);
	fg_desc(g, 2, FG_GPA + FG_SIZE - 32, 64, N, 3);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* below the region, and at an address that wraps 64 bits */
	L = lay(g, &r);
	fg_desc(g, 2, 0xfffffffffffffff0ull, 64, N, 3);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* the status byte itself outside: nothing can be written */
	L = lay(g, &r);
	fg_desc(g, L.ndesc - 1, FG_GPA - 1, 1, W, 0);
	if (serve_laid(g, &L, -1, 0))
		return 1;
	return 0;
}

static int t_readable_after_writable(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);

	fg_desc(g, L.ndesc - 1, L.status, 1, N, 0);	/* readable at the end */
	fg_desc(g, 0, L.hdr, 72, N, 1);
	return serve_laid(g, &L, -1, 0);
}

static int t_too_big(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.src_len = r.dst_len = REQ_MAX_DATA + 16;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_unknown_session(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.session = 0x123456789ull;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_INVSESS, 1))
		return 1;
	/* a closed one */
	r = cbc_rq(g);
	REQUIRE(current, sym_session_close(&g->st, r.session) == 0, "close");
	REQUIRE(current, sym_session_close(&g->st, r.session) == -ENOENT, "second close");
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_INVSESS, 1);
}

static int t_unknown_opcode(struct fake_guest *g)
{
	static const uint32_t ops[] = { 0x9999, VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_MAC,
		VIRTIO_CRYPTO_AEAD_ENCRYPT, VIRTIO_CRYPTO_AKCIPHER_ENCRYPT };
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct rq r = cbc_rq(g);
		struct laid L;

		r.opcode = ops[i];
		L = lay(g, &r);
		if (serve_laid(g, &L, VIRTIO_CRYPTO_NOTSUPP, 1))
			return 1;
	}
	return 0;
}

static int t_op_type_none(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.op_type = VIRTIO_CRYPTO_SYM_OP_NONE;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_NOTSUPP, 1))
		return 1;
	r.op_type = 77;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_NOTSUPP, 1))
		return 1;
	/* chaining request on a plain cipher session */
	r.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	r.hash_len = 32;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_block_misaligned(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L;

	r.src_len = r.dst_len = 63;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	r = cbc_rq(g);
	r.iv_len = 8;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_chain_lengths(struct fake_guest *g)
{
	uint8_t akey[32] = { 0 };
	uint64_t s = chain_session(g, k16, VIRTIO_CRYPTO_OP_ENCRYPT,
				   VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH,
				   VIRTIO_CRYPTO_MAC_HMAC_SHA_256, akey, 32, 32);
	struct rq base = { 0 }, r;
	struct laid L;

	REQUIRE(current, s, "session");
	base.opcode = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
	base.session = s;
	base.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	base.iv_len = base.iv_bytes = 16;
	base.iv = zero_iv;
	base.src_len = base.dst_len = base.src_bytes = 64;
	base.src = buf64;
	base.len_to_cipher = base.len_to_hash = 64;
	base.hash_len = 32;
	base.dst_bytes = 96;
	/* cipher range past the data, with a wrapping offset */
	r = base;
	r.cipher_start = 0xfffffff0u;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* hash range past the data */
	r = base;
	r.hash_start = 32;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* hash result longer than SHA-256's */
	r = base;
	r.hash_len = 33;
	r.dst_bytes = 97;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* no room for the hash result */
	r = base;
	r.dst_bytes = 80;
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1))
		return 1;
	/* aad longer than present */
	r = base;
	r.aad_len = 1000;
	r.aad_bytes = 10;
	r.aad = buf64;
	L = lay(g, &r);
	return serve_laid(g, &L, VIRTIO_CRYPTO_BADMSG, 1);
}

static int t_ring_broken(struct fake_guest *g)
{
	struct vring_avail *a = (struct vring_avail *)(g->mem + FG_AVAIL);
	uint32_t id, len;
	int st;

	/* head index out of range: the ring stops, nothing crashes */
	fg_post(g, 200);
	REQUIRE(current, fg_serve(g, &id, &len, &st) == -1, "bad head accepted");
	REQUIRE(current, g->vr.broken != NULL, "not marked broken");
	REQUIRE(current, fg_serve(g, &id, &len, &st) == -1, "broken ring popped");
	/* avail index jumping past the ring size */
	g->vr.broken = NULL;
	g->vr.last_avail = a->idx;
	a->idx = (uint16_t)(a->idx + g->num + 1);
	REQUIRE(current, fg_serve(g, &id, &len, &st) == -1, "avail jump accepted");
	/* idx + 70000: wraps to +4464, still more than the ring */
	g->vr.broken = NULL;
	a->idx = (uint16_t)(g->vr.last_avail + 70000);
	REQUIRE(current, fg_serve(g, &id, &len, &st) == -1, "avail jump of 70000 accepted");
	return 0;
}

/* Zero-length descriptors (any address) add nothing: not the status byte
 * after a trailing one, not a bad address. */
static int t_zero_length_descs(struct fake_guest *g)
{
	struct rq r = cbc_rq(g);
	struct laid L = lay(g, &r);

	fg_desc(g, L.ndesc - 1, L.status, 1, W | N, (uint16_t)L.ndesc);
	fg_desc(g, L.ndesc, ~0ull, 0, W | N, (uint16_t)(L.ndesc + 1));
	fg_desc(g, L.ndesc + 1, FG_GPA + FG_SIZE, 0, W, 0);
	return serve_laid(g, &L, VIRTIO_CRYPTO_OK, 65);
}

/* Region tables and translation at the edges of the 64-bit space. */
static int t_memory_edges(struct fake_guest *g)
{
	struct mem_region r[2];
	struct mem_table t;
	uint64_t avail;

	memset(r, 0, sizeof(r));
	r[0].gpa = ~0ull - 4095;	/* ends exactly at 2^64 */
	r[0].size = 4096;
	r[0].uaddr = FG_UADDR;
	r[0].host = g->mem;
	REQUIRE(current, mem_table_init(&t, r, 1) == -EINVAL && t.n == 0,
	      "region ending at 2^64 accepted");
	r[0].gpa = ~0ull - 8191;	/* ends 4096 below */
	REQUIRE(current, mem_table_init(&t, r, 1) == 0, "region below 2^64 refused");
	REQUIRE(current, mem_gpa(&t, ~0ull - 8191, 4096, NULL) == g->mem, "start");
	REQUIRE(current, mem_gpa(&t, ~0ull - 4096, 1, NULL) == g->mem + 4095, "last byte");
	REQUIRE(current, mem_gpa(&t, ~0ull - 4096, 2, NULL) == NULL, "past the end");
	REQUIRE(current, mem_gpa(&t, ~0ull - 4095, 0, &avail) == NULL && avail == 0,
	      "length 0 at the end");
	REQUIRE(current, mem_gpa(&t, ~0ull - 8000, ~0ull, NULL) == NULL, "gpa + len wraps");
	REQUIRE(current, mem_gpa(&t, ~0ull - 8000, 0, &avail) == g->mem + 191 &&
	      avail == 4096 - 191, "length 0 inside");
	REQUIRE(current, mem_uaddr(&t, FG_UADDR + 8, 4088) == g->mem + 8, "uaddr inside");
	REQUIRE(current, mem_uaddr(&t, FG_UADDR + 8, ~0ull - 4) == NULL, "uaddr + len wraps");
	r[0].size = 0;
	REQUIRE(current, mem_table_init(&t, r, 1) == -EINVAL, "empty region accepted");
	r[0].size = 4096;
	r[1] = r[0];
	r[1].uaddr = FG_UADDR + 0x100000;
	r[1].gpa = r[0].gpa + 4095;
	REQUIRE(current, mem_table_init(&t, r, 2) == -EINVAL, "overlapping gpa accepted");
	r[1].gpa = r[0].gpa - 4096;
	r[1].uaddr = FG_UADDR + 4095;
	REQUIRE(current, mem_table_init(&t, r, 2) == -EINVAL, "overlapping uaddr accepted");
	REQUIRE(current, mem_table_init(&t, r, MEM_MAX_REGIONS + 1) == -EINVAL,
	      "too many regions accepted");
	return 0;
}

/* A region whose QEMU address is aligned but whose mapping is not (an odd
 * mmap_offset): the ring parts would be misaligned in our memory. */
static int t_ring_misaligned_host(struct fake_guest *g)
{
	struct mem_region r = { 0 };
	struct mem_table t;
	struct virtq vr;

	r.gpa = FG_GPA;
	r.size = FG_SIZE - 16;
	r.uaddr = FG_UADDR;
	r.host = g->mem + 1;
	REQUIRE(current, mem_table_init(&t, &r, 1) == 0, "table refused");
	REQUIRE(current, vring_setup(&vr, &t, g->num, FG_UADDR + FG_DESC, FG_UADDR + FG_AVAIL,
			  FG_UADDR + FG_USED, 0) == -EINVAL,
	      "ring misaligned in host memory accepted");
	r.host = g->mem + 16;
	REQUIRE(current, mem_table_init(&t, &r, 1) == 0, "table refused");
	REQUIRE(current, vring_setup(&vr, &t, g->num, FG_UADDR + FG_DESC, FG_UADDR + FG_AVAIL,
			  FG_UADDR + FG_USED, 0) == 0, "aligned ring refused");
	return 0;
}

static int t_session_params(struct fake_guest *g)
{
	static const uint32_t bad_keylens[] = { 0, 1, 15, 17, 31, 33, 64, 65, 0xffffffffu };
	uint8_t key[64] = { 0 };
	struct sym_session_params p = { 0 };
	uint64_t id;
	unsigned int i;

	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	p.key = key;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	p.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	for (i = 0; i < sizeof(bad_keylens) / sizeof(bad_keylens[0]); i++) {
		p.key_len = bad_keylens[i];
		REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -EINVAL,
		      "key length %u accepted", bad_keylens[i]);
	}
	p.key_len = 16;
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_XTS;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -ENOTSUP, "XTS");
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	p.direction = 3;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -EINVAL, "direction");
	p.direction = VIRTIO_CRYPTO_OP_DECRYPT;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_NONE;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -ENOTSUP, "op NONE");
	p.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	p.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA_256;
	p.hash_result_len = 32;
	p.chain_order = 2;
	p.auth_key = key;
	p.auth_key_len = 513;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -EINVAL, "auth key 513");
	p.auth_key_len = 32;
	p.hash_result_len = 33;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -EINVAL, "hash len 33");
	p.hash_result_len = 32;
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -ENOTSUP, "plain hash");
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	p.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_MD5;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == -ENOTSUP, "HMAC-MD5");
	p.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	p.hash_result_len = 20;
	REQUIRE(current, sym_session_create(&g->st, g->engine, &p, &id, NULL) == 0, "HMAC-SHA1 chain");
	REQUIRE(current, sym_session_close(&g->st, id) == 0, "close");
	return 0;
}

static int t_session_table_full(struct fake_guest *g)
{
	static uint64_t ids[SYM_SESSION_SLOTS];
	struct sym_session_params p = { 0 };
	uint64_t id;
	unsigned int i, n = 0;
	int ret = 0;

	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CTR;
	p.key = k16;
	p.key_len = 16;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	p.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	sym_session_table_clear(&g->st);
	for (i = 0; i < SYM_SESSION_SLOTS; i++)
		if (sym_session_create(&g->st, g->engine, &p, &ids[n], NULL) == 0)
			n++;
	if (n != SYM_SESSION_SLOTS ||
	    sym_session_create(&g->st, g->engine, &p, &id, NULL) != -ENOSPC)
		ret = 1;
	for (i = 0; i < n; i++)
		sym_session_close(&g->st, ids[i]);
	REQUIRE(current, ret == 0, "%u sessions made; the next one was not refused with ENOSPC", n);
	return 0;
}

/* A 4 MiB request (16 descriptors over the same 256 KiB each way, the
 * destination 16 bytes into the source, so not in place) grows the scratch
 * buffer past REQ_SCRATCH_KEEP; it is freed afterwards, while a small
 * request's buffer is kept for the next one. */
static int t_scratch_shrinks(struct fake_guest *g)
{
	const uint32_t piece = 256u << 10, pieces = 16, len = piece * pieces;
	struct rq r = cbc_rq(g);
	uint64_t src = fg_alloc(g, piece + 16, 0x11), dst = src + 16;
	uint64_t hdr = fg_alloc(g, 72, 0), iv = fg_alloc(g, 16, 0);
	uint64_t status = fg_alloc(g, 1, 0xee);
	uint64_t in_place = g_stats.in_place;
	unsigned int i, n = 0;
	struct laid L;

	r.session = new_session(g, VIRTIO_CRYPTO_CIPHER_AES_CTR, k16, 16,
				VIRTIO_CRYPTO_OP_ENCRYPT);
	r.src_len = r.dst_len = len;
	header(fg_host(g, hdr), &r);
	fg_desc(g, n, hdr, 72, N, (uint16_t)(n + 1)), n++;
	fg_desc(g, n, iv, 16, N, (uint16_t)(n + 1)), n++;
	for (i = 0; i < pieces; i++, n++)
		fg_desc(g, n, src, piece, N, (uint16_t)(n + 1));
	for (i = 0; i < pieces; i++, n++)
		fg_desc(g, n, dst, piece, W | N, (uint16_t)(n + 1));
	fg_desc(g, n, status, 1, W, 0);
	memset(&L, 0, sizeof(L));
	L.status = status;
	if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, len + 1))
		return 1;
	REQUIRE(current, g_stats.in_place == in_place, "served in place");
	REQUIRE(current, g->sc.cap <= REQ_SCRATCH_KEEP, "%zu bytes of scratch kept after a "
	      "%u-byte request", g->sc.cap, len);
	r = cbc_rq(g);
	L = lay(g, &r);
	if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, 65))
		return 1;
	REQUIRE(current, g->sc.cap >= 64 && g->sc.cap <= REQ_SCRATCH_KEEP,
	      "%zu bytes of scratch after a 64-byte request", g->sc.cap);
	return 0;
}

/* Workers that wait for the test to open the gate, so jobs pile up. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void gated_work(struct work *w, struct req_scratch *scratch)
{
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	device_run_work(w, scratch);
}

/* A device over the fake guest's memory and ring; 0 or -1. */
static int device_over(struct fake_guest *g, struct device *d,
		       struct workers *pool)
{
	struct ring_config cfg = {
		.num = g->num, .desc = FG_UADDR + FG_DESC,
		.avail = FG_UADDR + FG_AVAIL, .used = FG_UADDR + FG_USED,
	};

	if (device_init(d, &g->st, pool))
		return -1;
	device_set_memory(d, &g->mt);	/* map NULL: the device unmaps nothing */
	return device_start(d, &cfg);
}

/*
 * The guest re-posts head 0 (a chain of segs segments) before it is used,
 * round after round, while the workers are stuck: the device's queue stays
 * bounded by the ring and by CHAIN_MAX_SEGS segments in all, and every
 * posted element is still returned.
 */
static int repost_stuck(struct fake_guest *g, unsigned int segs)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	struct workers *pool;
	struct device d;
	unsigned int round, k, queued_max = 0, posted = 0;
	uint64_t byte = fg_alloc(g, 1, 0xee), table;
	uint64_t big = fg_alloc(g, DEVICE_INLINE_MAX + 1, 0);

	/* More than DEVICE_INLINE_MAX readable bytes: for the workers. */
	if (segs == 2) {
		fg_desc(g, 0, big, DEVICE_INLINE_MAX + 1, N, 1);
		fg_desc(g, 1, byte, 1, W, 0);
	} else {
		table = fg_alloc(g, 16 * segs, 0);
		fg_idesc(g, table, 0, big, DEVICE_INLINE_MAX + 1, N, 1);
		for (k = 1; k + 1 < segs; k++)
			fg_idesc(g, table, k, byte, 1, N, (uint16_t)(k + 1));
		fg_idesc(g, table, k, byte, 1, W, 0);
		fg_desc(g, 0, table, 16 * segs, I, 0);
	}
	gate_open = 0;
	REQUIRE(current, workers_start(&pool, 1, gated_work) == 0, "no worker thread");
	REQUIRE(current, device_over(g, &d, pool) == 0, "ring did not start");
	for (round = 0; round < 50; round++) {
		for (k = 0; k < g->num; k++, posted++)
			fg_post(g, 0);
		device_kick(&d, 0);
		if (workers_queued(pool) > queued_max)
			queued_max = workers_queued(pool);
	}
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
	device_destroy(&d);
	workers_stop(pool);
	REQUIRE(current, queued_max <= g->num, "%u jobs queued for a ring of %u",
	      queued_max, g->num);
	REQUIRE(current, queued_max * segs <= CHAIN_MAX_SEGS, "%u jobs of %u segments queued",
	      queued_max, segs);
	REQUIRE(current, u->idx == (uint16_t)posted, "used index %u, %u posted", u->idx,
	      posted);
	return 0;
}

static int t_repost_bound(struct fake_guest *g)
{
	return repost_stuck(g, 2);
}

static int t_repost_bound_segs(struct fake_guest *g)
{
	return repost_stuck(g, 8192);
}

struct poster {
	struct fake_guest *g;
	unsigned int total;
};

/* A guest that posts head 0 again as soon as the ring has room, total times. */
static void *post_forever(void *arg)
{
	struct poster *ps = arg;
	struct fake_guest *g = ps->g;
	struct vring_avail *a = (struct vring_avail *)(g->mem + FG_AVAIL);
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	unsigned int n;

	for (n = 0; n < ps->total; n++) {
		uint16_t idx = a->idx;

		while ((uint16_t)(idx - __atomic_load_n(&u->idx, __ATOMIC_ACQUIRE)) >=
		       g->num)
			;
		a->ring[idx % g->num] = 0;
		__atomic_store_n(&a->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Under a guest that never stops posting, one call of the poll loop's
 * (device_kick(), or device_poll() while adaptive polling goes on) takes at
 * most a ring's worth and says more is waiting. */
static int endless_guest(struct fake_guest *g, unsigned int poll_us)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	struct poster ps = { g, 200 * g->num };
	unsigned int most = 0, calls = 0;
	struct device d;
	pthread_t t;

	fg_desc(g, 0, fg_alloc(g, 1, 0xee), 1, W, 0);
	REQUIRE(current, device_over(g, &d, NULL) == 0, "ring did not start");
	REQUIRE(current, pthread_create(&t, NULL, post_forever, &ps) == 0, "no guest thread");
	while (__atomic_load_n(&u->idx, __ATOMIC_ACQUIRE) != (uint16_t)ps.total) {
		uint16_t before = d.vr.last_avail;

		if (device_has_backlog(&d))
			device_kick(&d, 0);
		else if (device_polling(&d))
			device_poll(&d);
		else
			device_kick(&d, poll_us);
		if ((uint16_t)(d.vr.last_avail - before) > most)
			most = (uint16_t)(d.vr.last_avail - before);
		calls++;
	}
	pthread_join(t, NULL);
	device_destroy(&d);
	REQUIRE(current, most <= g->num, "one call popped %u requests of a %u-entry ring",
	      most, g->num);
	REQUIRE(current, calls > 0, "never called");
	return 0;
}

static int t_endless_guest(struct fake_guest *g)
{
	return endless_guest(g, 0);
}

static int t_endless_guest_adaptive(struct fake_guest *g)
{
	return endless_guest(g, POLL_ADAPTIVE);
}

/* Adaptive polling's windows: double from POLL_START_US to POLL_CAP_US
 * while requests come, halve to 0 when none do. */
static int t_poll_windows(struct fake_guest *g)
{
	static const unsigned int up[] = { 25, 50, 100, 200, 200 };
	static const unsigned int down[] = { 100, 50, 25, 12, 6, 3, 1, 0, 0 };
	unsigned int i, us = 0;

	(void)g;
	for (i = 0; i < 5; i++) {
		us = poll_window_next(us, 1);
		REQUIRE(current, us == up[i], "hit %u: window %u us, want %u", i, us, up[i]);
	}
	for (i = 0; i < 9; i++) {
		us = poll_window_next(us, 0);
		REQUIRE(current, us == down[i], "miss %u: window %u us, want %u", i, us,
		      down[i]);
	}
	return 0;
}

/*
 * Polling at the longest window: a request waiting is served and keeps the
 * window at its cap; then, with nothing posted, polling stops after the
 * halvings (8 windows from 200 us), and the ring thread sleeps.
 */
static int t_adaptive_poll_stops(struct fake_guest *g)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	uint64_t status = fg_alloc(g, 1, 0xee);
	unsigned int windows = 0;
	struct device d;

	fg_desc(g, 0, status, 1, W, 0);
	REQUIRE(current, device_over(g, &d, NULL) == 0, "ring did not start");
	d.poll_level = d.poll_now = POLL_CAP_US;
	fg_post(g, 0);
	REQUIRE(current, device_polling(&d), "not polling");
	device_poll(&d);
	REQUIRE(current, u->idx == 1, "the waiting request was not served");
	REQUIRE(current, d.poll_now == POLL_CAP_US, "window %u after a hit", d.poll_now);
	while (device_polling(&d) && windows < 100) {
		device_poll(&d);
		windows++;
	}
	REQUIRE(current, windows == 8, "polling stopped after %u empty windows", windows);
	REQUIRE(current, d.poll_level == POLL_CAP_US, "level %u", d.poll_level);
	device_destroy(&d);
	return 0;
}

/* ---- in place ---- */

/* A piece of a layout: offset into the source or destination area, length. */
struct piece {
	uint32_t off, len;
};

/*
 * A cipher request on session sid over len bytes whose source is read from
 * the pieces sp[0..ns) of area src and written to the pieces dp[0..nd) of
 * area dst (areas may be the same). Afterwards the destination area must
 * hold what writing OpenSSL's result of the source (as it was) to those
 * pieces in order gives: mode and dir as the session's, key as given.
 * in_place: whether it must (1) or must not (0) have been done without a
 * copy. what names the layout.
 */
static int layout_case(struct fake_guest *g, const char *what, const char *mode,
		       int enc, const uint8_t *key, uint64_t sid, uint64_t src,
		       uint64_t dst, const struct piece *sp, unsigned int ns,
		       const struct piece *dp, unsigned int nd, uint32_t len,
		       int in_place)
{
	static uint8_t in[1u << 18], want[1u << 18], image[1u << 18];
	uint8_t iv[16];
	uint64_t hdr = fg_alloc(g, 72, 0), ivp = fg_alloc(g, 16, 0);
	uint64_t status = fg_alloc(g, 1, 0xee), before = g_stats.in_place;
	struct rq r = { 0 };
	unsigned int i, n = 0;
	uint32_t off, end = 0;
	struct laid L = { 0 };

	vc_random(iv, sizeof(iv));
	memcpy(fg_host(g, ivp), iv, 16);
	r.opcode = enc ? VIRTIO_CRYPTO_CIPHER_ENCRYPT : VIRTIO_CRYPTO_CIPHER_DECRYPT;
	r.session = sid;
	r.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	r.iv_len = 16;
	r.src_len = r.dst_len = len;
	header(fg_host(g, hdr), &r);
	fg_desc(g, n, hdr, 72, N, (uint16_t)(n + 1)), n++;
	fg_desc(g, n, ivp, 16, N, (uint16_t)(n + 1)), n++;
	for (i = 0, off = 0; i < ns; off += sp[i].len, i++, n++) {
		memcpy(in + off, fg_host(g, src + sp[i].off), sp[i].len);
		fg_desc(g, n, src + sp[i].off, sp[i].len, N, (uint16_t)(n + 1));
	}
	REQUIRE(current, off == len, "%s: source pieces of %u bytes for %u", what, off, len);
	for (i = 0; i < nd; i++, n++) {
		fg_desc(g, n, dst + dp[i].off, dp[i].len, W | N, (uint16_t)(n + 1));
		if (dp[i].off + dp[i].len > end)
			end = dp[i].off + dp[i].len;
	}
	fg_desc(g, n, status, 1, W, 0);
	oracle_aes(mode, enc, key, 16, iv, in, want, len);
	memcpy(image, fg_host(g, dst), end);
	for (i = 0, off = 0; i < nd; off += dp[i].len, i++)
		memcpy(image + dp[i].off, want + off, dp[i].len);
	L.status = status;
	if (serve_laid(g, &L, VIRTIO_CRYPTO_OK, len + 1))
		return 1;
	REQUIRE(current, !memcmp(fg_host(g, dst), image, end),
		"%s: %s %s of %u bytes differs from OpenSSL", what, mode,
		enc ? "encryption" : "decryption", len);
	REQUIRE(current, (g_stats.in_place - before) == (uint64_t)in_place,
		"%s: %s %s of %u bytes in place %d times, want %d", what, mode,
		enc ? "encryption" : "decryption", len,
		(int)(g_stats.in_place - before), in_place);
	return 0;
}

/* Pieces of a stream of cuts[n - 1] bytes, cut at cuts[1..n-2], each at
 * its own offset in the area (reversed: the last piece first). */
static unsigned int cut(struct piece *p, const uint32_t *cuts, unsigned int n,
			uint32_t base, int reversed)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i++) {
		p[i].len = cuts[i + 1] - cuts[i];
		p[i].off = base + (reversed ? cuts[n - 1] - cuts[i + 1] : cuts[i]);
	}
	return n - 1;
}

/*
 * Every mode both ways (CTR over a length that is no multiple of 16) over
 * layouts that allow the cipher in guest memory (one buffer for both,
 * whole or in the same odd pieces; apart, cut differently so that blocks
 * straddle pieces; destination pieces in reverse order) and over ones that
 * do not (destination 16 bytes into the source, source pieces overlapping
 * in one buffer, pieces too short): always OpenSSL's result.
 */
static int t_in_place(struct fake_guest *g)
{
	static const char *const modes[] = { "CBC", "CTR", "ECB" };
	static const uint32_t algs[] = { VIRTIO_CRYPTO_CIPHER_AES_CBC,
		VIRTIO_CRYPTO_CIPHER_AES_CTR, VIRTIO_CRYPTO_CIPHER_AES_ECB };
	const uint32_t sz = 64u << 10;
	uint8_t key[16];
	unsigned int m, dir, c;

	vc_random(key, sizeof(key));
	for (m = 0; m < 3; m++) {
		for (dir = 0; dir < 2; dir++) {
			const uint32_t len = m == 1 ? sz - 11 : sz, half = len / 2;
			const uint32_t whole[] = { 0, len };
			const uint32_t odd[] = { 0, 4104, 9000, 20000, 40004, len };
			const uint32_t other[] = { 0, 3000, 7001, 33333, 50000, len };
			const uint32_t tiny[] = { 0, 512, 1024, 1536, 2048 };
			const struct {
				const char *what;
				const uint32_t *s, *d;
				unsigned int ns, nd;
				uint32_t doff;
				int apart, reversed, in_place;
			} cases[] = {
				{ "one buffer", whole, whole, 2, 2, 0, 0, 0, 1 },
				{ "one buffer, odd pieces", odd, odd, 6, 6, 0, 0, 0, 1 },
				{ "apart, cut differently", odd, other, 6, 6, 0, 1, 0, 1 },
				{ "apart, reversed", odd, odd, 6, 6, 0, 1, 1, 1 },
				{ "destination 16 bytes on", whole, whole, 2, 2, 16, 0, 0, 0 },
				{ "2 KiB in 512-byte pieces", tiny, tiny, 5, 5, 0, 1, 0, 0 },
			};
			struct piece sp[8], dp[8];
			uint64_t sid, a, b;

			sid = new_session(g, algs[m], key, 16, dir ?
					  VIRTIO_CRYPTO_OP_DECRYPT : VIRTIO_CRYPTO_OP_ENCRYPT);
			REQUIRE(current, sid, "session");
			g->heap = FG_GPA + FG_HEAP;
			a = fg_alloc(g, 2 * sz, 0);
			b = fg_alloc(g, 2 * sz, 0xaa);
			for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
				unsigned int ns = cut(sp, cases[c].s, cases[c].ns, 0, 0);
				unsigned int nd = cut(dp, cases[c].d, cases[c].nd,
						      cases[c].doff, cases[c].reversed);

				vc_random(fg_host(g, a), 2 * sz);
				if (layout_case(g, cases[c].what, modes[m], !dir,
						key, sid, a,
						cases[c].apart ? b : a, sp, ns, dp, nd,
						cases[c].s[cases[c].ns - 1],
						cases[c].in_place))
					return 1;
			}
			/* one buffer whose source pieces overlap: copied */
			sp[0].off = 0;
			sp[0].len = half + 16;
			sp[1].off = half - 16;
			sp[1].len = len - sp[0].len;
			if (layout_case(g, "source pieces overlapping", modes[m], !dir,
					key, sid, a, a, sp, 2, sp, 2, len, 0))
				return 1;
			REQUIRE(current, sym_session_close(&g->st, sid) == 0, "close");
		}
	}
	return 0;
}

/* ---- the device: job reuse, one signal a pass ---- */

/* A 72-byte header, IV and status for request k, src/dst of len bytes
 * apart, chain at descriptors 5k..5k+4. */
static void post_cbc(struct fake_guest *g, unsigned int k, uint64_t sid,
		     uint64_t src, uint64_t dst, uint32_t len)
{
	uint64_t hdr = fg_alloc(g, 72, 0), iv = fg_alloc(g, 16, 1);
	uint64_t status = fg_alloc(g, 1, 0xee);
	struct rq r = cbc_rq(g);
	unsigned int d = 5 * k;

	sym_session_close(&g->st, r.session);
	r.session = sid;
	r.src_len = r.dst_len = len;
	header(fg_host(g, hdr), &r);
	fg_desc(g, d, hdr, 72, N, (uint16_t)(d + 1));
	fg_desc(g, d + 1, iv, 16, N, (uint16_t)(d + 2));
	fg_desc(g, d + 2, src, len, N, (uint16_t)(d + 3));
	fg_desc(g, d + 3, dst, len, W | N, (uint16_t)(d + 4));
	fg_desc(g, d + 4, status, 1, W, 0);
	fg_post(g, (uint16_t)d);
}

/* n requests of len bytes each (a multiple of 16), posted in one go:
 * returns the gpa of their destinations (len bytes each, in order). */
static uint64_t post_many(struct fake_guest *g, uint64_t sid, unsigned int n,
			  uint32_t len)
{
	uint64_t src = fg_alloc(g, len, 0x5a), dst = fg_alloc(g, n * len, 0xaa);
	unsigned int k;

	for (k = 0; k < n; k++)
		post_cbc(g, k, sid, src, dst + (uint64_t)k * len, len);
	return dst;
}

/*
 * Rounds of 8 requests too large to be served inline, so 7 of each round go
 * to two workers: no more jobs are made than were ever in flight at once
 * (at most 7 for the 140 handed over), the rest are reused (the ASan build
 * checks that nothing leaks), and every result is OpenSSL's.
 */
static int t_job_reuse(struct fake_guest *g)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	const uint32_t len = DEVICE_INLINE_MAX + 4096;
	static uint8_t want[DEVICE_INLINE_MAX + 4096], src[DEVICE_INLINE_MAX + 4096];
	uint8_t iv[16];
	unsigned int round, k, made = 0;
	struct workers *pool;
	struct device d;
	uint64_t sid = new_session(g, VIRTIO_CRYPTO_CIPHER_AES_CBC, k16, 16,
				   VIRTIO_CRYPTO_OP_ENCRYPT);

	memset(src, 0x5a, len);
	memset(iv, 1, sizeof(iv));
	oracle_aes("CBC", true, k16, 16, iv, src, want, len);
	REQUIRE(current, workers_start(&pool, 2, device_run_work) == 0, "no worker thread");
	REQUIRE(current, device_over(g, &d, pool) == 0, "ring did not start");
	for (round = 0; round < 20; round++) {
		uint64_t dst;

		g->heap = FG_GPA + FG_HEAP;
		dst = post_many(g, sid, 8, len);
		device_kick(&d, 0);
		workers_drain(pool);
		REQUIRE(current, u->idx == (uint16_t)(8 * (round + 1)), "used index %u after "
			"round %u", u->idx, round);
		for (k = 0; k < 8; k++)
			REQUIRE(current, !memcmp(fg_host(g, dst + k * len),
						 want, len),
				"round %u request %u differs from OpenSSL", round, k);
		/* As many as were ever in flight at once, however the workers
		 * raced: never one per request (7 are handed over a round). */
		made = d.jobs_made;
		REQUIRE(current, made >= 1 && made <= 7, "%u jobs made by round %u, "
			"%u requests handed over", made, round, 7 * (round + 1));
	}
	device_destroy(&d);
	workers_stop(pool);
	return 0;
}

/* Writes to the call eventfd since the last look. */
static uint64_t calls(int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* 12 requests of len bytes in one kick (then the workers drained, if
 * any): the call eventfd's writes, or -1 when not all were used. */
static int64_t pass_calls(struct fake_guest *g, struct device *d,
			  struct workers *pool, uint64_t sid, uint32_t len, int efd)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	uint16_t want = (uint16_t)(u->idx + 12);

	g->heap = FG_GPA + FG_HEAP;
	post_many(g, sid, 12, len);
	device_kick(d, 0);
	if (pool)
		workers_drain(pool);
	if (u->idx != want) {
		report(false, current, "used index %u, want %u", u->idx, want);
		return -1;
	}
	return (int64_t)calls(efd);
}

/*
 * The call eventfd is written once for 12 requests served in one pass, not
 * at all while the guest sets VRING_AVAIL_F_NO_INTERRUPT (the completions
 * are there all the same), and with EVENT_IDX only when the guest's
 * used_event falls in what was published; with requests on the workers, at
 * most once for the pass and once when the workers are done.
 */
static int t_one_call_a_pass(struct fake_guest *g)
{
	const struct vring_used *u = (const struct vring_used *)(g->mem + FG_USED);
	struct vring_avail *a = (struct vring_avail *)(g->mem + FG_AVAIL);
	uint16_t *used_event = &a->ring[g->num];
	struct ring_config cfg = {
		.num = g->num, .desc = FG_UADDR + FG_DESC,
		.avail = FG_UADDR + FG_AVAIL, .used = FG_UADDR + FG_USED,
	};
	uint64_t sid = new_session(g, VIRTIO_CRYPTO_CIPHER_AES_CBC, k16, 16,
				   VIRTIO_CRYPTO_OP_ENCRYPT);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct workers *pool;
	struct device d;
	int64_t n;

	REQUIRE(current, efd >= 0, "eventfd");
	REQUIRE(current, device_over(g, &d, NULL) == 0, "ring did not start");
	device_set_call(&d, efd);
	n = pass_calls(g, &d, NULL, sid, 64, efd);
	REQUIRE(current, n == 1, "%lld calls for 12 requests in one pass", (long long)n);
	a->flags = VRING_AVAIL_F_NO_INTERRUPT;
	n = pass_calls(g, &d, NULL, sid, 64, efd);
	REQUIRE(current, n == 0, "%lld calls with NO_INTERRUPT", (long long)n);

	/* EVENT_IDX: the flag means nothing, used_event does. */
	device_stop(&d);
	cfg.base = d.vr.last_avail;
	cfg.event_idx = 1;
	REQUIRE(current, device_start(&d, &cfg) == 0, "ring did not start again");
	*used_event = 0;
	n = pass_calls(g, &d, NULL, sid, 64, efd);
	REQUIRE(current, n == 1, "%lld calls for the first pass with EVENT_IDX",
		(long long)n);
	*used_event = (uint16_t)(u->idx + 20);	/* beyond the next 12 */
	n = pass_calls(g, &d, NULL, sid, 64, efd);
	REQUIRE(current, n == 0, "%lld calls before used_event", (long long)n);
	n = pass_calls(g, &d, NULL, sid, 64, efd);	/* crosses it */
	REQUIRE(current, n == 1, "%lld calls when used_event was crossed", (long long)n);
	a->flags = 0;
	device_destroy(&d);

	/* On the workers: the pass's signal, and the last worker's. */
	REQUIRE(current, workers_start(&pool, 2, device_run_work) == 0, "no worker thread");
	cfg.base = 60;
	cfg.event_idx = 0;
	REQUIRE(current, device_init(&d, &g->st, pool) == 0, "device");
	device_set_memory(&d, &g->mt);
	REQUIRE(current, device_start(&d, &cfg) == 0, "ring did not start");
	device_set_call(&d, efd);
	n = pass_calls(g, &d, pool, sid, DEVICE_INLINE_MAX + 16, efd);
	REQUIRE(current, n >= 1 && n <= 2, "%lld calls for 12 requests, 11 on the workers",
		(long long)n);
	device_destroy(&d);
	workers_stop(pool);
	close(efd);
	return 0;
}

struct tcase {
	const char *name;
	int (*fn)(struct fake_guest *g);
};

static const struct tcase tcases[] = {
	{ "random data vs OpenSSL (CBC/CTR/ECB, 16 B..64 KiB)", t_random_vs_openssl },
	{ "chaining: RFC 4231/2202 HMAC vectors", t_hmac_vectors },
	{ "chaining: encrypt-then-MAC and MAC-then-decrypt", t_encrypt_then_mac },
	{ "more descriptor bytes than the lengths", t_extra_descriptor_bytes },
	{ "zero-length request", t_zero_length },
	{ "indirect table", t_indirect_ok },
	{ "descriptors rewritten after the pop (TOCTOU)", t_toctou },
	{ "header shorter than 72 bytes", t_header_short },
	{ "length overflow", t_length_overflow },
	{ "dst_data_len != src_data_len", t_dst_ne_src },
	{ "src shorter than src_data_len", t_src_missing },
	{ "dst shorter than dst_data_len", t_dst_short },
	{ "missing status byte", t_missing_status },
	{ "descriptor loop", t_loop },
	{ "descriptor pointing at itself", t_self_loop },
	{ "next index out of range", t_next_out_of_range },
	{ "malformed indirect tables", t_indirect_bad },
	{ "addresses outside guest memory", t_outside_memory },
	{ "readable after writable", t_readable_after_writable },
	{ "data larger than the cap", t_too_big },
	{ "unknown and closed sessions", t_unknown_session },
	{ "unknown and unsupported opcodes", t_unknown_opcode },
	{ "op_type NONE / unknown / mismatched", t_op_type_none },
	{ "block length and IV length", t_block_misaligned },
	{ "chaining lengths", t_chain_lengths },
	{ "avail ring corrupt", t_ring_broken },
	{ "ring misaligned in host memory", t_ring_misaligned_host },
	{ "memory table and translation at the edges", t_memory_edges },
	{ "zero-length descriptors", t_zero_length_descs },
	{ "session parameters and key lengths", t_session_params },
	{ "session table full", t_session_table_full },
	{ "scratch memory shrinks after a 4 MiB request", t_scratch_shrinks },
	{ "re-posted heads while the workers are stuck", t_repost_bound },
	{ "re-posted 8192-segment chains while the workers are stuck",
	  t_repost_bound_segs },
	{ "a guest that never stops posting", t_endless_guest },
	{ "a guest that never stops posting, adaptive polling",
	  t_endless_guest_adaptive },
	{ "adaptive polling windows grow and shrink", t_poll_windows },
	{ "adaptive polling serves, then stops when idle", t_adaptive_poll_stops },
	{ "in place in guest memory where the layout allows, vs OpenSSL", t_in_place },
	{ "worker jobs reused, not made per request", t_job_reuse },
	{ "one call a pass, event suppression (NO_INTERRUPT, EVENT_IDX)",
	  t_one_call_a_pass },
};

static int unit_case(const char *name, int (*fn)(struct fake_guest *),
		     const void *arg,
		     int (*fnv)(struct fake_guest *, const struct vec *, uint32_t),
		     uint32_t split)
{
	struct fake_guest g;
	int ret;

	current = name;
	if (fg_init(&g, 64)) {
		report(false, name, "cannot set up the fake guest");
		return !report_case(name, false);
	}
	ret = fn ? fn(&g) : fnv(&g, arg, split);
	fg_destroy(&g);
	report_case(name, ret == 0);
	return ret;
}

int main(void)
{
	char name[96];
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		snprintf(name, sizeof(name), "SP 800-38A %s", vecs[i].name);
		unit_case(name, NULL, &vecs[i], t_vector, 0);
		snprintf(name, sizeof(name), "SP 800-38A %s, split in 7-byte pieces",
			 vecs[i].name);
		unit_case(name, NULL, &vecs[i], t_vector, 7);
	}
	for (i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++)
		unit_case(tcases[i].name, tcases[i].fn, NULL, NULL, 0);
	return report_finish("vcryptod-unit");
}
