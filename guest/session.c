// SPDX-License-Identifier: GPL-2.0
/*
 * cryptodev sessions: per open file, with random ids. The device sessions
 * behind them (one per direction, created on first use) are
 * device_session.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crypto.h>
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
	if (s->soft)
		return vcd_soft_cipher_block(s);
	return vcd_session_cipher(s)->block;
}

unsigned int vcd_session_ivlen(const struct vcd_session *s)
{
	return vcd_session_cipher(s)->ivlen;
}

void vcd_alg_info(struct alg_info *ai, const char *name, const char *driver)
{
	strscpy(ai->cra_name, name, sizeof(ai->cra_name));
	strscpy(ai->cra_driver_name, driver, sizeof(ai->cra_driver_name));
}

u32 vcd_alg_flags(const struct crypto_alg *alg)
{
	return alg->cra_flags & CRYPTO_ALG_KERN_DRIVER_ONLY ?
	       SIOP_FLAG_KERNEL_DRIVER_ONLY : 0;
}

/* KERNEL_DRIVER_ONLY only when every part of the session is a driver's. */
void vcd_session_info(const struct vcd_session *s, struct session_info_op *si)
{
	u32 flags = SIOP_FLAG_KERNEL_DRIVER_ONLY;
	const struct vcd_cipher *c;

	si->alignmask = 0;
	if (s->hash)
		flags &= vcd_hash_info(s, si);
	if (s->soft) {
		flags &= vcd_soft_cipher_info(s, si);
	} else if (s->aead) {
		flags &= vcd_aead_info(s, si);
	} else if (s->cipher) {
		c = vcd_session_cipher(s);
		vcd_alg_info(&si->cipher_info, c->name, c->driver);
	}
	si->flags = flags;
}

static void vcd_session_release(struct kref *ref)
{
	struct vcd_session *s = container_of(ref, struct vcd_session, ref);

	vcd_dev_session_drop(s);
	vcd_hash_free(s);
	vcd_soft_cipher_free(s);
	vcd_aead_free(s);
	mutex_destroy(&s->iv_lock);
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

/* The device's cipher for sop, or NULL when the device does not offer it. */
static const struct vcd_cipher *vcd_device_cipher(const struct vcd_device *vd,
						  const struct session_op *sop)
{
	const struct vcd_cipher *c = vcd_cipher_find(sop->cipher);

	if (!c || !(vd->services & BIT(VIRTIO_CRYPTO_SERVICE_CIPHER)) ||
	    !(vd->cipher_mask & BIT_ULL(c->algo)))
		return NULL;
	return c;
}

static int vcd_session_check(const struct vcd_device *vd,
			     const struct session_op *sop,
			     const struct vcd_cipher **cipher)
{
	const struct vcd_cipher *c = vcd_device_cipher(vd, sop);

	if (!c)
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

/* A cipher session: offloaded to the device. */
static int vcd_session_cipher_init(struct vcd_session *s,
				   const struct vcd_cipher *c,
				   const struct session_op *sop)
{
	s->cipher = c->cipher;
	s->algo = c->algo;
	s->keylen = sop->keylen;
	if (copy_from_user(s->key, sop->key, sop->keylen))
		return -EFAULT;
	return 0;
}

static int vcd_session_new(struct vcd_file *f, struct session_op *sop,
			   bool tls_only)
{
	/* The device offers the guest no hash: the kernel does them. */
	bool hash = sop->mac && !sop->cipher;
	/* Nor AEAD, nor every cipher: the kernel does the others. */
	bool aead = !hash && vcd_aead_cipher(sop->cipher);
	bool soft = !hash && !aead && !vcd_device_cipher(f->vd, sop);
	const struct vcd_cipher *c = NULL;
	struct vcd_session *s;
	int err;

	if (!hash && !aead && !soft) {
		err = vcd_session_check(f->vd, sop, &c);
		if (err)
			return err;
	}
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
	mutex_init(&s->iv_lock);
	INIT_LIST_HEAD(&s->dev[0].node);
	INIT_LIST_HEAD(&s->dev[1].node);
	s->vd = f->vd;
	s->tls_only = tls_only;
	if (hash)
		err = vcd_hash_create(s, sop);
	else if (aead)
		err = vcd_aead_create(s, sop);
	else if (soft)
		err = vcd_soft_cipher_create(s, sop);
	else
		err = vcd_session_cipher_init(s, c, sop);
	/* A cipher and a MAC chained: the MAC is the kernel's (hash.c). */
	if (!err && !hash && !aead && sop->mac)
		err = vcd_hash_create(s, sop);
	if (err)
		goto err_free;
	err = vcd_session_insert(f, s);
	if (err)
		goto err_free;
	sop->ses = s->id;
	return 0;

err_free:
	vcd_hash_free(s);
	vcd_soft_cipher_free(s);
	vcd_aead_free(s);
	mutex_destroy(&s->iv_lock);
	mutex_destroy(&s->lock);
	kfree_sensitive(s);
err_count:
	atomic_dec(&f->nr_sessions);
	return err;
}

/* The MAC of a CRYPTO_TLS1x_* cipher (AES-CBC and an HMAC), or 0. */
static u32 vcd_tls_mac(u32 cipher)
{
	switch (cipher) {
	case CRYPTO_TLS11_AES_CBC_HMAC_SHA1:
		return CRYPTO_SHA1_HMAC;
	case CRYPTO_TLS12_AES_CBC_HMAC_SHA256:
		return CRYPTO_SHA2_256_HMAC;
	}
	return 0;
}

int vcd_session_create(struct vcd_file *f, struct session_op *sop)
{
	u32 mac = vcd_tls_mac(sop->cipher);
	struct session_op tls = *sop;
	int err;

	if (!mac)
		return vcd_session_new(f, sop, false);
	/* Both keys in one session: the chained session they stand for. */
	if (sop->mac && sop->mac != mac)
		return -EINVAL;
	tls.cipher = CRYPTO_AES_CBC;
	tls.mac = mac;
	err = vcd_session_new(f, &tls, true);
	sop->ses = tls.ses;
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
