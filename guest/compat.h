/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel API difference the module meets, 6.1 to the newest. The
 * driver is written against the newest API; each helper here names the
 * kernel that changed it and falls back for older ones. Kbuild probes the
 * headers (distribution kernels backport APIs), so the VCD_HAVE_* flags
 * say what the headers have, not which version they are.
 */
#ifndef VCD_COMPAT_H
#define VCD_COMPAT_H

#include <linux/device.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/virtio_config.h>

/* 6.4: class_create() lost its owner argument. */
#ifdef VCD_HAVE_CLASS_CREATE_NAME
#define vcd_class_create(name)	class_create(name)
#else
#define vcd_class_create(name)	class_create(THIS_MODULE, name)
#endif

/* 6.2: a class's devnode() takes a const struct device *. */
#ifdef VCD_HAVE_CONST_DEVNODE
typedef const struct device vcd_devnode_dev;
#else
typedef struct device vcd_devnode_dev;
#endif

/* 6.11: virtio_find_vqs() takes an array of struct virtqueue_info. */
#ifdef VCD_HAVE_VIRTQUEUE_INFO
static inline int vcd_find_vqs(struct virtio_device *vdev, unsigned int n,
			       struct virtqueue *vqs[],
			       struct virtqueue_info info[])
{
	return virtio_find_vqs(vdev, n, vqs, info, NULL);
}
#else
struct virtqueue_info {
	const char *name;
	vq_callback_t *callback;
	bool ctx;
};

static inline int vcd_find_vqs(struct virtio_device *vdev, unsigned int n,
			       struct virtqueue *vqs[],
			       struct virtqueue_info info[])
{
	vq_callback_t **cbs;
	const char **names;
	unsigned int i;
	int err = -ENOMEM;

	cbs = kcalloc(n, sizeof(*cbs), GFP_KERNEL);
	names = kcalloc(n, sizeof(*names), GFP_KERNEL);
	if (!cbs || !names)
		goto out;
	for (i = 0; i < n; i++) {
		cbs[i] = info[i].callback;
		names[i] = info[i].name;
	}
	err = virtio_find_vqs(vdev, n, vqs, cbs, names, NULL);
out:
	kfree(names);
	kfree(cbs);
	return err;
}
#endif

/* 6.2: del_timer_sync() became timer_delete_sync(); 6.15 dropped the old. */
#ifdef VCD_HAVE_TIMER_DELETE_SYNC
#define vcd_timer_delete_sync(t)	timer_delete_sync(t)
#else
#define vcd_timer_delete_sync(t)	del_timer_sync(t)
#endif

#endif /* VCD_COMPAT_H */
