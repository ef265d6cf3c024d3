// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_cryptodev: module parameters, init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "vcd.h"

bool vcd_poll;
module_param_named(poll, vcd_poll, bool, 0444);
MODULE_PARM_DESC(poll, "Always busy-poll for completions, never sleep for interrupts (default 0: poll adaptively, see poll_window_us)");

unsigned int vcd_poll_window_us = 500;
module_param_named(poll_window_us, vcd_poll_window_us, uint, 0644);
MODULE_PARM_DESC(poll_window_us, "Longest adaptive poll of the used ring before sleeping for the interrupt, in microseconds (default 500; 0: never poll)");

unsigned int vcd_timeout = 30;
module_param_named(timeout, vcd_timeout, uint, 0644);
MODULE_PARM_DESC(timeout, "Seconds before a request fails with ETIMEDOUT (default 30)");

unsigned int vcd_max_sessions = 1024;
module_param_named(max_sessions, vcd_max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "Device sessions kept open per device; idle ones are closed to make room (default 1024)");

bool vcd_crypto_alias;
module_param_named(crypto_alias, vcd_crypto_alias, bool, 0444);
MODULE_PARM_DESC(crypto_alias, "Also name the first device /dev/crypto");

bool vcd_recover;
module_param_named(recover, vcd_recover, bool, 0644);
MODULE_PARM_DESC(recover, "Reset the device when a request times out (default 0)");

struct workqueue_struct *vcd_wq;
struct class *vcd_class;
dev_t vcd_devt;
static struct cdev vcd_cdev;

/* Like cryptodev-linux: every user may open it; sessions are per file. */
static char *vcd_devnode(vcd_devnode_dev *dev, umode_t *mode)
{
	if (mode)
		*mode = 0666;
	return NULL;
}

static int __init vcd_init(void)
{
	int err;

	err = vcd_req_cache_init();
	if (err)
		return err;
	vcd_wq = alloc_workqueue(VCD_NAME, WQ_UNBOUND, 0);
	if (!vcd_wq) {
		err = -ENOMEM;
		goto err_cache;
	}
	err = alloc_chrdev_region(&vcd_devt, 0, VCD_MAX_DEVICES + 1, VCD_NAME);
	if (err)
		goto err_wq;
	cdev_init(&vcd_cdev, &vcd_fops);
	vcd_cdev.owner = THIS_MODULE;
	err = cdev_add(&vcd_cdev, vcd_devt, VCD_MAX_DEVICES + 1);
	if (err)
		goto err_region;
	vcd_class = vcd_class_create(VCD_NAME);
	if (IS_ERR(vcd_class)) {
		err = PTR_ERR(vcd_class);
		goto err_cdev;
	}
	vcd_class->devnode = vcd_devnode;
	err = vcd_device_init();
	if (err)
		goto err_class;
	return 0;

err_class:
	class_destroy(vcd_class);
err_cdev:
	cdev_del(&vcd_cdev);
err_region:
	unregister_chrdev_region(vcd_devt, VCD_MAX_DEVICES + 1);
err_wq:
	destroy_workqueue(vcd_wq);
err_cache:
	vcd_req_cache_exit();
	pr_err("init failed: %d\n", err);
	return err;
}

static void __exit vcd_exit(void)
{
	vcd_skcipher_exit();
	vcd_device_exit();
	class_destroy(vcd_class);
	cdev_del(&vcd_cdev);
	unregister_chrdev_region(vcd_devt, VCD_MAX_DEVICES + 1);
	destroy_workqueue(vcd_wq);
	vcd_req_cache_exit();
}

module_init(vcd_init);
module_exit(vcd_exit);

MODULE_DESCRIPTION("cryptodev ioctl ABI (/dev/cryptodevN) over virtio-crypto");
MODULE_LICENSE("GPL");
