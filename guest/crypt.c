// SPDX-License-Identifier: GPL-2.0
/*
 * Data requests: the caller's pages pinned and mapped by scatterlists (zero
 * copy), sent in chunks in spec order (header, iv, src -> dst, status) with
 * the IV chained from one chunk to the next.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vcd.h"

int vcd_pin(unsigned long uaddr, size_t len, unsigned int gup,
	    struct page **pages, int *nr)
{
	unsigned long first = uaddr & PAGE_MASK;
	unsigned long last;
	int want, got;

	if (uaddr + len < uaddr)
		return -EFAULT;
	last = (uaddr + len - 1) & PAGE_MASK;
	want = ((last - first) >> PAGE_SHIFT) + 1;
	got = pin_user_pages_fast(first, want, gup, pages);
	if (got < 0)
		return got == -ENOMEM ? -ENOMEM : -EFAULT;
	if (got < want) {
		unpin_user_pages(pages, got);
		return -EFAULT;
	}
	*nr = got;
	return 0;
}

void vcd_sg_pages(struct scatterlist *sg, struct page **pages, int nr,
		  unsigned long uaddr, size_t len)
{
	size_t off = offset_in_page(uaddr);
	int i;

	sg_init_table(sg, nr);
	for (i = 0; i < nr; i++) {
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		sg_set_page(&sg[i], pages[i], n, off);
		len -= n;
		off = 0;
	}
}

/* Copies len bytes at byte pos of the buffer that starts at uaddr. */
static void vcd_copy_from_pages(void *to, struct page **pages,
				unsigned long uaddr, size_t pos, size_t len)
{
	size_t at = offset_in_page(uaddr) + pos;

	while (len) {
		size_t off = offset_in_page(at);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		memcpy_from_page(to, pages[at >> PAGE_SHIFT], off, n);
		to += n;
		at += n;
		len -= n;
	}
}

/* Big-endian 128-bit counter += n. */
static void vcd_ctr_add(u8 *ctr, u32 n)
{
	int i;

	for (i = VCD_BLOCK - 1; i >= 0 && n; i--) {
		u32 sum = ctr[i] + (n & 0xff);

		ctr[i] = sum;
		n = (n >> 8) + (sum >> 8);
	}
}

static struct vcd_queue *vcd_pick_queue(struct vcd_device *vd)
{
	return &vd->dataqs[raw_smp_processor_id() % vd->nr_dataqs];
}

int vcd_chunk_submit(struct vcd_chunk *c, struct vcd_req *req, u32 len,
		     bool killable)
{
	struct virtio_crypto_cipher_para *para;
	struct scatterlist *sgs[5];
	unsigned int out = 0;

	req->data.hdr.header.opcode = cpu_to_le32(c->encrypt ?
			VIRTIO_CRYPTO_CIPHER_ENCRYPT :
			VIRTIO_CRYPTO_CIPHER_DECRYPT);
	req->data.hdr.header.algo = cpu_to_le32(c->s->algo);
	req->data.hdr.header.session_id = cpu_to_le64(c->sid);
	req->data.hdr.u.sym_req.op_type =
		cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	para = &req->data.hdr.u.sym_req.u.cipher.para;
	para->iv_len = cpu_to_le32(c->ivlen);
	para->src_data_len = cpu_to_le32(len);
	para->dst_data_len = cpu_to_le32(len);
	memcpy(req->data.iv, c->iv, c->ivlen);
	/* Not a status: a device that writes none is an error. */
	req->data.in.status = 0xff;

	sg_init_one(&req->sg_hdr, &req->data.hdr, sizeof(req->data.hdr));
	sgs[out++] = &req->sg_hdr;
	if (c->ivlen) {
		sg_init_one(&req->sg_iv, req->data.iv, c->ivlen);
		sgs[out++] = &req->sg_iv;
	}
	sgs[out++] = req->sg_src;
	sgs[out] = req->sg_dst;
	sg_init_one(&req->sg_in, &req->data.in, sizeof(req->data.in));
	sgs[out + 1] = &req->sg_in;

	return vcd_req_submit(vcd_pick_queue(c->vd), req, sgs, out, 2,
			      killable);
}

