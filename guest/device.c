// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio device: probe (config read once, virtqueues, the character
 * device node), remove (fail what is in flight, reset, release), and the
 * minor table that open() looks devices up in.
 */
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_ring.h>

#include "compat.h"
#include "vcd.h"

static DEFINE_MUTEX(vcd_minor_lock);
static struct vcd_device *vcd_minors[VCD_MAX_DEVICES + 1];

struct vcd_device *vcd_device_get(unsigned int minor)
{
	struct vcd_device *vd;

	if (minor > VCD_ALIAS_MINOR)
		return NULL;
	mutex_lock(&vcd_minor_lock);
	vd = vcd_minors[minor];
	if (vd && !READ_ONCE(vd->dead))
		kref_get(&vd->ref);
	else
		vd = NULL;
	mutex_unlock(&vcd_minor_lock);
	return vd;
}

struct vcd_device *vcd_device_find(u32 algo)
{
	struct vcd_device *vd = NULL;
	unsigned int i;

	mutex_lock(&vcd_minor_lock);
	for (i = 0; i < VCD_MAX_DEVICES && !vd; i++) {
		vd = vcd_minors[i];
		if (!vd || READ_ONCE(vd->dead) ||
		    !(vd->services & BIT(VIRTIO_CRYPTO_SERVICE_CIPHER)) ||
		    !(vd->cipher_mask & BIT_ULL(algo)))
			vd = NULL;
	}
	if (vd)
		kref_get(&vd->ref);
	mutex_unlock(&vcd_minor_lock);
	return vd;
}

static void vcd_device_release(struct kref *ref)
{
	struct vcd_device *vd = container_of(ref, struct vcd_device, ref);

	kfree(vd->dataqs);
	kfree(vd);
}

void vcd_device_put(struct vcd_device *vd)
{
	kref_put(&vd->ref, vcd_device_release);
}

static int vcd_read_config(struct vcd_device *vd)
{
	struct virtio_device *vdev = vd->vdev;
	u32 status, nr, lo, hi;
	u64 max_size;

	virtio_cread_le(vdev, struct virtio_crypto_config, status, &status);
	virtio_cread_le(vdev, struct virtio_crypto_config, max_dataqueues, &nr);
	virtio_cread_le(vdev, struct virtio_crypto_config, crypto_services,
			&vd->services);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_l, &lo);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_h, &hi);
	virtio_cread_le(vdev, struct virtio_crypto_config, max_cipher_key_len,
			&vd->max_cipher_key_len);
	virtio_cread_le(vdev, struct virtio_crypto_config, max_size, &max_size);
	vd->cipher_mask = (u64)hi << 32 | lo;

	if (!(status & VIRTIO_CRYPTO_S_HW_READY))
		dev_warn(&vdev->dev, "device not ready (status %#x)\n", status);
	if (!nr || nr > VCD_MAX_DATAQUEUES) {
		dev_err(&vdev->dev, "unusable max_dataqueues %u\n", nr);
		return -EINVAL;
	}
	vd->nr_dataqs = nr;
	/* max_size bounds iv + src + dst of one request. */
	if (max_size < 3 * VCD_BLOCK) {
		dev_err(&vdev->dev, "max_size %llu too small\n", max_size);
		return -EINVAL;
	}
	vd->chunk = min_t(u64, VCD_CHUNK_MAX, (max_size - VCD_BLOCK) / 2);
	vd->chunk = round_down(vd->chunk, VCD_BLOCK);
	dev_info(&vdev->dev,
		 "services %#x, ciphers %#llx, %u data queue(s), max key %u, chunk %u, %s\n",
		 vd->services, vd->cipher_mask, nr, vd->max_cipher_key_len,
		 vd->chunk, vd->poll ? "polling" : "interrupts");
	return 0;
}

