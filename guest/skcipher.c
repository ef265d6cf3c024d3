// SPDX-License-Identifier: GPL-2.0
/*
 * The device's ciphers in the kernel crypto API: skciphers named
 * "cbc-aes-virtio_cryptodev" and so on, for AF_ALG and in-kernel users.
 *
 * Registered when the first device that offers them is probed, unregistered
 * when the module is unloaded: every tfm pins the module, so no tfm can be
 * alive then, while unregistering on unplug with a tfm alive is a kernel
 * WARNING (and re-registering the same alg would corrupt its refcount).
 * Each tfm holds one device; once it is gone its requests fail with ENODEV.
 *
 * Each request runs in a work item (the queue code waits synchronously)
 * through a bounce buffer owned by the device request: a kernel caller
 * may free its buffers as soon as an error completes its request, while a
 * device that timed out or is being removed may still hold the buffers
 * until it is reset.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/internal/skcipher.h>
#include <crypto/scatterwalk.h>
#include <linux/bottom_half.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vcd.h"

/* Above the generic code and Linux's virtio_crypto (150), below aesni. */
#define VCD_SK_PRIORITY		300

struct vcd_sk_ctx {
	struct vcd_session s;		/* the key and its device sessions */
};

struct vcd_sk_req {
	struct work_struct work;
	struct skcipher_request *req;
	bool encrypt;
};

static DEFINE_MUTEX(vcd_sk_reg_lock);	/* registration */
static DEFINE_SPINLOCK(vcd_sk_lock);	/* vcd_sk_devices */
static LIST_HEAD(vcd_sk_devices);
static struct workqueue_struct *vcd_sk_wq;
static u64 vcd_sk_registered;		/* BIT_ULL(virtio algo) */

static u32 vcd_sk_algo(struct crypto_skcipher *tfm)
{
	struct skcipher_alg *alg = crypto_skcipher_alg(tfm);

	if (!strcmp(alg->base.cra_name, "ctr(aes)"))
		return VIRTIO_CRYPTO_CIPHER_AES_CTR;
	if (!strcmp(alg->base.cra_name, "ecb(aes)"))
		return VIRTIO_CRYPTO_CIPHER_AES_ECB;
	return VIRTIO_CRYPTO_CIPHER_AES_CBC;
}

static int vcd_sk_init(struct crypto_skcipher *tfm)
{
	struct vcd_sk_ctx *ctx = crypto_skcipher_ctx(tfm);
	u32 algo = vcd_sk_algo(tfm);
	struct vcd_device *vd, *found = NULL;

	spin_lock(&vcd_sk_lock);
	list_for_each_entry(vd, &vcd_sk_devices, sk_node) {
		if (!READ_ONCE(vd->dead) && (vd->cipher_mask & BIT_ULL(algo))) {
			kref_get(&vd->ref);
			found = vd;
			/* The next tfm starts with the next device. */
			list_move_tail(&vd->sk_node, &vcd_sk_devices);
			break;
		}
	}
	spin_unlock(&vcd_sk_lock);
	if (!found)
		return -ENODEV;

	memset(&ctx->s, 0, sizeof(ctx->s));
	mutex_init(&ctx->s.lock);
	INIT_LIST_HEAD(&ctx->s.dev[0].node);
	INIT_LIST_HEAD(&ctx->s.dev[1].node);
	ctx->s.vd = found;
	ctx->s.algo = algo;
	crypto_skcipher_set_reqsize(tfm, sizeof(struct vcd_sk_req));
	return 0;
}

static void vcd_sk_exit(struct crypto_skcipher *tfm)
{
	struct vcd_sk_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct vcd_device *vd = ctx->s.vd;

	vcd_dev_session_drop(&ctx->s);
	mutex_destroy(&ctx->s.lock);
	memzero_explicit(ctx->s.key, sizeof(ctx->s.key));
	vcd_device_put(vd);
}

static int vcd_sk_setkey(struct crypto_skcipher *tfm, const u8 *key,
			 unsigned int keylen)
{
	struct vcd_sk_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct vcd_session *s = &ctx->s;

	if (keylen != AES_KEYSIZE_128 && keylen != AES_KEYSIZE_192 &&
	    keylen != AES_KEYSIZE_256)
		return -EINVAL;
	if (keylen > s->vd->max_cipher_key_len)
		return -EINVAL;
	/* The device sessions of the old key go; the next request makes new. */
	vcd_dev_session_drop(s);
	mutex_lock(&s->lock);
	memcpy(s->key, key, keylen);
	s->keylen = keylen;
	mutex_unlock(&s->lock);
	return 0;
}

