// SPDX-License-Identifier: GPL-2.0
/*
 * Device sessions: the keys of cryptodev sessions on the device, one per
 * direction, created and destroyed over the control queue. They are a
 * shared resource of every user of the device, so they are a cache: at
 * most max_sessions per device, least recently used first on vd->lru. When
 * the device is full an idle one (no request using it) is destroyed to make
 * room, and its cryptodev session creates it again on next use. So one
 * user holding thousands of sessions cannot lock out another.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "vcd.h"

/* Creates after the device refused one (QEMU says ERR when it is full). */
#define VCD_CREATE_TRIES	4

struct vcd_doomed {
	struct list_head node;
	u64 id;
};

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

static int vcd_create(struct vcd_session *s, bool encrypt, u64 *id)
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

/* 0, -EAGAIN (the device is being reset: try again after it), or gone. */
static int vcd_destroy(struct vcd_device *vd, u64 id)
{
	struct vcd_req *req;
	int err;

	req = vcd_req_alloc();
	if (!req)
		return -ENOMEM;
	req->ctrl.hdr.header.opcode =
		cpu_to_le32(VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION);
	req->ctrl.hdr.u.destroy_session.session_id = cpu_to_le64(id);
	req->ctrl.in.destroy.status = VIRTIO_CRYPTO_ERR;
	sg_init_one(&req->sg_in, &req->ctrl.in.destroy,
		    sizeof(req->ctrl.in.destroy));

	err = vcd_ctrl(vd, req, 0, &req->sg_in);
	if (!err)
		err = vcd_status_errno(req->ctrl.in.destroy.status);
	/* A dead or resetting device has no sessions left to destroy. */
	if (err && err != -ENODEV && err != -EAGAIN)
		pr_warn_ratelimited("destroying device session %llu failed: %d\n",
				    id, err);
	vcd_req_put(req);
	return err;
}

static void vcd_queue_destroy(struct vcd_device *vd, struct vcd_doomed *d);

/*
 * Destroys id now, or, while the device is being reset, hands it to the
 * destroy work: a back-end that was not restarted still holds it.
 */
static void vcd_destroy_now(struct vcd_device *vd, u64 id)
{
	struct vcd_doomed *d;

	if (vcd_destroy(vd, id) != -EAGAIN)
		return;
	d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return;
	d->id = id;
	vcd_queue_destroy(vd, d);
}

/*
 * Destroys in the background what closed files left: close() never waits
 * for the device (a stalled one would make it wait once per session).
 */
static void vcd_destroy_work(struct work_struct *work)
{
	struct vcd_device *vd = container_of(work, struct vcd_device,
					     destroy_work);
	struct vcd_doomed *d;
	int tries;

	for (;;) {
		spin_lock(&vd->lru_lock);
		d = list_first_entry_or_null(&vd->doomed, struct vcd_doomed,
					     node);
		if (d)
			list_del(&d->node);
		spin_unlock(&vd->lru_lock);
		if (!d)
			break;
		/* A reset is under way: destroy it once the device is back. */
		for (tries = 0; vcd_destroy(vd, d->id) == -EAGAIN && tries < 3;
		     tries++)
			flush_work(&vd->recover_work);
		kfree(d);
		spin_lock(&vd->lru_lock);
		vd->nr_doomed--;
		spin_unlock(&vd->lru_lock);
	}
	/* The reference vcd_doom() took for this run. */
	vcd_device_put(vd);
}

void vcd_dev_sessions_init(struct vcd_device *vd)
{
	spin_lock_init(&vd->lru_lock);
	INIT_LIST_HEAD(&vd->lru);
	INIT_LIST_HEAD(&vd->doomed);
	INIT_WORK(&vd->destroy_work, vcd_destroy_work);
}

/* Caller holds lru_lock; ds is live. Its slot stays counted. */
static void vcd_unlink(struct vcd_device *vd, struct vcd_dev_session *ds)
{
	list_del_init(&ds->node);
	ds->live = false;
}

/* Caller holds lru_lock: unlinks the least recently used idle one. */
static bool vcd_evict(struct vcd_device *vd, u64 *id)
{
	struct vcd_dev_session *ds;

	list_for_each_entry(ds, &vd->lru, node) {
		if (ds->users)
			continue;
		*id = ds->id;
		vcd_unlink(vd, ds);
		vd->evictions++;
		return true;
	}
	return false;
}

/*
 * Takes a slot for a new device session: a free one unless evict is set,
 * else an idle one's, destroyed first. Destroys that closed files queued
 * come before any eviction. -ENOSPC when every one is in use.
 */