/* again: after a reset, the queues' waiters and lists stay. */
static int vcd_setup_vqs(struct vcd_device *vd, bool again)
{
	unsigned int i, n = vd->nr_dataqs + 1;
	struct virtqueue_info *info;
	struct virtqueue **vqs;
	int err = -ENOMEM;

	vqs = kcalloc(n, sizeof(*vqs), GFP_KERNEL);
	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	if (!vqs || !info)
		goto out;
	for (i = 0; i < vd->nr_dataqs; i++) {
		snprintf(vd->dataqs[i].name, sizeof(vd->dataqs[i].name),
			 "dataq.%u", i);
		info[i].name = vd->dataqs[i].name;
		info[i].callback = vcd_queue_done;
	}
	strscpy(vd->ctrlq.name, "controlq", sizeof(vd->ctrlq.name));
	info[i].name = vd->ctrlq.name;
	info[i].callback = vcd_queue_done;

	err = vcd_find_vqs(vd->vdev, n, vqs, info);
	if (err)
		goto out;
	for (i = 0; i < vd->nr_dataqs; i++) {
		if (virtqueue_get_vring_size(vqs[i]) < VCD_MAX_SG) {
			dev_err(&vd->vdev->dev, "%s: %u entries, need %u\n",
				info[i].name, virtqueue_get_vring_size(vqs[i]),
				VCD_MAX_SG);
			vd->vdev->config->del_vqs(vd->vdev);
			err = -EINVAL;
			goto out;
		}
	}
	if (vd->poll)
		for (i = 0; i < n; i++)
			virtqueue_disable_cb(vqs[i]);
	/* Stopped queues read q->vq only once vcd_queue_restart() ran. */
	for (i = 0; i < vd->nr_dataqs; i++) {
		if (again)
			vd->dataqs[i].vq = vqs[i];
		else
			vcd_queue_init(&vd->dataqs[i], vd, vqs[i]);
	}
	if (again)
		vd->ctrlq.vq = vqs[i];
	else
		vcd_queue_init(&vd->ctrlq, vd, vqs[i]);
out:
	kfree(info);
	kfree(vqs);
	return err;
}

/* The device session cache, for users and tests (device_session.c). */
static ssize_t sessions_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vcd_device *vd = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(vd->nr_sessions));
}
static DEVICE_ATTR_RO(sessions);

static ssize_t evictions_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vcd_device *vd = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lu\n", READ_ONCE(vd->evictions));
}
static DEVICE_ATTR_RO(evictions);

/* Data requests the device answered: which work it really did. */
static ssize_t requests_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vcd_device *vd = dev_get_drvdata(dev);
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < vd->nr_dataqs; i++)
		sum += READ_ONCE(vd->dataqs[i].answered);
	return sysfs_emit(buf, "%lu\n", sum);
}
static DEVICE_ATTR_RO(requests);

/* Answers the recheck found, every queue's: interrupts that did not come. */
static ssize_t rechecked_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vcd_device *vd = dev_get_drvdata(dev);
	unsigned long sum = READ_ONCE(vd->ctrlq.rechecked);
	unsigned int i;

	for (i = 0; i < vd->nr_dataqs; i++)
		sum += READ_ONCE(vd->dataqs[i].rechecked);
	return sysfs_emit(buf, "%lu\n", sum);
}
static DEVICE_ATTR_RO(rechecked);

/* The first data queue's adaptive polling window (queue.c). */
static ssize_t poll_window_ns_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vcd_device *vd = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(vd->dataqs[0].poll_ns));
}
static DEVICE_ATTR_RO(poll_window_ns);

static struct attribute *vcd_attrs[] = {
	&dev_attr_sessions.attr,
	&dev_attr_evictions.attr,
	&dev_attr_requests.attr,
	&dev_attr_poll_window_ns.attr,
	&dev_attr_rechecked.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vcd);