/* One chunk [off, off + len) of sreq through the device; iv chained. */
static int vcd_sk_chunk(struct vcd_session *s, u64 sid, bool encrypt,
			struct skcipher_request *sreq, unsigned int off,
			unsigned int len, u8 *iv, unsigned int ivlen)
{
	struct virtio_crypto_cipher_para *para;
	struct vcd_device *vd = s->vd;
	struct scatterlist *sgs[5];
	unsigned int out = 0;
	u8 next[VCD_BLOCK];
	struct vcd_req *req;
	u8 *buf;
	int err;

	req = vcd_req_alloc();
	if (!req)
		return -ENOMEM;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	req->bounce = buf;
	scatterwalk_map_and_copy(buf, sreq->src, off, len, 0);
	if (s->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC && !encrypt)
		memcpy(next, buf + len - VCD_BLOCK, VCD_BLOCK);

	req->data.hdr.header.opcode = cpu_to_le32(encrypt ?
			VIRTIO_CRYPTO_CIPHER_ENCRYPT :
			VIRTIO_CRYPTO_CIPHER_DECRYPT);
	req->data.hdr.header.algo = cpu_to_le32(s->algo);
	req->data.hdr.header.session_id = cpu_to_le64(sid);
	req->data.hdr.u.sym_req.op_type =
		cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	para = &req->data.hdr.u.sym_req.u.cipher.para;
	para->iv_len = cpu_to_le32(ivlen);
	para->src_data_len = cpu_to_le32(len);
	para->dst_data_len = cpu_to_le32(len);
	memcpy(req->data.iv, iv, ivlen);
	/* Not a status: a device that writes none is an error. */
	req->data.in.status = 0xff;

	sg_init_one(&req->sg_hdr, &req->data.hdr, sizeof(req->data.hdr));
	sgs[out++] = &req->sg_hdr;
	if (ivlen) {
		sg_init_one(&req->sg_iv, req->data.iv, ivlen);
		sgs[out++] = &req->sg_iv;
	}
	sg_init_one(&req->sg_src[0], buf, len);
	sgs[out++] = &req->sg_src[0];
	sg_init_one(&req->sg_dst[0], buf, len);
	sgs[out] = &req->sg_dst[0];
	sg_init_one(&req->sg_in, &req->data.in, sizeof(req->data.in));
	sgs[out + 1] = &req->sg_in;

	err = vcd_req_submit(&vd->dataqs[raw_smp_processor_id() %
					 vd->nr_dataqs],
			     req, sgs, out, 2, false);
	if (!err)
		err = vcd_req_wait(req, false);
	if (!err)
		err = vcd_status_errno(req->data.in.status);
	if (err)
		goto out;

	scatterwalk_map_and_copy(buf, sreq->dst, off, len, 1);
	switch (s->algo) {
	case VIRTIO_CRYPTO_CIPHER_AES_CBC:
		if (encrypt)
			memcpy(next, buf + len - VCD_BLOCK, VCD_BLOCK);
		memcpy(iv, next, VCD_BLOCK);
		break;
	case VIRTIO_CRYPTO_CIPHER_AES_CTR:
		vcd_ctr_add(iv, DIV_ROUND_UP(len, VCD_BLOCK));
		break;
	}
out:
	vcd_req_put(req);
	return err;
}

static int vcd_sk_run(struct skcipher_request *sreq, bool encrypt)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(sreq);
	struct vcd_sk_ctx *ctx = crypto_skcipher_ctx(tfm);
	unsigned int ivlen = crypto_skcipher_ivsize(tfm);
	struct vcd_session *s = &ctx->s;
	unsigned int chunk, off, n;
	u8 iv[VCD_BLOCK];
	u64 sid;
	int err;

	if (!s->keylen)
		return -ENOKEY;
	memcpy(iv, sreq->iv, ivlen);
	err = vcd_dev_session_get(s, encrypt, &sid);
	if (err)
		return err;
	chunk = round_down(min_t(u32, s->vd->chunk, VCD_CHUNK_MAX), VCD_BLOCK);
	for (off = 0; off < sreq->cryptlen; off += n) {
		n = min(sreq->cryptlen - off, chunk);
		err = vcd_sk_chunk(s, sid, encrypt, sreq, off, n, iv, ivlen);
		if (err)
			break;
	}
	vcd_dev_session_put(s, encrypt);
	if (!err)
		memcpy(sreq->iv, iv, ivlen);
	return err;
}

static void vcd_sk_work(struct work_struct *work)
{
	struct vcd_sk_req *r = container_of(work, struct vcd_sk_req, work);
	int err = vcd_sk_run(r->req, r->encrypt);

	/* Completion callbacks expect softirq context (as cryptd gives). */
	local_bh_disable();
	skcipher_request_complete(r->req, err);
	local_bh_enable();
}

