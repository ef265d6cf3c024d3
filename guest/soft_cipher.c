// SPDX-License-Identifier: GPL-2.0
/*
 * Cipher sessions the device does not offer, done by the guest kernel's
 * crypto API as cryptodev-linux would: skciphers over scatterlists of the
 * caller's pinned pages (zero copy), one synchronous request per chunk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/skcipher.h>
#include <linux/crypto.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vcd.h"

struct vcd_soft_alg {
	u32 cipher;		/* cryptodev */
	const char *name;	/* kernel crypto API */
	/* The mode's output IV chains the next chunk (not XTS's tweak). */
	bool chains;
};

/* cryptodev-linux's names, and the modes it lists but does not wire up. */
static const struct vcd_soft_alg vcd_soft_algs[] = {
	{ CRYPTO_DES_CBC, "cbc(des)", true },
	{ CRYPTO_3DES_CBC, "cbc(des3_ede)", true },
	{ CRYPTO_BLF_CBC, "cbc(blowfish)", true },
	{ CRYPTO_CAST_CBC, "cbc(cast5)", true },
	{ CRYPTO_AES_CBC, "cbc(aes)", true },
	{ CRYPTO_AES_CTR, "ctr(aes)", true },
	{ CRYPTO_AES_XTS, "xts(aes)", false },
	{ CRYPTO_AES_ECB, "ecb(aes)", true },
	{ CRYPTO_AES_CFB, "cfb(aes)", true },
	{ CRYPTO_AES_OFB, "ofb(aes)", true },
	{ CRYPTO_CAMELLIA_CBC, "cbc(camellia)", true },
};

struct vcd_soft_cipher {
	struct crypto_skcipher *tfm;
	const struct vcd_soft_alg *alg;
};

static const struct vcd_soft_alg *vcd_soft_find(u32 cipher)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_soft_algs); i++)
		if (vcd_soft_algs[i].cipher == cipher)
			return &vcd_soft_algs[i];
	return NULL;
}

static void vcd_soft_cipher_destroy(struct vcd_soft_cipher *sc)
{
	crypto_free_skcipher(sc->tfm);
	kfree(sc);
}

void vcd_soft_cipher_free(struct vcd_session *s)
{
	if (s->soft)
		vcd_soft_cipher_destroy(s->soft);
	if (s->record)
		vcd_soft_cipher_destroy(s->record);
	s->soft = NULL;
	s->record = NULL;
}

/*
 * A kernel skcipher for a cryptodev cipher, keyed (a length the caller
 * checked); -EINVAL if the kernel has none or refuses the key.
 */
static int vcd_soft_cipher_new(struct vcd_soft_cipher **out, u32 cipher,
			       const u8 *key, u32 keylen)
{
	const struct vcd_soft_alg *a = vcd_soft_find(cipher);
	struct vcd_soft_cipher *sc;
	int err;

	if (!a)
		return -EINVAL;
	sc = kzalloc(sizeof(*sc), GFP_KERNEL_ACCOUNT);
	if (!sc)
		return -ENOMEM;
	sc->alg = a;
	sc->tfm = crypto_alloc_skcipher(a->name, 0, 0);
	if (IS_ERR(sc->tfm)) {
		err = PTR_ERR(sc->tfm);
		kfree(sc);
		/* A kernel without the algorithm: as cryptodev-linux says. */
		return err == -ENOENT ? -EINVAL : err;
	}
	if (crypto_skcipher_ivsize(sc->tfm) > VCD_BLOCK ||
	    crypto_skcipher_setkey(sc->tfm, key, keylen)) {
		vcd_soft_cipher_destroy(sc);
		return -EINVAL;
	}
	*out = sc;
	return 0;
}

int vcd_soft_cipher_create(struct vcd_session *s, const struct session_op *sop)
{
	u8 *key;
	int err;

	if (!vcd_soft_find(sop->cipher) || !sop->keylen ||
	    sop->keylen > CRYPTO_CIPHER_MAX_KEY_LEN)
		return -EINVAL;
	key = memdup_user(sop->key, sop->keylen);
	if (IS_ERR(key))
		return PTR_ERR(key);
	err = vcd_soft_cipher_new(&s->soft, sop->cipher, key, sop->keylen);
	kfree_sensitive(key);
	if (!err)
		s->cipher = sop->cipher;
	return err;
}

