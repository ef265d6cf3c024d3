// SPDX-License-Identifier: GPL-2.0
/*
 * Digests and HMACs of cryptodev sessions, done by the guest kernel's crypto
 * API: the device offers the guest no hash (QEMU fixes its config). shash,
 * not ahash: software hashes run on the CPU anyway, and a synchronous call
 * over the caller's pinned pages leaves nothing running after the ioctl
 * returns (no completion to outlive a killed waiter).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vcd.h"

/* Pages pinned at a time while hashing a request. */
#define VCD_HASH_PAGES	16

struct vcd_hash_alg {
	u32 mac;		/* cryptodev */
	bool hmac;
	const char *name;	/* kernel crypto API */
};

static const struct vcd_hash_alg vcd_hash_algs[] = {
	{ CRYPTO_MD5, false, "md5" },
	{ CRYPTO_SHA1, false, "sha1" },
	{ CRYPTO_RIPEMD160, false, "rmd160" },
	{ CRYPTO_SHA2_224, false, "sha224" },
	{ CRYPTO_SHA2_256, false, "sha256" },
	{ CRYPTO_SHA2_384, false, "sha384" },
	{ CRYPTO_SHA2_512, false, "sha512" },
	{ CRYPTO_MD5_HMAC, true, "hmac(md5)" },
	{ CRYPTO_SHA1_HMAC, true, "hmac(sha1)" },
	{ CRYPTO_RIPEMD160_HMAC, true, "hmac(rmd160)" },
	{ CRYPTO_SHA2_224_HMAC, true, "hmac(sha224)" },
	{ CRYPTO_SHA2_256_HMAC, true, "hmac(sha256)" },
	{ CRYPTO_SHA2_384_HMAC, true, "hmac(sha384)" },
	{ CRYPTO_SHA2_512_HMAC, true, "hmac(sha512)" },
};

struct vcd_hash {
	struct crypto_shash *tfm;
	struct mutex lock;		/* desc and saved: one operation at a time */
	struct shash_desc *desc;	/* the running state */
	u8 *saved;			/* desc's state before an operation */
};

static const struct vcd_hash_alg *vcd_hash_find(u32 mac)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcd_hash_algs); i++)
		if (vcd_hash_algs[i].mac == mac)
			return &vcd_hash_algs[i];
	return NULL;
}

static int vcd_hash_setkey(struct crypto_shash *tfm,
			   const struct session_op *sop)
{
	u8 *key;
	int err;

	key = memdup_user(sop->mackey, sop->mackeylen);
	if (IS_ERR(key))
		return PTR_ERR(key);
	err = crypto_shash_setkey(tfm, key, sop->mackeylen);
	kfree_sensitive(key);
	return err ? -EINVAL : 0;
}

static void vcd_hash_destroy(struct vcd_hash *h)
{
	kfree_sensitive(h->saved);
	kfree_sensitive(h->desc);
	crypto_free_shash(h->tfm);
	mutex_destroy(&h->lock);
	kfree(h);
}

int vcd_hash_create(struct vcd_session *s, const struct session_op *sop)
{
	const struct vcd_hash_alg *a = vcd_hash_find(sop->mac);
	struct vcd_hash *h;
	int err;

	if (!a || sop->mackeylen > CRYPTO_HMAC_MAX_KEY_LEN)
		return -EINVAL;
	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return -ENOMEM;
	mutex_init(&h->lock);
	h->tfm = crypto_alloc_shash(a->name, 0, 0);
	if (IS_ERR(h->tfm)) {
		err = PTR_ERR(h->tfm);
		h->tfm = NULL;
		/* A kernel without the algorithm: as cryptodev-linux says. */
		if (err == -ENOENT)
			err = -EINVAL;
		goto err_free;
	}
	if (a->hmac) {
		err = vcd_hash_setkey(h->tfm, sop);
		if (err)
			goto err_free;
	}
	h->desc = kzalloc(sizeof(*h->desc) + crypto_shash_descsize(h->tfm),
			  GFP_KERNEL_ACCOUNT);
	h->saved = kzalloc(crypto_shash_statesize(h->tfm), GFP_KERNEL_ACCOUNT);
	if (!h->desc || !h->saved) {
		err = -ENOMEM;
		goto err_free;
	}
	h->desc->tfm = h->tfm;
	err = crypto_shash_init(h->desc);
	if (err)
		goto err_free;
	s->mac = a->mac;
	s->hash = h;
	return 0;

err_free:
	vcd_hash_destroy(h);
	return err;
}

void vcd_hash_free(struct vcd_session *s)
{
	if (s->hash)
		vcd_hash_destroy(s->hash);
	s->hash = NULL;
}