static int vcd_sk_queue(struct skcipher_request *sreq, bool encrypt)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(sreq);
	struct vcd_sk_req *r = skcipher_request_ctx(sreq);

	if (!sreq->cryptlen)
		return 0;
	if (sreq->cryptlen % crypto_skcipher_blocksize(tfm))
		return -EINVAL;
	r->req = sreq;
	r->encrypt = encrypt;
	INIT_WORK(&r->work, vcd_sk_work);
	queue_work(vcd_sk_wq, &r->work);
	return -EINPROGRESS;
}

static int vcd_sk_encrypt(struct skcipher_request *sreq)
{
	return vcd_sk_queue(sreq, true);
}

static int vcd_sk_decrypt(struct skcipher_request *sreq)
{
	return vcd_sk_queue(sreq, false);
}

#define VCD_SK_ALG(mode, block, iv)					\
{									\
	.base.cra_name = mode "(aes)",					\
	.base.cra_driver_name = mode "-aes-" VCD_NAME,			\
	.base.cra_priority = VCD_SK_PRIORITY,				\
	.base.cra_flags = CRYPTO_ALG_ASYNC |				\
			  CRYPTO_ALG_KERN_DRIVER_ONLY |			\
			  CRYPTO_ALG_ALLOCATES_MEMORY,			\
	.base.cra_blocksize = block,					\
	.base.cra_ctxsize = sizeof(struct vcd_sk_ctx),			\
	.base.cra_module = THIS_MODULE,					\
	.init = vcd_sk_init,						\
	.exit = vcd_sk_exit,						\
	.setkey = vcd_sk_setkey,					\
	.encrypt = vcd_sk_encrypt,					\
	.decrypt = vcd_sk_decrypt,					\
	.min_keysize = AES_MIN_KEY_SIZE,				\
	.max_keysize = AES_MAX_KEY_SIZE,				\
	.ivsize = iv,							\
	.chunksize = AES_BLOCK_SIZE,					\
}

static struct skcipher_alg vcd_sk_algs[] = {
	VCD_SK_ALG("cbc", AES_BLOCK_SIZE, AES_BLOCK_SIZE),
	VCD_SK_ALG("ctr", 1, AES_BLOCK_SIZE),
	VCD_SK_ALG("ecb", AES_BLOCK_SIZE, 0),
};

static const u32 vcd_sk_algos[ARRAY_SIZE(vcd_sk_algs)] = {
	VIRTIO_CRYPTO_CIPHER_AES_CBC,
	VIRTIO_CRYPTO_CIPHER_AES_CTR,
	VIRTIO_CRYPTO_CIPHER_AES_ECB,
};

void vcd_skcipher_add(struct vcd_device *vd)
{
	unsigned int i;
	int err;

	if (!(vd->services & BIT(VIRTIO_CRYPTO_SERVICE_CIPHER)))
		return;
	spin_lock(&vcd_sk_lock);
	list_add_tail(&vd->sk_node, &vcd_sk_devices);
	spin_unlock(&vcd_sk_lock);

	mutex_lock(&vcd_sk_reg_lock);
	if (!vcd_sk_wq) {
		vcd_sk_wq = alloc_workqueue(VCD_NAME "_kapi", WQ_UNBOUND, 0);
		if (!vcd_sk_wq) {
			dev_warn(&vd->vdev->dev, "no crypto API algorithms: out of memory\n");
			goto out;
		}
	}
	for (i = 0; i < ARRAY_SIZE(vcd_sk_algs); i++) {
		u64 bit = BIT_ULL(vcd_sk_algos[i]);

		if (!(vd->cipher_mask & bit) || (vcd_sk_registered & bit))
			continue;
		err = crypto_register_skcipher(&vcd_sk_algs[i]);
		if (err) {
			dev_warn(&vd->vdev->dev, "registering %s: %d\n",
				 vcd_sk_algs[i].base.cra_driver_name, err);
			continue;
		}
		vcd_sk_registered |= bit;
		dev_info(&vd->vdev->dev, "crypto API: %s\n",
			 vcd_sk_algs[i].base.cra_driver_name);
	}
out:
	mutex_unlock(&vcd_sk_reg_lock);
}

void vcd_skcipher_remove(struct vcd_device *vd)
{
	spin_lock(&vcd_sk_lock);
	/* Linked only when it offers ciphers; sk_node is empty otherwise. */
	list_del_init(&vd->sk_node);
	spin_unlock(&vcd_sk_lock);
}

void vcd_skcipher_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_sk_algs); i++)
		if (vcd_sk_registered & BIT_ULL(vcd_sk_algos[i]))
			crypto_unregister_skcipher(&vcd_sk_algs[i]);
	vcd_sk_registered = 0;
	if (vcd_sk_wq)
		destroy_workqueue(vcd_sk_wq);
	vcd_sk_wq = NULL;
}
