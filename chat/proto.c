#include "proto.h"

#include <errno.h>
#include <string.h>

/* "VCCHAT" + version + reserved 0: a peer of another version is told so
 * instead of misreading our frames (version 1 peers compare all 8 bytes). */
static const uint8_t hello_magic[PROTO_MAGIC_LEN] = {
	'V', 'C', 'C', 'H', 'A', 'T', PROTO_VERSION, 0
};
#define VERSION_AT 6
static const char prk_label[] = "vcrypto-chat v2 prk";

/* IVs come from the kernel CSPRNG in batches: one getrandom() per 256 frames
 * instead of one per frame. The program is single-threaded. */
static uint8_t iv_pool[4096];
static size_t iv_pool_left;

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, v >> 32);
	put_u32(p + 4, (uint32_t)v);
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

const char *proto_strerror(enum proto_err err)
{
	switch (err) {
	case PROTO_OK:
		return "no error";
	case PROTO_E_MAGIC:
		return "not a vcrypto-chat peer (bad hello)";
	case PROTO_E_VERSION:
		return "protocol version mismatch (the peer speaks another version of the vcrypto-chat protocol; this one speaks version 2)";
	case PROTO_E_POINT:
		return "bad ephemeral key (a point of small order)";
	case PROTO_E_LENGTH:
		return "bad frame length";
	case PROTO_E_TAG:
		return "bad MAC (frame modified, truncated or forged)";
	case PROTO_E_SEQ:
		return "unexpected sequence number (frame replayed, reordered or dropped)";
	case PROTO_E_PADDING:
		return "bad padding";
	case PROTO_E_TYPE:
		return "malformed message";
	case PROTO_E_CRYPTO:
		return "crypto engine failure";
	case PROTO_E_CONFIRM:
		return "key confirmation failed (the peer does not hold the same key)";
	}
	return "unknown error";
}

void proto_hello_make(uint8_t *out, const uint8_t pub[PROTO_PUB_LEN])
{
	memcpy(out, hello_magic, PROTO_MAGIC_LEN);
	memcpy(out + PROTO_MAGIC_LEN, pub, PROTO_PUB_LEN);
}

enum proto_err proto_hello_parse(const uint8_t *in, uint8_t pub[PROTO_PUB_LEN],
				 unsigned *version)
{
	*version = in[VERSION_AT];
	if (memcmp(in, hello_magic, VERSION_AT) != 0 ||
	    in[VERSION_AT + 1] != 0 || in[VERSION_AT] == 0)
		return PROTO_E_MAGIC;
	if (in[VERSION_AT] != PROTO_VERSION)
		return PROTO_E_VERSION;
	memcpy(pub, in + PROTO_MAGIC_LEN, PROTO_PUB_LEN);
	return PROTO_OK;
}

static int hmac_label(struct vc_mac *prk, const char *label, uint8_t *out)
{
	struct vc_buf b = { label, strlen(label) };

	return vc_mac_compute(prk, &b, 1, out);
}

static int dir_make(struct proto_dir *d, struct vc_engine *e,
		    struct vc_mac *prk, const char *enc_label,
		    const char *mac_label)
{
	uint8_t enc[32], mac[32];
	int rc;

	rc = hmac_label(prk, enc_label, enc);
	if (rc == 0)
		rc = hmac_label(prk, mac_label, mac);
	if (rc == 0)
		rc = vc_cipher_new(e, &d->cipher, VC_AES_CBC, enc, 16);
	if (rc == 0) {
		rc = vc_mac_new(e, &d->mac, VC_HMAC_SHA256, mac, sizeof(mac));
		if (rc != 0) {
			vc_cipher_free(d->cipher);
			d->cipher = NULL;
		}
	}
	d->seq = 0;
	vc_wipe(enc, sizeof(enc));
	vc_wipe(mac, sizeof(mac));
	return rc;
}

static void dir_free(struct proto_dir *d)
{
	vc_cipher_free(d->cipher);
	vc_mac_free(d->mac);
	d->cipher = NULL;
	d->mac = NULL;
}

int proto_keys_expand(struct proto_keys *k, struct vc_engine *e,
		      enum proto_role role, const uint8_t prk_bytes[PROTO_PRK_LEN])
{
	struct proto_dir c2s = { 0 }, s2c = { 0 };
	struct vc_mac *prk = NULL;
	uint8_t cconf[32], sconf[32];
	int rc;

