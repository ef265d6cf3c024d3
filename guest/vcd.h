/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_cryptodev: the cryptodev ioctl ABI (/dev/cryptodevN) over the
 * standard virtio-crypto device. Shared structures of the module.
 */
#ifndef VCD_H
#define VCD_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/virtio_crypto.h>
#include <vcrypto/cryptodev.h>

#define VCD_NAME		"virtio_cryptodev"
#define VCD_MAX_DEVICES		64
/* The minor after the last device's: /dev/crypto, an alias of device 0. */
#define VCD_ALIAS_MINOR		VCD_MAX_DEVICES
#define VCD_MAX_DATAQUEUES	256
#define VCD_BLOCK		16
/* A request is split into chunks of at most this many bytes. */
#define VCD_CHUNK_MAX		(64 * 1024)
#define VCD_CHUNK_PAGES		(VCD_CHUNK_MAX / PAGE_SIZE + 1)
/* header, iv, src pages, dst pages, status */
#define VCD_MAX_SG		(3 + 2 * (unsigned int)VCD_CHUNK_PAGES)
/* The largest CIOCCRYPT length accepted. */
#define VCD_MAX_LEN		(64U << 20)
#define VCD_MAX_SESSIONS	4096

extern bool vcd_poll;
extern unsigned int vcd_poll_window_us;
extern unsigned int vcd_max_sessions;
extern unsigned int vcd_timeout;
extern bool vcd_crypto_alias;
extern bool vcd_recover;
extern struct workqueue_struct *vcd_wq;
extern struct class *vcd_class;
extern dev_t vcd_devt;

struct vcd_device;
struct vcd_hash;
struct vcd_soft_cipher;
struct vcd_aead;
struct crypto_alg;

struct vcd_queue {
	char name[16];
	spinlock_t lock;		/* add/kick/get_buf, pending */
	struct virtqueue *vq;		/* dangling once vd is dead */
	struct vcd_device *vd;
	bool stopped;			/* the device is being reset */
	struct list_head pending;	/* unfinished, in the ring */
	unsigned long returned;		/* space waiters watch it */
	unsigned long answered;		/* requests the device returned */
	unsigned int spinners;		/* waiters polling, callback off */
	unsigned int poll_ns;		/* adaptive window, vcd_req_wait() */
	wait_queue_head_t space;
	struct timer_list recheck;	/* looks while the callback is armed */
	unsigned long rechecked;	/* answers it found; only it writes */
};

struct vcd_device {
	struct kref ref;		/* the virtio device's, open files' */
	struct virtio_device *vdev;
	bool dead;			/* written under every queue lock */
	bool broken;			/* no virtqueues left; under reset_lock */
	struct mutex reset_lock;	/* recovery against remove */
	struct work_struct recover_work;
	atomic_t epoch;			/* device sessions older are gone */
	spinlock_t lru_lock;		/* lru, doomed and the counts, users */
	struct list_head lru;		/* live device sessions, least recent first */
	struct list_head doomed;	/* device session ids to destroy */
	struct work_struct destroy_work;
	unsigned int nr_sessions;	/* live device sessions and reservations */
	unsigned int nr_doomed;		/* queued or being destroyed */
	unsigned long evictions;
	bool poll;
	int minor;
	bool alias;			/* also /dev/crypto */
	unsigned int nr_dataqs;
	struct vcd_queue *dataqs;
	struct vcd_queue ctrlq;
	u32 services;
	u64 cipher_mask;
	u32 max_cipher_key_len;
	u32 chunk;			/* bytes per data request, max */
};

/*
 * One request in a virtqueue. Two references: the waiter's and, while the
 * device owns the buffers, the ring's. The last one frees it, so a waiter
 * that gave up never lets the device write into freed memory, and pinned
 * pages stay pinned until the device has returned them.
 */
