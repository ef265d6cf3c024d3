// SPDX-License-Identifier: GPL-2.0
/*
 * The device in the kernel crypto API: its AES modes as skciphers
 * (cbc-aes-virtio_cryptodev, ...), for AF_ALG and in-kernel users.
 *
 * They are registered when the first device offering them is probed and
 * stay registered until the module goes: a transform holds the module, so
 * unregistering under a live transform (which the crypto API forbids) never
 * happens. A transform is bound to one device at init; without one, after
 * that device is gone, or for a key the device refuses, it runs on the
 * kernel's own implementation (its fallback).
 *
 * Requests run as work items in process context, since creating a device
 * session sleeps, and through a bounce buffer the request owns: after a
 * timed-out request the device may still write, and the caller's buffers
 * are not ours to keep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/internal/skcipher.h>
#include <crypto/scatterwalk.h>
#include <linux/slab.h>

#include "vcd.h"

#define VCD_SK_PRIORITY		300
/* The bounce buffer when a chunk's cannot be had. */
#define VCD_SK_MIN_BOUNCE	PAGE_SIZE

struct vcd_sk_tfm {
	struct vcd_session s;		/* vd, algo, key, device sessions */
	struct crypto_skcipher *fallback;
	bool soft;			/* the key is the fallback's only */
};

struct vcd_sk_req {
	struct work_struct work;
	struct skcipher_request *req;
	bool encrypt;
	struct skcipher_request fallback;	/* last: the fallback's size */
};

static struct vcd_sk_tfm *vcd_sk_tfm(struct crypto_skcipher *tfm)
{
	return crypto_skcipher_ctx(tfm);
}

static u32 vcd_sk_algo(struct crypto_skcipher *tfm);

static int vcd_sk_init(struct crypto_skcipher *tfm)
{
	struct vcd_sk_tfm *t = vcd_sk_tfm(tfm);
	const char *name = crypto_tfm_alg_name(crypto_skcipher_tfm(tfm));

	t->fallback = crypto_alloc_skcipher(name, 0, CRYPTO_ALG_NEED_FALLBACK);
	if (IS_ERR(t->fallback))
		return PTR_ERR(t->fallback);
	crypto_skcipher_set_reqsize(tfm, sizeof(struct vcd_sk_req) +
				    crypto_skcipher_reqsize(t->fallback));
	mutex_init(&t->s.lock);
	INIT_LIST_HEAD(&t->s.dev[0].node);
	INIT_LIST_HEAD(&t->s.dev[1].node);
	t->s.algo = vcd_sk_algo(tfm);
	t->s.vd = vcd_device_find(t->s.algo);
	t->soft = true;
	return 0;
}

static void vcd_sk_exit(struct crypto_skcipher *tfm)
{
	struct vcd_sk_tfm *t = vcd_sk_tfm(tfm);

	if (t->s.vd) {
		vcd_dev_session_drop(&t->s);
		vcd_device_put(t->s.vd);
	}
	mutex_destroy(&t->s.lock);
	memzero_explicit(t->s.key, sizeof(t->s.key));
	crypto_free_skcipher(t->fallback);
}

static int vcd_sk_setkey(struct crypto_skcipher *tfm, const u8 *key,
			 unsigned int len)
{
	struct vcd_sk_tfm *t = vcd_sk_tfm(tfm);
	int err;

	crypto_skcipher_clear_flags(t->fallback, CRYPTO_TFM_REQ_MASK);
	crypto_skcipher_set_flags(t->fallback, crypto_skcipher_get_flags(tfm) &
				  CRYPTO_TFM_REQ_MASK);
	err = crypto_skcipher_setkey(t->fallback, key, len);
	if (err)
		return err;
	/* The device sessions have the old key. */
	if (t->s.vd)
		vcd_dev_session_drop(&t->s);
	t->soft = !t->s.vd || len > t->s.vd->max_cipher_key_len;
	t->s.keylen = len;
	memcpy(t->s.key, key, len);
	return 0;
}

