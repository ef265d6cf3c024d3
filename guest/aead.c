// SPDX-License-Identifier: GPL-2.0
/*
 * AEAD sessions (AES-GCM, AES-CCM) on CIOCAUTHCRYPT, done by the guest
 * kernel's crypto API with cryptodev-linux's layout: encryption writes the
 * ciphertext and then the tag to dst and sets len to both; decryption reads
 * them from src and writes the plaintext. The device offers no AEAD.
 *
 * Encryption is zero copy over the caller's pinned pages. Decryption writes
 * into kernel pages and copies them out only once the tag is verified, so a
 * forged message leaves dst untouched (cryptodev-linux writes it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <linux/crypto.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vcd.h"

static const struct {
	u32 cipher;
	const char *name;
} vcd_aead_algs[] = {
	{ CRYPTO_AES_GCM, "gcm(aes)" },
	{ CRYPTO_AES_CCM, "ccm(aes)" },
};

struct vcd_aead {
	struct crypto_aead *tfm;
	struct mutex lock;	/* the tfm's tag length, per operation */
};

/* The kernel's name of an AEAD cipher, or NULL. */
static const char *vcd_aead_name(u32 cipher)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_aead_algs); i++)
		if (vcd_aead_algs[i].cipher == cipher)
			return vcd_aead_algs[i].name;
	return NULL;
}

bool vcd_aead_cipher(u32 cipher)
{
	return vcd_aead_name(cipher);
}

int vcd_aead_create(struct vcd_session *s, const struct session_op *sop)
{
	const char *name = vcd_aead_name(sop->cipher);
	struct vcd_aead *a;
	u8 *key;
	int err;

	if (!name || sop->mac || !sop->keylen ||
	    sop->keylen > CRYPTO_CIPHER_MAX_KEY_LEN)
		return -EINVAL;
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->tfm = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(a->tfm)) {
		err = PTR_ERR(a->tfm);
		kfree(a);
		return err == -ENOENT ? -EINVAL : err;
	}
	mutex_init(&a->lock);
	key = memdup_user(sop->key, sop->keylen);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto err_free;
	}
	err = crypto_aead_setkey(a->tfm, key, sop->keylen) ? -EINVAL : 0;
	kfree_sensitive(key);
	if (err)
		goto err_free;
	s->cipher = sop->cipher;
	s->aead = a;
	return 0;

err_free:
	mutex_destroy(&a->lock);
	crypto_free_aead(a->tfm);
	kfree(a);
	return err;
}

void vcd_aead_free(struct vcd_session *s)
{
	if (!s->aead)
		return;
	mutex_destroy(&s->aead->lock);
	crypto_free_aead(s->aead->tfm);
	kfree(s->aead);
	s->aead = NULL;
}

u32 vcd_aead_info(const struct vcd_session *s, struct session_info_op *si)
{
	struct crypto_aead *tfm = s->aead->tfm;
	struct crypto_alg *base = &crypto_aead_alg(tfm)->base;

	vcd_alg_info(&si->cipher_info, base->cra_name, base->cra_driver_name);
	si->alignmask = crypto_aead_alignmask(tfm);
	return vcd_alg_flags(base);
}

/*
 * The buffers of one operation: the AAD (copied in), the caller's pinned
 * pages, and for decryption the kernel pages the plaintext goes to.
 */
struct vcd_aead_bufs {
	u8 *aad;
	struct page **src_pages, **dst_pages, **out_pages;
	int nr_src, nr_dst, nr_out;
	struct sg_table src, dst;
};

/* t: the AAD (if any), then len bytes at off in pages[0..nr). */
static int vcd_aead_sg(struct sg_table *t, u8 *aad, u32 aad_len,
		       struct page **pages, int nr, size_t off, size_t len)
{
	struct scatterlist *sg;
	int i, err;