static int vcd_register(struct vcd_device *vd)
{
	int major = MAJOR(vcd_devt), minor;
	struct device *dev;
	int err = -ENOSPC;

	mutex_lock(&vcd_minor_lock);
	for (minor = 0; minor < VCD_MAX_DEVICES; minor++)
		if (!vcd_minors[minor])
			break;
	if (minor == VCD_MAX_DEVICES)
		goto err_unlock;
	vd->minor = minor;
	vd->alias = minor == 0 && vcd_crypto_alias;
	vcd_minors[minor] = vd;
	dev = device_create_with_groups(vcd_class, &vd->vdev->dev,
					MKDEV(major, minor), vd, vcd_groups,
					"cryptodev%d", minor);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_minor;
	}
	if (vd->alias) {
		vcd_minors[VCD_ALIAS_MINOR] = vd;
		dev = device_create(vcd_class, &vd->vdev->dev,
				    MKDEV(major, VCD_ALIAS_MINOR), vd,
				    "crypto");
		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			goto err_alias;
		}
	}
	mutex_unlock(&vcd_minor_lock);
	return 0;

err_alias:
	vcd_minors[VCD_ALIAS_MINOR] = NULL;
	device_destroy(vcd_class, MKDEV(major, minor));
err_minor:
	vcd_minors[minor] = NULL;
err_unlock:
	mutex_unlock(&vcd_minor_lock);
	dev_err(&vd->vdev->dev, "cannot register a device node: %d\n", err);
	return err;
}

static void vcd_unregister(struct vcd_device *vd)
{
	int major = MAJOR(vcd_devt);

	mutex_lock(&vcd_minor_lock);
	if (vd->alias) {
		device_destroy(vcd_class, MKDEV(major, VCD_ALIAS_MINOR));
		vcd_minors[VCD_ALIAS_MINOR] = NULL;
	}
	device_destroy(vcd_class, MKDEV(major, vd->minor));
	vcd_minors[vd->minor] = NULL;
	mutex_unlock(&vcd_minor_lock);
}

/*
 * Resets each data queue, then the device. After a vhost-user back-end
 * restart QEMU crashes in a device reset that stops a data queue it never
 * restarted; it skips a queue reset beforehand (host/README.md, Limits).
 * Nothing may touch the virtqueues any more, apart from their callbacks.
 */
static void vcd_reset(struct vcd_device *vd)
{
	struct virtio_device *vdev = vd->vdev;
	unsigned int i;
	int err;

	if (virtio_has_feature(vdev, VIRTIO_F_RING_RESET) &&
	    vdev->config->disable_vq_and_reset) {
		for (i = 0; i < vd->nr_dataqs; i++) {
			err = vdev->config->disable_vq_and_reset(vd->dataqs[i].vq);
			if (err)
				dev_warn(&vdev->dev, "%s: queue reset failed: %d\n",
					 vd->dataqs[i].name, err);
		}
	}
	virtio_reset_device(vdev);
}

static int vcd_probe(struct virtio_device *vdev)
{
	struct vcd_device *vd;
	int err;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	kref_init(&vd->ref);
	mutex_init(&vd->reset_lock);
	INIT_WORK(&vd->recover_work, vcd_device_recover);
	atomic_set(&vd->epoch, 0);
	vcd_dev_sessions_init(vd);
	vd->vdev = vdev;
	vd->poll = vcd_poll;
	err = vcd_read_config(vd);
	if (err)
		goto err_put;
	vd->dataqs = kcalloc(vd->nr_dataqs, sizeof(*vd->dataqs), GFP_KERNEL);
	if (!vd->dataqs) {
		err = -ENOMEM;
		goto err_put;
	}
	err = vcd_setup_vqs(vd, false);
	if (err)
		goto err_put;
	vdev->priv = vd;
	virtio_device_ready(vdev);
	err = vcd_register(vd);
	if (err)
		goto err_reset;
	dev_info(&vdev->dev, "/dev/cryptodev%d%s\n", vd->minor,
		 vd->alias ? " and /dev/crypto" : "");
	vcd_skcipher_register(vd);
	return 0;

err_reset:
	vcd_reset(vd);
	vdev->config->del_vqs(vdev);
err_put:
	vcd_device_put(vd);
	return err;
}

