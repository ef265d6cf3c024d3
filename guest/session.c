// SPDX-License-Identifier: GPL-2.0
/*
 * cryptodev sessions and the device sessions behind them. The device's
 * sessions are per direction, so each cryptodev session maps onto up to
 * two, created on first use of each direction over the control queue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vcd.h"

struct vcd_cipher {
	u32 cipher;		/* cryptodev */
	u32 algo;		/* virtio */
	unsigned int block;
	unsigned int ivlen;
	const char *name;
	const char *driver;
};

static const struct vcd_cipher vcd_ciphers[] = {
	{ CRYPTO_AES_CBC, VIRTIO_CRYPTO_CIPHER_AES_CBC, VCD_BLOCK, VCD_BLOCK,
	  "cbc(aes)", "cbc-aes-" VCD_NAME },
	{ CRYPTO_AES_CTR, VIRTIO_CRYPTO_CIPHER_AES_CTR, 1, VCD_BLOCK,
	  "ctr(aes)", "ctr-aes-" VCD_NAME },
	{ CRYPTO_AES_ECB, VIRTIO_CRYPTO_CIPHER_AES_ECB, VCD_BLOCK, 0,
	  "ecb(aes)", "ecb-aes-" VCD_NAME },
};

static const struct vcd_cipher *vcd_cipher_find(u32 cipher)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_ciphers); i++)
		if (vcd_ciphers[i].cipher == cipher)
			return &vcd_ciphers[i];
	return NULL;
}

static const struct vcd_cipher *vcd_session_cipher(const struct vcd_session *s)
{
	return vcd_cipher_find(s->cipher);
}

unsigned int vcd_session_block(const struct vcd_session *s)
{
	return vcd_session_cipher(s)->block;
}

unsigned int vcd_session_ivlen(const struct vcd_session *s)
{
	return vcd_session_cipher(s)->ivlen;
}

void vcd_session_info(const struct vcd_session *s, struct session_info_op *si)
{
	const struct vcd_cipher *c = vcd_session_cipher(s);

	strscpy(si->cipher_info.cra_name, c->name,
		sizeof(si->cipher_info.cra_name));
	strscpy(si->cipher_info.cra_driver_name, c->driver,
		sizeof(si->cipher_info.cra_driver_name));
	si->alignmask = 0;
	si->flags = SIOP_FLAG_KERNEL_DRIVER_ONLY;
}

static int vcd_ctrl(struct vcd_device *vd, struct vcd_req *req,
		    unsigned int keylen, struct scatterlist *in_sg)
{
	struct scatterlist key_sg, *sgs[3];
	unsigned int out = 0;
	int err;

	sg_init_one(&req->sg_hdr, &req->ctrl.hdr, sizeof(req->ctrl.hdr));
	sgs[out++] = &req->sg_hdr;
	if (keylen) {
		sg_init_one(&key_sg, req->ctrl.key, keylen);
		sgs[out++] = &key_sg;
	}
	sgs[out] = in_sg;
	/* Not killable: an abandoned create would leak a device session. */
	err = vcd_req_submit(&vd->ctrlq, req, sgs, out, 1, false);
	if (err)
		return err;
	return vcd_req_wait(req, false);
}

static int vcd_device_session_create(struct vcd_session *s, bool encrypt,
				     u64 *id)
{
	struct virtio_crypto_cipher_session_para *para;
	struct vcd_req *req;
	int err;

	req = vcd_req_alloc();
	if (!req)
		return -ENOMEM;
	req->ctrl.hdr.header.opcode =
		cpu_to_le32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
	req->ctrl.hdr.header.algo = cpu_to_le32(s->algo);
	/* Must be 0: QEMU's vhost-user path indexes an array with it. */
	req->ctrl.hdr.header.queue_id = 0;
	req->ctrl.hdr.u.sym_create_session.op_type =
		cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	para = &req->ctrl.hdr.u.sym_create_session.u.cipher.para;
	para->algo = cpu_to_le32(s->algo);
	para->keylen = cpu_to_le32(s->keylen);
	para->op = cpu_to_le32(encrypt ? VIRTIO_CRYPTO_OP_ENCRYPT :
					 VIRTIO_CRYPTO_OP_DECRYPT);
	memcpy(req->ctrl.key, s->key, s->keylen);
	req->ctrl.in.create.status = cpu_to_le32(VIRTIO_CRYPTO_ERR);
	sg_init_one(&req->sg_in, &req->ctrl.in.create,
		    sizeof(req->ctrl.in.create));

	err = vcd_ctrl(s->vd, req, s->keylen, &req->sg_in);
	if (!err)
		err = vcd_status_errno(le32_to_cpu(req->ctrl.in.create.status));
	if (!err)
		*id = le64_to_cpu(req->ctrl.in.create.session_id);
	vcd_req_put(req);
	return err;
}