struct vcd_req {
	refcount_t ref;
	struct completion done;
	struct list_head node;		/* on queue->pending */
	struct vcd_queue *q;
	bool finished;			/* under q->lock */
	int result;			/* 0 answered, -ENODEV gone */
	/* Called once finished, under q->lock, maybe in interrupt context. */
	void (*finish)(struct vcd_req *req);
	void *owner;			/* finish's */
	struct work_struct free_work;
	union {
		struct {
			struct virtio_crypto_op_ctrl_req hdr;
			u8 key[CRYPTO_CIPHER_MAX_KEY_LEN];
			union {
				struct virtio_crypto_session_input create;
				struct virtio_crypto_inhdr destroy;
			} in;
		} ctrl;
		struct {
			struct virtio_crypto_op_data_req hdr;
			u8 iv[VCD_BLOCK];
			struct virtio_crypto_inhdr in;
		} data;
	};
	void *bounce;			/* kmalloc'd, or NULL */
	int nr_src;			/* pinned, read only */
	int nr_dst;			/* pinned for writing */
	struct scatterlist sg_hdr;
	struct scatterlist sg_iv;
	struct scatterlist sg_in;
	/*
	 * Not zeroed at allocation, nor wiped at free (queue.c says why):
	 * filled before they are read (pages up to nr_*, scatterlists by
	 * sg_init_*), and they hold no secret.
	 */
	struct page *src_pages[VCD_CHUNK_PAGES];
	struct page *dst_pages[VCD_CHUNK_PAGES];
	struct scatterlist sg_src[VCD_CHUNK_PAGES];
	struct scatterlist sg_dst[VCD_CHUNK_PAGES];
};

/* The part of a vcd_req zeroed when it is allocated and wiped when freed. */
#define VCD_REQ_HEAD offsetof(struct vcd_req, src_pages)

/*
 * One direction of a cryptodev session on the device. Device sessions are a
 * cache (device_session.c): an idle one may be destroyed to make room, and
 * it is created again on its next use.
 */
struct vcd_dev_session {
	struct list_head node;		/* on vd->lru while live */
	u64 id;
	int epoch;			/* vd->epoch when created */
	unsigned int users;		/* requests using it */
	bool live;
};

struct vcd_session {
	struct kref ref;		/* the open file's table, users */
	struct vcd_device *vd;
	u32 id;
	u32 cipher;			/* cryptodev algorithm, 0 for a hash */
	u32 mac;			/* cryptodev hash or HMAC, 0 for none */
	struct vcd_hash *hash;		/* hash.c's state when mac is set */
	struct vcd_soft_cipher *soft;	/* a cipher the kernel does, or NULL */
	struct vcd_soft_cipher *record;	/* the kernel's copy for TLS records */
	bool tls_only;			/* a CRYPTO_TLS1x_* session */
	struct vcd_aead *aead;		/* an AEAD the kernel does, or NULL */
	u32 algo;			/* virtio algorithm */
	u32 keylen;
	u8 key[CRYPTO_CIPHER_MAX_KEY_LEN];
	struct mutex lock;		/* creation of device sessions */
	struct vcd_dev_session dev[2];	/* decrypt, encrypt */
	struct mutex iv_lock;		/* iv, and operations chaining it */
	u8 iv[VCD_BLOCK];		/* used when a request has no iv */
};

/* cryptodev-linux's bound on a file's async operations (MAX_COP_RINGSIZE). */
#define VCD_ASYNC_MAX		64

/* One open file (shared by CRIOGET and fork). */
struct vcd_file {
	struct kref ref;		/* the open file's, async operations' */
	struct vcd_device *vd;
	struct xarray sessions;
	atomic_t nr_sessions;
	spinlock_t async_lock;		/* done, outstanding, closed */
	struct list_head done;		/* finished async operations, in order */
	unsigned int outstanding;	/* submitted and not yet fetched */
	atomic_t in_ring;		/* sent straight to the ring, unfinished */
	bool closed;
	wait_queue_head_t async_wait;
};

/* device.c */
/* Returns the device with that minor, referenced, or NULL. */
struct vcd_device *vcd_device_get(unsigned int minor);
/* A live device offering virtio cipher algo, referenced, or NULL. */
struct vcd_device *vcd_device_find(u32 algo);
/* Drops a reference taken by vcd_device_get() or probe. */
void vcd_device_put(struct vcd_device *vd);
/* Registers the virtio driver; 0 or a negative errno. */
int vcd_device_init(void);
/* Resets vd and starts it again (work item of a timed-out request). */
void vcd_device_recover(struct work_struct *work);
/* Unregisters the virtio driver (removes every device). */
void vcd_device_exit(void);

/* queue.c */
/* Sets up an empty queue of vd over vq. */
void vcd_queue_init(struct vcd_queue *q, struct vcd_device *vd,
		    struct virtqueue *vq);
/*
 * Stops q for a recovery: fails every pending request with -EAGAIN and
 * new submissions too, until vcd_queue_restart(). The ring keeps its
 * references.
 */
void vcd_queue_stop(struct vcd_queue *q);
/* Lets q, stopped and given a new virtqueue, take requests again. */
void vcd_queue_restart(struct vcd_queue *q);
/* The virtqueue callback: finishes every returned request. */
void vcd_queue_done(struct virtqueue *vq);
/*
 * Marks the device dead and fails every pending request of q with -ENODEV;
 * from then on nothing touches q->vq. The ring keeps its references.
 */