int vcd_chunk_run(struct vcd_chunk *c, struct vcd_req *req, u32 len,
		  bool killable)
{
	int err = vcd_chunk_submit(c, req, len, killable);

	if (!err)
		err = vcd_req_wait(req, killable);
	if (!err)
		err = vcd_status_errno(req->data.in.status);
	return err;
}

void vcd_chunk_iv_next(struct vcd_chunk *c, u32 len, const u8 *last)
{
	switch (c->s->algo) {
	case VIRTIO_CRYPTO_CIPHER_AES_CBC:
		memcpy(c->iv, last, VCD_BLOCK);
		break;
	case VIRTIO_CRYPTO_CIPHER_AES_CTR:
		vcd_ctr_add(c->iv, DIV_ROUND_UP(len, VCD_BLOCK));
		break;
	}
}

int vcd_chunk_prepare(struct vcd_chunk *c, struct vcd_req *req,
		      unsigned long src, unsigned long dst, u32 len)
{
	int err;

	/* Decrypt: the next IV is this chunk's last input block, read now
	 * since an in-place request overwrites it.
	 */
	if (c->s->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC && !c->encrypt &&
	    copy_from_user(c->next, (void __user *)(src + len - VCD_BLOCK),
			   VCD_BLOCK))
		return -EFAULT;
	err = vcd_pin(dst, len, FOLL_WRITE, req->dst_pages, &req->nr_dst);
	if (err)
		return err;
	if (src != dst) {
		err = vcd_pin(src, len, 0, req->src_pages, &req->nr_src);
		if (err)
			return err;
		vcd_sg_pages(req->sg_src, req->src_pages, req->nr_src, src,
			     len);
	} else {
		vcd_sg_pages(req->sg_src, req->dst_pages, req->nr_dst, src,
			     len);
	}
	vcd_sg_pages(req->sg_dst, req->dst_pages, req->nr_dst, dst, len);
	return 0;
}

void vcd_chunk_done(struct vcd_chunk *c, struct vcd_req *req,
		    unsigned long dst, u32 len)
{
	if (c->s->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC && c->encrypt)
		vcd_copy_from_pages(c->next, req->dst_pages, dst,
				    len - VCD_BLOCK, VCD_BLOCK);
	vcd_chunk_iv_next(c, len, c->next);
}

static int vcd_crypt_chunk(struct vcd_chunk *c, unsigned long src,
			   unsigned long dst, u32 len)
{
	struct vcd_req *req;
	int err;

	req = vcd_req_alloc();
	if (!req)
		return -ENOMEM;
	err = vcd_chunk_prepare(c, req, src, dst, len);
	if (!err)
		err = vcd_chunk_run(c, req, len, true);
	if (!err)
		vcd_chunk_done(c, req, dst, len);
	vcd_req_put(req);
	return err;
}

bool vcd_cipher_op_valid(const struct crypt_op *cop, unsigned int block)
{
	if (cop->op != COP_ENCRYPT && cop->op != COP_DECRYPT)
		return false;
	if (cop->flags & (COP_FLAG_AEAD_TLS_TYPE | COP_FLAG_AEAD_SRTP_TYPE))
		return false;
	return cop->len && cop->len <= VCD_MAX_LEN && !(cop->len % block);
}