static int vcd_reserve(struct vcd_device *vd, bool evict)
{
	unsigned int max = max(READ_ONCE(vcd_max_sessions), 2U);
	bool pending;
	u64 victim;

	for (;;) {
		spin_lock(&vd->lru_lock);
		if (!evict && vd->nr_sessions < max) {
			vd->nr_sessions++;
			spin_unlock(&vd->lru_lock);
			return 0;
		}
		pending = vd->nr_doomed;
		if (!pending && vcd_evict(vd, &victim)) {
			spin_unlock(&vd->lru_lock);
			vcd_destroy_now(vd, victim);
			return 0;
		}
		spin_unlock(&vd->lru_lock);
		if (!pending)
			return -ENOSPC;
		flush_work(&vd->destroy_work);
		evict = false;
	}
}

static void vcd_unreserve(struct vcd_device *vd)
{
	spin_lock(&vd->lru_lock);
	vd->nr_sessions--;
	spin_unlock(&vd->lru_lock);
}

int vcd_dev_session_get(struct vcd_session *s, bool encrypt, u64 *id)
{
	struct vcd_dev_session *ds = &s->dev[encrypt];
	struct vcd_device *vd = s->vd;
	bool stale = false;
	int err, tries, epoch;
	u64 new_id, old_id;

	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	epoch = atomic_read(&vd->epoch);
	spin_lock(&vd->lru_lock);
	if (ds->live && ds->epoch == epoch) {
		ds->users++;
		list_move_tail(&ds->node, &vd->lru);
		*id = ds->id;
		spin_unlock(&vd->lru_lock);
		mutex_unlock(&s->lock);
		return 0;
	}
	/* Made before a reset: a back-end that was not restarted holds it. */
	if (ds->live) {
		old_id = ds->id;
		vcd_unlink(vd, ds);
		vd->nr_sessions--;
		stale = true;
	}
	spin_unlock(&vd->lru_lock);
	if (stale)
		vcd_destroy_now(vd, old_id);

	for (tries = 0; ; tries++) {
		err = vcd_reserve(vd, tries > 0);
		if (err)
			break;
		err = vcd_create(s, encrypt, &new_id);
		if (!err)
			break;
		vcd_unreserve(vd);
		if (err != -EIO || tries == VCD_CREATE_TRIES)
			break;
	}
	/* Refused with others' sessions on the device: it is full. */
	if (err == -ENOSPC && !READ_ONCE(vd->nr_sessions))
		err = -EIO;
	if (!err) {
		spin_lock(&vd->lru_lock);
		ds->id = new_id;
		ds->epoch = epoch;
		ds->live = true;
		/* Requests still on the stale one keep their count. */
		ds->users++;
		list_add_tail(&ds->node, &vd->lru);
		*id = new_id;
		spin_unlock(&vd->lru_lock);
	}
	mutex_unlock(&s->lock);
	return err;
}

void vcd_dev_session_put(struct vcd_session *s, bool encrypt)
{
	spin_lock(&s->vd->lru_lock);
	s->dev[encrypt].users--;
	spin_unlock(&s->vd->lru_lock);
}

/* Hands d (its id set) to the destroy work. */
static void vcd_queue_destroy(struct vcd_device *vd, struct vcd_doomed *d)
{
	spin_lock(&vd->lru_lock);
	list_add_tail(&d->node, &vd->doomed);
	vd->nr_doomed++;
	spin_unlock(&vd->lru_lock);
	kref_get(&vd->ref);
	if (!queue_work(vcd_wq, &vd->destroy_work))
		vcd_device_put(vd);
}

static void vcd_doom(struct vcd_device *vd, struct vcd_dev_session *ds,
		     struct vcd_doomed *d)
{
	u64 id;

	spin_lock(&vd->lru_lock);
	if (!ds->live) {
		spin_unlock(&vd->lru_lock);
		kfree(d);
		return;
	}
	id = ds->id;
	vcd_unlink(vd, ds);
	vd->nr_sessions--;
	spin_unlock(&vd->lru_lock);
	if (!d) {
		/* Out of memory: destroy it here rather than leak it. */
		vcd_destroy_now(vd, id);
		return;
	}
	d->id = id;
	vcd_queue_destroy(vd, d);
}

void vcd_dev_session_drop(struct vcd_session *s)
{
	int dir;

	for (dir = 0; dir < 2; dir++)
		vcd_doom(s->vd, &s->dev[dir],
			 kmalloc(sizeof(struct vcd_doomed), GFP_KERNEL));
}