void vcd_queue_kill(struct vcd_queue *q);
/* After the device is reset: drops the ring's references to its buffers. */
void vcd_queue_detach(struct vcd_queue *q);
/*
 * Polls q's used ring, its callback off, until done(arg) or for ns at most
 * (the adaptive window, vcd_req_wait()); returns done(arg).
 */
bool vcd_queue_spin(struct vcd_queue *q, unsigned int ns,
		    bool (*done)(void *arg), void *arg);
/* Adapts q's window to a wait of that many ns that it did not catch. */
void vcd_queue_adapt(struct vcd_queue *q, u64 waited);
/* The requests' slab cache, made and destroyed with the module. */
int vcd_req_cache_init(void);
void vcd_req_cache_exit(void);
/* A request, its head (VCD_REQ_HEAD) zeroed, with the waiter's reference;
 * or NULL. */
struct vcd_req *vcd_req_alloc(void);
/* Drops the waiter's reference (process context). */
void vcd_req_put(struct vcd_req *req);
/*
 * Adds req's buffers (out readable lists, then in writable lists) to q and
 * notifies the device, waiting for ring space if needed. 0, -ENODEV,
 * -ETIMEDOUT, -EINTR (killable only), -EAGAIN (the device is being reset),
 * -EIO.
 */
int vcd_req_submit(struct vcd_queue *q, struct vcd_req *req,
		   struct scatterlist *sgs[], unsigned int out,
		   unsigned int in, bool killable);
/*
 * Waits for the device to return req (bounded by the timeout parameter).
 * 0 when it did, -ENODEV, -ETIMEDOUT, -EINTR (killable only), -EAGAIN
 * (the device is being reset). A timeout starts a recovery when the
 * recover parameter is set.
 */
int vcd_req_wait(struct vcd_req *req, bool killable);
/* The errno of a virtio-crypto status. */
int vcd_status_errno(u32 status);

/* session.c */
/* Validates sop, creates a session of f and sets sop->ses; 0 or errno. */
int vcd_session_create(struct vcd_file *f, struct session_op *sop);
/* Frees session id of f: 0, or -ENOENT when f has none. */
int vcd_session_free(struct vcd_file *f, u32 id);
/* Frees every session of f. */
void vcd_session_free_all(struct vcd_file *f);
/* Session id of f, referenced, or NULL. */
struct vcd_session *vcd_session_get(struct vcd_file *f, u32 id);
/* Drops a reference from vcd_session_get(). */
void vcd_session_put(struct vcd_session *s);
/* Block size of the session's cipher (1 for stream modes). */
unsigned int vcd_session_block(const struct vcd_session *s);
/* IV length of the session's cipher (0 for ECB). */
unsigned int vcd_session_ivlen(const struct vcd_session *s);
/* Fills the algorithm names of s (CIOCGSESSINFO). */
void vcd_session_info(const struct vcd_session *s, struct session_info_op *si);
/* Sets ai's names (truncated to fit). */
void vcd_alg_info(struct alg_info *ai, const char *name, const char *driver);
/* SIOP_FLAG_KERNEL_DRIVER_ONLY if the kernel's alg is a driver's, else 0. */
u32 vcd_alg_flags(const struct crypto_alg *alg);

/* device_session.c */
/* Sets up vd's empty device session cache. */
void vcd_dev_sessions_init(struct vcd_device *vd);
/*
 * The device session of s for one direction, created on first use (making
 * room by destroying an idle one if the device is full) and held until
 * vcd_dev_session_put(). 0, -ENOSPC (every device session is in use), or
 * the errno of the device's answer.
 */
int vcd_dev_session_get(struct vcd_session *s, bool encrypt, u64 *id);
/* Lets go of a device session taken by vcd_dev_session_get(). */
void vcd_dev_session_put(struct vcd_session *s, bool encrypt);
/* Hands s's device sessions to vd's destroy work (s is being freed). */
void vcd_dev_session_drop(struct vcd_session *s);

/* ioctl.c */
extern const struct file_operations vcd_fops;
/* Drops a reference to f; the last one frees it. */
void vcd_file_put(struct vcd_file *f);

/* crypt.c */
/* One cipher request after another on one device session. */
struct vcd_chunk {
	struct vcd_device *vd;
	struct vcd_session *s;	/* its algo */
	u64 sid;
	bool encrypt;
	unsigned int ivlen;
	u8 iv[VCD_BLOCK];	/* in: this chunk's; out: the next one's */
	u8 next[VCD_BLOCK];	/* CBC: the next chunk's IV */
};

