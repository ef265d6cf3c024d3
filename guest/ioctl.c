// SPDX-License-Identifier: GPL-2.0
/*
 * The cryptodev ABI on /dev/cryptodevN: open files, argument copying and
 * validation, dispatch.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vcd.h"

static int vcd_open(struct inode *inode, struct file *filp)
{
	struct vcd_file *f;
	struct vcd_device *vd;

	vd = vcd_device_get(iminor(inode));
	if (!vd)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f) {
		vcd_device_put(vd);
		return -ENOMEM;
	}
	kref_init(&f->ref);
	f->vd = vd;
	xa_init(&f->sessions);
	atomic_set(&f->nr_sessions, 0);
	atomic_set(&f->in_ring, 0);
	spin_lock_init(&f->async_lock);
	INIT_LIST_HEAD(&f->done);
	init_waitqueue_head(&f->async_wait);
	filp->private_data = f;
	return nonseekable_open(inode, filp);
}

static void vcd_file_release(struct kref *ref)
{
	struct vcd_file *f = container_of(ref, struct vcd_file, ref);

	xa_destroy(&f->sessions);
	vcd_device_put(f->vd);
	kfree(f);
}

void vcd_file_put(struct vcd_file *f)
{
	kref_put(&f->ref, vcd_file_release);
}

/* Async operations still running keep f (and their sessions) until done. */
static int vcd_release(struct inode *inode, struct file *filp)
{
	struct vcd_file *f = filp->private_data;

	vcd_async_close(f);
	vcd_session_free_all(f);
	vcd_file_put(f);
	return 0;
}

/* A new descriptor for the same open file, as cryptodev-linux does. */
static long vcd_crioget(struct file *filp, u32 __user *arg)
{
	int fd = get_unused_fd_flags(0);

	if (fd < 0)
		return fd;
	if (put_user(fd, arg)) {
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, get_file(filp));
	return 0;
}

static long vcd_gsession(struct vcd_file *f, void __user *arg)
{
	struct session_op sop;
	int err;

	if (copy_from_user(&sop, arg, sizeof(sop)))
		return -EFAULT;
	err = vcd_session_create(f, &sop);
	if (err)
		return err;
	if (copy_to_user(arg, &sop, sizeof(sop))) {
		vcd_session_free(f, sop.ses);
		return -EFAULT;
	}
	return 0;
}

static long vcd_fsession(struct vcd_file *f, u32 __user *arg)
{
	u32 id;

	if (get_user(id, arg))
		return -EFAULT;
	return vcd_session_free(f, id);
}

static long vcd_cryptop(struct vcd_file *f, void __user *arg)
{
	struct crypt_op cop;

	if (copy_from_user(&cop, arg, sizeof(cop)))
		return -EFAULT;
	return vcd_crypt(f, &cop);
}

static long vcd_async_cryptop(struct vcd_file *f, void __user *arg)
{
	struct crypt_op cop;

	if (copy_from_user(&cop, arg, sizeof(cop)))
		return -EFAULT;
	return vcd_async_submit(f, &cop);
}

static __poll_t vcd_file_poll(struct file *filp, struct poll_table_struct *wait)
{
	return vcd_async_poll(filp->private_data, filp, wait);
}

/* AEAD sessions, and the TLS and SRTP forms of cipher and MAC sessions. */
static long vcd_authcrypt(struct vcd_file *f, void __user *arg)
{
	struct crypt_auth_op op;
	struct vcd_session *s;
	int err = -EINVAL;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	s = vcd_session_get(f, op.ses);
	if (!s)
		return -EINVAL;
	if (s->aead)
		err = vcd_aead_crypt(s, &op);
	else if (op.flags & COP_FLAG_AEAD_SRTP_TYPE)
		err = vcd_srtp_crypt(s, &op);
	else if ((op.flags & COP_FLAG_AEAD_TLS_TYPE) || s->tls_only)
		err = vcd_tls_crypt(s, &op);
	vcd_session_put(s);
	if (!err && copy_to_user(arg, &op, sizeof(op)))
		err = -EFAULT;
	return err;
}

static long vcd_gsessinfo(struct vcd_file *f, void __user *arg)
{
	struct session_info_op si;
	struct vcd_session *s;
	u32 id;

	if (get_user(id, (u32 __user *)arg))
		return -EFAULT;
	s = vcd_session_get(f, id);
	if (!s)
		return -EINVAL;
	memset(&si, 0, sizeof(si));
	si.ses = id;
	vcd_session_info(s, &si);
	vcd_session_put(s);
	if (copy_to_user(arg, &si, sizeof(si)))
		return -EFAULT;
	return 0;
}

/* cryptodev-linux's errors: EDEADLK for one session, ENOENT for none. */
static long vcd_cphash(struct vcd_file *f, void __user *arg)
{
	struct vcd_session *dst, *src;
	struct cphash_op op;
	int err = -ENOENT;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.dst_ses == op.src_ses)
		return -EDEADLK;
	dst = vcd_session_get(f, op.dst_ses);
	src = vcd_session_get(f, op.src_ses);
	if (dst && src)
		err = vcd_hash_copy(dst, src);
	if (src)
		vcd_session_put(src);
	if (dst)
		vcd_session_put(dst);
	return err;
}

static long vcd_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vcd_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(f->vd->dead))
		return -ENODEV;
	switch (cmd) {
	case CRIOGET:
		return vcd_crioget(filp, uarg);
	case CIOCGSESSION:
		return vcd_gsession(f, uarg);
	case CIOCFSESSION:
		return vcd_fsession(f, uarg);
	case CIOCCRYPT:
		return vcd_cryptop(f, uarg);
	case CIOCGSESSINFO:
		return vcd_gsessinfo(f, uarg);
	case CIOCAUTHCRYPT:
		return vcd_authcrypt(f, uarg);
	case CIOCCPHASH:
		return vcd_cphash(f, uarg);
	case CIOCASYNCCRYPT:
		return vcd_async_cryptop(f, uarg);
	case CIOCASYNCFETCH:
		return vcd_async_fetch(f, uarg);
	case CIOCASYMFEAT:
		return put_user(0U, (u32 __user *)uarg) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

const struct file_operations vcd_fops = {
	.owner = THIS_MODULE,
	.open = vcd_open,
	.release = vcd_release,
	.unlocked_ioctl = vcd_ioctl,
	.poll = vcd_file_poll,
};