/* Feeds len bytes at user address src to desc, VCD_HASH_PAGES at a time. */
static int vcd_hash_user(struct shash_desc *desc, unsigned long src, u32 len)
{
	struct page *pages[VCD_HASH_PAGES];
	int nr, i, err;

	while (len) {
		size_t off = offset_in_page(src);
		u32 n = min_t(size_t, len, VCD_HASH_PAGES * PAGE_SIZE - off);
		u32 left = n;

		if (fatal_signal_pending(current))
			return -EINTR;
		err = vcd_pin(src, n, 0, pages, &nr);
		if (err)
			return err;
		for (i = 0; i < nr && !err; i++) {
			u32 m = min_t(size_t, left, PAGE_SIZE - off);
			u8 *p = kmap_local_page(pages[i]);

			err = crypto_shash_update(desc, p + off, m);
			kunmap_local(p);
			left -= m;
			off = 0;
		}
		unpin_user_pages(pages, nr);
		if (err)
			return err;
		src += n;
		len -= n;
		cond_resched();
	}
	return 0;
}

int vcd_hash_crypt(struct vcd_session *s, const struct crypt_op *cop)
{
	struct vcd_hash *h = s->hash;
	u8 digest[AALG_MAX_RESULT_LEN];
	bool final;
	int err;

	if (cop->op != COP_ENCRYPT && cop->op != COP_DECRYPT)
		return -EINVAL;
	if (cop->flags & (COP_FLAG_AEAD_TLS_TYPE | COP_FLAG_AEAD_SRTP_TYPE))
		return -EINVAL;
	if (cop->len > VCD_MAX_LEN)
		return -EINVAL;
	/* cryptodev-linux's rules: an UPDATE of nothing finalizes too. */
	final = (cop->flags & COP_FLAG_FINAL) ||
		!(cop->flags & COP_FLAG_UPDATE) || !cop->len;

	if (mutex_lock_killable(&h->lock))
		return -EINTR;
	/* So that a failed operation leaves the state as it was. */
	err = crypto_shash_export(h->desc, h->saved);
	if (err)
		goto out;
	if (!cop->flags || (cop->flags & COP_FLAG_RESET)) {
		err = crypto_shash_init(h->desc);
		if (err)
			goto restore;
	}
	err = vcd_hash_user(h->desc, (unsigned long)cop->src, cop->len);
	if (err)
		goto restore;
	if (final) {
		err = crypto_shash_final(h->desc, digest);
		if (!err && copy_to_user(cop->mac, digest,
					 crypto_shash_digestsize(h->tfm)))
			err = -EFAULT;
		if (err)
			goto restore;
		/* Better than cryptodev-linux (its issue #34): start over. */
		err = crypto_shash_init(h->desc);
	}
	goto out;
restore:
	if (crypto_shash_import(h->desc, h->saved))
		pr_warn_once("cannot restore a hash state\n");
out:
	mutex_unlock(&h->lock);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

int vcd_hash_record(struct vcd_session *s, const u8 *kbuf, u32 klen,
		    const u8 __user *ubuf, u32 ulen, u8 *digest)
{
	struct vcd_hash *h = s->hash;
	int err;

	if (mutex_lock_killable(&h->lock))
		return -EINTR;
	err = crypto_shash_export(h->desc, h->saved);
	if (err)
		goto out;
	err = crypto_shash_init(h->desc);
	if (!err && klen)
		err = crypto_shash_update(h->desc, kbuf, klen);
	if (!err)
		err = vcd_hash_user(h->desc, (unsigned long)ubuf, ulen);
	if (!err)
		err = crypto_shash_final(h->desc, digest);
	if (crypto_shash_import(h->desc, h->saved))
		pr_warn_once("cannot restore a hash state\n");
out:
	mutex_unlock(&h->lock);
	return err;
}

unsigned int vcd_hash_size(const struct vcd_session *s)
{
	return crypto_shash_digestsize(s->hash->tfm);
}

int vcd_hash_copy(struct vcd_session *dst, struct vcd_session *src)
{
	struct vcd_hash *first, *second;
	int err;

	if (!dst->hash || !src->hash || dst->mac != src->mac)
		return -EINVAL;
	first = dst->hash < src->hash ? dst->hash : src->hash;
	second = first == dst->hash ? src->hash : dst->hash;
	if (mutex_lock_killable(&first->lock))
		return -EINTR;
	if (mutex_lock_killable_nested(&second->lock, SINGLE_DEPTH_NESTING)) {
		mutex_unlock(&first->lock);
		return -EINTR;
	}
	/* dst's saved state is scratch between its operations. */
	err = crypto_shash_export(src->hash->desc, dst->hash->saved);
	if (!err)
		err = crypto_shash_import(dst->hash->desc, dst->hash->saved);
	mutex_unlock(&second->lock);
	mutex_unlock(&first->lock);
	return err;
}

u32 vcd_hash_info(const struct vcd_session *s, struct session_info_op *si)
{
	struct crypto_shash *tfm = s->hash->tfm;

	vcd_alg_info(&si->hash_info, crypto_shash_alg_name(tfm),
		     crypto_tfm_alg_driver_name(crypto_shash_tfm(tfm)));
	return vcd_alg_flags(&crypto_shash_alg(tfm)->base);
}