static int vcd_crypt_session(struct vcd_device *vd, struct vcd_session *s,
			     const struct crypt_op *cop)
{
	struct vcd_chunk c = { .vd = vd, .s = s };
	unsigned long src = (unsigned long)cop->src;
	unsigned long dst = (unsigned long)cop->dst;
	int epoch = atomic_read(&vd->epoch);
	bool chained;
	u32 off, n;
	int err;

	if (!vcd_cipher_op_valid(cop, vcd_session_block(s)))
		return -EINVAL;
	c.encrypt = cop->op == COP_ENCRYPT;
	c.ivlen = vcd_session_ivlen(s);
	/*
	 * Without an iv the operation continues from the session's last one:
	 * such operations run one at a time, or two would share an IV (in
	 * CTR mode, a keystream).
	 */
	chained = c.ivlen && !cop->iv;
	if (chained) {
		if (mutex_lock_killable(&s->iv_lock))
			return -EINTR;
		memcpy(c.iv, s->iv, c.ivlen);
	} else if (c.ivlen && copy_from_user(c.iv, cop->iv, c.ivlen)) {
		return -EFAULT;
	}
	err = vcd_dev_session_get(s, c.encrypt, &c.sid);
	if (err)
		goto out_unlock;

	for (off = 0; off < cop->len; off += n) {
		n = min(cop->len - off, vd->chunk);
		err = vcd_crypt_chunk(&c, src + off, dst + off, n);
		/* A reset since the device session was looked up forgot it. */
		if (err == -EINVAL && atomic_read(&vd->epoch) != epoch)
			err = -EAGAIN;
		if (err)
			goto out_put;
	}
	if (!c.ivlen)
		goto out_put;
	if (!chained && mutex_lock_killable(&s->iv_lock)) {
		err = -EINTR;
		goto out_put;
	}
	memcpy(s->iv, c.iv, c.ivlen);
	if (!chained)
		mutex_unlock(&s->iv_lock);
	if ((cop->flags & COP_FLAG_WRITE_IV) && cop->iv &&
	    copy_to_user(cop->iv, c.iv, c.ivlen))
		err = -EFAULT;
out_put:
	vcd_dev_session_put(s, c.encrypt);
out_unlock:
	if (chained)
		mutex_unlock(&s->iv_lock);
	return err;
}

int vcd_cipher_crypt(struct vcd_session *s, const struct crypt_op *cop)
{
	if (s->soft)
		return vcd_soft_cipher_crypt(s, cop);
	return vcd_crypt_session(s->vd, s, cop);
}

/*
 * A cipher and a MAC, as cryptodev-linux chains them: the MAC is of the
 * plaintext, so of src before encrypting and of dst after decrypting.
 * Checked whole first, so a bad length leaves the MAC's state alone; len 0
 * only moves the MAC (a FINAL after UPDATEs).
 */
static int vcd_chain_crypt(struct vcd_session *s, const struct crypt_op *cop)
{
	struct crypt_op mac_op = *cop;
	int err;

	if (cop->len && !vcd_cipher_op_valid(cop, vcd_session_block(s)))
		return -EINVAL;
	if (cop->op == COP_DECRYPT && cop->len) {
		err = vcd_cipher_crypt(s, cop);
		if (err)
			return err;
		mac_op.src = cop->dst;
	}
	err = vcd_hash_crypt(s, &mac_op);
	if (err || cop->op == COP_DECRYPT || !cop->len)
		return err;
	return vcd_cipher_crypt(s, cop);
}

int vcd_crypt_session_op(struct vcd_session *s, const struct crypt_op *cop)
{
	if (s->aead || s->tls_only)
		return -EINVAL;	/* CIOCAUTHCRYPT's, as cryptodev-linux */
	if (s->hash && s->cipher)
		return vcd_chain_crypt(s, cop);
	if (s->hash)
		return vcd_hash_crypt(s, cop);
	return vcd_cipher_crypt(s, cop);
}

int vcd_crypt(struct vcd_file *f, const struct crypt_op *cop)
{
	struct vcd_session *s = vcd_session_get(f, cop->ses);
	int err;

	if (!s)
		return -EINVAL;
	err = vcd_crypt_session_op(s, cop);
	vcd_session_put(s);
	return err;
}