	memset(k, 0, sizeof(*k));
	rc = vc_mac_new(e, &prk, VC_HMAC_SHA256, prk_bytes, PROTO_PRK_LEN);
	if (rc != 0)
		return rc;
	rc = hmac_label(prk, "client confirm", cconf);
	if (rc == 0)
		rc = hmac_label(prk, "server confirm", sconf);
	if (rc == 0)
		rc = dir_make(&c2s, e, prk, "c2s enc", "c2s mac");
	if (rc == 0) {
		rc = dir_make(&s2c, e, prk, "s2c enc", "s2c mac");
		if (rc != 0)
			dir_free(&c2s);
	}
	vc_mac_free(prk);
	if (rc == 0) {
		if (role == PROTO_CLIENT) {
			k->send = c2s;
			k->recv = s2c;
			memcpy(k->my_confirm, cconf, sizeof(cconf));
			memcpy(k->peer_confirm, sconf, sizeof(sconf));
		} else {
			k->send = s2c;
			k->recv = c2s;
			memcpy(k->my_confirm, sconf, sizeof(sconf));
			memcpy(k->peer_confirm, cconf, sizeof(cconf));
		}
	}
	vc_wipe(cconf, sizeof(cconf));
	vc_wipe(sconf, sizeof(sconf));
	return rc;
}

enum proto_err proto_keys_derive(struct proto_keys *k, struct vc_engine *e,
				 const uint8_t key[PROTO_KEY_LEN],
				 struct proto_handshake *h,
				 uint8_t prk_out[PROTO_PRK_LEN])
{
	uint8_t dh[VC_X25519_LEN], prk[PROTO_PRK_LEN];
	struct vc_buf in[4] = {
		{ prk_label, sizeof(prk_label) - 1 },
		{ h->client_pub, PROTO_PUB_LEN },
		{ h->server_pub, PROTO_PUB_LEN },
		{ dh, sizeof(dh) },
	};
	struct vc_mac *kmac = NULL;
	int rc;

	memset(k, 0, sizeof(*k));
	rc = vc_x25519(h->my_priv, h->role == PROTO_CLIENT ? h->server_pub
							   : h->client_pub,
		       dh);
	vc_wipe(h->my_priv, sizeof(h->my_priv));
	if (rc != 0) {
		vc_wipe(dh, sizeof(dh));
		return rc == -EINVAL ? PROTO_E_POINT : PROTO_E_CRYPTO;
	}
	rc = vc_mac_new(e, &kmac, VC_HMAC_SHA256, key, PROTO_KEY_LEN);
	if (rc == 0) {
		rc = vc_mac_compute(kmac, in, 4, prk);
		vc_mac_free(kmac);
	}
	vc_wipe(dh, sizeof(dh));
	if (rc == 0)
		rc = proto_keys_expand(k, e, h->role, prk);
	if (rc == 0 && prk_out)
		memcpy(prk_out, prk, PROTO_PRK_LEN);
	vc_wipe(prk, sizeof(prk));
	return rc == 0 ? PROTO_OK : PROTO_E_CRYPTO;
}

void proto_keys_free(struct proto_keys *k)
{
	dir_free(&k->send);
	dir_free(&k->recv);
	vc_wipe(k, sizeof(*k));
}

enum proto_err proto_confirm_check(const struct proto_keys *k,
				   const uint8_t peer[PROTO_CONFIRM_LEN])
{
	if (vc_memneq(k->peer_confirm, peer, PROTO_CONFIRM_LEN))
		return PROTO_E_CONFIRM;
	return PROTO_OK;
}

static size_t ct_size(size_t payload_len)
{
	return (PROTO_PT_HDR + payload_len) / VC_AES_BLOCK * VC_AES_BLOCK +
	       VC_AES_BLOCK;
}

size_t proto_frame_size(size_t len)
{
	return PROTO_LEN_LEN + PROTO_BODY_FIXED + ct_size(len);
}

static int fresh_iv(uint8_t *iv)
{
	if (iv_pool_left < VC_IV_LEN) {
		if (vc_random(iv_pool, sizeof(iv_pool)) != 0)
			return -1;
		iv_pool_left = sizeof(iv_pool);
	}
	iv_pool_left -= VC_IV_LEN;
	memcpy(iv, iv_pool + iv_pool_left, VC_IV_LEN);
	vc_wipe(iv_pool + iv_pool_left, VC_IV_LEN);
	return 0;
}

