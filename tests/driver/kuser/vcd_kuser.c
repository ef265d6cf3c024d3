// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: an in-kernel user of the crypto API's cbc(aes), which must be
 * virtio_cryptodev's. mode=check runs NIST SP 800-38A's vectors and random
 * requests (scatterlists of odd pieces, in place and not, many in flight)
 * checked against the kernel's software cbc(aes), prints "ok"/"FAIL" lines
 * and fails to load when a check failed. mode=load keeps requests in flight
 * from a thread until unloaded, counting them in its read-only parameters,
 * for unplug and rmmod tests.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/skcipher.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static char *mode = "check";
module_param(mode, charp, 0444);
static unsigned long ok, wrong, enodev, other;
module_param(ok, ulong, 0444);
module_param(wrong, ulong, 0444);
module_param(enodev, ulong, 0444);
module_param(other, ulong, 0444);

#define DRIVER		"cbc-aes-virtio_cryptodev"
#define INFLIGHT	16
#define PIECES		5

static struct crypto_skcipher *dev_tfm, *soft_tfm;
static struct task_struct *load_thread;
static int failures;

static void check(bool good, const char *what)
{
	pr_info("%s %s\n", good ? "ok  " : "FAIL", what);
	failures += !good;
}

/* One request in flight: its buffers, scatterlists and wait. */
struct job {
	struct skcipher_request *req;
	struct crypto_wait wait;
	struct scatterlist src[PIECES], dst[PIECES];
	u8 *in, *out;
	u8 iv[16];
	unsigned int len;
	int err;
};

/* Maps buf as up to PIECES pieces of random lengths (len > 0). */
static void split(struct scatterlist *sg, u8 *buf, unsigned int len)
{
	unsigned int i, n, at = 0;

	sg_init_table(sg, PIECES);
	for (i = 0; i < PIECES - 1 && at < len; i++) {
		n = get_random_u32() % (len - at) + 1;
		sg_set_buf(&sg[i], buf + at, n);
		at += n;
	}
	if (at < len)
		sg_set_buf(&sg[i++], buf + at, len - at);
	sg_mark_end(&sg[i - 1]);
}

static int job_init(struct job *j, struct crypto_skcipher *tfm,
		    unsigned int max)
{
	j->req = skcipher_request_alloc(tfm, GFP_KERNEL);
	j->in = kmalloc(max, GFP_KERNEL);
	j->out = kmalloc(max, GFP_KERNEL);
	if (!j->req || !j->in || !j->out)
		return -ENOMEM;
	return 0;
}

static void job_free(struct job *j)
{
	kfree(j->out);
	kfree(j->in);
	skcipher_request_free(j->req);
}

/* Starts j: len bytes of in to out (or in place), iv copied. */
static void job_start(struct job *j, bool encrypt, bool inplace,
		      const u8 *iv, unsigned int len)
{
	u8 *dst = inplace ? j->in : j->out;

	j->len = len;
	memcpy(j->iv, iv, 16);
	split(j->src, j->in, len);
	split(j->dst, dst, len);
	crypto_init_wait(&j->wait);
	skcipher_request_set_callback(j->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &j->wait);
	skcipher_request_set_crypt(j->req, j->src, inplace ? j->src : j->dst,
				   len, j->iv);
	j->err = encrypt ? crypto_skcipher_encrypt(j->req) :
			   crypto_skcipher_decrypt(j->req);
}

static int job_wait(struct job *j)
{
	return crypto_wait_req(j->err, &j->wait);
}

/* What the software cbc(aes) makes of len bytes of in; its output IV too. */
static int soft_crypt(bool encrypt, const u8 *iv, const u8 *in, u8 *out,
		      unsigned int len, u8 *iv_out)
{
	struct skcipher_request *req;
	struct scatterlist src, dst;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	req = skcipher_request_alloc(soft_tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	memcpy(iv_out, iv, 16);
	sg_init_one(&src, in, len);
	sg_init_one(&dst, out, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &src, &dst, len, iv_out);
	err = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
			      crypto_skcipher_decrypt(req), &wait);
	skcipher_request_free(req);
	return err;
}

static int set_keys(unsigned int keylen, u8 *key)
{
	int err;

	get_random_bytes(key, keylen);
	err = crypto_skcipher_setkey(dev_tfm, key, keylen);
	return err ? err : crypto_skcipher_setkey(soft_tfm, key, keylen);
}