/* Resets the device and releases its virtqueues; queues already stopped. */
static void vcd_release_vqs(struct vcd_device *vd)
{
	unsigned int i;

	/* Submitters still notifying outside the queue lock are done. */
	synchronize_rcu();
	/* From here the device touches no buffer and no callback runs. */
	vcd_reset(vd);
	for (i = 0; i < vd->nr_dataqs; i++)
		vcd_queue_detach(&vd->dataqs[i]);
	vcd_queue_detach(&vd->ctrlq);
	vd->vdev->config->del_vqs(vd->vdev);
}

static void vcd_kill(struct vcd_device *vd)
{
	unsigned int i;

	for (i = 0; i < vd->nr_dataqs; i++)
		vcd_queue_kill(&vd->dataqs[i]);
	vcd_queue_kill(&vd->ctrlq);
}

/* Negotiates again after a reset and starts new virtqueues. */
static int vcd_restart(struct vcd_device *vd)
{
	struct virtio_device *vdev = vd->vdev;
	unsigned int i;
	int err;

	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	err = vdev->config->finalize_features(vdev);
	if (err)
		return err;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -ENODEV;
	err = vcd_setup_vqs(vd, true);
	if (err)
		return err;
	virtio_device_ready(vdev);
	for (i = 0; i < vd->nr_dataqs; i++)
		vcd_queue_restart(&vd->dataqs[i]);
	vcd_queue_restart(&vd->ctrlq);
	return 0;
}

void vcd_device_recover(struct work_struct *work)
{
	struct vcd_device *vd = container_of(work, struct vcd_device,
					     recover_work);
	struct virtio_device *vdev = vd->vdev;
	unsigned int i;
	int err;

	mutex_lock(&vd->reset_lock);
	if (READ_ONCE(vd->dead))
		goto out;
	for (i = 0; i < vd->nr_dataqs; i++)
		vcd_queue_stop(&vd->dataqs[i]);
	vcd_queue_stop(&vd->ctrlq);
	vcd_release_vqs(vd);
	/* The reset forgot every device session. */
	atomic_inc(&vd->epoch);
	err = vcd_restart(vd);
	if (err) {
		vd->broken = true;
		vcd_kill(vd);
		dev_err(&vdev->dev, "cannot restart after a reset: %d\n", err);
		goto out;
	}
	dev_info(&vdev->dev, "reset after a timed-out request\n");
out:
	mutex_unlock(&vd->reset_lock);
}

static void vcd_remove(struct virtio_device *vdev)
{
	struct vcd_device *vd = vdev->priv;

	vcd_unregister(vd);
	mutex_lock(&vd->reset_lock);
	vcd_kill(vd);
	if (!vd->broken)
		vcd_release_vqs(vd);
	mutex_unlock(&vd->reset_lock);
	/* Nobody queues it once the device is dead. */
	cancel_work_sync(&vd->recover_work);
	dev_info(&vdev->dev, "removed /dev/cryptodev%d\n", vd->minor);
	vcd_device_put(vd);
}

static const struct virtio_device_id vcd_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vcd_id_table);

/*
 * Without EVENT_IDX: QEMU's vhost-user crypto does not pass it on to the
 * back-end (seen under QEMU 7.2), so a back-end that cannot know
 * it was negotiated watches VRING_AVAIL_F_NO_INTERRUPT, which the ring sets
 * only without it. With it, every completion raised an interrupt, even
 * while a waiter polled.
 */
static int vcd_validate(struct virtio_device *vdev)
{
	__virtio_clear_bit(vdev, VIRTIO_RING_F_EVENT_IDX);
	return 0;
}

static struct virtio_driver vcd_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = vcd_id_table,
	.validate = vcd_validate,
	.probe = vcd_probe,
	.remove = vcd_remove,
};

int vcd_device_init(void)
{
	return register_virtio_driver(&vcd_driver);
}

void vcd_device_exit(void)
{
	unregister_virtio_driver(&vcd_driver);
}