static void vcd_device_session_destroy(struct vcd_session *s, u64 id)
{
	struct vcd_req *req;
	int err;

	req = vcd_req_alloc();
	if (!req)
		return;
	req->ctrl.hdr.header.opcode =
		cpu_to_le32(VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION);
	req->ctrl.hdr.header.algo = cpu_to_le32(s->algo);
	req->ctrl.hdr.u.destroy_session.session_id = cpu_to_le64(id);
	req->ctrl.in.destroy.status = VIRTIO_CRYPTO_ERR;
	sg_init_one(&req->sg_in, &req->ctrl.in.destroy,
		    sizeof(req->ctrl.in.destroy));

	err = vcd_ctrl(s->vd, req, 0, &req->sg_in);
	if (!err)
		err = vcd_status_errno(req->ctrl.in.destroy.status);
	/* A dead or resetting device has no sessions left to destroy. */
	if (err && err != -ENODEV && err != -EAGAIN)
		pr_warn_ratelimited("destroying device session %llu failed: %d\n",
				    id, err);
	vcd_req_put(req);
}

int vcd_session_device_id(struct vcd_session *s, bool encrypt, u64 *id)
{
	int err = 0, epoch;

	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	epoch = atomic_read(&s->vd->epoch);
	if (!s->live[encrypt] || s->epoch[encrypt] != epoch) {
		err = vcd_device_session_create(s, encrypt,
						&s->dev_id[encrypt]);
		s->live[encrypt] = !err;
		s->epoch[encrypt] = epoch;
	}
	*id = s->dev_id[encrypt];
	mutex_unlock(&s->lock);
	return err;
}

static void vcd_session_release(struct kref *ref)
{
	struct vcd_session *s = container_of(ref, struct vcd_session, ref);
	int dir;

	for (dir = 0; dir < 2; dir++)
		if (s->live[dir] &&
		    s->epoch[dir] == atomic_read(&s->vd->epoch))
			vcd_device_session_destroy(s, s->dev_id[dir]);
	mutex_destroy(&s->lock);
	kfree_sensitive(s);
}

void vcd_session_put(struct vcd_session *s)
{
	kref_put(&s->ref, vcd_session_release);
}

struct vcd_session *vcd_session_get(struct vcd_file *f, u32 id)
{
	struct vcd_session *s;

	xa_lock(&f->sessions);
	s = xa_load(&f->sessions, id);
	if (s)
		kref_get(&s->ref);
	xa_unlock(&f->sessions);
	return s;
}

static int vcd_session_check(const struct vcd_device *vd,
			     const struct session_op *sop,
			     const struct vcd_cipher **cipher)
{
	const struct vcd_cipher *c = vcd_cipher_find(sop->cipher);

	/* The device offers no MAC (neither QEMU backend does). */
	if (sop->mac || !c)
		return -EINVAL;
	if (!(vd->services & BIT(VIRTIO_CRYPTO_SERVICE_CIPHER)) ||
	    !(vd->cipher_mask & BIT_ULL(c->algo)))
		return -EINVAL;
	if (sop->keylen != 16 && sop->keylen != 24 && sop->keylen != 32)
		return -EINVAL;
	if (sop->keylen > vd->max_cipher_key_len)
		return -EINVAL;
	*cipher = c;
	return 0;
}

static int vcd_session_insert(struct vcd_file *f, struct vcd_session *s)
{
	int tries, err = -EBUSY;

	for (tries = 0; tries < 16 && err == -EBUSY; tries++) {
		s->id = get_random_u32();
		if (!s->id)
			continue;
		err = xa_insert(&f->sessions, s->id, s, GFP_KERNEL_ACCOUNT);
	}
	return err;
}

int vcd_session_create(struct vcd_file *f, struct session_op *sop)
{
	const struct vcd_cipher *c;
	struct vcd_session *s;
	int err;

	err = vcd_session_check(f->vd, sop, &c);
	if (err)
		return err;
	if (atomic_inc_return(&f->nr_sessions) > VCD_MAX_SESSIONS) {
		err = -ENOSPC;
		goto err_count;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		err = -ENOMEM;
		goto err_count;
	}
	kref_init(&s->ref);
	mutex_init(&s->lock);
	s->vd = f->vd;
	s->cipher = c->cipher;
	s->algo = c->algo;
	s->keylen = sop->keylen;
	if (copy_from_user(s->key, sop->key, sop->keylen)) {
		err = -EFAULT;
		goto err_free;
	}
	err = vcd_session_insert(f, s);
	if (err)
		goto err_free;
	sop->ses = s->id;
	return 0;

err_free:
	mutex_destroy(&s->lock);
	kfree_sensitive(s);
err_count:
	atomic_dec(&f->nr_sessions);
	return err;
}

int vcd_session_free(struct vcd_file *f, u32 id)
{
	struct vcd_session *s = xa_erase(&f->sessions, id);

	if (!s)
		return -ENOENT;
	atomic_dec(&f->nr_sessions);
	vcd_session_put(s);
	return 0;
}

void vcd_session_free_all(struct vcd_file *f)
{
	struct vcd_session *s;
	unsigned long id;

	xa_for_each(&f->sessions, id, s)
		vcd_session_free(f, id);
}