static const u8 nist_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const u8 nist_pt[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c,
	0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11,
	0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17,
	0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const struct {
	const char *name;
	unsigned int keylen;
	u8 key[32];
	u8 ct[64];
} nist[] = {
	{ "SP 800-38A F.2.1/F.2.2 CBC-AES128", 16,
	  { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	    0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c },
	  { 0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
	    0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d,
	    0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72, 0x19, 0xee,
	    0x95, 0xdb, 0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2,
	    0x73, 0xbe, 0xd6, 0xb8, 0xe3, 0xc1, 0x74, 0x3b,
	    0x71, 0x16, 0xe6, 0x9e, 0x22, 0x22, 0x95, 0x16,
	    0x3f, 0xf1, 0xca, 0xa1, 0x68, 0x1f, 0xac, 0x09,
	    0x12, 0x0e, 0xca, 0x30, 0x75, 0x86, 0xe1, 0xa7 } },
	{ "SP 800-38A F.2.5/F.2.6 CBC-AES256", 32,
	  { 0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
	    0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
	    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7,
	    0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4 },
	  { 0xf5, 0x8c, 0x4c, 0x04, 0xd6, 0xe5, 0xf1, 0xba,
	    0x77, 0x9e, 0xab, 0xfb, 0x5f, 0x7b, 0xfb, 0xd6,
	    0x9c, 0xfc, 0x4e, 0x96, 0x7e, 0xdb, 0x80, 0x8d,
	    0x67, 0x9f, 0x77, 0x7b, 0xc6, 0x70, 0x2c, 0x7d,
	    0x39, 0xf2, 0x33, 0x69, 0xa9, 0xd9, 0xba, 0xcf,
	    0xa5, 0x30, 0xe2, 0x63, 0x04, 0x23, 0x14, 0x61,
	    0xb2, 0xeb, 0x05, 0xe2, 0xc3, 0x9b, 0xe9, 0xfc,
	    0xda, 0x6c, 0x19, 0x07, 0x8c, 0x6a, 0x9d, 0x1b } },
};

static void check_nist(struct job *j)
{
	char what[96];
	unsigned int i;
	bool good;

	for (i = 0; i < ARRAY_SIZE(nist); i++) {
		good = !crypto_skcipher_setkey(dev_tfm, nist[i].key,
					       nist[i].keylen);
		memcpy(j->in, nist_pt, 64);
		job_start(j, true, false, nist_iv, 64);
		good = good && !job_wait(j) && !memcmp(j->out, nist[i].ct, 64) &&
		       !memcmp(j->iv, nist[i].ct + 48, 16);
		snprintf(what, sizeof(what), "%s encrypt (and output IV)",
			 nist[i].name);
		check(good, what);
		memcpy(j->in, nist[i].ct, 64);
		job_start(j, false, true, nist_iv, 64);
		good = !job_wait(j) && !memcmp(j->in, nist_pt, 64) &&
		       !memcmp(j->iv, nist[i].ct + 48, 16);
		snprintf(what, sizeof(what), "%s decrypt in place", nist[i].name);
		check(good, what);
	}
}

/* INFLIGHT random requests at once, each checked against the software. */
static bool run_batch(struct job *jobs, unsigned int max, u8 *expect)
{
	bool enc[INFLIGHT], inplace[INFLIGHT], good = true;
	u8 iv[INFLIGHT][16];
	unsigned int i;
	int err;

	/* The expected results first: in place overwrites the input. */
	for (i = 0; i < INFLIGHT; i++) {
		jobs[i].len = (get_random_u32() % (max / 16) + 1) * 16;
		get_random_bytes(jobs[i].in, jobs[i].len);
		get_random_bytes(iv[i], 16);
		enc[i] = get_random_u32() & 1;
		inplace[i] = get_random_u32() & 1;
		if (soft_crypt(enc[i], iv[i], jobs[i].in, expect + i * max,
			       jobs[i].len, expect + (INFLIGHT + i) * max))
			return false;
	}
	for (i = 0; i < INFLIGHT; i++) {
		job_start(&jobs[i], enc[i], inplace[i], iv[i], jobs[i].len);
		if (inplace[i])
			jobs[i].out = jobs[i].in;
	}
	for (i = 0; i < INFLIGHT; i++) {
		err = job_wait(&jobs[i]);
		if (!err && (memcmp(jobs[i].out, expect + i * max, jobs[i].len) ||
			     memcmp(jobs[i].iv, expect + (INFLIGHT + i) * max, 16)))
			err = -EBADMSG;
		switch (err) {
		case 0:
			ok++;
			break;
		case -EBADMSG:
			wrong++;
			break;
		case -ENODEV:
			enodev++;
			break;
		default:
			other++;
		}
		good = good && !err;
	}
	return good;
}

/* jobs[i].out may have been pointed at .in: each keeps two buffers. */
struct jobset {
	struct job jobs[INFLIGHT];
	u8 *outs[INFLIGHT];
	u8 *expect;
	unsigned int max;
};

static void jobset_free(struct jobset *js)
{
	unsigned int i;

	for (i = 0; i < INFLIGHT; i++) {
		js->jobs[i].out = js->outs[i];
		job_free(&js->jobs[i]);
	}
	vfree(js->expect);
	kfree(js);
}

static struct jobset *jobset_alloc(unsigned int max)
{
	struct jobset *js = kzalloc(sizeof(*js), GFP_KERNEL);
	unsigned int i;

	if (!js)
		return NULL;
	js->max = max;
	js->expect = vmalloc(2 * INFLIGHT * max);
	for (i = 0; i < INFLIGHT; i++) {
		if (job_init(&js->jobs[i], dev_tfm, max))
			js->expect = NULL;
		js->outs[i] = js->jobs[i].out;
	}
	if (!js->expect) {
		jobset_free(js);
		return NULL;
	}
	return js;
}

static bool jobset_run(struct jobset *js)
{
	unsigned int i;
	bool good = run_batch(js->jobs, js->max, js->expect);

	for (i = 0; i < INFLIGHT; i++)
		js->jobs[i].out = js->outs[i];
	return good;
}

static void check_all(void)
{
	static const unsigned int keylens[] = { 16, 24, 32 };
	static const unsigned int maxes[] = { 64, 4096, 200 * 1024 };
	unsigned int k, m, before;
	struct jobset *js;
	char what[96];
	u8 key[32];
	bool good;

	check(!strcmp(crypto_skcipher_driver_name(dev_tfm), DRIVER),
	      "cbc(aes) for an in-kernel user is " DRIVER);
	check(strcmp(crypto_skcipher_driver_name(soft_tfm), DRIVER),
	      "the oracle, cbc(aes) without async or driver-only, is another");
	js = jobset_alloc(64);
	if (!js) {
		check(false, "memory for the checks");
		return;
	}
	check_nist(&js->jobs[0]);
	for (k = 0; k < ARRAY_SIZE(keylens); k++) {
		for (m = 0; m < ARRAY_SIZE(maxes); m++) {
			if (js->max != maxes[m]) {
				jobset_free(js);
				js = jobset_alloc(maxes[m]);
				if (!js) {
					check(false, "memory for the checks");
					return;
				}
			}
			before = wrong + other + enodev;
			good = !set_keys(keylens[k], key);
			good = good && jobset_run(js) && jobset_run(js);
			snprintf(what, sizeof(what),
				 "AES-%u: %u requests of up to %u bytes, %u in flight, vs software",
				 keylens[k] * 8, 2 * INFLIGHT, maxes[m], INFLIGHT);
			check(good && before == wrong + other + enodev, what);
		}
	}
	js->jobs[0].len = 17;
	split(js->jobs[0].src, js->jobs[0].in, 17);
	skcipher_request_set_crypt(js->jobs[0].req, js->jobs[0].src,
				   js->jobs[0].src, 17, js->jobs[0].iv);
	check(crypto_skcipher_encrypt(js->jobs[0].req) == -EINVAL,
	      "a length not in blocks: EINVAL");
	check(crypto_skcipher_setkey(dev_tfm, key, 20) == -EINVAL,
	      "a 20-byte key: EINVAL");
	jobset_free(js);
}

static int load_fn(void *unused)
{
	struct jobset *js = jobset_alloc(8192);
	u8 key[16];

	if (!js || set_keys(16, key)) {
		other++;
		goto wait;
	}
	while (!kthread_should_stop())
		jobset_run(js);
wait:
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	if (js)
		jobset_free(js);
	return 0;
}

static int __init kuser_init(void)
{
	int err;

	dev_tfm = crypto_alloc_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(dev_tfm))
		return PTR_ERR(dev_tfm);
	soft_tfm = crypto_alloc_skcipher("cbc(aes)", 0, CRYPTO_ALG_ASYNC |
					 CRYPTO_ALG_KERN_DRIVER_ONLY);
	if (IS_ERR(soft_tfm)) {
		err = PTR_ERR(soft_tfm);
		goto err_dev;
	}
	if (!strcmp(mode, "load")) {
		load_thread = kthread_run(load_fn, NULL, "vcd_kuser");
		if (IS_ERR(load_thread)) {
			err = PTR_ERR(load_thread);
			goto err_soft;
		}
		return 0;
	}
	check_all();
	pr_info("%s: %d failed\n", mode, failures);
	err = failures ? -EIO : 0;
	if (err)
		goto err_soft;
	return 0;

err_soft:
	crypto_free_skcipher(soft_tfm);
err_dev:
	crypto_free_skcipher(dev_tfm);
	return err;
}

static void __exit kuser_exit(void)
{
	if (load_thread) {
		kthread_stop(load_thread);
		pr_info("load: ok=%lu wrong=%lu enodev=%lu other=%lu\n", ok, wrong,
			enodev, other);
	}
	crypto_free_skcipher(soft_tfm);
	crypto_free_skcipher(dev_tfm);
}

module_init(kuser_init);
module_exit(kuser_exit);
MODULE_DESCRIPTION("vcrypto test: an in-kernel user of virtio_cryptodev's skciphers");
MODULE_LICENSE("GPL");
