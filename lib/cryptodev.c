/*
 * cryptodev backend: sessions and operations are ioctls on a device node
 * (/dev/crypto, /dev/cryptodevN). The kernel serialises nothing we need, so
 * sessions are safe to use from many threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vcrypto/cryptodev.h>

#include "internal.h"

struct vc_cryptodev {
	int fd;
	int hardware;
	int no_async;		/* CIOCASYNCCRYPT gave ENOTTY */
	pthread_mutex_t batch_lock;	/* the file's async queue: one batch */
	char path[128];
	char desc[256];
};

struct cryptodev_cipher {
	struct vc_cipher base;
	struct vc_cryptodev *dev;
	uint32_t ses;
};

struct cryptodev_mac {
	struct vc_mac base;
	struct vc_cryptodev *dev;
	uint32_t ses;
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* Errors that mean "this device cannot do that", not "the device failed". */
static int unsupported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTTY ||
	       err == -ENOSYS;
}

static int new_session(struct vc_cryptodev *d, struct session_op *sop,
		       const char *what)
{
	int r = xioctl(d->fd, CIOCGSESSION, sop);

	if (r == 0)
		return 0;
	if (unsupported(r))
		return vc_error(-EOPNOTSUPP, "%s: %s session: %s", d->path,
				what, strerror(-r));
	return vc_error(r, "%s: %s session: %s", d->path, what, strerror(-r));
}

static void free_session(struct vc_cryptodev *d, uint32_t ses)
{
	xioctl(d->fd, CIOCFSESSION, &ses);
}

/*
 * Writes where session ses runs, by CIOCGSESSINFO: "cryptodev:PATH (DRIVER,
 * offloaded)" or "(DRIVER, software)". Returns 1 when offloaded.
 */
static int session_where(struct vc_cryptodev *d, uint32_t ses, int hash,
			 char *where, size_t size)
{
	struct session_info_op info = { .ses = ses };
	struct alg_info *ai = hash ? &info.hash_info : &info.cipher_info;
	int offloaded;

	if (xioctl(d->fd, CIOCGSESSINFO, &info)) {
		snprintf(where, size, "cryptodev:%s", d->path);
		return 0;
	}
	ai->cra_driver_name[CRYPTODEV_MAX_ALG_NAME - 1] = 0;
	offloaded = !!(info.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY);
	snprintf(where, size, "cryptodev:%s (%s, %s)", d->path,
		 ai->cra_driver_name, offloaded ? "offloaded" : "software");
	return offloaded;
}

int vc_cryptodev_open(struct vc_cryptodev **out, const char *path)
{
	static const uint8_t probe_key[16];
	struct session_op sop = {
		.cipher = CRYPTO_AES_CBC,
		.keylen = sizeof(probe_key),
		.key = (uint8_t *)probe_key,
	};
	struct vc_cryptodev *d;
	int r;

	if (strlen(path) >= sizeof(d->path))
		return vc_error(-ENAMETOOLONG, "%s: path too long", path);
	d = calloc(1, sizeof(*d));
	if (!d)
		return vc_error(-ENOMEM, "out of memory");
	snprintf(d->path, sizeof(d->path), "%s", path);
	pthread_mutex_init(&d->batch_lock, NULL);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		r = vc_error(-errno, "%s: %s", path, strerror(errno));
		goto err_free;
	}
	r = new_session(d, &sop, "AES-CBC");
	if (r)
		goto err_close;
	d->hardware = session_where(d, sop.ses, 0, d->desc, sizeof(d->desc));
	free_session(d, sop.ses);
	*out = d;
	return 0;

err_close:
	close(d->fd);
err_free:
	free(d);
	return r;
}

void vc_cryptodev_close(struct vc_cryptodev *d)
{
	if (!d)
		return;
	close(d->fd);
	pthread_mutex_destroy(&d->batch_lock);
	free(d);
}

const char *vc_cryptodev_describe(const struct vc_cryptodev *d)
{
	return d->desc;
}

int vc_cryptodev_is_hardware(const struct vc_cryptodev *d)
{
	return d->hardware;
}