	err = sg_alloc_table(t, max(nr + !!aad_len, 1), GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	sg = t->sgl;
	sg_set_buf(sg, aad, aad_len);
	if (aad_len)
		sg = sg_next(sg);
	for (i = 0; i < nr; i++, sg = sg_next(sg)) {
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		sg_set_page(sg, pages[i], n, off);
		len -= n;
		off = 0;
	}
	return 0;
}

static struct page **vcd_aead_page_array(size_t len)
{
	return kvcalloc(len / PAGE_SIZE + 2, sizeof(struct page *),
			GFP_KERNEL_ACCOUNT);
}

/* Kernel pages for len bytes of plaintext; NORETRY: a big one fails, not OOMs. */
static int vcd_aead_out_alloc(struct vcd_aead_bufs *b, size_t len)
{
	int i, nr = DIV_ROUND_UP(len, PAGE_SIZE);

	b->out_pages = vcd_aead_page_array(len);
	if (!b->out_pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		b->out_pages[i] = alloc_page(GFP_KERNEL_ACCOUNT |
					     __GFP_NORETRY | __GFP_NOWARN);
		if (!b->out_pages[i])
			return -ENOMEM;
		b->nr_out++;
	}
	return 0;
}

static int vcd_aead_copy_out(struct vcd_aead_bufs *b, u8 __user *dst,
			     size_t len)
{
	int i;

	for (i = 0; len; i++) {
		size_t n = min_t(size_t, len, PAGE_SIZE);
		void *p = kmap_local_page(b->out_pages[i]);
		unsigned long left = copy_to_user(dst, p, n);

		kunmap_local(p);
		if (left)
			return -EFAULT;
		dst += n;
		len -= n;
	}
	return 0;
}

static void vcd_aead_bufs_free(struct vcd_aead_bufs *b, bool wrote)
{
	int i;

	sg_free_table(&b->src);
	sg_free_table(&b->dst);
	if (b->nr_src)
		unpin_user_pages(b->src_pages, b->nr_src);
	if (b->nr_dst)
		unpin_user_pages_dirty_lock(b->dst_pages, b->nr_dst, wrote);
	for (i = 0; i < b->nr_out; i++) {
		clear_highpage(b->out_pages[i]);
		__free_page(b->out_pages[i]);
	}
	kvfree(b->src_pages);
	kvfree(b->dst_pages);
	kvfree(b->out_pages);
	kfree_sensitive(b->aad);
}

/*
 * Pins and maps one operation: in bytes of src, out bytes of dst (both may
 * be 0). Encryption in place maps the same pinned pages twice.
 */
static int vcd_aead_map(struct vcd_aead_bufs *b, const struct crypt_auth_op *op,
			bool encrypt, u32 in, u32 out)
{
	unsigned long src = (unsigned long)op->src;
	unsigned long dst = (unsigned long)op->dst;
	bool in_place = encrypt && src == dst;
	int err;

	b->aad = kmalloc(max(op->auth_len, 1U), GFP_KERNEL_ACCOUNT);
	if (!b->aad)
		return -ENOMEM;
	if (op->auth_len && copy_from_user(b->aad, op->auth_src, op->auth_len))
		return -EFAULT;
	b->src_pages = vcd_aead_page_array(in);
	if (!b->src_pages)
		return -ENOMEM;
	if (encrypt) {
		b->dst_pages = vcd_aead_page_array(out);
		if (!b->dst_pages)
			return -ENOMEM;
		err = vcd_pin(dst, out, FOLL_WRITE, b->dst_pages, &b->nr_dst);
		if (err)
			return err;
		err = vcd_aead_sg(&b->dst, b->aad, op->auth_len, b->dst_pages,
				  b->nr_dst, offset_in_page(dst), out);
	} else {
		err = vcd_aead_out_alloc(b, out);
		if (err)
			return err;
		err = vcd_aead_sg(&b->dst, b->aad, op->auth_len, b->out_pages,
				  b->nr_out, 0, out);
	}
	if (err)
		return err;
	if (in_place)
		return 0;
	if (in) {
		err = vcd_pin(src, in, 0, b->src_pages, &b->nr_src);
		if (err)
			return err;
	}
	return vcd_aead_sg(&b->src, b->aad, op->auth_len, b->src_pages,
			   b->nr_src, offset_in_page(src), in);
}

/* Checks op against the session's tfm; its tag length is set in op. */
static int vcd_aead_check(struct crypto_aead *tfm, struct crypt_auth_op *op)
{
	unsigned int max = crypto_aead_maxauthsize(tfm);

	if (op->op != COP_ENCRYPT && op->op != COP_DECRYPT)
		return -EINVAL;
	/* TLS and SRTP records are for a cipher and a MAC, not an AEAD. */
	if (op->flags & (COP_FLAG_AEAD_TLS_TYPE | COP_FLAG_AEAD_SRTP_TYPE))
		return -EINVAL;
	/* No per-session IV: one would repeat the nonce on every operation. */
	if (!op->iv)
		return -EINVAL;
	if (op->auth_len > PAGE_SIZE)
		return -EINVAL;
	if (!op->tag_len)
		op->tag_len = max;
	if (op->tag_len > max || crypto_aead_setauthsize(tfm, op->tag_len))
		return -EINVAL;
	if (op->op == COP_ENCRYPT ? op->len > VCD_MAX_LEN - op->tag_len :
	    op->len < op->tag_len || op->len > VCD_MAX_LEN)
		return -EINVAL;
	return 0;
}

int vcd_aead_crypt(struct vcd_session *s, struct crypt_auth_op *op)
{
	struct vcd_aead *a = s->aead;
	bool encrypt = op->op == COP_ENCRYPT;
	struct vcd_aead_bufs b = { 0 };
	struct aead_request *req;
	struct crypto_wait wait;
	u8 iv[VCD_BLOCK];
	u32 out;
	int err;

	if (mutex_lock_killable(&a->lock))
		return -EINTR;
	err = vcd_aead_check(a->tfm, op);
	if (err)
		goto out_unlock;
	if (copy_from_user(iv, op->iv, crypto_aead_ivsize(a->tfm))) {
		err = -EFAULT;
		goto out_unlock;
	}
	out = encrypt ? op->len + op->tag_len : op->len - op->tag_len;
	req = aead_request_alloc(a->tfm, GFP_KERNEL_ACCOUNT);
	if (!req) {
		err = -ENOMEM;
		goto out_unlock;
	}
	err = vcd_aead_map(&b, op, encrypt, op->len, out);
	if (err)
		goto out_free;
	crypto_init_wait(&wait);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				  CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	/* In place: the one table over dst's pinned pages is both. */
	aead_request_set_crypt(req, b.src.sgl ? b.src.sgl : b.dst.sgl,
			       b.dst.sgl, op->len, iv);
	aead_request_set_ad(req, op->auth_len);
	/* Uninterruptible: the pages stay pinned until the tfm is done. */
	err = crypto_wait_req(encrypt ? crypto_aead_encrypt(req) :
				       crypto_aead_decrypt(req), &wait);
	if (err && err != -EBADMSG)
		err = -EINVAL;
	if (!err && !encrypt)
		err = vcd_aead_copy_out(&b, op->dst, out);
	if (!err) {
		op->len = out;
		/* cryptodev-linux's: where the tag is, or was, after the data. */
		op->tag = encrypt ? op->dst + out - op->tag_len : op->dst + out;
	}
out_free:
	vcd_aead_bufs_free(&b, !err);
	aead_request_free(req);
out_unlock:
	mutex_unlock(&a->lock);
	memzero_explicit(iv, sizeof(iv));
	return err;
}
