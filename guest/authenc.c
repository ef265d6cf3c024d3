// SPDX-License-Identifier: GPL-2.0
/*
 * CIOCAUTHCRYPT's TLS and SRTP forms, on sessions of a cipher and a MAC,
 * with cryptodev-linux's semantics: in place (src == dst), one MAC from
 * scratch per operation, the IV as CIOCCRYPT's.
 *
 * SRTP MACs the ciphertext, so it runs where the session's cipher runs (the
 * device or the kernel) over the caller's pinned pages, and a forged packet
 * is refused before anything is decrypted.
 *
 * TLS MACs the plaintext, then pads and encrypts it, so a record can only be
 * checked once decrypted. It runs in a kernel copy of the record on the
 * kernel's skcipher, and only a record that checks out is copied back: a
 * forged one leaves dst untouched (cryptodev-linux decrypts it in place).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vcd.h"

/* Four times the largest TLS record (2^14 + 2048): the copy stays small. */
#define VCD_TLS_MAX		(64U * 1024)
/* cryptodev-linux's bound on how far into auth_src an SRTP payload starts. */
#define VCD_SRTP_MAX_HEADER	256

static int vcd_authenc_check(const struct vcd_session *s,
			     const struct crypt_auth_op *op)
{
	if (op->op != COP_ENCRYPT && op->op != COP_DECRYPT)
		return -EINVAL;
	if (!s->cipher || !op->dst || op->src != op->dst)
		return -EINVAL;
	return s->hash && op->tag_len > vcd_hash_size(s) ? -EINVAL : 0;
}

/* The tag length of op on s: the digest's unless op asks for less. */
static u32 vcd_authenc_tag_len(const struct vcd_session *s,
			       const struct crypt_auth_op *op)
{
	if (!s->hash)
		return 0;
	return op->tag_len ? op->tag_len : vcd_hash_size(s);
}