/*
 * Pins len bytes at user src and dst for one request of c and maps them by
 * req's scatterlists (CBC decryption reads its next IV first); 0 or errno.
 */
int vcd_chunk_prepare(struct vcd_chunk *c, struct vcd_req *req,
		      unsigned long src, unsigned long dst, u32 len);
/*
 * Sends len bytes under req's sg_src to its sg_dst as one request of c;
 * 0 or vcd_req_submit()'s errno.
 */
int vcd_chunk_submit(struct vcd_chunk *c, struct vcd_req *req, u32 len,
		     bool killable);
/*
 * vcd_chunk_submit(), then waits for it; 0 or errno (the device's status's
 * included).
 */
int vcd_chunk_run(struct vcd_chunk *c, struct vcd_req *req, u32 len,
		  bool killable);
/* After a prepared request of len bytes to dst succeeded: c->iv moves on. */
void vcd_chunk_done(struct vcd_chunk *c, struct vcd_req *req,
		    unsigned long dst, u32 len);
/* Moves c->iv past len bytes; last is CBC's last ciphertext block. */
void vcd_chunk_iv_next(struct vcd_chunk *c, u32 len, const u8 *last);
/* Runs one CIOCCRYPT operation; 0 or errno. */
int vcd_crypt(struct vcd_file *f, const struct crypt_op *cop);
/* Runs one CIOCCRYPT operation on session s; 0 or errno. */
int vcd_crypt_session_op(struct vcd_session *s, const struct crypt_op *cop);
/* The cipher part of cop on s, by the device or the kernel; 0 or errno. */
int vcd_cipher_crypt(struct vcd_session *s, const struct crypt_op *cop);
/*
 * Pins the pages under [uaddr, uaddr + len) (len > 0) into pages, *nr of
 * them, for writing when gup has FOLL_WRITE; 0, -EFAULT or -ENOMEM.
 */
int vcd_pin(unsigned long uaddr, size_t len, unsigned int gup,
	    struct page **pages, int *nr);
/*
 * Whether cop is a cipher operation a session of that block size takes:
 * encrypt or decrypt, no AEAD flag, len 1..VCD_MAX_LEN in whole blocks.
 */
bool vcd_cipher_op_valid(const struct crypt_op *cop, unsigned int block);
/* Fills sg[0..nr) with the len bytes at uaddr in its nr pinned pages. */
void vcd_sg_pages(struct scatterlist *sg, struct page **pages, int nr,
		  unsigned long uaddr, size_t len);

/* hash.c */
/*
 * Gives s the hash or HMAC sop->mac, done by the kernel crypto API: a hash
 * session, or the MAC of a chained one; 0 or errno (-EINVAL for an
 * algorithm the kernel lacks).
 */
int vcd_hash_create(struct vcd_session *s, const struct session_op *sop);
/* Frees the hash state of s, if any. */
void vcd_hash_free(struct vcd_session *s);
/*
 * CIOCCRYPT's MAC: of cop->len bytes at cop->src into cop->mac, with
 * UPDATE/FINAL/RESET as cryptodev-linux.
 */
int vcd_hash_crypt(struct vcd_session *s, const struct crypt_op *cop);
/* CIOCCPHASH: dst continues from src's state (same algorithm); 0 or errno. */
int vcd_hash_copy(struct vcd_session *dst, struct vcd_session *src);
/* Fills hash_info of a session with a hash; returns its SIOP flags. */
u32 vcd_hash_info(const struct vcd_session *s, struct session_info_op *si);
/* Digest size of s's hash or MAC. */
unsigned int vcd_hash_size(const struct vcd_session *s);
/*
 * The MAC of a record, from scratch: of klen bytes of kernel memory at kbuf,
 * then ulen bytes at user address ubuf, into digest (vcd_hash_size()). The
 * state of UPDATEs in progress is kept.
 */
int vcd_hash_record(struct vcd_session *s, const u8 *kbuf, u32 klen,
		    const u8 __user *ubuf, u32 ulen, u8 *digest);

/* soft_cipher.c */
/*
 * Makes s a cipher session (sop->cipher set, sop->mac 0) done by the kernel
 * crypto API; 0 or errno (-EINVAL for a cipher the kernel lacks or a key it
 * refuses).
 */