int vcd_soft_cipher_record(struct vcd_session *s, struct vcd_soft_cipher **out)
{
	int err = 0;

	if (s->soft) {
		*out = s->soft;
		return 0;
	}
	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	if (!s->record)
		err = vcd_soft_cipher_new(&s->record, s->cipher, s->key,
					  s->keylen);
	mutex_unlock(&s->lock);
	*out = s->record;
	return err;
}

unsigned int vcd_soft_cipher_block(const struct vcd_session *s)
{
	return vcd_soft_cipher_blocksize(s->soft);
}

u32 vcd_soft_cipher_info(const struct vcd_session *s,
			 struct session_info_op *si)
{
	struct crypto_skcipher *tfm = s->soft->tfm;
	struct crypto_alg *base = &crypto_skcipher_alg(tfm)->base;

	vcd_alg_info(&si->cipher_info, base->cra_name, base->cra_driver_name);
	si->alignmask = crypto_skcipher_alignmask(tfm);
	return vcd_alg_flags(base);
}

/* Pinned pages of one chunk, and the scatterlists over them. */
struct vcd_soft_chunk {
	unsigned int max_pages;
	struct page **src_pages, **dst_pages;
	struct scatterlist *sg_src, *sg_dst;
	int nr_src, nr_dst;
};

static int vcd_soft_chunk_alloc(struct vcd_soft_chunk *ch, u32 chunk)
{
	ch->max_pages = chunk / PAGE_SIZE + 2;
	ch->src_pages = kvcalloc(ch->max_pages, sizeof(struct page *),
				 GFP_KERNEL_ACCOUNT);
	ch->dst_pages = kvcalloc(ch->max_pages, sizeof(struct page *),
				 GFP_KERNEL_ACCOUNT);
	ch->sg_src = kvcalloc(ch->max_pages, sizeof(struct scatterlist),
			      GFP_KERNEL_ACCOUNT);
	ch->sg_dst = kvcalloc(ch->max_pages, sizeof(struct scatterlist),
			      GFP_KERNEL_ACCOUNT);
	if (!ch->src_pages || !ch->dst_pages || !ch->sg_src || !ch->sg_dst)
		return -ENOMEM;
	return 0;
}

static void vcd_soft_chunk_free(struct vcd_soft_chunk *ch)
{
	kvfree(ch->src_pages);
	kvfree(ch->dst_pages);
	kvfree(ch->sg_src);
	kvfree(ch->sg_dst);
}

/*
 * One request over src -> dst, waited for uninterruptibly (crypto_wait_req):
 * the memory under it is let go only once the tfm is done, whatever signal
 * arrives. 0 or -EINVAL.
 */
static int vcd_soft_run(struct skcipher_request *req, bool encrypt,
			struct scatterlist *src, struct scatterlist *dst,
			u32 len, u8 *iv)
{
	struct crypto_wait wait;

	crypto_init_wait(&wait);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				      CRYPTO_TFM_REQ_MAY_BACKLOG,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, src, dst, len, iv);
	return crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
				       crypto_skcipher_decrypt(req), &wait) ?
	       -EINVAL : 0;
}

/*
 * One chunk: dst pinned for writing, src read-only (the same pages in
 * place), then a request waited for uninterruptibly (crypto_wait_req): the
 * pages are unpinned only once the tfm has finished with them, whatever
 * signal arrives.
 */
static int vcd_soft_chunk_run(struct skcipher_request *req,
			      struct vcd_soft_chunk *ch, bool encrypt,
			      unsigned long src, unsigned long dst, u32 len,
			      u8 *iv)
{
	int err;

	ch->nr_src = 0;
	err = vcd_pin(dst, len, FOLL_WRITE, ch->dst_pages, &ch->nr_dst);
	if (err)
		return err;
	vcd_sg_pages(ch->sg_dst, ch->dst_pages, ch->nr_dst, dst, len);
	if (src != dst) {
		err = vcd_pin(src, len, 0, ch->src_pages, &ch->nr_src);
		if (err)
			goto out;
		vcd_sg_pages(ch->sg_src, ch->src_pages, ch->nr_src, src, len);
	}
	err = vcd_soft_run(req, encrypt, src != dst ? ch->sg_src : ch->sg_dst,
			   ch->sg_dst, len, iv);
	if (ch->nr_src)
		unpin_user_pages(ch->src_pages, ch->nr_src);
out:
	unpin_user_pages_dirty_lock(ch->dst_pages, ch->nr_dst, !err);
	return err;
}