/* One chunk, through a bounce buffer of at most *len bytes (may shrink it). */
static int vcd_sk_chunk(struct vcd_chunk *c, struct skcipher_request *req,
			u32 off, u32 *len)
{
	struct vcd_req *vr;
	u8 last[VCD_BLOCK];
	u32 n = *len;
	void *buf;
	int err;

	vr = vcd_req_alloc();
	if (!vr)
		return -ENOMEM;
	buf = kmalloc(n, GFP_KERNEL | __GFP_NOWARN);
	if (!buf && n > VCD_SK_MIN_BOUNCE) {
		n = VCD_SK_MIN_BOUNCE;
		buf = kmalloc(n, GFP_KERNEL);
	}
	err = -ENOMEM;
	if (!buf)
		goto out;
	vr->bounce = buf;
	scatterwalk_map_and_copy(buf, req->src, off, n, 0);
	if (c->s->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC && !c->encrypt)
		memcpy(last, buf + n - VCD_BLOCK, VCD_BLOCK);
	sg_init_one(vr->sg_src, buf, n);
	sg_init_one(vr->sg_dst, buf, n);
	err = vcd_chunk_run(c, vr, n, false);
	if (err)
		goto out;
	scatterwalk_map_and_copy(buf, req->dst, off, n, 1);
	if (c->s->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC && c->encrypt)
		memcpy(last, buf + n - VCD_BLOCK, VCD_BLOCK);
	vcd_chunk_iv_next(c, n, last);
	*len = n;
out:
	vcd_req_put(vr);
	return err;
}

/* Starts req's sub-request on the fallback: len bytes of src to dst. */
static int vcd_sk_soft(struct skcipher_request *req, bool encrypt,
		       struct scatterlist *src, struct scatterlist *dst, u32 len,
		       u8 *iv, u32 flags, crypto_completion_t done, void *data)
{
	struct vcd_sk_tfm *t = vcd_sk_tfm(crypto_skcipher_reqtfm(req));
	struct vcd_sk_req *r = skcipher_request_ctx(req);

	skcipher_request_set_tfm(&r->fallback, t->fallback);
	skcipher_request_set_callback(&r->fallback, flags, done, data);
	skcipher_request_set_crypt(&r->fallback, src, dst, len, iv);
	return encrypt ? crypto_skcipher_encrypt(&r->fallback) :
			 crypto_skcipher_decrypt(&r->fallback);
}

/*
 * The request from byte off on, by the fallback, iv updated (the device's
 * chunks write dst only once they succeeded, so none before off is redone).
 */
static int vcd_sk_soft_rest(struct skcipher_request *req, bool encrypt,
			    u32 off, u8 *iv)
{
	struct scatterlist sg_src[2], sg_dst[2], *src, *dst;
	DECLARE_CRYPTO_WAIT(wait);

	src = scatterwalk_ffwd(sg_src, req->src, off);
	dst = req->src == req->dst ? src : scatterwalk_ffwd(sg_dst, req->dst, off);
	return crypto_wait_req(vcd_sk_soft(req, encrypt, src, dst,
					   req->cryptlen - off, iv,
					   CRYPTO_TFM_REQ_MAY_SLEEP,
					   crypto_req_done, &wait), &wait);
}

/* A reset forgets the device session: the chunk is tried again after it. */
#define VCD_SK_TRIES	3

static int vcd_sk_run(struct vcd_sk_tfm *t, struct skcipher_request *req,
		      bool encrypt)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(req);
	struct vcd_chunk c = { .vd = t->s.vd, .s = &t->s, .encrypt = encrypt };
	int tries = 0, epoch, err;
	u32 off = 0, n;

	c.ivlen = crypto_skcipher_ivsize(tfm);
	memcpy(c.iv, req->iv, c.ivlen);
	do {
		epoch = atomic_read(&c.vd->epoch);
		err = vcd_dev_session_get(&t->s, encrypt, &c.sid);
		if (err)
			break;
		for (; off < req->cryptlen; off += n) {
			n = min(req->cryptlen - off, c.vd->chunk);
			err = vcd_sk_chunk(&c, req, off, &n);
			if (err == -EINVAL &&
			    atomic_read(&c.vd->epoch) != epoch)
				err = -EAGAIN;
			if (err)
				break;
		}
		vcd_dev_session_put(&t->s, encrypt);
		if (err == -EAGAIN)
			flush_work(&c.vd->recover_work);
	} while (err == -EAGAIN && ++tries < VCD_SK_TRIES);
	/* Unplugged: the chunks not written yet go on in software. */
	if (err == -ENODEV)
		err = vcd_sk_soft_rest(req, encrypt, off, c.iv);
	if (!err)
		memcpy(req->iv, c.iv, c.ivlen);
	return err;
}

static void vcd_sk_work(struct work_struct *work)
{
	struct vcd_sk_req *r = container_of(work, struct vcd_sk_req, work);
	struct skcipher_request *req = r->req;
	struct vcd_sk_tfm *t = vcd_sk_tfm(crypto_skcipher_reqtfm(req));
	int err;

	err = vcd_sk_run(t, req, r->encrypt);
	/* Completions come in softirq context elsewhere; callers expect it. */
	local_bh_disable();
	skcipher_request_complete(req, err);
	local_bh_enable();
}