int vcd_srtp_crypt(struct vcd_session *s, struct crypt_auth_op *op)
{
	struct crypt_op cop = {
		.ses = op->ses,
		.op = op->op,
		.flags = op->flags & COP_FLAG_WRITE_IV,
		.len = op->len,
		.src = op->dst,
		.dst = op->dst,
		.iv = op->iv,
	};
	u8 digest[AALG_MAX_RESULT_LEN], tag[AALG_MAX_RESULT_LEN];
	unsigned long header = (unsigned long)op->src -
			       (unsigned long)op->auth_src;
	u32 tag_len = vcd_authenc_tag_len(s, op);
	int err;

	err = vcd_authenc_check(s, op);
	if (err)
		return err;
	if (vcd_session_block(s) != 1 || !op->len || !op->auth_len ||
	    op->auth_len > VCD_MAX_LEN || header > VCD_SRTP_MAX_HEADER)
		return -EINVAL;
	/* cryptodev-linux's check, though the tag is not in the data. */
	if (op->op == COP_DECRYPT && tag_len > op->len)
		return -EINVAL;
	if (s->hash && op->op == COP_DECRYPT) {
		if (copy_from_user(tag, op->tag, tag_len))
			return -EFAULT;
		err = vcd_hash_record(s, NULL, 0, op->auth_src, op->auth_len,
				      digest);
		if (!err && crypto_memneq(digest, tag, tag_len))
			err = -EBADMSG;
		if (err)
			goto out;
	}
	err = vcd_cipher_crypt(s, &cop);
	if (err || !s->hash || op->op == COP_DECRYPT)
		goto out;
	err = vcd_hash_record(s, NULL, 0, op->auth_src, op->auth_len, digest);
	if (!err && copy_to_user(op->tag, digest, tag_len))
		err = -EFAULT;
out:
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/* t over len bytes of kvmalloc()ed memory at buf. */
static int vcd_sg_kernel(struct sg_table *t, u8 *buf, u32 len)
{
	struct scatterlist *sg;
	int err;

	if (!is_vmalloc_addr(buf)) {
		err = sg_alloc_table(t, 1, GFP_KERNEL_ACCOUNT);
		if (!err)
			sg_set_buf(t->sgl, buf, len);
		return err;
	}
	err = sg_alloc_table(t, DIV_ROUND_UP(offset_in_page(buf) + len,
					     PAGE_SIZE), GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	for (sg = t->sgl; len; sg = sg_next(sg)) {
		u32 n = min_t(u32, len, PAGE_SIZE - offset_in_page(buf));

		sg_set_page(sg, vmalloc_to_page(buf), n, offset_in_page(buf));
		buf += n;
		len -= n;
	}
	return 0;
}

/* One TLS record in a kernel copy: the AAD, then the record. */
struct vcd_tls {
	struct vcd_session *s;
	struct vcd_soft_cipher *sc;
	struct crypt_auth_op *op;
	u8 *aad;
	u8 *rec;
	u32 tag_len;
	u8 iv[VCD_BLOCK];
	u8 digest[AALG_MAX_RESULT_LEN];
};

/* Encrypts or decrypts len bytes of the record in place. */
static int vcd_tls_cipher(struct vcd_tls *t, bool encrypt, u32 len)
{
	struct sg_table sgt;
	int err;

	err = vcd_sg_kernel(&sgt, t->rec, len);
	if (err)
		return err;
	err = vcd_soft_cipher_kernel(t->sc, encrypt, sgt.sgl, len, t->iv);
	sg_free_table(&sgt);
	return err;
}

/* MAC, pad, encrypt; the record's length is returned in *len. */
static int vcd_tls_encrypt(struct vcd_tls *t, u32 *len)
{
	unsigned int bs = vcd_soft_cipher_blocksize(t->sc);
	u32 n = t->op->len;
	int err;

	if (t->s->hash) {
		err = vcd_hash_record(t->s, t->aad, t->op->auth_len + n, NULL,
				      0, t->digest);
		if (err)
			return err;
		memcpy(t->rec + n, t->digest, t->tag_len);
		n += t->tag_len;
	}
	if (bs > 1) {
		u32 pad = bs - n % bs;

		memset(t->rec + n, pad - 1, pad);
		n += pad;
	}
	*len = n;
	return vcd_tls_cipher(t, true, n);
}

/*
 * Decrypt, then check the pad and the MAC; the plaintext's length is
 * returned in *len. Both are checked whatever the pad says, and a failure
 * of either is the same EBADMSG.
 */
static int vcd_tls_decrypt(struct vcd_tls *t, u32 *len)
{
	u32 n = t->op->len;
	bool bad = false;
	int err;

	err = vcd_tls_cipher(t, false, n);
	if (err)
		return err;
	if (vcd_soft_cipher_blocksize(t->sc) > 1) {
		u32 pad = t->rec[n - 1], i;

		bad = pad + 1 > n;
		for (i = 0; !bad && i < pad; i++)
			bad = t->rec[n - 2 - i] != pad;
		if (!bad)
			n -= pad + 1;
	}
	if (t->s->hash) {
		if (t->tag_len > n)
			return -EINVAL;
		n -= t->tag_len;
		err = vcd_hash_record(t->s, t->aad, t->op->auth_len + n, NULL,
				      0, t->digest);
		if (err)
			return err;
		if (crypto_memneq(t->digest, t->rec + n, t->tag_len))
			bad = true;
	}
	*len = n;
	return bad ? -EBADMSG : 0;
}

int vcd_tls_crypt(struct vcd_session *s, struct crypt_auth_op *op)
{
	struct vcd_tls t = { .s = s, .op = op };
	bool encrypt = op->op == COP_ENCRYPT;
	unsigned int ivlen;
	size_t size;
	bool chained;
	u32 out;
	int err;

	err = vcd_authenc_check(s, op);
	if (err)
		return err;
	if (op->auth_len > PAGE_SIZE || op->len > VCD_TLS_MAX ||
	    (!encrypt && !op->len))
		return -EINVAL;
	err = vcd_soft_cipher_record(s, &t.sc);
	if (err)
		return err;
	t.tag_len = vcd_authenc_tag_len(s, op);
	/* The AAD, the record, its MAC and a block of pad. */
	size = op->auth_len + op->len + t.tag_len + VCD_BLOCK;
	t.aad = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!t.aad)
		return -ENOMEM;
	t.rec = t.aad + op->auth_len;
	if (copy_from_user(t.aad, op->auth_src, op->auth_len) ||
	    copy_from_user(t.rec, op->src, op->len)) {
		err = -EFAULT;
		goto out_free;
	}

	ivlen = vcd_soft_cipher_ivsize(t.sc);
	/* As CIOCCRYPT: without an iv the record continues the last one. */
	chained = ivlen && !op->iv;
	if (chained) {
		if (mutex_lock_killable(&s->iv_lock)) {
			err = -EINTR;
			goto out_free;
		}
		memcpy(t.iv, s->iv, ivlen);
	} else if (ivlen && copy_from_user(t.iv, op->iv, ivlen)) {
		err = -EFAULT;
		goto out_free;
	}
	err = encrypt ? vcd_tls_encrypt(&t, &out) : vcd_tls_decrypt(&t, &out);
	if (err)
		goto out_unlock;
	/* Decryption leaves the whole record in dst, as cryptodev-linux. */
	if (copy_to_user(op->dst, t.rec, encrypt ? out : op->len)) {
		err = -EFAULT;
		goto out_unlock;
	}
	op->len = out;
	if (!ivlen)
		goto out_unlock;
	if (!chained && mutex_lock_killable(&s->iv_lock)) {
		err = -EINTR;
		goto out_unlock;
	}
	memcpy(s->iv, t.iv, ivlen);
	if (!chained)
		mutex_unlock(&s->iv_lock);
	if ((op->flags & COP_FLAG_WRITE_IV) && op->iv &&
	    copy_to_user(op->iv, t.iv, ivlen))
		err = -EFAULT;
out_unlock:
	if (chained)
		mutex_unlock(&s->iv_lock);
out_free:
	kvfree_sensitive(t.aad, size);
	memzero_explicit(&t, sizeof(t));
	return err;
}