static int cryptodev_crypt(struct vc_cipher *base, enum vc_dir dir,
			   const uint8_t *iv, const void *in, void *out,
			   size_t len)
{
	struct cryptodev_cipher *c = (struct cryptodev_cipher *)base;
	uint8_t ivbuf[VC_IV_LEN];
	struct crypt_op op = {
		.ses = c->ses,
		.op = dir == VC_ENCRYPT ? COP_ENCRYPT : COP_DECRYPT,
		.len = (uint32_t)len,
		.src = (uint8_t *)in,
		.dst = out,
	};
	int r;

	if (base->alg != VC_AES_ECB) {
		memcpy(ivbuf, iv, sizeof(ivbuf));
		op.iv = ivbuf;
	}
	r = xioctl(c->dev->fd, CIOCCRYPT, &op);
	if (r)
		return vc_error(r, "%s: crypt: %s", c->dev->path, strerror(-r));
	return 0;
}

/* The driver's bound is 64 operations a file (cryptodev-linux's too). */
#define ASYNC_DEPTH 64

/* Submits ops[i] on CIOCASYNCCRYPT; mac, unused by a cipher session, tags it. */
static int async_submit(struct cryptodev_cipher *c, struct vc_cipher_op *op,
			size_t i)
{
	struct crypt_op cop = {
		.ses = c->ses,
		.op = op->dir == VC_ENCRYPT ? COP_ENCRYPT : COP_DECRYPT,
		.len = (uint32_t)op->len,
		.src = (uint8_t *)op->in,
		.dst = op->out,
		.mac = (uint8_t *)(uintptr_t)(i + 1),
		.iv = c->base.alg == VC_AES_ECB ? NULL : (uint8_t *)op->iv,
	};

	return xioctl(c->dev->fd, CIOCASYNCCRYPT, &cop);
}

/* Fetches every finished operation into ops; returns how many. */
static size_t async_reap(struct cryptodev_cipher *c, struct vc_cipher_op *ops,
			 size_t n)
{
	struct crypt_op cop;
	size_t got = 0;
	int r;

	while ((r = xioctl(c->dev->fd, CIOCASYNCFETCH, &cop)) != -EBUSY) {
		size_t i = (uintptr_t)cop.mac - 1;

		if (i >= n)	/* not ours: nothing else queues on this file */
			continue;
		ops[i].result = r ? vc_error(r, "%s: crypt: %s", c->dev->path,
					     strerror(-r)) : 0;
		got++;
	}
	return got;
}

/*
 * Up to ASYNC_DEPTH in flight, reaped when poll() says POLLIN. Batches on
 * one engine run one at a time, since fetch takes any of the file's.
 */
static int cryptodev_batch(struct vc_cipher *base, struct vc_cipher_op *ops,
			   size_t n)
{
	struct cryptodev_cipher *c = (struct cryptodev_cipher *)base;
	struct pollfd p = { .fd = c->dev->fd, .events = POLLIN };
	size_t next = 0, inflight = 0;
	int r = 0;

	pthread_mutex_lock(&c->dev->batch_lock);
	while (next < n || inflight) {
		while (next < n && inflight < ASYNC_DEPTH) {
			struct vc_cipher_op *op = &ops[next];
			int e = op->len && !c->dev->no_async ?
				async_submit(c, op, next) : -ENOTTY;

			if (e == -EBUSY)
				break;
			if (e == -ENOTTY) {
				if (op->len)
					c->dev->no_async = 1;
				op->result = op->len ? cryptodev_crypt(base, op->dir,
						op->iv, op->in, op->out, op->len) : 0;
			} else if (e) {
				op->result = vc_error(e, "%s: submit: %s",
						      c->dev->path, strerror(-e));
			} else {
				inflight++;
			}
			next++;
		}
		if (!inflight)
			continue;
		/* A failed poll only costs a fetch that finds nothing yet. */
		poll(&p, 1, -1);
		inflight -= async_reap(c, ops, n);
	}
	pthread_mutex_unlock(&c->dev->batch_lock);
	for (size_t i = 0; i < n && !r; i++)
		r = ops[i].result;
	return r;
}