int vcd_soft_cipher_crypt(struct vcd_session *s, const struct crypt_op *cop)
{
	struct vcd_soft_cipher *sc = s->soft;
	unsigned int ivlen = crypto_skcipher_ivsize(sc->tfm);
	unsigned long src = (unsigned long)cop->src;
	unsigned long dst = (unsigned long)cop->dst;
	bool encrypt = cop->op == COP_ENCRYPT;
	struct skcipher_request *req;
	struct vcd_soft_chunk ch = { 0 };
	u8 iv[VCD_BLOCK] = { 0 };
	bool chained;
	u32 off, n, chunk;
	int err;

	if (!vcd_cipher_op_valid(cop, crypto_skcipher_blocksize(sc->tfm)))
		return -EINVAL;
	/*
	 * Chunks chain through the IV the mode leaves in req->iv; XTS's IV
	 * only seeds its tweak, so an XTS operation is one request.
	 */
	chunk = sc->alg->chains ? VCD_CHUNK_MAX : cop->len;
	req = skcipher_request_alloc(sc->tfm, GFP_KERNEL_ACCOUNT);
	if (!req)
		return -ENOMEM;
	err = vcd_soft_chunk_alloc(&ch, min(chunk, cop->len));
	if (err)
		goto out_free;

	/* As on the device path: operations without an iv run one at a time. */
	chained = ivlen && !cop->iv;
	if (chained) {
		if (mutex_lock_killable(&s->iv_lock)) {
			err = -EINTR;
			goto out_free;
		}
		memcpy(iv, s->iv, ivlen);
	} else if (ivlen && copy_from_user(iv, cop->iv, ivlen)) {
		err = -EFAULT;
		goto out_free;
	}
	for (off = 0; off < cop->len; off += n) {
		n = min(cop->len - off, chunk);
		if (off && fatal_signal_pending(current)) {
			err = -EINTR;
			goto out_unlock;
		}
		err = vcd_soft_chunk_run(req, &ch, encrypt, src + off,
					 dst + off, n, iv);
		if (err)
			goto out_unlock;
		cond_resched();
	}
	if (!ivlen)
		goto out_unlock;
	if (!chained && mutex_lock_killable(&s->iv_lock)) {
		err = -EINTR;
		goto out_unlock;
	}
	memcpy(s->iv, iv, ivlen);
	if (!chained)
		mutex_unlock(&s->iv_lock);
	if ((cop->flags & COP_FLAG_WRITE_IV) && cop->iv &&
	    copy_to_user(cop->iv, iv, ivlen))
		err = -EFAULT;
out_unlock:
	if (chained)
		mutex_unlock(&s->iv_lock);
out_free:
	vcd_soft_chunk_free(&ch);
	skcipher_request_free(req);
	memzero_explicit(iv, sizeof(iv));
	return err;
}

int vcd_soft_cipher_kernel(struct vcd_soft_cipher *sc, bool encrypt,
			   struct scatterlist *sg, u32 len, u8 *iv)
{
	struct skcipher_request *req;
	int err;

	if (len % crypto_skcipher_blocksize(sc->tfm))
		return -EINVAL;
	req = skcipher_request_alloc(sc->tfm, GFP_KERNEL_ACCOUNT);
	if (!req)
		return -ENOMEM;
	err = vcd_soft_run(req, encrypt, sg, sg, len, iv);
	skcipher_request_free(req);
	return err;
}

unsigned int vcd_soft_cipher_ivsize(const struct vcd_soft_cipher *sc)
{
	return crypto_skcipher_ivsize(sc->tfm);
}

unsigned int vcd_soft_cipher_blocksize(const struct vcd_soft_cipher *sc)
{
	return crypto_skcipher_blocksize(sc->tfm);
}