static int vcd_sk_crypt(struct skcipher_request *req, bool encrypt)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(req);
	struct vcd_sk_tfm *t = vcd_sk_tfm(tfm);
	struct vcd_sk_req *r = skcipher_request_ctx(req);

	if (req->cryptlen % crypto_skcipher_blocksize(tfm))
		return -EINVAL;
	if (!req->cryptlen)
		return 0;
	if (t->soft || READ_ONCE(t->s.vd->dead))
		return vcd_sk_soft(req, encrypt, req->src, req->dst,
				   req->cryptlen, req->iv, req->base.flags,
				   req->base.complete, req->base.data);
	r->req = req;
	r->encrypt = encrypt;
	INIT_WORK(&r->work, vcd_sk_work);
	queue_work(vcd_wq, &r->work);
	return -EINPROGRESS;
}

static int vcd_sk_encrypt(struct skcipher_request *req)
{
	return vcd_sk_crypt(req, true);
}

static int vcd_sk_decrypt(struct skcipher_request *req)
{
	return vcd_sk_crypt(req, false);
}

#define VCD_SK_ALG(mode, blk, iv) {					\
	.base.cra_name		= #mode "(aes)",			\
	.base.cra_driver_name	= #mode "-aes-" VCD_NAME,		\
	.base.cra_priority	= VCD_SK_PRIORITY,			\
	.base.cra_flags		= CRYPTO_ALG_ASYNC |			\
				  CRYPTO_ALG_KERN_DRIVER_ONLY |		\
				  CRYPTO_ALG_ALLOCATES_MEMORY |		\
				  CRYPTO_ALG_NEED_FALLBACK,		\
	.base.cra_blocksize	= blk,					\
	.base.cra_ctxsize	= sizeof(struct vcd_sk_tfm),		\
	.base.cra_module	= THIS_MODULE,				\
	.init			= vcd_sk_init,				\
	.exit			= vcd_sk_exit,				\
	.setkey			= vcd_sk_setkey,			\
	.encrypt		= vcd_sk_encrypt,			\
	.decrypt		= vcd_sk_decrypt,			\
	.min_keysize		= AES_MIN_KEY_SIZE,			\
	.max_keysize		= AES_MAX_KEY_SIZE,			\
	.ivsize			= iv,					\
	.chunksize		= AES_BLOCK_SIZE,			\
}

static struct skcipher_alg vcd_sk_algs[] = {
	VCD_SK_ALG(cbc, AES_BLOCK_SIZE, AES_BLOCK_SIZE),
	VCD_SK_ALG(ctr, 1, AES_BLOCK_SIZE),
	VCD_SK_ALG(ecb, AES_BLOCK_SIZE, 0),
};

/* The virtio algorithm of each, in vcd_sk_algs' order. */
static const u32 vcd_sk_virtio[] = {
	VIRTIO_CRYPTO_CIPHER_AES_CBC,
	VIRTIO_CRYPTO_CIPHER_AES_CTR,
	VIRTIO_CRYPTO_CIPHER_AES_ECB,
};

static DEFINE_MUTEX(vcd_sk_lock);
static bool vcd_sk_registered[ARRAY_SIZE(vcd_sk_algs)];

static u32 vcd_sk_algo(struct crypto_skcipher *tfm)
{
	struct skcipher_alg *alg = crypto_skcipher_alg(tfm);

	return vcd_sk_virtio[alg - vcd_sk_algs];
}

void vcd_skcipher_register(struct vcd_device *vd)
{
	unsigned int i;
	int err;

	if (!(vd->services & BIT(VIRTIO_CRYPTO_SERVICE_CIPHER)) ||
	    vd->max_cipher_key_len < AES_MIN_KEY_SIZE)
		return;
	mutex_lock(&vcd_sk_lock);
	for (i = 0; i < ARRAY_SIZE(vcd_sk_algs); i++) {
		if (vcd_sk_registered[i] ||
		    !(vd->cipher_mask & BIT_ULL(vcd_sk_virtio[i])))
			continue;
		/* Runs the kernel's self-tests on vd. */
		err = crypto_register_skcipher(&vcd_sk_algs[i]);
		if (err)
			dev_warn(&vd->vdev->dev, "cannot register %s: %d\n",
				 vcd_sk_algs[i].base.cra_driver_name, err);
		else
			vcd_sk_registered[i] = true;
	}
	mutex_unlock(&vcd_sk_lock);
}

void vcd_skcipher_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_sk_algs); i++)
		if (vcd_sk_registered[i])
			crypto_unregister_skcipher(&vcd_sk_algs[i]);
}