static void cryptodev_cipher_free(struct vc_cipher *base)
{
	struct cryptodev_cipher *c = (struct cryptodev_cipher *)base;

	free_session(c->dev, c->ses);
	free(c);
}

static const struct vc_cipher_ops cryptodev_cipher_ops = {
	.engine = "cryptodev",
	.crypt = cryptodev_crypt,
	.batch = cryptodev_batch,
	.free = cryptodev_cipher_free,
};

int vc_cryptodev_cipher_new(struct vc_cryptodev *d, struct vc_cipher **out,
			    enum vc_cipher_alg alg, const void *key,
			    size_t keylen)
{
	static const uint32_t ids[] = {
		[VC_AES_CBC] = CRYPTO_AES_CBC,
		[VC_AES_CTR] = CRYPTO_AES_CTR,
		[VC_AES_ECB] = CRYPTO_AES_ECB,
	};
	struct session_op sop = {
		.cipher = ids[alg],
		.keylen = (uint32_t)keylen,
		.key = (uint8_t *)key,
	};
	struct cryptodev_cipher *c;
	int r = new_session(d, &sop, "cipher");

	if (r)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c) {
		free_session(d, sop.ses);
		return vc_error(-ENOMEM, "out of memory");
	}
	c->base.ops = &cryptodev_cipher_ops;
	c->base.alg = alg;
	c->dev = d;
	c->ses = sop.ses;
	session_where(d, c->ses, 0, c->base.where, sizeof(c->base.where));
	*out = &c->base;
	return 0;
}

static int cryptodev_mac_compute(struct vc_mac *base, const struct vc_buf *bufs,
				 size_t n, uint8_t *tag)
{
	struct cryptodev_mac *m = (struct cryptodev_mac *)base;
	struct crypt_op op = { .ses = m->ses, .op = COP_ENCRYPT, .mac = tag };
	uint8_t *joined = NULL;
	size_t total = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		total += bufs[i].len;
	if (total > UINT32_MAX)
		return vc_error(-EINVAL, "mac input too long: %zu bytes", total);
	if (n == 1) {
		op.src = (uint8_t *)bufs[0].p;
	} else if (total > 0) {
		joined = malloc(total);
		if (!joined)
			return vc_error(-ENOMEM, "out of memory");
		for (size_t i = 0, off = 0; i < n; off += bufs[i].len, i++)
			memcpy(joined + off, bufs[i].p, bufs[i].len);
		op.src = joined;
	}
	op.len = (uint32_t)total;
	r = xioctl(m->dev->fd, CIOCCRYPT, &op);
	free(joined);
	if (r)
		return vc_error(r, "%s: mac: %s", m->dev->path, strerror(-r));
	return 0;
}

static void cryptodev_mac_free(struct vc_mac *base)
{
	struct cryptodev_mac *m = (struct cryptodev_mac *)base;

	free_session(m->dev, m->ses);
	free(m);
}

static const struct vc_mac_ops cryptodev_mac_ops = {
	.engine = "cryptodev",
	.compute = cryptodev_mac_compute,
	.free = cryptodev_mac_free,
};

int vc_cryptodev_mac_new(struct vc_cryptodev *d, struct vc_mac **out,
			 const struct vc_md *md, const void *key, size_t keylen)
{
	struct session_op sop = {
		.mac = key ? md->hmac_id : md->hash_id,
		.mackeylen = (uint32_t)keylen,
		.mackey = (uint8_t *)key,
	};
	struct cryptodev_mac *m;
	int r = new_session(d, &sop, key ? "HMAC" : "digest");

	if (r)
		return r;
	m = calloc(1, sizeof(*m));
	if (!m) {
		free_session(d, sop.ses);
		return vc_error(-ENOMEM, "out of memory");
	}
	m->base.ops = &cryptodev_mac_ops;
	m->base.len = md->len;
	m->dev = d;
	m->ses = sop.ses;
	session_where(d, m->ses, 1, m->base.where, sizeof(m->base.where));
	*out = &m->base;
	return 0;
}