size_t proto_frame_seal(struct proto_dir *d, enum proto_type type,
			uint32_t sender, const void *payload, size_t len,
			uint8_t *out)
{
	size_t ctlen = ct_size(len), ptlen = PROTO_PT_HDR + len;
	size_t total = proto_frame_size(len), pad = ctlen - ptlen;
	uint8_t *iv = out + PROTO_LEN_LEN + PROTO_SEQ_LEN;
	uint8_t *ct = iv + VC_IV_LEN;
	struct vc_buf b = { out, total - PROTO_TAG_LEN };

	if (len > PROTO_MAX_PAYLOAD)
		return 0;
	put_u32(out, (uint32_t)(total - PROTO_LEN_LEN));
	put_u64(out + PROTO_LEN_LEN, d->seq);
	if (fresh_iv(iv) != 0)
		return 0;
	ct[0] = (uint8_t)type;
	put_u32(ct + 1, sender);
	if (len > 0)
		memmove(ct + PROTO_PT_HDR, payload, len);
	memset(ct + ptlen, (int)pad, pad);
	if (vc_cipher_crypt(d->cipher, VC_ENCRYPT, iv, ct, ct, ctlen,
			    NULL) != 0)
		return 0;
	if (vc_mac_compute(d->mac, &b, 1, out + total - PROTO_TAG_LEN) != 0)
		return 0;
	d->seq++;
	return total;
}

enum proto_err proto_frame_need(const uint8_t *buf, size_t avail,
				size_t *need)
{
	uint32_t body;

	*need = 0;
	if (avail < PROTO_LEN_LEN)
		return PROTO_OK;
	body = get_u32(buf);
	if (body < PROTO_MIN_BODY || body > PROTO_MAX_BODY ||
	    (body - PROTO_BODY_FIXED) % VC_AES_BLOCK != 0)
		return PROTO_E_LENGTH;
	*need = PROTO_LEN_LEN + (size_t)body;
	return PROTO_OK;
}

enum proto_err proto_frame_open(struct proto_dir *d, uint8_t *frame,
				size_t len, struct proto_msg *m)
{
	uint8_t tag[PROTO_TAG_LEN];
	size_t need, ctlen, pad, ptlen, i;
	struct vc_buf b = { frame, 0 };
	uint8_t *iv, *ct;

	if (proto_frame_need(frame, len, &need) != PROTO_OK || need != len)
		return PROTO_E_LENGTH;
	b.len = len - PROTO_TAG_LEN;
	if (vc_mac_compute(d->mac, &b, 1, tag) != 0)
		return PROTO_E_CRYPTO;
	if (vc_memneq(tag, frame + len - PROTO_TAG_LEN, PROTO_TAG_LEN))
		return PROTO_E_TAG;
	if (get_u64(frame + PROTO_LEN_LEN) != d->seq)
		return PROTO_E_SEQ;
	iv = frame + PROTO_LEN_LEN + PROTO_SEQ_LEN;
	ct = iv + VC_IV_LEN;
	ctlen = len - PROTO_LEN_LEN - PROTO_BODY_FIXED;
	if (vc_cipher_crypt(d->cipher, VC_DECRYPT, iv, ct, ct, ctlen,
			    NULL) != 0)
		return PROTO_E_CRYPTO;
	pad = ct[ctlen - 1];
	if (pad < 1 || pad > VC_AES_BLOCK)
		return PROTO_E_PADDING;
	for (i = ctlen - pad; i < ctlen; i++)
		if (ct[i] != pad)
			return PROTO_E_PADDING;
	ptlen = ctlen - pad;
	if (ptlen < PROTO_PT_HDR || ptlen - PROTO_PT_HDR > PROTO_MAX_PAYLOAD)
		return PROTO_E_TYPE;
	m->type = (enum proto_type)ct[0];
	m->sender = get_u32(ct + 1);
	m->payload = ct + PROTO_PT_HDR;
	m->len = ptlen - PROTO_PT_HDR;
	switch (m->type) {
	case PROTO_MSG:
	case PROTO_REFUSED:
		break;
	case PROTO_GOODBYE:
		if (m->len != 0)
			return PROTO_E_TYPE;
		break;
	case PROTO_NAME:
		if (m->len > PROTO_NAME_MAX)
			return PROTO_E_TYPE;
		break;
	default:
		return PROTO_E_TYPE;
	}
	d->seq++;
	return PROTO_OK;
}
