#include <stdlib.h>
#include <string.h>
#include <linux/virtio_crypto.h>

#include "inplace.h"
#include "log.h"
#include "request.h"
#include "stats.h"

#define HDR_LEN 72	/* struct virtio_crypto_op_data_req */

_Static_assert(sizeof(struct virtio_crypto_op_data_req) == HDR_LEN,
	       "virtio_crypto_op_data_req layout");

/* What the header asks for, in host order. */
struct req {
	uint32_t opcode;
	uint64_t session_id;
	uint32_t op_type;
	uint32_t iv_len, src_len, dst_len;
	uint32_t cipher_start, len_to_cipher;
	uint32_t hash_start, len_to_hash;
	uint32_t aad_len, hash_len;
};

void req_scratch_free(struct req_scratch *s)
{
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

enum { FROM_GUEST, TO_GUEST };

/* Copy len bytes between buf and offset off of the segment list, in the
 * direction dir: 0, or -1 when the segments do not hold them all in guest
 * memory. */
static int copy_segs(const struct seg *seg, unsigned int n, uint64_t off,
		     uint8_t *buf, uint64_t len, int dir)
{
	unsigned int i;

	for (i = 0; i < n && len > 0; i++) {
		uint64_t take;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		if (!seg[i].p)
			return -1;
		take = seg[i].len - off;
		if (take > len)
			take = len;
		if (dir == TO_GUEST)
			memcpy(seg[i].p + off, buf, take);
		else
			memcpy(buf, seg[i].p + off, take);
		buf += take;
		len -= take;
		off = 0;
	}
	return len ? -1 : 0;
}

static void parse_header(const uint8_t *h, struct req *r)
{
	const uint8_t *u = h + 24;	/* the sym_req union */

	memset(r, 0, sizeof(*r));
	r->opcode = le32(h);
	r->session_id = le64(h + 8);
	r->op_type = le32(u + 40);
	r->iv_len = le32(u);
	r->src_len = le32(u + 4);
	r->dst_len = le32(u + 8);
	if (r->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		r->cipher_start = le32(u + 12);
		r->len_to_cipher = le32(u + 16);
		r->hash_start = le32(u + 20);
		r->len_to_hash = le32(u + 24);
		r->aad_len = le32(u + 28);
		r->hash_len = le32(u + 32);
	} else {
		r->len_to_cipher = r->src_len;
	}
}

static int block_mode(enum vc_cipher_alg alg)
{
	return alg == VC_AES_CBC || alg == VC_AES_ECB;
}

/* Every length of r against the session and the chain; VIRTIO_CRYPTO_OK or
 * the status to answer with. */
static int check(const struct req *r, const struct sym_session *s,
		 const struct chain *c)
{
	uint64_t need_in, need_out;

	if (r->op_type != s->op_type)
		return VIRTIO_CRYPTO_BADMSG;
	if (r->src_len != r->dst_len)
		return VIRTIO_CRYPTO_BADMSG;
	if (r->src_len > REQ_MAX_DATA || r->aad_len > REQ_MAX_DATA)
		return VIRTIO_CRYPTO_BADMSG;
	if (s->alg != VC_AES_ECB && r->iv_len < VC_IV_LEN)
		return VIRTIO_CRYPTO_BADMSG;
	need_in = (uint64_t)HDR_LEN + r->iv_len + r->aad_len + r->src_len;
	need_out = (uint64_t)r->dst_len + r->hash_len + 1;
	if (need_in > c->in_len || need_out > c->out_len)
		return VIRTIO_CRYPTO_BADMSG;
	if ((uint64_t)r->cipher_start + r->len_to_cipher > r->src_len)
		return VIRTIO_CRYPTO_BADMSG;
	if (block_mode(s->alg) && r->len_to_cipher % VC_AES_BLOCK)
		return VIRTIO_CRYPTO_BADMSG;
	if (s->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		if ((uint64_t)r->hash_start + r->len_to_hash > r->src_len)
			return VIRTIO_CRYPTO_BADMSG;
		if (r->hash_len == 0 || r->hash_len > vc_mac_len(s->mac))
			return VIRTIO_CRYPTO_BADMSG;
	}
	return VIRTIO_CRYPTO_OK;
}

static uint8_t *scratch(struct req_scratch *sc, size_t len)
{
	static uint8_t empty[1];

	if (len > sc->cap) {
		uint8_t *p = realloc(sc->buf, len);

		if (!p)
			return NULL;
		sc->buf = p;
		sc->cap = len;
	}
	return sc->buf ? sc->buf : empty;
}

/* Run the checked request; the output goes to the writable segments, in
 * place for a cipher-only one where inplace_crypt() can. */
static int run_crypto(const struct req *r, const struct sym_session *s,
	       const struct chain *c, struct req_scratch *sc)
{
	const struct seg *in = c->seg, *out = c->seg + c->nin;
	uint8_t iv[VC_IV_LEN] = { 0 }, tag[VC_MAX_TAG];
	uint64_t off = HDR_LEN;
	uint8_t *aad, *data;
	int chaining = s->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;

	if (copy_segs(in, c->nin, off, iv,
		      r->iv_len < VC_IV_LEN ? r->iv_len : VC_IV_LEN, FROM_GUEST))
		return VIRTIO_CRYPTO_BADMSG;
	off += r->iv_len;
	if (!chaining) {
		/* cipher_start 0, len_to_cipher src_len, no AAD */
		int done = inplace_crypt(s, iv, in, c->nin, off, out, c->nout,
					 r->src_len);

		if (done > 0)
			stats_add(&g_stats.in_place, 1);
		if (done)
			return done > 0 ? VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_ERR;
	}
	data = scratch(sc, (size_t)r->aad_len + r->src_len);
	if (!data)
		return VIRTIO_CRYPTO_ERR;
	aad = data;
	data += r->aad_len;
	if (copy_segs(in, c->nin, off, aad, r->aad_len, FROM_GUEST))
		return VIRTIO_CRYPTO_BADMSG;
	off += r->aad_len;
	if (copy_segs(in, c->nin, off, data, r->src_len, FROM_GUEST))
		return VIRTIO_CRYPTO_BADMSG;

	if (chaining && s->chain_order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER) {
		struct vc_buf b[2] = { { aad, r->aad_len },
				       { data + r->hash_start, r->len_to_hash } };

		if (vc_mac_compute(s->mac, b, 2, tag))
			return VIRTIO_CRYPTO_ERR;
	}
	if (r->len_to_cipher > 0) {
		uint8_t *p = data + r->cipher_start;

		if (vc_cipher_crypt(s->cipher, s->dir, iv, p, p, r->len_to_cipher,
				    NULL))
			return VIRTIO_CRYPTO_ERR;
	}
	if (chaining && s->chain_order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH) {
		struct vc_buf b[2] = { { aad, r->aad_len },
				       { data + r->hash_start, r->len_to_hash } };

		if (vc_mac_compute(s->mac, b, 2, tag))
			return VIRTIO_CRYPTO_ERR;
	}
	if (copy_segs(out, c->nout, 0, data, r->dst_len, TO_GUEST))
		return VIRTIO_CRYPTO_BADMSG;
	if (chaining &&
	    copy_segs(out, c->nout, r->dst_len, tag, r->hash_len, TO_GUEST))
		return VIRTIO_CRYPTO_BADMSG;
	return VIRTIO_CRYPTO_OK;
}

/* The status byte: the last byte of the last non-empty writable segment. */
static uint8_t *status_byte(const struct chain *c)
{
	unsigned int i;

	for (i = c->nin + c->nout; i > c->nin; i--) {
		const struct seg *sg = &c->seg[i - 1];

		if (sg->len)
			return sg->p ? sg->p + sg->len - 1 : NULL;
	}
	return NULL;
}

static int serve_checked(struct sym_session_table *t, const struct chain *c,
		 struct req_scratch *sc, struct req *r)
{
	uint8_t h[HDR_LEN];
	struct sym_session *s;
	int status;

	if (c->bad_addr) {
		vlog(LOG_DEBUG, "request %u: address outside guest memory", c->head);
		return VIRTIO_CRYPTO_BADMSG;
	}
	if (copy_segs(c->seg, c->nin, 0, h, HDR_LEN, FROM_GUEST)) {
		vlog(LOG_DEBUG, "request %u: header shorter than %d bytes",
		     c->head, HDR_LEN);
		return VIRTIO_CRYPTO_BADMSG;
	}
	parse_header(h, r);
	if (r->opcode != VIRTIO_CRYPTO_CIPHER_ENCRYPT &&
	    r->opcode != VIRTIO_CRYPTO_CIPHER_DECRYPT)
		return VIRTIO_CRYPTO_NOTSUPP;
	if (r->op_type != VIRTIO_CRYPTO_SYM_OP_CIPHER &&
	    r->op_type != VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING)
		return VIRTIO_CRYPTO_NOTSUPP;
	s = sym_session_get(t, r->session_id);
	if (!s)
		return VIRTIO_CRYPTO_INVSESS;
	status = check(r, s, c);
	if (status == VIRTIO_CRYPTO_OK)
		status = run_crypto(r, s, c, sc);
	else
		vlog(LOG_DEBUG, "request %u: lengths rejected (iv %u src %u dst %u "
		     "aad %u hash %u; chain in %llu out %llu)", c->head,
		     r->iv_len, r->src_len, r->dst_len, r->aad_len, r->hash_len,
		     (unsigned long long)c->in_len, (unsigned long long)c->out_len);
	sym_session_put(s);
	return status;
}

uint32_t request_serve(struct sym_session_table *t, const struct chain *c,
		       struct req_scratch *sc, int *status_out)
{
	struct req r = { 0 };
	uint8_t *status_p;
	int status;

	stats_add(&g_stats.requests, 1);
	if (status_out)
		*status_out = -1;
	status_p = c->error ? NULL : status_byte(c);
	if (!status_p) {
		vlog(LOG_DEBUG, "request %u: unusable chain: %s", c->head,
		     c->error ? c->error : "no writable status byte in memory");
		stats_add(&g_stats.malformed, 1);
		return 0;
	}
	status = serve_checked(t, c, sc, &r);
	if (sc->cap > REQ_SCRATCH_KEEP)
		req_scratch_free(sc);
	*status_p = (uint8_t)status;
	stats_add(&g_stats.status[status], 1);
	if (status_out)
		*status_out = status;
	if (status != VIRTIO_CRYPTO_OK)
		return 1;
	stats_add(&g_stats.bytes_in, r.src_len);
	stats_add(&g_stats.bytes_out, r.dst_len);
	return r.dst_len + r.hash_len + 1;
}