int vcd_soft_cipher_create(struct vcd_session *s, const struct session_op *sop);
/* Frees the kernel cipher of s, if any. */
void vcd_soft_cipher_free(struct vcd_session *s);
/* CIOCCRYPT on a kernel cipher session; 0 or errno. */
int vcd_soft_cipher_crypt(struct vcd_session *s, const struct crypt_op *cop);
/* Block size of the kernel cipher of s (1 for stream modes). */
unsigned int vcd_soft_cipher_block(const struct vcd_session *s);
/* Fills cipher_info and alignmask of a kernel cipher; returns its SIOP flags. */
u32 vcd_soft_cipher_info(const struct vcd_session *s,
			 struct session_info_op *si);
/*
 * The kernel cipher that TLS records of s run on: s's own for a kernel
 * cipher session, else one made on first use with s's key (s->record).
 */
int vcd_soft_cipher_record(struct vcd_session *s, struct vcd_soft_cipher **out);
/*
 * Encrypts or decrypts len bytes of kernel memory in place under sg, iv
 * updated to chain the next operation; 0 or -EINVAL (len not in blocks).
 */
int vcd_soft_cipher_kernel(struct vcd_soft_cipher *sc, bool encrypt,
			   struct scatterlist *sg, u32 len, u8 *iv);
unsigned int vcd_soft_cipher_ivsize(const struct vcd_soft_cipher *sc);
unsigned int vcd_soft_cipher_blocksize(const struct vcd_soft_cipher *sc);

/* aead.c */
/* Whether cipher is an AEAD (AES-GCM, AES-CCM), done by aead.c. */
bool vcd_aead_cipher(u32 cipher);
/*
 * Makes s an AEAD session (sop->cipher an AEAD, sop->mac 0) done by the
 * kernel crypto API; 0 or errno (-EINVAL for a kernel without it or a bad
 * key).
 */
int vcd_aead_create(struct vcd_session *s, const struct session_op *sop);
/* Frees the AEAD of s, if any. */
void vcd_aead_free(struct vcd_session *s);
/*
 * CIOCAUTHCRYPT on an AEAD session, as cryptodev-linux: on success op->len
 * is the length written to dst and op->tag where the tag is. 0, -EBADMSG
 * (decryption: the tag does not match; dst is untouched), or errno.
 */
int vcd_aead_crypt(struct vcd_session *s, struct crypt_auth_op *op);
/* Fills cipher_info and alignmask of an AEAD session; returns its SIOP flags. */
u32 vcd_aead_info(const struct vcd_session *s, struct session_info_op *si);

/* authenc.c */
/*
 * CIOCAUTHCRYPT's TLS form on a session with a block or stream cipher and
 * optionally a MAC, as cryptodev-linux: in place; encryption MACs the AAD and
 * the plaintext, pads and encrypts, decryption undoes that and checks. 0,
 * -EBADMSG (dst untouched), or errno.
 */
int vcd_tls_crypt(struct vcd_session *s, struct crypt_auth_op *op);
/*
 * CIOCAUTHCRYPT's SRTP form on a stream cipher and a MAC session, as
 * cryptodev-linux: in place; the MAC is of auth_src (which holds src) after
 * encrypting and before decrypting, the tag at op->tag. 0, -EBADMSG (dst
 * untouched), or errno.
 */
int vcd_srtp_crypt(struct vcd_session *s, struct crypt_auth_op *op);

/* skcipher.c */
/*
 * Registers the kernel crypto API ciphers vd offers that are not yet
 * registered (the kernel's self-tests run on vd); failures are logged.
 */
void vcd_skcipher_register(struct vcd_device *vd);
/* Unregisters them all (module exit: no transform is left). */
void vcd_skcipher_exit(void);

/* async.c */
/*
 * CIOCASYNCCRYPT: queues cop for a work item, holding f, its session and the
 * caller's mm. 0, -EINVAL (no such session), -EBUSY (VCD_ASYNC_MAX
 * outstanding), -ENOMEM. The operation's own errors come from the fetch.
 */
int vcd_async_submit(struct vcd_file *f, const struct crypt_op *cop);
/*
 * CIOCASYNCFETCH: the first finished operation's crypt_op to arg; returns its
 * result, or -EBUSY when none has finished.
 */
int vcd_async_fetch(struct vcd_file *f, struct crypt_op __user *arg);
/* POLLIN when one can be fetched, POLLOUT when one can be submitted. */
__poll_t vcd_async_poll(struct vcd_file *f, struct file *filp,
			struct poll_table_struct *wait);
/* At release: operations still running free themselves when done. */
void vcd_async_close(struct vcd_file *f);

#endif /* VCD_H */
